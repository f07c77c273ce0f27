"""The line profile Great Expectations validates: one row per distinct department × year × stage ×
codes × expense type, with its line count and its negative, duplicate and missing-amount lines.

It is a group-by, so every engine computes it where the lines are (``line_profile`` in memory,
``backends/sql.line_profile_select`` on DuckDB / Spark) and GE validates the profile, never the lines.
Missing values are their own group (a line without a department still fails the not-null
expectation); duplicates are lines that share every ``DUPLICATE_KEY`` value with another line
(both count, as GE's compound-uniqueness check counts them).
"""

from __future__ import annotations

import pandas as pd

from budget_guard.ingest.settle.duplicates import DUPLICATE_KEY
from budget_guard.model.table import AMOUNT_FEN, DEPARTMENT, ECON_CODE, EXPENSE_TYPE, FUNC_CODE, STAGE, YEAR

PROFILE_KEYS: tuple[str, ...] = (DEPARTMENT, YEAR, STAGE, FUNC_CODE, ECON_CODE, EXPENSE_TYPE)
LINES = "lines"
NEGATIVE_LINES = "negative_lines"
DUPLICATE_LINES = "duplicate_lines"
MISSING_AMOUNTS = "missing_amounts"
PROFILE_COLUMNS: tuple[str, ...] = (*PROFILE_KEYS, LINES, NEGATIVE_LINES, DUPLICATE_LINES, MISSING_AMOUNTS)

__all__ = ["DUPLICATE_KEY", "PROFILE_COLUMNS", "PROFILE_KEYS", "line_profile"]


def line_profile(lines: pd.DataFrame) -> pd.DataFrame:
    """The profile of lines in memory (the pandas engine)."""
    keys = [c for c in PROFILE_KEYS if c in lines.columns]
    amount = pd.to_numeric(lines[AMOUNT_FEN], errors="coerce") if AMOUNT_FEN in lines.columns else None
    dup_key = [c for c in DUPLICATE_KEY if c in lines.columns]
    counts = pd.DataFrame(
        {
            NEGATIVE_LINES: (amount < 0).to_numpy() if amount is not None else False,
            DUPLICATE_LINES: lines.duplicated(subset=dup_key, keep=False).to_numpy() if dup_key else False,
            MISSING_AMOUNTS: amount.isna().to_numpy() if amount is not None else True,
        },
        index=lines.index,
    )
    grouped = pd.concat([lines[keys], counts], axis=1).groupby(keys, observed=True, dropna=False, sort=False)
    return grouped.agg(
        **{
            LINES: (NEGATIVE_LINES, "size"),
            NEGATIVE_LINES: (NEGATIVE_LINES, "sum"),
            DUPLICATE_LINES: (DUPLICATE_LINES, "sum"),
            MISSING_AMOUNTS: (MISSING_AMOUNTS, "sum"),
        }
    ).reset_index()
