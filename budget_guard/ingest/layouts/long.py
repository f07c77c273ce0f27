"""Our own long template: one budget line per row, columns named by the documented aliases.

Rows above the header (a title, a ``单位：万元`` line) are allowed; so are 合计/小计 rows, notes and
blank rows, which are counted and not read as data. Everything is vectorised per column, so a
million-line CSV costs a few pandas passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget_guard.ingest.files.grid import column_letter, top_rows
from budget_guard.ingest.lines import AMOUNT_LABEL, AMOUNT_TEXT, ROW, UNIT
from budget_guard.ingest.recognise.header_row import match_header_row
from budget_guard.ingest.recognise.headers import AMOUNT, long_field
from budget_guard.ingest.recognise.rows import (
    BLANK,
    DATA,
    HEADER,
    NOTE,
    SUBTOTAL,
    blank_rows,
    is_subtotal,
    note_rows,
    repeated_header_rows,
    squeeze,
)
from budget_guard.messages.problems import Problem
from budget_guard.model.table import DEPARTMENT, ECON_CODE, FUNC_CODE, ITEM

LAYOUT = "long"
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class LongHeader:
    """Where the header is, which column holds each field, and a unit stated in the amount header."""

    row: int
    fields: dict[str, int]
    labels: dict[str, str]
    unit: str | None
    problems: tuple[Problem, ...] = ()
    ignored: tuple[tuple[int, str], ...] = ()


def find_header(grid: pd.DataFrame, file: str = "", sheet: str | None = None) -> LongHeader | None:
    """The first row (within the first 30) naming an amount column and a code or department column."""
    for row, cells in top_rows(grid, HEADER_SCAN_ROWS):
        match = match_header_row(cells, row, long_field, file, sheet)
        fields, labels, problems, ignored = match.fields, match.labels, match.problems, match.ignored
        unit = match.stated_units.get(AMOUNT)
        others = {FUNC_CODE, ECON_CODE, DEPARTMENT} & fields.keys()
        if AMOUNT in fields and (others or len(fields) >= 3):
            return LongHeader(int(row), fields, labels, unit, tuple(problems), tuple(ignored))
    return None


def read_long(
    grid: pd.DataFrame, header: LongHeader, unit: str
) -> tuple[pd.DataFrame, dict[str, str], pd.Series]:
    """Lines as text for ``finish_lines``, the column labels, and a bucket per source row (data rows provisional)."""
    buckets = pd.Series(HEADER, index=grid.index, dtype="object")
    blank = blank_rows(grid)
    body = grid.index > header.row
    buckets[blank] = BLANK
    fields = header.fields
    label_cells = [grid[fields[f]] for f in (ITEM, FUNC_CODE, ECON_CODE, DEPARTMENT) if f in fields]
    subtotal = pd.Series(False, index=grid.index)
    for cells in label_cells:
        subtotal |= is_subtotal(cells)
    notes = note_rows(grid)
    repeated = repeated_header_rows(grid, grid.loc[header.row])
    candidate = body & ~blank
    buckets[candidate & repeated] = HEADER
    buckets[candidate & ~repeated & notes] = NOTE
    buckets[candidate & ~repeated & ~notes & subtotal] = SUBTOTAL
    data = candidate & ~repeated & ~notes & ~subtotal
    buckets[data] = DATA
    rows = grid.index[data]
    raw = pd.DataFrame({ROW: rows})
    taken = np.flatnonzero(data.to_numpy(dtype=bool))
    # the usual file: every data row in one run below the header, so a slice (no copy of the text)
    run = slice(taken[0], taken[-1] + 1) if len(taken) and taken[-1] - taken[0] + 1 == len(taken) else taken
    for field, position in fields.items():
        target = AMOUNT_TEXT if field == AMOUNT else field
        raw[target] = grid[position].iloc[run].reset_index(drop=True)  # stays an Arrow string column
    raw[AMOUNT_LABEL] = header.labels[AMOUNT]
    raw[UNIT] = unit
    labels = {field: header.labels[field] for field in fields}
    return raw, labels, buckets


MAX_MERGE_NOTICES = 20


def fill_merged(
    grid: pd.DataFrame, merges: list, header_row: int, *, file: str, sheet: str | None
) -> tuple[pd.DataFrame, list[Problem]]:
    """A merged cell below the header (部门 or 年度 printed once for several rows) holds for every row it spans.

    ``merges`` are calamine's 0-based ``((first_row, first_col), (last_row, last_col))``; only ranges
    wholly below the header are filled, with the top-left cell's value, and each gets a notice.
    """
    problems: list[Problem] = []
    if not merges:
        return grid, problems
    filled = None
    for (first_row, first_col), (last_row, last_col) in merges:
        top, bottom = first_row + 1, last_row + 1  # grid rows are 1-based
        if top <= header_row or bottom > grid.index[-1] or last_col >= grid.shape[1]:
            continue
        value = grid.iat[top - 1, first_col] if top - 1 < len(grid) else None
        if value is None or pd.isna(value) or (top == bottom and first_col == last_col):
            continue
        if filled is None:
            filled = grid.copy()
        for position in range(first_col, last_col + 1):
            filled.loc[top:bottom, filled.columns[position]] = value
        if len(problems) < MAX_MERGE_NOTICES:
            cells = f"{column_letter(first_col)}{top}:{column_letter(last_col)}{bottom}"
            problems.append(
                Problem(
                    "merged-cell-filled",
                    file=file,
                    sheet=sheet,
                    row=top,
                    column=column_letter(first_col),
                    details={"cells": cells, "value": str(value)},
                )
            )
    return (grid if filled is None else filled), problems


_GRAND_TOTAL = r"^(?:合计|总计|共计)|(?:合计|总计)$"
_PARTIAL = r"^(?:其中|小计)|小计$"


def total_row_problems(
    grid: pd.DataFrame,
    header: LongHeader,
    buckets: pd.Series,
    lines: pd.DataFrame,
    unit: str,
    *,
    file: str,
    sheet: str | None,
) -> list[Problem]:
    """Check each 合计/总计 row of a long table against the lines it closes.

    A total row sums the lines since the previous total row (or the header); a total printed
    before any line (合计 on top) sums the lines down to the next total. 小计 and 其中 rows are
    not checked: their scope is not written in the table.
    """
    from budget_guard.ingest.recognise.hierarchy import (
        compare,  # hierarchy imports this module's siblings; keep the cycle out
    )
    from budget_guard.ingest.recognise.numbers import OK, ROUNDED, parse_amounts

    subtotal_rows = buckets.index[(buckets == SUBTOTAL).to_numpy()]
    if not len(subtotal_rows) or AMOUNT not in header.fields:
        return []
    labels = pd.Series("", index=subtotal_rows, dtype="object")
    for field_name in (ITEM, FUNC_CODE, ECON_CODE, DEPARTMENT):
        if field_name in header.fields:
            cells = grid.loc[subtotal_rows, header.fields[field_name]].astype("object").fillna("")
            labels = labels.where(labels != "", cells)
    text = squeeze(pd.Series(labels.astype(str), dtype="string[pyarrow]"))
    grand = text.str.contains(_GRAND_TOTAL, regex=True).fillna(False) & ~text.str.contains(
        _PARTIAL, regex=True
    ).fillna(False)
    total_rows = [int(r) for r, is_total in zip(subtotal_rows, grand.to_numpy(), strict=True) if is_total]
    if not total_rows:
        return []
    fen, status = parse_amounts(grid.loc[total_rows, header.fields[AMOUNT]], unit=unit)
    # no line read (every row rejected): empty arrays, so the comparisons below still hold
    line_rows = lines["source_row"].to_numpy(dtype="int64") if len(lines) else np.zeros(0, dtype="int64")
    line_fen = lines["amount_fen"].to_numpy(dtype="int64") if len(lines) else np.zeros(0, dtype="int64")
    out: list[Problem] = []
    previous = header.row
    for index, row in enumerate(total_rows):
        if status.iloc[index] not in (OK, ROUNDED):
            previous = row
            continue
        above = (line_rows > previous) & (line_rows < row)
        if not above.any():  # 合计 on top: it closes the lines below, down to the next total
            following = total_rows[index + 1] if index + 1 < len(total_rows) else grid.index[-1] + 1
            above = (line_rows > row) & (line_rows < following)
        previous = row
        if not above.any():
            continue
        computed = int(sum(int(v) for v in line_fen[above]))
        problem = compare(
            int(fen.iloc[index]),
            computed,
            unit,
            mismatch="total-mismatch",
            place={"file": file, "sheet": sheet, "row": row, "column": header.labels[AMOUNT]},
            details={"label": str(labels.get(row) or "合计").strip()},
        )
        if problem:
            out.append(problem)
    return out
