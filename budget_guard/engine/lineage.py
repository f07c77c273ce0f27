"""Where a number came from: the source rows behind a scope × category × year, fast enough for thousands of findings.

A ``SourceIndex`` sorts each category's line positions once by (department, year) and by year,
so the lines behind any finding are a few ``searchsorted`` slices, and the 'file:sheet:rows'
text is built with numpy on at most ``MAX_SOURCE_LINES`` of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from budget_guard.model.table import DEPARTMENT, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, STAGE, YEAR

MAX_SOURCE_RANGES = 12
MAX_SOURCE_LINES = 2000
MAX_ROW_RANGES = 40


def compress_rows(rows: np.ndarray, limit: int = MAX_ROW_RANGES) -> str:
    """[3,4,5,9] → '3-5,9' (rows sorted ascending, unique); at most ``limit`` ranges, then '…'."""
    if len(rows) == 0:
        return ""
    breaks = np.flatnonzero(np.diff(rows) != 1)
    starts = np.concatenate(([rows[0]], rows[breaks + 1]))[:limit].tolist()
    ends = np.concatenate((rows[breaks], [rows[-1]]))[:limit].tolist()
    text = ",".join(str(s) if s == e else f"{s}-{e}" for s, e in zip(starts, ends, strict=True))
    return text + ",…" if len(breaks) + 1 > limit else text


# category, years, department (None: the government) [, the line column the scope is read from:
# unit_name or division for a 单位 or 区划 row; department when left out]
SourceRequest = tuple[str, list[int], str | None] | tuple[str, list[int], str | None, str]


class Lineage(Protocol):
    """What findings need from the lines: per (category, years, department) the 'file:sheet:rows' text
    and how many lines are behind the number. The pandas index answers from memory; the SQL
    backends with one query for all findings."""

    def _first_in_source_order(self, positions: np.ndarray) -> np.ndarray:
        """The ``MAX_SOURCE_LINES`` lines first in (file, sheet, row) order — what every engine lists, so
        the text does not depend on the order lines were read in (O(n): a partition, not a sort)."""
        if len(positions) <= MAX_SOURCE_LINES:
            return positions
        rows = self._row[positions]
        row_span = int(rows.max()) + 2
        sheets = len(self._sheet_names) + 1
        key = ((self._file[positions].astype(np.int64) + 1) * sheets + self._sheet[positions] + 1) * row_span
        key += rows + 1
        return positions[np.argpartition(key, MAX_SOURCE_LINES - 1)[:MAX_SOURCE_LINES]]

    def describe_cells(self, requests: Sequence[SourceRequest]) -> list[tuple[str, int]]: ...


def describe_rows(
    files: np.ndarray,
    file_names: list[str],
    sheets: np.ndarray,
    sheet_names: list[str],
    rows: np.ndarray,
    total: int,
) -> str:
    """'file:sheet:3-5,9; other.csv:12 …（共N行）' from the codes of at most ``MAX_SOURCE_LINES`` lines."""
    if total == 0:
        return ""
    order = np.lexsort((rows, sheets, files))
    f, s, r = files[order], sheets[order], rows[order]
    group_starts = np.flatnonzero(np.r_[True, (np.diff(f) != 0) | (np.diff(s) != 0)])
    group_ends = np.r_[group_starts[1:], len(f)]
    parts = []
    for start, end in zip(group_starts[:MAX_SOURCE_RANGES], group_ends[:MAX_SOURCE_RANGES], strict=True):
        file = file_names[f[start]] if f[start] >= 0 else "?"
        sheet = sheet_names[s[start]] if s[start] >= 0 else ""
        where = f"{file}:{sheet}" if sheet else file
        parts.append(f"{where}:{compress_rows(np.unique(r[start:end]))}")
    text = "; ".join(parts)
    if len(group_starts) > MAX_SOURCE_RANGES or total > len(f):
        text += f" …（共{total}行 / {total} lines）"
    return text


def _codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    cat = series.astype("category") if not isinstance(series.dtype, pd.CategoricalDtype) else series
    return cat.cat.codes.to_numpy(), [str(c) for c in cat.cat.categories]


class SourceIndex:
    """Line positions, ready to answer 'which rows are behind this number?'.

    In-stage lines are ordered once by (department, year) — a radix sort on a small integer key —
    so a department's lines in a year are one slice, filtered by the category; a government number
    filters the category's lines by year.
    """

    def __init__(self, lines: pd.DataFrame, membership: pd.DataFrame, stage: str) -> None:
        self._file, self._file_names = _codes(lines[SOURCE_FILE])
        self._sheet, self._sheet_names = _codes(lines[SOURCE_SHEET])
        self._row = lines[SOURCE_ROW].to_numpy(dtype=np.int64, na_value=-1)
        self._lines = lines
        self._year = lines[YEAR].to_numpy(dtype=np.int64)
        self._first_year = int(self._year.min()) if len(self._year) else 0
        self._year_span = int(self._year.max()) - self._first_year + 1 if len(self._year) else 1
        self._in_stage = (lines[STAGE] == stage).to_numpy()
        self._membership = membership
        self._members: dict[str, np.ndarray] = {}
        self._scopes: dict[str, tuple[dict[str, int], np.ndarray]] = {}
        self._orders: dict[str, tuple[np.ndarray, np.ndarray, int, int]] = {}

    def _scope_codes(self, column: str) -> tuple[dict[str, int], np.ndarray]:
        """Name → code and each line's code (-1: none) of a scope column (部门, 单位, 区划), built once."""
        if column not in self._scopes:
            codes, names = _codes(self._lines[column])
            self._scopes[column] = ({name: i for i, name in enumerate(names)}, codes)
        return self._scopes[column]

    def _member(self, category: str) -> np.ndarray:
        """Sorted positions of the category's in-stage lines."""
        if category not in self._members:
            self._members[category] = np.flatnonzero(self._membership[category].to_numpy() & self._in_stage)
        return self._members[category]

    def _scope_year_order(self, column: str) -> tuple[np.ndarray, np.ndarray, int, int]:
        """In-stage positions sorted by (scope, year), their keys, the first year and the span.

        One key per line in the smallest integer type that holds it (a radix sort for up to 2**16
        keys), lines outside the stage or without a scope keyed past the end and cut off: no gather
        of the lines before the sort."""
        if column not in self._orders:
            names, scope = self._scope_codes(column)
            first, span = self._first_year, self._year_span
            outside = ~self._in_stage | (scope < 0)
            beyond = (len(names) + 1) * span  # the key of lines that are not indexed
            dtype = np.uint16 if beyond < 2**16 else np.uint32 if beyond < 2**32 else np.uint64
            key = scope.astype(dtype)
            key *= dtype(span)
            key += (self._year - first).astype(dtype)
            count = len(key)
            if outside.any():
                key[outside] = beyond
                count -= int(outside.sum())
            order = np.argsort(key, kind="stable")[:count]  # stable: positions stay ascending per key
            self._orders[column] = (order, key[order].astype(np.int64), first, span)
        return self._orders[column]

    def positions(
        self, category: str, years: list[int], department: str | None = None, column: str = DEPARTMENT
    ) -> np.ndarray:
        """Sorted line positions of ``category`` in ``years`` (of one department — or the unit or
        division named by ``column`` — or all when None)."""
        if department is None:
            pos = self._member(category)
            return pos[np.isin(self._year[pos], years)]
        names, _ = self._scope_codes(column)
        if department not in names:
            return np.empty(0, dtype=np.int64)
        pos, key, first, span = self._scope_year_order(column)
        member = self._membership[category].to_numpy()
        parts = []
        for year in years:
            if not first <= year < first + span:
                continue
            wanted = names[department] * span + (year - first)
            lo, hi = np.searchsorted(key, [wanted, wanted + 1])
            part = pos[lo:hi]
            parts.append(part[member[part]])
        if not parts:
            return np.empty(0, dtype=np.int64)
        return np.sort(np.concatenate(parts))

    def describe(self, positions: np.ndarray) -> str:
        """'file:sheet:3-5,9; other.csv:12 …（共N行）' for the given line positions."""
        pos = self._first_in_source_order(positions)
        return describe_rows(
            self._file[pos],
            self._file_names,
            self._sheet[pos],
            self._sheet_names,
            self._row[pos],
            len(positions),
        )

    def _first_in_source_order(self, positions: np.ndarray) -> np.ndarray:
        """The ``MAX_SOURCE_LINES`` lines first in (file, sheet, row) order — what every engine lists, so
        the text does not depend on the order lines were read in (O(n): a partition, not a sort)."""
        if len(positions) <= MAX_SOURCE_LINES:
            return positions
        rows = self._row[positions]
        row_span = int(rows.max()) + 2
        sheets = len(self._sheet_names) + 1
        key = ((self._file[positions].astype(np.int64) + 1) * sheets + self._sheet[positions] + 1) * row_span
        key += rows + 1
        return positions[np.argpartition(key, MAX_SOURCE_LINES - 1)[:MAX_SOURCE_LINES]]

    def describe_cells(self, requests: Sequence[SourceRequest]) -> list[tuple[str, int]]:
        out = []
        for category, years, department, *column in requests:
            positions = self.positions(category, years, department, *column)
            out.append((self.describe(positions), len(positions)))
        return out
