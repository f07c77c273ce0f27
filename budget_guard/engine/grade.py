"""白/黄/红/达标 for each scope × category × year, from the change, the target and the bands.

All thresholds come from the rules' ``grading`` section; this module only applies them. The
reason code of each row says which rule decided, so reports and tests never parse messages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rulebook import LEVEL_ORDER, Direction, Level, Rules
from .compare import (
    BASIS_AMOUNT_FEN,
    BASIS_PREV_AMOUNT_FEN,
    CATEGORY,
    CHANGE_FEN,
    CHANGE_RATE,
    DIRECT_SCOPES,
    DIRECTION,
    FIRST_YEAR,
    LINES,
    PREV_LINES,
    PREV_SCOPE_HAS_LINES,
    PREV_YEAR_IN_DATA,
    SAME_TABLES,
    SCOPE_HAS_LINES,
    SCOPE_TYPE,
)

LEVEL = "level"
REASON = "reason"
TARGET_PCT = "target_pct"
SHORTFALL_PP = "shortfall_pp"
GAP_FEN = "gap_fen"
MATERIALITY_FEN = "materiality_fen"
BELOW_MATERIALITY = "below_materiality"

# reason codes (stable, documented in the JSON report)
FIRST = "first_year"
NO_BASELINE = "no_baseline"
TABLE_CHANGED = (
    "table_changed"  # both years have lines, but from different kinds of table: no like-for-like baseline
)
MISSING_CURRENT = "missing_current"
UNCHANGED_ZERO = "unchanged_zero"
FROM_ZERO = "from_zero"
PRIOR_ZERO_INCREASE = "prior_zero_increase"
WRONG_DIRECTION = "wrong_direction"
SHORTFALL = "shortfall"
COMPLIANT = "compliant"
EMPTY_CATEGORY = "empty_category"

_EPS_PP = 1e-9
_RANK = {level.value: level.rank for level in LEVEL_ORDER}


def band_level(shortfall_pp: np.ndarray, bands: list) -> np.ndarray:
    """The first band whose ``max_shortfall_pp`` is at least the shortfall (null = no limit)."""
    out = np.full(shortfall_pp.shape, bands[-1].level.value, dtype=object)
    for band in reversed(bands[:-1]):
        out = np.where(shortfall_pp <= band.max_shortfall_pp + _EPS_PP, band.level.value, out)
    return out


def grade(summary: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Add ``level``, ``reason``, ``target_pct``, ``shortfall_pp`` and ``gap_fen`` to each row."""
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
    has_lines = out[LINES].to_numpy() > 0
    had_lines = out[PREV_LINES].to_numpy() > 0

    # Shortfall against the target, in percentage points; > 0 means the target was missed.
    shortfall = np.where(decrease, rate_pct + target, target - rate_pct)
    wrong_way = np.where(decrease, change > 0, change < 0)
    prev_zero = prev == 0

    first = out[FIRST_YEAR].to_numpy()
    gap_year = ~out[PREV_YEAR_IN_DATA].to_numpy() & (has_lines | had_lines)
    dept_new = is_dept & ~out[PREV_SCOPE_HAS_LINES].to_numpy() & out[SCOPE_HAS_LINES].to_numpy() & has_lines
    table_changed = (
        is_dept & has_lines & out[PREV_SCOPE_HAS_LINES].to_numpy() & ~out[SAME_TABLES].to_numpy(dtype=bool)
    )
    dept_gone = is_dept & ~out[SCOPE_HAS_LINES].to_numpy() & out[PREV_SCOPE_HAS_LINES].to_numpy() & had_lines

    conditions = [
        first,
        gap_year | dept_new,
        table_changed,
        dept_gone,
        prev_zero & (cur == 0),
        prev_zero & decrease & (cur > 0),
        prev_zero & ~wrong_way,
        wrong_way,
        shortfall > _EPS_PP,
    ]
    reasons = [
        FIRST,
        NO_BASELINE,
        TABLE_CHANGED,
        MISSING_CURRENT,
        UNCHANGED_ZERO,
        PRIOR_ZERO_INCREASE,
        FROM_ZERO,
        WRONG_DIRECTION,
        SHORTFALL,
    ]
    reason = np.select(conditions, reasons, default=COMPLIANT)

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
        [
            reason == FIRST,
            reason == NO_BASELINE,
            reason == TABLE_CHANGED,
            reason == MISSING_CURRENT,
            reason == PRIOR_ZERO_INCREASE,
            reason == WRONG_DIRECTION,
            reason == SHORTFALL,
        ],
        [
            None,
            g.no_baseline.value,
            g.no_baseline.value,
            g.missing_current.value,
            g.prior_zero_increase.value,
            wrong_level,
            band,
        ],
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

    out[TARGET_PCT] = target
    out[SHORTFALL_PP] = np.where(np.isin(reason, [WRONG_DIRECTION, SHORTFALL, COMPLIANT]), shortfall, np.nan)
    out[GAP_FEN] = np.rint(gap).astype(np.int64)
    out[MATERIALITY_FEN] = materiality.astype(np.int64)
    out[BELOW_MATERIALITY] = capped
    out[REASON] = reason
    out[LEVEL] = pd.Series(level, index=out.index, dtype=object)
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
            LEVEL: rules.grading.empty_category.value,
        }
    )
