"""The 预算执行 view: 决算 against the budget per scope × category (findings first), and PEFA PI-1/PI-2.

Built from the engine's ``execution`` frame (its ``state`` decides what is shown as graded); the
scope column places each row in the 区划 › 部门 › 单位 hierarchy like the report does.
"""

from __future__ import annotations

import pandas as pd

from budget_guard import messages as msg
from budget_guard.dashboard.views.common import Table, label, level_text, money_label, wan
from budget_guard.engine import execution as ex
from budget_guard.engine.compare import SCOPE, SCOPE_TYPE
from budget_guard.engine.evaluate import Evaluation
from budget_guard.messages.formats import Figure
from budget_guard.model.table import YEAR
from budget_guard.reports.execution import (
    EXECUTION_MONEY,
    EXECUTION_RATIOS,
    PEFA_COLUMNS,
    PEFA_MONEY,
    PEFA_PERCENT,
    pefa_rows,
)
from budget_guard.reports.views import category_label, scope_label

_COLUMNS = (
    "col.department",
    "col.category",
    "col.year",
    "execution.col.budget",
    "execution.col.adjusted",
    "execution.col.final",
    "execution.col.rate_budget",
    "execution.col.rate_adjusted",
    "col.level",
    "col.message",
)


def execution_table(evaluation: Evaluation, lang: str, findings_only: bool = True) -> Table:
    """Execution rows as the page shows them: findings (white/yellow/red) or every assessed cell."""
    frame = evaluation.execution_findings() if findings_only else evaluation.execution
    records = frame.to_dict("records") if len(frame) else []
    message = ex.MESSAGE_EN if lang == "en" else ex.MESSAGE_ZH
    names = {k: money_label(k, lang) if k in EXECUTION_MONEY else label(k, lang) for k in _COLUMNS}
    names.update({k: msg.t("app.with_unit", lang, label=label(k, lang), unit="%") for k in EXECUTION_RATIOS})
    table = pd.DataFrame(
        {
            names["col.department"]: [
                scope_label(evaluation, r[SCOPE_TYPE], r[SCOPE], lang, r.get("parent")) for r in records
            ],
            names["col.category"]: [category_label(evaluation, r["category"], lang) for r in records],
            names["col.year"]: pd.array([int(r[YEAR]) for r in records], dtype="Int64"),
            names["execution.col.budget"]: wan(
                pd.Series([r[ex.BUDGET_FEN] for r in records], dtype="float")
            ).to_numpy(),
            names["execution.col.adjusted"]: wan(
                pd.Series([r[ex.ADJUSTED_FEN] for r in records], dtype="float")
            ).to_numpy(),
            names["execution.col.final"]: wan(
                pd.Series([r[ex.FINAL_FEN] for r in records], dtype="float")
            ).to_numpy(),
            names["execution.col.rate_budget"]: [_pct(r[ex.RATE_BUDGET]) for r in records],
            names["execution.col.rate_adjusted"]: [_pct(r[ex.RATE_ADJUSTED]) for r in records],
            names["col.level"]: [
                level_text(r["level"], lang)
                if isinstance(r["level"], str)
                else msg.t("execution.state.no_data", lang)
                for r in records
            ],
            names["col.message"]: [r[message] for r in records],
        }
    )
    keys = pd.DataFrame(
        {"level": [r["level"] for r in records], "scope_type": [r[SCOPE_TYPE] for r in records]}, dtype=object
    )
    return Table(
        table,
        keys,
        money=tuple(
            names[k] for k in ("execution.col.budget", "execution.col.adjusted", "execution.col.final")
        ),
        integers=(names["col.year"],),
        percents=tuple(names[k] for k in ("execution.col.rate_budget", "execution.col.rate_adjusted")),
        level=names["col.level"],
        wide=(names["col.department"], names["col.message"]),  # both wrap (a unit's name is long)
        narrow=(names["col.year"],),
        # who and how bad stay in view at 1024 px; the explanation wraps beside them
        pinned=(names["col.department"], names["col.level"]),
        lines=4,
        wrap_px=180,
        order=(
            names["col.department"],
            names["col.level"],
            names["col.message"],
            names["execution.col.rate_budget"],
            names["col.category"],
            names["col.year"],
        ),
    )


def _pct(value: Figure) -> float | None:
    return None if value is None or pd.isna(value) else float(value) * 100


def pefa_table(evaluation: Evaluation, lang: str) -> Table:
    rows = pefa_rows(evaluation, lang)
    table = pd.DataFrame(index=rows.index)
    for key in PEFA_COLUMNS:
        values = rows[key]
        if key in PEFA_MONEY:
            values = wan(values)
        elif key in PEFA_PERCENT:
            values = pd.to_numeric(values, errors="coerce")
        table[money_label(key, lang) if key in PEFA_MONEY else label(key, lang)] = values.to_numpy()
    return Table(
        table,
        pd.DataFrame(index=rows.index),
        money=tuple(money_label(k, lang) for k in PEFA_MONEY),
        integers=(label("col.year", lang),),
        percents=tuple(label(k, lang) for k in PEFA_PERCENT),
        pinned=(label("col.department", lang),),
    )
