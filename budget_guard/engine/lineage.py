"""Where a number came from: the source rows behind a scope × category × year, fast enough for thousands of findings.

A ``SourceIndex`` sorts each category's line positions once by (department, year) and by year,
so the lines behind any finding are a few ``searchsorted`` slices, and the 'file:sheet:rows'
text is built with numpy on at most ``MAX_SOURCE_LINES`` of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

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
            dtype: type[np.unsignedinteger[Any]] = (
                np.uint16 if beyond < 2**16 else np.uint32 if beyond < 2**32 else np.uint64
            )
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
        """``(describe(positions(*request)), len(positions))`` for every request, by one grouped
        lookup: the slices of all scoped requests are cut and filtered together, and their texts
        built from one sort of all their lines; only a request with more than ``MAX_SOURCE_LINES``
        lines (a 全市合计 number) is described on its own."""
        out: list[tuple[str, int]] = [("", 0)] * len(requests)
        scoped = [i for i, request in enumerate(requests) if request[2] is not None]
        for i, request in enumerate(requests):
            if request[2] is None:
                positions = self.positions(*request)
                out[i] = (self.describe(positions), len(positions))
        if not scoped:
            return out
        owner, positions = self._scoped_positions([requests[i] for i in scoped])
        counts = np.bincount(owner, minlength=len(scoped))
        starts = np.concatenate(([0], np.cumsum(counts)))
        large = np.flatnonzero(counts > MAX_SOURCE_LINES)
        for j in large.tolist():
            part = positions[starts[j] : starts[j + 1]]
            out[scoped[j]] = (self.describe(part), len(part))
        small = np.repeat(counts <= MAX_SOURCE_LINES, counts)
        texts = self._describe_many(owner[small], positions[small], len(scoped))
        for j, count in enumerate(counts.tolist()):
            if count <= MAX_SOURCE_LINES:
                out[scoped[j]] = (texts[j], count)
        return out

    def _scoped_positions(self, requests: Sequence[SourceRequest]) -> tuple[np.ndarray, np.ndarray]:
        """(request number, line position) of the lines behind every scoped request, sorted by
        request then position: ``positions`` for all of them with one ``searchsorted`` per scope
        column and one membership gather per category."""
        owners: list[np.ndarray] = []
        found: list[np.ndarray] = []
        by_column: dict[str, list[int]] = {}
        for j, (_, _, _, *named) in enumerate(requests):
            by_column.setdefault(named[0] if named else DEPARTMENT, []).append(j)
        for column, numbers in by_column.items():
            names, _ = self._scope_codes(column)
            pos, key, first, span = self._scope_year_order(column)
            wanted_owner, wanted_key = [], []
            for j in numbers:
                scope = requests[j][2]
                scope_code = names.get(scope) if scope is not None else None
                if scope_code is None:
                    continue
                for year in requests[j][1]:
                    if first <= year < first + span:
                        wanted_owner.append(j)
                        wanted_key.append(scope_code * span + (year - first))
            if not wanted_key:
                continue
            wanted = np.asarray(wanted_key, dtype=np.int64)
            lo, hi = np.searchsorted(key, wanted), np.searchsorted(key, wanted + 1)
            lengths = hi - lo
            slice_of = np.repeat(np.arange(len(wanted)), lengths)
            offset = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            owners.append(np.asarray(wanted_owner, dtype=np.int64)[slice_of])
            found.append(pos[lo[slice_of] + offset])
        if not found:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        owner, positions = np.concatenate(owners), np.concatenate(found)
        category_of = np.array([request[0] for request in requests], dtype=object)[owner]
        keep = np.zeros(len(positions), dtype=bool)
        for category in pd.unique(category_of):
            chosen = category_of == category
            keep[chosen] = self._membership[category].to_numpy()[positions[chosen]]
        owner, positions = owner[keep], positions[keep]
        order = np.lexsort((positions, owner))
        return owner[order], positions[order]

    def _describe_many(self, owner: np.ndarray, positions: np.ndarray, n: int) -> list[str]:
        """``describe`` of each request's lines (at most ``MAX_SOURCE_LINES`` each), from one sort
        of all of them by (request, file, sheet, row): groups, row ranges and caps as ``describe_rows``."""
        texts = [""] * n
        if len(positions) == 0:
            return texts
        totals = np.bincount(owner, minlength=n).tolist()  # lines, before rows are made distinct
        files, sheets, rows = self._file[positions], self._sheet[positions], self._row[positions]
        order = np.lexsort((rows, sheets, files, owner))
        owner, files, sheets, rows = owner[order], files[order], sheets[order], rows[order]
        new_group = np.r_[True, (np.diff(owner) != 0) | (np.diff(files) != 0) | (np.diff(sheets) != 0)]
        distinct = new_group | np.r_[True, np.diff(rows) != 0]  # np.unique of each group's rows
        owner, files, sheets, rows, new_group = (
            owner[distinct],
            files[distinct],
            sheets[distinct],
            rows[distinct],
            new_group[distinct],
        )
        range_start = np.flatnonzero(new_group | np.r_[True, np.diff(rows) != 1])
        range_end = np.r_[range_start[1:], len(rows)] - 1
        group_of_range = np.cumsum(new_group)[range_start] - 1
        group_start = np.flatnonzero(new_group)
        ranges_in_group = np.bincount(group_of_range, minlength=len(group_start))
        rank_in_group = np.arange(len(range_start)) - np.repeat(
            np.cumsum(ranges_in_group) - ranges_in_group, ranges_in_group
        )
        shown = rank_in_group < MAX_ROW_RANGES
        first_rows, last_rows = rows[range_start[shown]].tolist(), rows[range_end[shown]].tolist()
        range_texts = [str(a) if a == b else f"{a}-{b}" for a, b in zip(first_rows, last_rows, strict=True)]
        shown_per_group = np.minimum(ranges_in_group, MAX_ROW_RANGES)
        bounds = np.concatenate(([0], np.cumsum(shown_per_group))).tolist()
        group_owner = owner[group_start]
        groups_of_owner = np.bincount(group_owner, minlength=n)
        rank_of_group = np.arange(len(group_start)) - np.repeat(
            np.cumsum(groups_of_owner) - groups_of_owner, groups_of_owner
        )
        parts: list[list[str]] = [[] for _ in range(n)]
        for g, (j, rank, f, s, more) in enumerate(
            zip(
                group_owner.tolist(),
                rank_of_group.tolist(),
                files[group_start].tolist(),
                sheets[group_start].tolist(),
                (ranges_in_group > MAX_ROW_RANGES).tolist(),
                strict=True,
            )
        ):
            if rank >= MAX_SOURCE_RANGES:
                continue
            file = self._file_names[f] if f >= 0 else "?"
            sheet = self._sheet_names[s] if s >= 0 else ""
            where = f"{file}:{sheet}" if sheet else file
            compressed = ",".join(range_texts[bounds[g] : bounds[g + 1]])
            parts[j].append(f"{where}:{compressed},…" if more else f"{where}:{compressed}")
        for j, (groups, lines) in enumerate(zip(groups_of_owner.tolist(), totals, strict=True)):
            if parts[j]:
                text = "; ".join(parts[j])
                texts[j] = text + f" …（共{lines}行 / {lines} lines）" if groups > MAX_SOURCE_RANGES else text
        return texts
