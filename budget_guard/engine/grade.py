"""State and grade of each scope × category × year: 达标/白/黄/红 when compared like for like, else 无数据/不可比.

All thresholds come from the rules' ``grading`` section; this module only applies them. The
reason code of each row says which rule decided, so reports and tests never parse messages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard.engine import states
from budget_guard.engine.compare import (
    BASIS_AMOUNT_FEN,
    BASIS_LINES,
    BASIS_PREV_AMOUNT_FEN,
    BASIS_PREV_LINES,
    CATEGORY,
    CHANGE_FEN,
    CHANGE_RATE,
    DIRECT_SCOPES,
    DIRECTION,
    FIRST_YEAR,
    LINES,
    PREV_LINES,
    PREV_SCOPE_HAS_LINES,
    PREV_SCOPE_PRESENT,
    PREV_YEAR_IN_DATA,
    SAME_TABLES,
    SCOPE_HAS_LINES,
    SCOPE_PRESENT,
    SCOPE_TYPE,
)
from budget_guard.engine.states import STATE
from budget_guard.model.rulebook import LEVEL_ORDER, Direction, Level, Rules

# "No value" as np.where / np.select take it: the 0-d object array np.asarray(None) is. Spelled out
# because numpy's stubs leave None out of ArrayLike; read-only, as it is shared.
NONE = np.asarray(None)
NONE.flags.writeable = False

LEVEL = "level"  # the grade of a graded cell (None for 无数据 / 不可比)
REASON = "reason"
NOTICE_LEVEL = "notice_level"  # the level at which an ungraded cell's gap is reported (None: not on its own)
TARGET_PCT = "target_pct"
SHORTFALL_PP = "shortfall_pp"
GAP_FEN = "gap_fen"
MATERIALITY_FEN = "materiality_fen"
BELOW_MATERIALITY = "below_materiality"

# reason codes of graded cells (stable, documented in the JSON report); ungraded ones are in states.py
FIRST = states.REASON_FIRST_YEAR
NO_BASELINE = states.REASON_NO_BASELINE
TABLE_CHANGED = states.REASON_TABLE_CHANGED
MISSING_CURRENT = states.REASON_MISSING_CURRENT
UNCHANGED_ZERO = "unchanged_zero"
FROM_ZERO = "from_zero"
PRIOR_ZERO_INCREASE = "prior_zero_increase"
WRONG_DIRECTION = "wrong_direction"
SHORTFALL = "shortfall"
COMPLIANT = "compliant"
EMPTY_CATEGORY = states.REASON_EMPTY_CATEGORY

_EPS_PP = 1e-9
_RANK = {level.value: level.rank for level in LEVEL_ORDER}


def band_level(shortfall_pp: np.ndarray, bands: list) -> np.ndarray:
    """The first band whose ``max_shortfall_pp`` is at least the shortfall (null = no limit)."""
    out = np.full(shortfall_pp.shape, bands[-1].level.value, dtype=object)
    for band in reversed(bands[:-1]):
        out = np.where(shortfall_pp <= band.max_shortfall_pp + _EPS_PP, band.level.value, out)
    return out


def grade(summary: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Add ``state``, ``level``, ``reason``, ``notice_level``, ``target_pct``, ``shortfall_pp`` and ``gap_fen``.

    ``state`` (see states.py) says whether the cell was compared like for like; only graded cells
    get a ``level``. An ungraded cell may carry a ``notice_level`` (from the rules' ``grading``
    section): the level at which the gap itself is reported, so a clerk chases the missing data.
    """
    out = summary.copy()
    g = rules.grading
    target = out[CATEGORY].map({c.id: c.target_pct for c in rules.categories}).to_numpy(dtype=float)
    materiality = (
        out[CATEGORY].map({c.id: rules.materiality_fen(c) for c in rules.categories}).to_numpy(dtype=float)
    )
    decrease = (out[DIRECTION] == Direction.decrease.value).to_numpy()
    # Government rows are compared on the comparable basis (departments present in both years).
    cur = out[BASIS_AMOUNT_FEN].to_numpy(dtype=float)
    prev = out[BASIS_PREV_AMOUNT_FEN].to_numpy(dtype=float)
    change = out[CHANGE_FEN].to_numpy(dtype=float)
    rate_pct = out[CHANGE_RATE].to_numpy(dtype=float) * 100
    is_dept = out[SCOPE_TYPE].isin(list(DIRECT_SCOPES)).to_numpy()  # departments and units: own lines
    no_lines = (out[LINES].to_numpy() == 0) & (out[PREV_LINES].to_numpy() == 0)
    no_basis_lines = (out[BASIS_LINES].to_numpy() == 0) & (out[BASIS_PREV_LINES].to_numpy() == 0)
    present = out[SCOPE_PRESENT].to_numpy(dtype=bool)
    prev_present = out[PREV_SCOPE_PRESENT].to_numpy(dtype=bool)
    covered = out[SCOPE_HAS_LINES].to_numpy(dtype=bool)
    prev_covered = out[PREV_SCOPE_HAS_LINES].to_numpy(dtype=bool)

    # Shortfall against the target, in percentage points; > 0 means the target was missed.
    shortfall = np.where(decrease, rate_pct + target, target - rate_pct)
    wrong_way = np.where(decrease, change > 0, change < 0)
    prev_zero = prev == 0

    # Ungraded first, in order of what a clerk must fix first; then the graded reasons.
    conditions = [
        out[FIRST_YEAR].to_numpy(),
        no_lines,
        ~out[PREV_YEAR_IN_DATA].to_numpy(),
        is_dept & ~present,
        is_dept & ~prev_present,
        is_dept & ~covered,
        is_dept & ~prev_covered,
        is_dept & ~out[SAME_TABLES].to_numpy(dtype=bool),
        ~is_dept & no_basis_lines,
        prev_zero & (cur == 0),
        prev_zero & decrease & (cur > 0),
        prev_zero & ~wrong_way,
        wrong_way,
        shortfall > _EPS_PP,
    ]
    reasons = [
        states.REASON_FIRST_YEAR,
        states.REASON_NO_LINES,
        states.REASON_NO_BASELINE,
        states.REASON_DEPARTMENT_MISSING,
        states.REASON_PREVIOUS_MISSING,
        states.REASON_MISSING_CURRENT,
        states.REASON_NO_BASELINE,
        states.REASON_TABLE_CHANGED,
        states.REASON_NO_COMPARABLE,
        UNCHANGED_ZERO,
        PRIOR_ZERO_INCREASE,
        FROM_ZERO,
        WRONG_DIRECTION,
        SHORTFALL,
    ]
    reason = np.select(conditions, reasons, default=COMPLIANT)
    n_ungraded = 9
    graded = ~np.logical_or.reduce(conditions[:n_ungraded]) if len(out) else np.zeros(0, dtype=bool)

    wrong_level = np.where(
        decrease,
        g.directions[Direction.decrease].wrong_direction.value,
        g.directions[Direction.no_decrease].wrong_direction.value,
    )
    band = np.where(
        decrease,
        band_level(shortfall, g.directions[Direction.decrease].bands),
        band_level(shortfall, g.directions[Direction.no_decrease].bands),
    )
    level = np.select(
        [reason == PRIOR_ZERO_INCREASE, reason == WRONG_DIRECTION, reason == SHORTFALL],
        [g.prior_zero_increase.value, wrong_level, band],
        default=Level.compliant.value,
    )

    # Materiality: a miss worth less than the floor (in 元) is at most ``below_materiality``.
    # From a zero baseline the whole current amount is the miss (the rate is undefined there).
    gap = np.where(prev_zero, np.abs(cur), np.nan_to_num(np.abs(shortfall)) / 100 * np.abs(prev))
    gap = np.where(np.isin(reason, [WRONG_DIRECTION, SHORTFALL, PRIOR_ZERO_INCREASE]), gap, 0.0)
    cap = g.below_materiality.value
    capped = (
        (gap > 0)
        & (gap < materiality)
        & np.array([_RANK.get(lv, -1) > _RANK[cap] for lv in level], dtype=bool)
    )
    level = np.where(capped, cap, level)
    level = np.where(graded, level, NONE)
    state = np.where(graded, level, np.vectorize(states.state_of_reason, otypes=[object])(reason))

    # A department missing a whole year is one completeness finding per department-year
    # (findings.completeness_findings), so its cells carry no notice of their own.
    notice = np.select(
        [
            np.isin(
                reason, [states.REASON_NO_BASELINE, states.REASON_TABLE_CHANGED, states.REASON_NO_COMPARABLE]
            ),
            reason == states.REASON_MISSING_CURRENT,
        ],
        [g.no_baseline.value, g.missing_current.value],
        default=NONE,
    )

    out[TARGET_PCT] = target
    out[SHORTFALL_PP] = np.where(np.isin(reason, [WRONG_DIRECTION, SHORTFALL, COMPLIANT]), shortfall, np.nan)
    out[GAP_FEN] = np.rint(gap).astype(np.int64)
    out[MATERIALITY_FEN] = materiality.astype(np.int64)
    out[BELOW_MATERIALITY] = capped & graded
    out[REASON] = reason
    out[LEVEL] = pd.Series(level, index=out.index, dtype=object)
    out[STATE] = pd.Series(state, index=out.index, dtype=object)
    out[NOTICE_LEVEL] = pd.Series(notice, index=out.index, dtype=object)
    return out


def empty_category_rows(
    rules: Rules, empty_ids: list[str], latest_year: int | None, label: str
) -> pd.DataFrame:
    """One government-scope row per category that no line in the whole table falls into."""
    empty = [c for c in rules.categories if c.id in set(empty_ids)]
    if not empty or latest_year is None:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            SCOPE_TYPE: "government",
            "scope": label,
            CATEGORY: [c.id for c in empty],
            "group": [c.group for c in empty],
            DIRECTION: [rules.direction_of(c).value for c in empty],
            "year": latest_year,
            TARGET_PCT: [c.target_pct for c in empty],
            REASON: EMPTY_CATEGORY,
            LEVEL: None,
            STATE: states.NO_DATA,
            NOTICE_LEVEL: rules.grading.empty_category.value,
        }
    )
