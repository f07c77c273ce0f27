"""The summary half's inputs, read from the seam: the compared cells, the reconciliation, the notes.

Everything here works on a ``LineSummary`` (a few thousand rows even for a province), so it is
shared by every backend: the pandas, DuckDB and Spark paths differ only in how they sum the lines.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard.engine.compare import (
    CATEGORY,
    DEPARTMENT_SCOPE,
    LINES,
    PARENT,
    PARENT_COLUMNS,
    SCOPE,
    SCOPE_HAS_LINES,
    SCOPE_PRESENT,
    SCOPE_TYPE,
    TABLES_MASK,
    UNIT_SCOPE,
    with_group,
)
from budget_guard.engine.scope_label import NO_DIVISION
from budget_guard.engine.seam import COVERED_LINES, INPUT_LINES, LineSummary
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import AMOUNT_FEN, DEPARTMENT, STAGE, UNIT, YEAR


def stage_years(summary: LineSummary, stage: str) -> np.ndarray:
    """The sorted fiscal years that have at least one line of the compared stage."""
    totals = summary.totals
    years = totals.loc[(totals[STAGE] == stage) & (totals[INPUT_LINES] > 0), YEAR].unique()
    return np.sort(years.astype(np.int64))


def departments(summary: LineSummary, by: str = DEPARTMENT) -> list[str]:
    """Every department (or unit) with a line in any stage (sorted), so a department that skipped
    the compared stage in a year still gets a row that says so."""
    values = summary.totals[by] if by in summary.totals else pd.Series(dtype=object)
    return sorted({str(v) for v in values if v is not None and not pd.isna(v)})


def parents(summary: LineSummary, by: str) -> dict[str, str]:
    """Scope → the one scope above it (a unit's department, a department's 区划); none when two."""
    column = PARENT_COLUMNS.get(by)
    totals = summary.totals
    if column is None or column not in totals or by not in totals:
        return {}
    pairs = totals[[by, column]].dropna().drop_duplicates()
    pairs = pairs[~pairs[by].duplicated(keep=False)]
    out = {str(k): str(v) for k, v in zip(pairs[by], pairs[column], strict=True)}
    if by == DEPARTMENT and len(pairs):
        # Departments of no 区划 beside departments of one are a jurisdiction of their own (a city's
        # tables beside a county's 一体化 export): they are totalled apart, never into a 区划.
        placed = set(totals.loc[totals[column].notna(), by].astype(str))
        for name in totals.loc[totals[by].notna(), by].astype(str).unique():
            if name not in placed:
                out[name] = NO_DIVISION
    return out


def _by_scope(cells: pd.DataFrame, by: str) -> pd.DataFrame:
    """Cells (per 区划 × 部门 × 单位) summed to one row per category × ``by`` × year; masks OR-ed."""
    cells = cells[cells[by].notna()]
    keys = [CATEGORY, by, YEAR]
    grouped = cells.groupby(keys, sort=False)
    sums = grouped[[AMOUNT_FEN, LINES, COVERED_LINES]].sum()
    # OR the layout bits per group with one unbuffered ufunc pass (a Python lambda per group was
    # most of the summary half: ~12k groups at a province's size)
    masks = np.zeros(len(sums), dtype=np.int64)
    np.bitwise_or.at(masks, grouped.ngroup().to_numpy(), cells[TABLES_MASK].to_numpy(dtype=np.int64))
    sums[TABLES_MASK] = masks
    return sums


def department_cells(summary: LineSummary, rules: Rules, stage: str, by: str = DEPARTMENT) -> pd.DataFrame:
    """Amount and line count per category × department × year of the compared stage, every
    department × compared year present (0 and not covered where it had no line).

    ``scope_has_lines`` says whether the department had a line that year that could carry the
    category (coverage): that tells a department that skipped a year — or only sent a 功能分类
    table — from one that had no spending in a category.
    """
    years = stage_years(summary, stage)
    names = departments(summary, by)
    ids = [c.id for c in rules.categories]
    if not len(years) or not names:
        return pd.DataFrame(
            {
                CATEGORY: pd.Series(dtype=object),
                YEAR: pd.Series(dtype=np.int64),
                AMOUNT_FEN: pd.Series(dtype=np.int64),
                LINES: pd.Series(dtype=np.int64),
                SCOPE_HAS_LINES: pd.Series(dtype=bool),
                TABLES_MASK: pd.Series(dtype=np.int64),
                SCOPE_PRESENT: pd.Series(dtype=bool),
                SCOPE: pd.Series(dtype=object),
                SCOPE_TYPE: pd.Series(dtype=object),
                "group": pd.Series(dtype=object),
                "direction": pd.Series(dtype=object),
                PARENT: pd.Series(dtype=object),
            }
        )
    cells = summary.cells
    cells = _by_scope(cells.loc[cells[STAGE] == stage], by)
    grid = pd.MultiIndex.from_product([ids, names, years], names=[CATEGORY, by, YEAR])
    dense = cells.reindex(grid)
    totals = summary.totals
    totals = totals.loc[(totals[STAGE] == stage).to_numpy() & (totals[INPUT_LINES] > 0).to_numpy()]
    present = (
        pd.MultiIndex.from_arrays([grid.get_level_values(by), grid.get_level_values(YEAR)]).isin(
            pd.MultiIndex.from_arrays([totals[DEPARTMENT].astype(object), totals[YEAR].astype(np.int64)])
        )
        if by == DEPARTMENT
        else np.ones(len(grid), dtype=bool)  # units: the seam's totals are per department
    )
    out = pd.DataFrame(
        {
            CATEGORY: grid.get_level_values(CATEGORY).to_numpy(dtype=object),
            YEAR: grid.get_level_values(YEAR).to_numpy(dtype=np.int64),
            AMOUNT_FEN: dense[AMOUNT_FEN].fillna(0).to_numpy(dtype=np.int64),
            LINES: dense[LINES].fillna(0).to_numpy(dtype=np.int64),
            SCOPE_HAS_LINES: dense[COVERED_LINES].fillna(0).to_numpy(dtype=np.int64) > 0,
            TABLES_MASK: dense[TABLES_MASK].fillna(0).to_numpy(dtype=np.int64),
            SCOPE_PRESENT: present,  # any line at all of the stage that year (a missing submission if not)
            SCOPE: grid.get_level_values(by).to_numpy(dtype=object),
            SCOPE_TYPE: UNIT_SCOPE if by == UNIT else DEPARTMENT_SCOPE,
        }
    )
    out[PARENT] = out[SCOPE].map(parents(summary, by))
    return with_group(out, rules)


def empty_categories(summary: LineSummary, rules: Rules) -> list[str]:
    """Categories that no line of the whole table (any stage) falls into."""
    lines = summary.cells.groupby(CATEGORY)[LINES].sum()
    return [c.id for c in rules.categories if int(lines.get(c.id, 0)) == 0]


# A note on a run: its message key and the key's placeholder values, as (name, value) pairs.
Note = tuple[str, tuple[tuple[str, object], ...]]


def stage_notes(summary: LineSummary, stage: str) -> list[Note]:
    """The compared stage is absent (which stages there are), or other stages' lines are left out."""
    totals = summary.totals
    per_stage = totals.groupby(STAGE)[INPUT_LINES].sum()
    present = sorted(str(s) for s, n in per_stage.items() if n > 0)
    notes: list[Note] = []
    if present and stage not in present:
        notes.append(("note.stage_absent", (("stage", stage), ("present", ", ".join(present)))))
    other = int(per_stage[per_stage.index != stage].sum())
    if other and stage in present:
        notes.append(("note.other_stages", (("count", other), ("stage", stage))))
    return notes
