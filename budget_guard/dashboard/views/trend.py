"""The trend chart's points: amount per category × year with the target amount drawn in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ...engine.compare import (
    AMOUNT_FEN,
    BASIS_AMOUNT_FEN,
    BASIS_PREV_AMOUNT_FEN,
    CATEGORY,
    CHANGE_RATE,
    DIRECTION,
    PREV_AMOUNT_FEN,
)
from ...engine.evaluate import Evaluation
from ...engine.findings import target_text
from ...engine.grade import LEVEL, TARGET_PCT
from ...rulebook import Direction
from ...table import (
    FEN_PER_WAN,
    YEAR,
)
from ..palette import NOT_COMPARED
from .common import (
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


def trend_points(evaluation: Evaluation, scope: Scope, lang: str) -> pd.DataFrame:
    """Amount per category × year for one scope, with the change rate, the level and the target amount.

    ``target_wan`` is the amount this scope would have needed to just meet the target, given the
    previous year: a decrease category that ends above it (or a no-decrease one below it) missed.
    For the whole government the rate is on the comparable basis, so the target is shifted by the
    amount of the departments left out of the comparison.
    """
    rules = evaluation.rules
    rows = scope_rows(evaluation, scope)
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
    target_fen = (
        rows[AMOUNT_FEN].to_numpy(dtype=float) - rows[BASIS_AMOUNT_FEN].to_numpy(dtype=float) + needed
    )
    graded = rows[LEVEL].notna().to_numpy() & (basis_prev != 0)
    level = rows[LEVEL].where(rows[LEVEL].notna(), NOT_COMPARED)
    out = pd.DataFrame(
        {
            CATEGORY: rows[CATEGORY].to_numpy(),
            CATEGORY_NAME: rows[CATEGORY].map(names).to_numpy(),
            ORDER: rows[CATEGORY].map(order).to_numpy(),
            YEAR: rows[YEAR].astype("int64").to_numpy(),
            AMOUNT_WAN: wan(rows[AMOUNT_FEN]).to_numpy(),
            PREV_AMOUNT_WAN: wan(rows[PREV_AMOUNT_FEN]).to_numpy(),
            TARGET_WAN: np.where(graded, target_fen / FEN_PER_WAN, np.nan),
            CHANGE_RATE: rows[CHANGE_RATE].to_numpy(),
            RATE_TEXT: [rate_text(r) for r in rows[CHANGE_RATE]],
            LEVEL: level.to_numpy(),
            LEVEL_LABEL: [level_text(v, lang) for v in level],
            TARGET_TEXT: rows[CATEGORY].map(targets).to_numpy(),
        }
    )
    return out.sort_values([ORDER, YEAR]).reset_index(drop=True)
