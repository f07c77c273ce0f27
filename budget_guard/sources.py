"""Where a number came from: the source rows behind a scope × category × year, fast enough for thousands of findings.

A ``SourceIndex`` sorts each category's line positions once by (department, year) and by year,
so the lines behind any finding are a few ``searchsorted`` slices, and the 'file:sheet:rows'
text is built with numpy on at most ``MAX_SOURCE_LINES`` of them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .table import DEPARTMENT, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, STAGE, YEAR

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


def _codes(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    cat = series.astype("category") if not isinstance(series.dtype, pd.CategoricalDtype) else series
    return cat.cat.codes.to_numpy(), [str(c) for c in cat.cat.categories]


class SourceIndex:
    """Line positions per category, ready to answer 'which rows are behind this number?'."""

    def __init__(self, lines: pd.DataFrame, membership: pd.DataFrame, stage: str) -> None:
        self._file, self._file_names = _codes(lines[SOURCE_FILE])
        self._sheet, self._sheet_names = _codes(lines[SOURCE_SHEET])
        self._row = lines[SOURCE_ROW].fillna(-1).to_numpy(dtype=np.int64)
        dept_codes, dept_names = _codes(lines[DEPARTMENT])
        self._dept_code = {name: i for i, name in enumerate(dept_names)}
        self._dept = dept_codes.astype(np.int64)
        self._year = lines[YEAR].to_numpy(dtype=np.int64)
        self._in_stage = (lines[STAGE] == stage).to_numpy()
        self._membership = membership
        self._cache: dict[str, tuple] = {}

    def _category(self, category: str) -> tuple:
        if category not in self._cache:
            pos = np.flatnonzero(self._membership[category].to_numpy() & self._in_stage)
            dept_key = self._dept[pos] * 10_000 + self._year[pos]
            by_dept = np.argsort(dept_key, kind="stable")
            by_year = np.argsort(self._year[pos], kind="stable")
            self._cache[category] = (pos[by_dept], dept_key[by_dept], pos[by_year], self._year[pos][by_year])
        return self._cache[category]

    def positions(self, category: str, years: list[int], department: str | None = None) -> np.ndarray:
        """Sorted line positions of ``category`` in ``years`` (one department, or all when None)."""
        pos_d, key_d, pos_y, key_y = self._category(category)
        parts = []
        for year in years:
            if department is None:
                lo, hi = np.searchsorted(key_y, [year, year + 1])
                parts.append(pos_y[lo:hi])
            elif department in self._dept_code:
                key = self._dept_code[department] * 10_000 + year
                lo, hi = np.searchsorted(key_d, [key, key + 1])
                parts.append(pos_d[lo:hi])
        if not parts:
            return np.empty(0, dtype=np.int64)
        return np.sort(np.concatenate(parts))

    def describe(self, positions: np.ndarray) -> str:
        """'file:sheet:3-5,9; other.csv:12 …（共N行）' for the given line positions."""
        total = len(positions)
        if total == 0:
            return ""
        pos = positions[:MAX_SOURCE_LINES]
        f, s, r = self._file[pos], self._sheet[pos], self._row[pos]
        order = np.lexsort((r, s, f))
        f, s, r = f[order], s[order], r[order]
        group_starts = np.flatnonzero(np.r_[True, (np.diff(f) != 0) | (np.diff(s) != 0)])
        group_ends = np.r_[group_starts[1:], len(f)]
        parts = []
        for start, end in zip(group_starts[:MAX_SOURCE_RANGES], group_ends[:MAX_SOURCE_RANGES], strict=True):
            file = self._file_names[f[start]] if f[start] >= 0 else "?"
            sheet = self._sheet_names[s[start]] if s[start] >= 0 else ""
            where = f"{file}:{sheet}" if sheet else file
            parts.append(f"{where}:{compress_rows(np.unique(r[start:end]))}")
        text = "; ".join(parts)
        if len(group_starts) > MAX_SOURCE_RANGES or total > len(pos):
            text += f" …（共{total}行 / {total} lines）"
        return text
