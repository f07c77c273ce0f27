"""Nothing is lost: every yuan of input is either classified or unclassified, per year and department.

The input total is summed straight from the table; classified and unclassified are summed from
the membership matrix. Their difference must be zero to the 分 — if it is not, budget-guard has
a bug, and the report says so instead of hiding it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .table import AMOUNT_FEN, DEPARTMENT, STAGE, YEAR

INPUT_FEN = "input_fen"
CLASSIFIED_FEN = "classified_fen"
UNCLASSIFIED_FEN = "unclassified_fen"
DIFFERENCE_FEN = "difference_fen"
CATEGORY_SUM_FEN = "category_sum_fen"
OVERLAP_FEN = "overlap_fen"
INPUT_LINES = "input_lines"
CLASSIFIED_LINES = "classified_lines"
UNCLASSIFIED_LINES = "unclassified_lines"
MULTI_CATEGORY_LINES = "multi_category_lines"
BALANCED = "balanced"
TOTAL_LABEL = "__total__"


def reconcile(table: pd.DataFrame, category_count: np.ndarray, membership: pd.DataFrame) -> pd.DataFrame:
    """Per stage × year × department (plus an all-department row per stage × year)."""
    amount = table[AMOUNT_FEN].to_numpy()
    classified = category_count > 0
    matrix = membership.to_numpy()
    work = pd.DataFrame(
        {
            STAGE: table[STAGE].astype(str).to_numpy(),
            YEAR: table[YEAR].to_numpy(),
            DEPARTMENT: table[DEPARTMENT].astype(str).to_numpy(),
            INPUT_FEN: amount,
            CLASSIFIED_FEN: np.where(classified, amount, 0),
            UNCLASSIFIED_FEN: np.where(classified, 0, amount),
            CATEGORY_SUM_FEN: amount * matrix.sum(axis=1)
            if matrix.size
            else np.zeros(len(amount), dtype=np.int64),
            INPUT_LINES: 1,
            CLASSIFIED_LINES: classified.astype(np.int64),
            UNCLASSIFIED_LINES: (~classified).astype(np.int64),
            MULTI_CATEGORY_LINES: (category_count > 1).astype(np.int64),
        }
    )
    keys = [STAGE, YEAR, DEPARTMENT]
    per_dept = work.groupby(keys, sort=True, as_index=False).sum()
    per_year = work.drop(columns=DEPARTMENT).groupby([STAGE, YEAR], sort=True, as_index=False).sum()
    per_year[DEPARTMENT] = TOTAL_LABEL
    out = pd.concat([per_year, per_dept], ignore_index=True)[list(work.columns)]
    out[DIFFERENCE_FEN] = out[INPUT_FEN] - out[CLASSIFIED_FEN] - out[UNCLASSIFIED_FEN]
    out[OVERLAP_FEN] = out[CATEGORY_SUM_FEN] - out[CLASSIFIED_FEN]
    out[BALANCED] = out[DIFFERENCE_FEN] == 0
    return out.sort_values([STAGE, YEAR, DEPARTMENT], key=_total_first).reset_index(drop=True)


def _total_first(col: pd.Series) -> pd.Series:
    if col.name == DEPARTMENT:
        return col.map(lambda v: "" if v == TOTAL_LABEL else str(v))
    return col
