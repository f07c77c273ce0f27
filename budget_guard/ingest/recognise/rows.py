"""Row kinds every layout shares: blank, note, subtotal and repeated header rows, found column-at-a-time.

Each source row ends in exactly one bucket of the sheet's ``SheetReport``; these masks are how the
layouts decide, and ``count_buckets`` is the one place that turns them into the report's counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from budget_guard.ingest.files.grid import TEXT
from budget_guard.ingest.load_result import SheetReport

DATA, SUBTOTAL, HEADER, NOTE, BLANK, REJECTED = "data", "subtotal", "header", "note", "blank", "rejected"
BUCKETS = (DATA, SUBTOTAL, HEADER, NOTE, BLANK, REJECTED)

# 合计 / 小计 / 总计 at either end of the cell, or 其中 at the start ("综合计划" does not match)
SUBTOTAL_PATTERN = r"^(?:其中|合计|小计|总计|共计)|(?:合计|小计|总计)$"
NOTE_PATTERN = r"^(?:注|说明|备注|附注|注释|填表说明|数据来源|资料来源)(?:\s*[\d一二三四五六七八九十]+)?\s*[:：、.．]|^[*※]"


# literal characters (not \\u escapes, which RE2 does not know): no-break, en/em/thin, ideographic, BOM
_SPACES = "[\\s\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]+"


def squeeze(series: pd.Series) -> pd.Series:
    """Text without any whitespace: ``合    计``, ``合　计`` → ``合计`` (tables pad labels to centre them).

    The pattern names the Unicode spaces itself: the pyarrow (RE2) ``\\s`` is ASCII-only, and a
    centred label is often padded with the ideographic space U+3000 or a no-break space.
    """
    return series.astype(TEXT).str.replace(_SPACES, "", regex=True)


def filled_cells(grid: pd.DataFrame) -> np.ndarray:
    """How many cells of each row hold something (one cheap pass per column, no frame of booleans)."""
    counts = np.zeros(len(grid), dtype=np.int32)
    for position in range(grid.shape[1]):
        counts += grid.iloc[:, position].notna().to_numpy(dtype=bool)
    return counts


def blank_rows(grid: pd.DataFrame) -> pd.Series:
    return pd.Series(filled_cells(grid) == 0, index=grid.index)


def first_text(grid: pd.DataFrame) -> pd.Series:
    """The first non-empty cell of each row (labels and notes sit in the leftmost filled cell)."""
    if not grid.shape[1]:
        return pd.Series(pd.NA, index=grid.index, dtype=TEXT)
    first = grid.iloc[:, 0].astype(TEXT)
    for position in range(1, grid.shape[1]):
        if not first.isna().any():
            break
        first = first.fillna(grid.iloc[:, position].astype(TEXT))
    return first


def is_subtotal(series: pd.Series) -> pd.Series:
    """合计/小计/总计/其中 labels, decided once per distinct cell text (a column of a million item names
    holds far fewer distinct ones), with a cheap substring test before the pattern."""
    codes, uniques = pd.factorize(series.astype(TEXT), use_na_sentinel=True)
    per_value = _subtotal_values(pd.Series(uniques, dtype=TEXT))
    return pd.Series(np.append(per_value, False)[codes], index=series.index)


def _subtotal_values(text: pd.Series) -> np.ndarray:
    cells = pa.array(text.array)
    candidate = pc.or_(pc.match_substring(cells, "计"), pc.match_substring(cells, "其中"))
    candidate = pd.Series(candidate.fill_null(False).to_numpy(zero_copy_only=False), index=text.index)
    out = pd.Series(False, index=text.index)
    if candidate.any():
        out[candidate] = (
            squeeze(text[candidate]).str.contains(SUBTOTAL_PATTERN, regex=True).fillna(False).to_numpy()
        )
    return out.to_numpy(dtype=bool)


def note_rows(grid: pd.DataFrame) -> pd.Series:
    """Rows whose first filled cell starts like a note (注：, 说明：, * …) and that hold at most two cells."""
    few = pd.Series(filled_cells(grid) <= 2, index=grid.index)
    out = pd.Series(False, index=grid.index)
    if few.any():
        first = squeeze(first_text(grid.loc[few]))
        out[few] = first.str.contains(NOTE_PATTERN, regex=True).fillna(False).to_numpy()
    return out.astype(bool)


def repeated_header_rows(grid: pd.DataFrame, header: pd.Series) -> pd.Series:
    """Rows equal to the header row (a table printed over two pages repeats it)."""
    same = grid.notna().any(axis=1)
    for column in grid.columns:
        expected = header.get(column)
        if expected is None or pd.isna(expected):
            continue
        same &= (grid[column] == expected).fillna(False).astype(bool)
        if not same.any():
            break
    return same


def count_buckets(report: SheetReport, buckets: pd.Series) -> None:
    """Fill a sheet report's counts from one bucket label per source row."""
    counts = buckets.value_counts()
    report.rows_read = len(buckets)
    report.data_rows = int(counts.get(DATA, 0))
    report.subtotal_rows = int(counts.get(SUBTOTAL, 0))
    report.header_rows = int(counts.get(HEADER, 0))
    report.note_rows = int(counts.get(NOTE, 0))
    report.blank_rows = int(counts.get(BLANK, 0))
    report.rejected_rows = int(counts.get(REJECTED, 0))
