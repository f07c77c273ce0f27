"""The trend chart's records: per category × year the comparable pair the engine graded, and apart
from it the all-department totals.

One record per summary cell (``trend_points``) says what the engine compared: this year's amount
on the comparable basis (``amount_wan``), the previous year's amount on that same basis
(``prev_amount_wan``), the change rate between exactly these two, the state, and the
all-department total (``total_wan``). ``plotted`` turns the records into the chart's marks: each
graded year is a segment from the previous year's comparable amount to this year's, labelled
with its rate (so the label's sign is the segment's slope); the all-department totals are their
own grey line; a cell that was not graded is a dot at its total without a rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard import messages as msg
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
    DIVISION_SCOPE,
    EXCLUDED_DEPARTMENTS,
    GOVERNMENT,
    PREV_AMOUNT_FEN,
    SCOPE,
    left_out_of_basis,
)
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.findings import target_text
from budget_guard.engine.grade import LEVEL, TARGET_PCT
from budget_guard.engine.states import STATE
from budget_guard.model.rulebook import Direction
from budget_guard.model.table import FEN_PER_WAN, YEAR

TOTAL_WAN = "total_wan"  # all departments of the scope that year, whatever was compared
LEFT_OUT = "left_out"  # the departments the comparable basis left out ('' when none)
BASIS = "basis"  # 可比口径 / 全部部门: what the compared pair adds up

# fields of the plotted marks (``plotted``)
SERIES = "series"  # PAIR_SERIES or TOTAL_SERIES
ROLE = "role"  # FROM / TO (the ends of a graded pair), ALONE (an ungraded cell), TOTAL
PAIR = "pair"  # the graded year a pair's two points belong to (0 for totals and ungraded cells)
Y_WAN = "y_wan"  # where the mark is drawn
SERIES_LABEL = "series_label"
PAIR_SERIES, TOTAL_SERIES = "pair", "total"
FROM, TO, ALONE, TOTAL = "from", "to", "alone", "total"

POINT_COLUMNS = [
    CATEGORY,
    CATEGORY_NAME,
    ORDER,
    YEAR,
    AMOUNT_WAN,
    PREV_AMOUNT_WAN,
    TOTAL_WAN,
    TARGET_WAN,
    CHANGE_RATE,
    RATE_TEXT,
    LEVEL,
    LEVEL_LABEL,
    TARGET_TEXT,
    BASIS,
    LEFT_OUT,
    EXCLUDED_DEPARTMENTS,
]


def _left_out_text(evaluation: Evaluation, scope: Scope, rows: pd.DataFrame, lang: str) -> list[str]:
    left = left_out_of_basis(evaluation.summary, *scope)
    names = left.groupby([CATEGORY, YEAR])[SCOPE].agg(lambda s: msg.t("list.sep", lang).join(map(str, s)))
    lookup = names.to_dict()
    return [lookup.get((c, int(y)), "") for c, y in zip(rows[CATEGORY], rows[YEAR], strict=True)]


def trend_points(evaluation: Evaluation, scope: Scope, lang: str) -> pd.DataFrame:
    """One record per category × year of one scope: the comparable pair the engine graded, the rate
    between exactly these two amounts, the state, the all-department total and who was left out.

    ``target_wan`` is the amount this scope would have needed to just meet the target, given the
    previous year's comparable amount: a decrease category that ends above it (or a no-decrease one
    below it) missed. Cells with no line in either year (无数据) have no record. An ungraded cell's
    amounts are its own totals (there was no pair).
    """
    rules = evaluation.rules
    rows = scope_rows(evaluation, scope)
    rows = rows.loc[(rows[STATE] != states.NO_DATA).to_numpy()]
    if rows.empty:
        return pd.DataFrame(columns=POINT_COLUMNS)
    order = {c.id: i for i, c in enumerate(rules.categories)}
    names = {c.id: c.name.get(lang) for c in rules.categories}
    targets = {
        c.id: target_text(rules.direction_of(c).value, float(c.target_pct), lang) for c in rules.categories
    }
    sign = np.where(rows[DIRECTION] == Direction.decrease.value, -1.0, 1.0)
    basis_prev = rows[BASIS_PREV_AMOUNT_FEN].to_numpy(dtype=float)
    needed = basis_prev * (1 + sign * rows[TARGET_PCT].to_numpy(dtype=float) / 100)
    level = rows[STATE]
    graded = level.isin(states.GRADED_STATES).to_numpy()
    rated = graded & (basis_prev != 0)
    excluded = (
        rows[EXCLUDED_DEPARTMENTS].fillna(0).astype("int64").to_numpy()
        if EXCLUDED_DEPARTMENTS in rows
        else np.zeros(len(rows), dtype="int64")
    )
    rolled_up = scope[0] in (GOVERNMENT, DIVISION_SCOPE)
    basis_key = np.where(
        rolled_up & graded & (excluded > 0), "app.trend.basis.comparable", "app.trend.basis.all"
    )
    out = pd.DataFrame(
        {
            CATEGORY: rows[CATEGORY].to_numpy(),
            CATEGORY_NAME: rows[CATEGORY].map(names).to_numpy(),
            ORDER: rows[CATEGORY].map(order).to_numpy(),
            YEAR: rows[YEAR].astype("int64").to_numpy(),
            AMOUNT_WAN: np.where(graded, wan(rows[BASIS_AMOUNT_FEN]), wan(rows[AMOUNT_FEN])),
            PREV_AMOUNT_WAN: np.where(graded, wan(rows[BASIS_PREV_AMOUNT_FEN]), wan(rows[PREV_AMOUNT_FEN])),
            TOTAL_WAN: wan(rows[AMOUNT_FEN]).to_numpy(),
            TARGET_WAN: np.where(rated, needed / FEN_PER_WAN, np.nan),
            CHANGE_RATE: np.where(graded, rows[CHANGE_RATE].to_numpy(dtype=float), np.nan),
            RATE_TEXT: [rate_text(r) if g else "—" for r, g in zip(rows[CHANGE_RATE], graded, strict=True)],
            LEVEL: level.to_numpy(),
            LEVEL_LABEL: [level_text(v, lang) for v in level],
            TARGET_TEXT: rows[CATEGORY].map(targets).to_numpy(),
            BASIS: [msg.t(k, lang) for k in basis_key],
            LEFT_OUT: np.where(graded, _left_out_text(evaluation, scope, rows, lang), "")
            if rolled_up
            else [""] * len(rows),
            EXCLUDED_DEPARTMENTS: excluded,
        }
    )
    return out.sort_values([ORDER, YEAR]).reset_index(drop=True)


def plotted(points: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The marks of one category's chart, from its ``trend_points`` records.

    - a graded cell of year Y: two points joined by a segment, (Y-1, previous comparable amount)
      → (Y, comparable amount), the second labelled with the rate; the label's sign is the slope;
    - an ungraded cell: one dot at its total, coloured by its state, no rate;
    - every cell: a grey point of the all-department total, joined year by year.
    """
    if points.empty:
        return pd.DataFrame(columns=[*POINT_COLUMNS, SERIES, ROLE, PAIR, Y_WAN, SERIES_LABEL])
    graded = points[LEVEL].isin(states.GRADED_STATES).to_numpy()
    pair_label = msg.t("app.trend.series.pair", lang)
    total_label = msg.t("app.trend.series.total", lang)
    to = points.loc[graded].assign(
        **{
            SERIES: PAIR_SERIES,
            ROLE: TO,
            PAIR: points.loc[graded, YEAR],
            Y_WAN: points.loc[graded, AMOUNT_WAN],
        }
    )
    start = to.assign(
        **{
            ROLE: FROM,
            YEAR: to[YEAR] - 1,
            Y_WAN: to[PREV_AMOUNT_WAN],
            RATE_TEXT: "",
            CHANGE_RATE: np.nan,
            TARGET_WAN: np.nan,
        }
    )
    alone = points.loc[~graded].assign(
        **{SERIES: PAIR_SERIES, ROLE: ALONE, PAIR: 0, Y_WAN: points.loc[~graded, TOTAL_WAN], RATE_TEXT: ""}
    )
    totals = points.assign(
        **{
            SERIES: TOTAL_SERIES,
            ROLE: TOTAL,
            PAIR: 0,
            Y_WAN: points[TOTAL_WAN],
            RATE_TEXT: "",
            CHANGE_RATE: np.nan,
            TARGET_WAN: np.nan,
        }
    )
    marks = pd.concat([totals, start, to, alone], ignore_index=True)
    marks[SERIES_LABEL] = np.where(marks[SERIES] == TOTAL_SERIES, total_label, pair_label)
    marks[PAIR] = marks[PAIR].astype("int64")
    marks[YEAR] = marks[YEAR].astype("int64")
    return marks.reset_index(drop=True)


def basis_caption(points: pd.DataFrame, lang: str) -> str:
    """What the compared pairs add up, said under the chart: the years whose basis left departments
    out, and which ('' when every pair is all departments)."""
    parts = [
        msg.t("app.trend.left_out_year", lang, year=int(y), names=names)
        for y, names in zip(points[YEAR], points[LEFT_OUT], strict=True)
        if names
    ]
    if not parts:
        return ""
    return msg.t("app.trend.left_out", lang, years=msg.t("list.sep_clause", lang).join(parts))
