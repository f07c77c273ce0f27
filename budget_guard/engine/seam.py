"""The engine seam: what the line-level half hands the summary half (``LineSummary``).

Only two steps touch every line: selecting lines into categories and summing them. A backend
(pandas in memory, DuckDB, Spark) does those and returns *group sums*: one row per
stage × department × year × source layout, with per category its amount, line count and covered
line count, plus the reconciliation sums. ``assemble`` — shared by every backend — turns that
into the ``LineSummary``; year over year, grading and findings (``summarize.py``) read nothing else.

``LineSummary.cells`` (one row per stage × department × year that has lines, × category)
    stage, department, year, category  the group
    amount_fen     exact sum of the category's lines (分)
    lines          how many lines are in the category
    covered_lines  lines that carry the classification the category's selector reads (coverage)
    tables_mask    bit set of the source layouts of the covered lines: bit i+1 = ``layouts[i]``,
                   bit 0 = a line without a stated layout; 0 when no line is covered
``LineSummary.totals`` (one row per stage × department × year that has lines)
    input_fen, input_lines           summed straight from the amounts
    classified_fen, classified_lines lines in at least one category
    unclassified_fen, unclassified_lines  lines in none (summed on their own, not as a difference)
    category_sum_fen                 Σ amount × number of categories of the line
    multi_category_lines             lines in two or more categories
``LineSummary.layouts``: the sorted source layouts the mask bits refer to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget_guard.model.table import AMOUNT_FEN, DEPARTMENT, DIVISION, SOURCE_LAYOUT, STAGE, UNIT, YEAR

CATEGORY = "category"
LINES = "lines"
COVERED_LINES = "covered_lines"
TABLES_MASK = "tables_mask"

INPUT_FEN = "input_fen"
INPUT_LINES = "input_lines"
CLASSIFIED_FEN = "classified_fen"
UNCLASSIFIED_FEN = "unclassified_fen"
CATEGORY_SUM_FEN = "category_sum_fen"
CLASSIFIED_LINES = "classified_lines"
UNCLASSIFIED_LINES = "unclassified_lines"
MULTI_CATEGORY_LINES = "multi_category_lines"
# Printed figures (a 机关运行经费 a table prints for the whole department-year, selectors.figure_expression):
# counted in the input and in their category, and stated apart, because the same money is in other lines.
PRINTED_FEN = "printed_fen"
PRINTED_LINES = "printed_lines"
TOTAL_COLUMNS: tuple[str, ...] = (
    INPUT_FEN,
    CLASSIFIED_FEN,
    UNCLASSIFIED_FEN,
    CATEGORY_SUM_FEN,
    INPUT_LINES,
    CLASSIFIED_LINES,
    UNCLASSIFIED_LINES,
    MULTI_CATEGORY_LINES,
    PRINTED_FEN,
    PRINTED_LINES,
)
GROUP_KEYS: tuple[str, ...] = (STAGE, DEPARTMENT, DIVISION, UNIT, YEAR)
# The 财政区划 and 单位 of a line (一体化 exports; missing elsewhere) are group keys too, so the
# summary half can compare divisions and units; cells and totals carry them (None when absent).
SCOPE_KEYS: tuple[str, ...] = (DIVISION, UNIT)
MAX_LAYOUT_BIT = 62  # layouts beyond the 62nd share the last bit (a run never has that many)

# Per-category columns of the group sums a backend returns: <prefix><i> for category i (rules order).
AMOUNT_PREFIX = "amount_"
LINES_PREFIX = "lines_"
COVERED_PREFIX = "covered_"


@dataclass(frozen=True)
class LineSummary:
    """The line-level half's answer (see the module docstring for every column)."""

    cells: pd.DataFrame
    totals: pd.DataFrame
    layouts: tuple[str, ...]

    @property
    def line_count(self) -> int:
        return int(self.totals[INPUT_LINES].sum()) if len(self.totals) else 0


def _optional_text(groups: pd.DataFrame, column: str) -> np.ndarray:
    """A scope key as text with None for missing (a backend without the column: all None)."""
    if column not in groups:
        return np.full(len(groups), None, dtype=object)
    values = groups[column].astype(object)
    return (
        values.where(values.notna(), None).map(lambda v: None if v is None else str(v)).to_numpy(dtype=object)
    )


def assemble(groups: pd.DataFrame, category_ids: tuple[str, ...]) -> LineSummary:
    """Group sums (stage × department × year × source layout; per category ``AMOUNT_PREFIX``,
    ``LINES_PREFIX`` and ``COVERED_PREFIX`` + its index, and ``TOTAL_COLUMNS``) → the ``LineSummary``. The same code for every backend, so the seam's
    meaning cannot drift between engines."""
    k = len(category_ids)
    layout = groups[SOURCE_LAYOUT].astype(object)
    layout = layout.where(layout.notna(), None).to_numpy()
    layouts = tuple(sorted({v for v in layout if v is not None}))
    bit_of = {name: min(i + 1, MAX_LAYOUT_BIT) for i, name in enumerate(layouts)}
    bits = np.fromiter((bit_of.get(v, 0) for v in layout), dtype=np.int64, count=len(layout))
    keys = pd.DataFrame(
        {
            STAGE: groups[STAGE].astype(str).to_numpy(dtype=object),
            DEPARTMENT: groups[DEPARTMENT].astype(str).to_numpy(dtype=object),
            **{k: _optional_text(groups, k) for k in SCOPE_KEYS},
            YEAR: groups[YEAR].to_numpy().astype(np.int64),
        }
    )
    order = keys.fillna("").sort_values(list(GROUP_KEYS), kind="stable").index.to_numpy()
    keys = keys.iloc[order].reset_index(drop=True)
    n = len(keys)
    if n:
        changed = np.zeros(n, dtype=bool)
        changed[0] = True
        for col in GROUP_KEYS:
            values = keys[col].fillna("").to_numpy() if col in SCOPE_KEYS else keys[col].to_numpy()
            changed[1:] |= values[1:] != values[:-1]
        starts = np.flatnonzero(changed)
    else:
        starts = np.zeros(0, dtype=np.intp)
    first = keys.iloc[starts].reset_index(drop=True)

    def matrix(columns: list[str]) -> np.ndarray:
        values = groups[columns].fillna(0).to_numpy(dtype=np.int64)[order]
        return np.add.reduceat(values, starts, axis=0) if n else np.zeros((0, len(columns)), np.int64)

    totals = first.copy()
    summed = matrix(list(TOTAL_COLUMNS))
    for j, col in enumerate(TOTAL_COLUMNS):
        totals[col] = summed[:, j]
    amounts = matrix([f"{AMOUNT_PREFIX}{i}" for i in range(k)])
    lines = matrix([f"{LINES_PREFIX}{i}" for i in range(k)])
    covered_rows = groups[[f"{COVERED_PREFIX}{i}" for i in range(k)]].fillna(0).to_numpy(np.int64)[order]
    covered = np.add.reduceat(covered_rows, starts, axis=0) if n else np.zeros((0, k), np.int64)
    row_bits = np.where(covered_rows > 0, np.left_shift(np.int64(1), bits[order])[:, None], 0)
    masks = np.bitwise_or.reduceat(row_bits, starts, axis=0) if n else np.zeros((0, k), np.int64)

    g = len(first)
    cells = pd.DataFrame(
        {
            STAGE: np.tile(first[STAGE].to_numpy(dtype=object), k),
            DEPARTMENT: np.tile(first[DEPARTMENT].to_numpy(dtype=object), k),
            **{key: np.tile(first[key].to_numpy(dtype=object), k) for key in SCOPE_KEYS},
            YEAR: np.tile(first[YEAR].to_numpy(dtype=np.int64), k),
            CATEGORY: np.repeat(np.asarray(category_ids, dtype=object), g),
            AMOUNT_FEN: amounts.T.reshape(-1),
            LINES: lines.T.reshape(-1),
            COVERED_LINES: covered.T.reshape(-1),
            TABLES_MASK: masks.T.reshape(-1),
        }
    )
    return LineSummary(cells=cells, totals=totals, layouts=layouts)
