"""Put each scope × category × year next to the previous year (the summary half's first step).

The department cells come from the seam (``summarize.department_cells``); ``group_sums`` is the
exact integer sum the pandas backend uses.

Sums are integer 分. They are computed with ``np.bincount`` (float64 weights), which is exact while
the sum of absolute amounts stays below 2**53 分 (about 90 万亿元); above that we fall back to an
exact int64 pandas groupby, so no cent is ever lost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rulebook import Rules
from ..table import AMOUNT_FEN, YEAR
from .seam import LINES, TABLES_MASK

SCOPE_TYPE = "scope_type"
SCOPE = "scope"
CATEGORY = "category"
GROUP = "group"
DIRECTION = "direction"
PREV_YEAR = "prev_year"
PREV_AMOUNT_FEN = "prev_amount_fen"
CHANGE_FEN = "change_fen"
CHANGE_RATE = "change_rate"
PREV_LINES = "prev_lines"
SCOPE_HAS_LINES = "scope_has_lines"
PREV_SCOPE_HAS_LINES = "prev_scope_has_lines"
PREV_TABLES_MASK = "prev_tables_mask"
SAME_TABLES = "same_tables"  # this year's lines come from layouts that last year also had
PREV_YEAR_IN_DATA = "prev_year_in_data"
FIRST_YEAR = "first_year"
BASIS_AMOUNT_FEN = "basis_amount_fen"
BASIS_PREV_AMOUNT_FEN = "basis_prev_amount_fen"
EXCLUDED_DEPARTMENTS = "excluded_departments"
SCOPE_PRESENT = "scope_present"  # the department has any line at all of the compared stage that year
PREV_SCOPE_PRESENT = "prev_scope_present"
BASIS_LINES = (
    "basis_lines"  # lines behind the comparable-basis amounts (全市合计: comparable departments only)
)
BASIS_PREV_LINES = "basis_prev_lines"

GOVERNMENT = "government"
DEPARTMENT_SCOPE = "department"

_EXACT_FLOAT_LIMIT = 2**53


def group_sums(group_ids: np.ndarray, amounts: np.ndarray, size: int) -> np.ndarray:
    """Exact int64 sums of ``amounts`` per group id in ``range(size)``."""
    if len(amounts) == 0:
        return np.zeros(size, dtype=np.int64)
    if int(np.abs(amounts).sum(dtype=np.float64)) < _EXACT_FLOAT_LIMIT:
        return np.bincount(group_ids, weights=amounts, minlength=size).round().astype(np.int64)
    sums = pd.Series(amounts).groupby(group_ids).sum()
    out = np.zeros(size, dtype=np.int64)
    out[sums.index.to_numpy()] = sums.to_numpy()
    return out


def with_group(frame: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    group_of = {c.id: c.group for c in rules.categories}
    direction_of = {c.id: rules.direction_of(c).value for c in rules.categories}
    frame[GROUP] = frame[CATEGORY].map(group_of)
    frame[DIRECTION] = frame[CATEGORY].map(direction_of)
    return frame


def year_over_year(departments: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Put each scope × category × year next to the previous calendar year.

    Department rows get their own previous year. The government row (全市合计) reports the sum of
    all departments, but its change and rate are on a *comparable basis* (可比口径): only
    departments with lines in both years count, so a department that is new, merged away or
    missing a submission shows up as its own finding instead of distorting the whole-government
    comparison. Department rows with no line in the category in either year are dropped (a
    department that never spends on 招商引资 has nothing to grade there); government rows are
    all kept, so a category that is empty everywhere still shows up.
    """
    years = np.sort(departments[YEAR].unique())
    keys = [SCOPE, CATEGORY, YEAR]
    prev = departments[keys + [AMOUNT_FEN, LINES, SCOPE_HAS_LINES, TABLES_MASK, SCOPE_PRESENT]].rename(
        columns={
            AMOUNT_FEN: PREV_AMOUNT_FEN,
            LINES: PREV_LINES,
            SCOPE_HAS_LINES: PREV_SCOPE_HAS_LINES,
            TABLES_MASK: PREV_TABLES_MASK,
            SCOPE_PRESENT: PREV_SCOPE_PRESENT,
        }
    )
    prev[YEAR] = prev[YEAR] + 1
    dept = departments.merge(prev, on=keys, how="left")
    dept[PREV_AMOUNT_FEN] = dept[PREV_AMOUNT_FEN].fillna(0).astype(np.int64)
    dept[PREV_LINES] = dept[PREV_LINES].fillna(0).astype(np.int64)
    dept[PREV_SCOPE_HAS_LINES] = dept[PREV_SCOPE_HAS_LINES].astype("boolean").fillna(False).astype(bool)
    dept[PREV_TABLES_MASK] = dept[PREV_TABLES_MASK].fillna(0).astype(np.int64)
    dept[PREV_SCOPE_PRESENT] = dept[PREV_SCOPE_PRESENT].astype("boolean").fillna(False).astype(bool)
    # Like for like: this year's lines come from the kinds of table last year also had (a 三公经费表
    # alone last year is no baseline for this year's 基本支出表 一般性支出).
    dept[SAME_TABLES] = (dept[TABLES_MASK] & ~dept[PREV_TABLES_MASK]) == 0
    comparable = dept[SCOPE_HAS_LINES] & dept[PREV_SCOPE_HAS_LINES] & dept[SAME_TABLES]
    dept[BASIS_AMOUNT_FEN] = dept[AMOUNT_FEN]
    dept[BASIS_PREV_AMOUNT_FEN] = dept[PREV_AMOUNT_FEN]
    dept[BASIS_LINES] = dept[LINES]
    dept[BASIS_PREV_LINES] = dept[PREV_LINES]
    dept[EXCLUDED_DEPARTMENTS] = 0

    parts = []
    if GOVERNMENT in rules.compare.scopes:
        work = dept.assign(
            _basis_cur=np.where(comparable, dept[AMOUNT_FEN], 0),
            _basis_prev=np.where(comparable, dept[PREV_AMOUNT_FEN], 0),
            _basis_lines=np.where(comparable, dept[LINES], 0),
            _basis_prev_lines=np.where(comparable, dept[PREV_LINES], 0),
            _excluded=(~comparable & (dept[SCOPE_HAS_LINES] | dept[PREV_SCOPE_HAS_LINES])).astype(np.int64),
        )
        gov = work.groupby([CATEGORY, YEAR], sort=False, as_index=False).agg(
            **{
                AMOUNT_FEN: (AMOUNT_FEN, "sum"),
                LINES: (LINES, "sum"),
                SCOPE_HAS_LINES: (SCOPE_HAS_LINES, "any"),
                PREV_AMOUNT_FEN: (PREV_AMOUNT_FEN, "sum"),
                PREV_LINES: (PREV_LINES, "sum"),
                PREV_SCOPE_HAS_LINES: (PREV_SCOPE_HAS_LINES, "any"),
                BASIS_AMOUNT_FEN: ("_basis_cur", "sum"),
                BASIS_PREV_AMOUNT_FEN: ("_basis_prev", "sum"),
                BASIS_LINES: ("_basis_lines", "sum"),
                BASIS_PREV_LINES: ("_basis_prev_lines", "sum"),
                SCOPE_PRESENT: (SCOPE_PRESENT, "any"),
                PREV_SCOPE_PRESENT: (PREV_SCOPE_PRESENT, "any"),
                EXCLUDED_DEPARTMENTS: ("_excluded", "sum"),
            }
        )
        gov[SCOPE] = rules.compare.government_label.zh
        gov[SAME_TABLES] = True  # the basis only holds departments compared like for like
        gov[SCOPE_TYPE] = GOVERNMENT
        parts.append(with_group(gov, rules))
    if DEPARTMENT_SCOPE in rules.compare.scopes:
        parts.append(dept)
    out = pd.concat(parts, ignore_index=True)
    for col in (
        AMOUNT_FEN,
        PREV_AMOUNT_FEN,
        BASIS_AMOUNT_FEN,
        BASIS_PREV_AMOUNT_FEN,
        BASIS_LINES,
        BASIS_PREV_LINES,
    ):
        out[col] = out[col].astype(np.int64)
    out[PREV_YEAR] = out[YEAR] - 1
    out[PREV_YEAR_IN_DATA] = out[PREV_YEAR].isin(years)
    out[FIRST_YEAR] = out[YEAR] == (years.min() if len(years) else 0)
    out[CHANGE_FEN] = out[BASIS_AMOUNT_FEN] - out[BASIS_PREV_AMOUNT_FEN]
    basis_prev = out[BASIS_PREV_AMOUNT_FEN].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = out[CHANGE_FEN].to_numpy(dtype=np.float64) / np.abs(basis_prev)
    out[CHANGE_RATE] = np.where(basis_prev != 0, rate, np.nan)
    relevant = (out[SCOPE_TYPE] == GOVERNMENT) | (out[LINES] > 0) | (out[PREV_LINES] > 0)
    return out.loc[relevant].reset_index(drop=True)
