"""The trend chart's points: amount per category × year with the target amount drawn in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard.dashboard.views.common import (
    AMOUNT_WAN,
    CATEGORY_NAME,
    LEVEL_LABEL,
    ORDER,
    PREV_AMOUNT_WAN,
    RATE_TEXT,
    TARGET_TEXT,
    TARGET_WAN,
    Scope,
    level_text,
    rate_text,
    scope_rows,
    wan,
)
from budget_guard.engine import states
from budget_guard.engine.compare import (
    AMOUNT_FEN,
    BASIS_AMOUNT_FEN,
    BASIS_PREV_AMOUNT_FEN,
    CATEGORY,
    CHANGE_RATE,
    DIRECTION,
    PREV_AMOUNT_FEN,
)
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.findings import target_text
from budget_guard.engine.grade import LEVEL, TARGET_PCT
from budget_guard.engine.states import STATE
from budget_guard.model.rulebook import Direction
from budget_guard.model.table import FEN_PER_WAN, YEAR

TOTAL_WAN = "total_wan"  # all departments (全市合计), beside the comparable basis that is plotted


def trend_points(evaluation: Evaluation, scope: Scope, lang: str) -> pd.DataFrame:
    """Amount per category × year for one scope, with the change rate, the level and the target amount.

    ``target_wan`` is the amount this scope would have needed to just meet the target, given the
    previous year: a decrease category that ends above it (or a no-decrease one below it) missed.
    Points are the comparable-basis amounts the rate is computed on (for 全市合计: the departments
    with lines in both years), so the dot, its label and its colour agree; the all-department total
    is ``total_wan``, shown apart. Cells with no line in either year (无数据) are not drawn, and the
    colour is the engine's cell state.
    """
    rules = evaluation.rules
    rows = scope_rows(evaluation, scope)
    rows = rows.loc[(rows[STATE] != states.NO_DATA).to_numpy()]
    if rows.empty:
        return pd.DataFrame(columns=[CATEGORY, CATEGORY_NAME, ORDER, YEAR, AMOUNT_WAN, TARGET_WAN, LEVEL])
    order = {c.id: i for i, c in enumerate(rules.categories)}
    names = {c.id: c.name.get(lang) for c in rules.categories}
    targets = {
        c.id: target_text(rules.direction_of(c).value, float(c.target_pct), lang) for c in rules.categories
    }
    sign = np.where(rows[DIRECTION] == Direction.decrease.value, -1.0, 1.0)
    basis_prev = rows[BASIS_PREV_AMOUNT_FEN].to_numpy(dtype=float)
    needed = basis_prev * (1 + sign * rows[TARGET_PCT].to_numpy(dtype=float) / 100)
    level = rows[STATE]
    graded_rate = level.isin(states.GRADED_STATES).to_numpy()
    # the basis a graded cell was compared on; an ungraded one shows its own amounts
    basis = graded_rate
    graded = level.isin(states.GRADED_STATES).to_numpy() & (basis_prev != 0)
    out = pd.DataFrame(
        {
            CATEGORY: rows[CATEGORY].to_numpy(),
            CATEGORY_NAME: rows[CATEGORY].map(names).to_numpy(),
            ORDER: rows[CATEGORY].map(order).to_numpy(),
            YEAR: rows[YEAR].astype("int64").to_numpy(),
            AMOUNT_WAN: np.where(basis, wan(rows[BASIS_AMOUNT_FEN]), wan(rows[AMOUNT_FEN])),
            PREV_AMOUNT_WAN: np.where(basis, wan(rows[BASIS_PREV_AMOUNT_FEN]), wan(rows[PREV_AMOUNT_FEN])),
            TOTAL_WAN: wan(rows[AMOUNT_FEN]).to_numpy(),
            TARGET_WAN: np.where(graded, needed / FEN_PER_WAN, np.nan),
            CHANGE_RATE: np.where(graded_rate, rows[CHANGE_RATE].to_numpy(dtype=float), np.nan),
            RATE_TEXT: [
                rate_text(r) if g else "—" for r, g in zip(rows[CHANGE_RATE], graded_rate, strict=True)
            ],
            LEVEL: level.to_numpy(),
            LEVEL_LABEL: [level_text(v, lang) for v in level],
            TARGET_TEXT: rows[CATEGORY].map(targets).to_numpy(),
        }
    )
    return out.sort_values([ORDER, YEAR]).reset_index(drop=True)
