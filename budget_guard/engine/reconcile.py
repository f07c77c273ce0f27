"""Nothing is lost: every yuan of input is either classified or unclassified, per year and department.

The backend sums the input straight from the amounts and, on their own, the classified and the
unclassified lines (``seam.LineSummary.totals``); this module lays those sums out per stage × year ×
department with an all-department row, and their difference must be zero to the 分 — if it is
not, budget-guard has a bug, and the report says so instead of hiding it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard.engine.seam import (
    CATEGORY_SUM_FEN,
    CLASSIFIED_FEN,
    CLASSIFIED_LINES,
    INPUT_FEN,
    INPUT_LINES,
    MULTI_CATEGORY_LINES,
    TOTAL_COLUMNS,
    UNCLASSIFIED_FEN,
    UNCLASSIFIED_LINES,
    LineSummary,
)
from budget_guard.model.table import DEPARTMENT, STAGE, YEAR

DIFFERENCE_FEN = "difference_fen"
OVERLAP_FEN = "overlap_fen"
BALANCED = "balanced"
TOTAL_LABEL = "__total__"


def reconcile(summary: LineSummary) -> pd.DataFrame:
    """Input = classified + unclassified per stage × year × department, plus an all-department row
    per stage × year (``__total__``, first); the difference must be 0 to the 分."""
    totals = summary.totals
    columns = list(TOTAL_COLUMNS)
    per_dept = totals.loc[totals[INPUT_LINES] > 0, [STAGE, YEAR, DEPARTMENT, *columns]]
    # totals come per 区划/单位 too (group keys of the seam); reconcile per department
    per_dept = per_dept.groupby([STAGE, YEAR, DEPARTMENT], as_index=False, sort=False)[columns].sum()
    all_depts = per_dept.groupby([STAGE, YEAR], as_index=False, sort=False)[columns].sum()
    all_depts[DEPARTMENT] = TOTAL_LABEL
    order = [STAGE, YEAR, DEPARTMENT, INPUT_FEN, CLASSIFIED_FEN, UNCLASSIFIED_FEN, CATEGORY_SUM_FEN]
    order += [c for c in columns if c not in order]
    out = pd.concat([all_depts[order], per_dept[order]], ignore_index=True)
    for col in columns:
        out[col] = out[col].astype(np.int64)
    out[YEAR] = out[YEAR].astype(np.int64)
    out[STAGE] = out[STAGE].astype(object)
    out[DEPARTMENT] = out[DEPARTMENT].astype(object)
    out[DIFFERENCE_FEN] = out[INPUT_FEN] - out[CLASSIFIED_FEN] - out[UNCLASSIFIED_FEN]
    out[OVERLAP_FEN] = out[CATEGORY_SUM_FEN] - out[CLASSIFIED_FEN]
    out[BALANCED] = out[DIFFERENCE_FEN] == 0
    return out.sort_values([STAGE, YEAR, DEPARTMENT], key=_total_first).reset_index(drop=True)


def _total_first(col: pd.Series) -> pd.Series:
    if col.name == DEPARTMENT:
        return col.map(lambda v: "" if v == TOTAL_LABEL else str(v))
    return col


__all__ = [
    "BALANCED",
    "CATEGORY_SUM_FEN",
    "CLASSIFIED_FEN",
    "CLASSIFIED_LINES",
    "DIFFERENCE_FEN",
    "INPUT_FEN",
    "INPUT_LINES",
    "MULTI_CATEGORY_LINES",
    "OVERLAP_FEN",
    "TOTAL_LABEL",
    "UNCLASSIFIED_FEN",
    "UNCLASSIFIED_LINES",
    "reconcile",
]
