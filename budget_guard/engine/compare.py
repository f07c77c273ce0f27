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

from budget_guard.engine.seam import LINES, TABLES_MASK
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import AMOUNT_FEN, DEPARTMENT, DIVISION, UNIT, YEAR

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

PARENT = "parent"  # the scope one level up: 单位 → 部门 → 区划 → 全市 (missing when not one)
BASELINE_STAGE = "baseline_stage"  # which figures of the previous year were compared with

GOVERNMENT = "government"
DIVISION_SCOPE = "division"
DEPARTMENT_SCOPE = "department"
UNIT_SCOPE = "unit"
# Scopes read straight from the lines (each has its own previous year) and the line column naming them;
# government and division rows add up departments on the comparable basis instead.
DIRECT_SCOPES: dict[str, str] = {DEPARTMENT_SCOPE: DEPARTMENT, UNIT_SCOPE: UNIT}
SCOPE_COLUMNS: dict[str, str] = {DIVISION_SCOPE: DIVISION, DEPARTMENT_SCOPE: DEPARTMENT, UNIT_SCOPE: UNIT}
PARENT_COLUMNS: dict[str, str] = {DEPARTMENT: DIVISION, UNIT: DEPARTMENT}
HIERARCHY: tuple[str, ...] = (GOVERNMENT, DIVISION_SCOPE, DEPARTMENT_SCOPE, UNIT_SCOPE)

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


def _with_previous(current: pd.DataFrame, baseline: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Each direct-scope row next to the same scope's previous-year row of the baseline figures."""
    keys = [SCOPE, CATEGORY, YEAR]
    # a scope without its own presence column (a frame built by hand) is present wherever it has rows
    if SCOPE_PRESENT not in current:
        current = current.assign(**{SCOPE_PRESENT: True})
    if SCOPE_PRESENT not in baseline:
        baseline = baseline.assign(**{SCOPE_PRESENT: True})
    prev = baseline[keys + [AMOUNT_FEN, LINES, SCOPE_HAS_LINES, TABLES_MASK, SCOPE_PRESENT]].rename(
        columns={
            AMOUNT_FEN: PREV_AMOUNT_FEN,
            LINES: PREV_LINES,
            SCOPE_HAS_LINES: PREV_SCOPE_HAS_LINES,
            TABLES_MASK: PREV_TABLES_MASK,
            SCOPE_PRESENT: PREV_SCOPE_PRESENT,
        }
    )
    prev[YEAR] = prev[YEAR] + 1
    dept = current.merge(prev, on=keys, how="left")
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
    return dept, comparable


def _rollup(dept: pd.DataFrame, comparable: pd.Series, by: list[str]) -> pd.DataFrame:
    """Departments added up (per ``by`` × category × year) with the change on the comparable basis."""
    work = dept.assign(
        _basis_cur=np.where(comparable, dept[AMOUNT_FEN], 0),
        _basis_prev=np.where(comparable, dept[PREV_AMOUNT_FEN], 0),
        _basis_lines=np.where(comparable, dept[LINES], 0),
        _basis_prev_lines=np.where(comparable, dept[PREV_LINES], 0),
        _excluded=(~comparable & (dept[SCOPE_HAS_LINES] | dept[PREV_SCOPE_HAS_LINES])).astype(np.int64),
    )
    out = work.groupby(by + [CATEGORY, YEAR], sort=False, as_index=False).agg(
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
    out[SAME_TABLES] = True  # the basis only holds departments compared like for like
    return out


def year_over_year(
    departments: pd.DataFrame,
    rules: Rules,
    units: pd.DataFrame | None = None,
    baseline: pd.DataFrame | None = None,
    unit_baseline: pd.DataFrame | None = None,
    baseline_stage: str | None = None,
) -> pd.DataFrame:
    """Put each scope × category × year next to the previous calendar year.

    Department rows get their own previous year. The government row (全市合计) reports the sum of
    all departments, but its change and rate are on a *comparable basis* (可比口径): only
    departments with lines in both years count, so a department that is new, merged away or
    missing a submission shows up as its own finding instead of distorting the whole-government
    comparison. Department rows with no line in the category in either year are dropped (a
    department that never spends on 招商引资 has nothing to grade there); government rows are
    all kept, so a category that is empty everywhere still shows up.

    Unit rows (``units``) are compared like departments; division rows add up the departments of each
    财政区划 like the government row. ``baseline`` holds the previous year's figures to compare with
    (``compare.baseline``: the previous budget, adjusted budget or 决算); by default the same stage.
    """
    baseline = departments if baseline is None else baseline
    years = np.sort(departments[YEAR].unique())
    baseline_years = np.sort(baseline[YEAR].unique())
    if PARENT not in departments:
        departments = departments.assign(**{PARENT: None})
    dept, comparable = _with_previous(departments, baseline)

    parts = []
    scopes = rules.compare.scopes
    if GOVERNMENT in scopes:
        gov = _rollup(dept, comparable, [])
        gov[SCOPE] = rules.compare.government.zh
        gov[SCOPE_TYPE] = GOVERNMENT
        gov[PARENT] = None
        parts.append(with_group(gov, rules))
    if DIVISION_SCOPE in scopes and dept[PARENT].notna().any():
        placed = dept[PARENT].notna().to_numpy()
        division = _rollup(dept.loc[placed], comparable[placed], [PARENT]).rename(columns={PARENT: SCOPE})
        division[SCOPE_TYPE] = DIVISION_SCOPE
        division[PARENT] = rules.compare.government.zh
        parts.append(with_group(division, rules))
    if DEPARTMENT_SCOPE in scopes:
        parts.append(dept)
    if UNIT_SCOPE in scopes and units is not None and len(units):
        unit_rows, _ = _with_previous(units, units if unit_baseline is None else unit_baseline)
        parts.append(unit_rows)
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
    out[PREV_YEAR_IN_DATA] = out[PREV_YEAR].isin(baseline_years)
    # the first compared year, unless an earlier baseline (a previous 决算) exists for it
    out[FIRST_YEAR] = (out[YEAR] == (years.min() if len(years) else 0)) & ~out[PREV_YEAR_IN_DATA]
    out[BASELINE_STAGE] = baseline_stage or rules.compare.baseline or rules.compare.stage
    out[CHANGE_FEN] = out[BASIS_AMOUNT_FEN] - out[BASIS_PREV_AMOUNT_FEN]
    basis_prev = out[BASIS_PREV_AMOUNT_FEN].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = out[CHANGE_FEN].to_numpy(dtype=np.float64) / np.abs(basis_prev)
    out[CHANGE_RATE] = np.where(basis_prev != 0, rate, np.nan)
    relevant = (out[SCOPE_TYPE] == GOVERNMENT) | (out[LINES] > 0) | (out[PREV_LINES] > 0)
    return out.loc[relevant].reset_index(drop=True)


def left_out_of_basis(summary: pd.DataFrame, scope_type: str, scope: str) -> pd.DataFrame:
    """The departments a roll-up's comparable basis left out, per category × year (``category``, ``year``,
    ``scope``: the names, sorted).

    A department is left out of 全市合计 (or of its 区划) where it has lines in one of the two years
    only, or this year's lines come from a kind of table last year lacked: exactly the departments
    ``_rollup`` counts in ``excluded_departments``. Empty for a department or unit scope (its own
    figures are its basis).
    """
    columns = [CATEGORY, YEAR, SCOPE]
    if scope_type not in (GOVERNMENT, DIVISION_SCOPE) or summary.empty:
        return pd.DataFrame(columns=columns)
    dept = summary.loc[(summary[SCOPE_TYPE] == DEPARTMENT_SCOPE).to_numpy()]
    if scope_type == DIVISION_SCOPE:
        dept = (
            dept.loc[(dept[PARENT].astype(object) == scope).to_numpy()] if PARENT in dept else dept.iloc[:0]
        )
    has = dept[SCOPE_HAS_LINES].astype(bool)
    had = dept[PREV_SCOPE_HAS_LINES].astype(bool)
    same = dept[SAME_TABLES].astype(bool) if SAME_TABLES in dept else True
    out = dept.loc[((has | had) & ~(has & had & same)).to_numpy(), columns]
    return out.sort_values(columns).reset_index(drop=True)
