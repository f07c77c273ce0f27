"""The 未归类 view: lines no category selects, with where they came from."""

from __future__ import annotations

import pandas as pd

from budget_guard import messages as msg
from budget_guard.dashboard.views.common import Table, label, wan
from budget_guard.engine.evaluate import Evaluation
from budget_guard.reports.views import UNCLASSIFIED_COLUMNS, unclassified_rows


def unclassified_table(evaluation: Evaluation, lang: str) -> Table:
    rows = unclassified_rows(evaluation)
    table = pd.DataFrame(index=rows.index)
    for key in UNCLASSIFIED_COLUMNS:
        values = rows[key]
        if key == "col.amount_wan":
            values = wan(values)
        elif key in ("col.year", "col.source_row"):
            values = pd.to_numeric(values).astype("Int64")
        elif key == "col.stage":
            values = values.map(lambda v: msg.t(f"stage.{v}", lang) if msg.has(f"stage.{v}") else v)
        table[label(key, lang)] = values.to_numpy()
    return Table(
        table,
        pd.DataFrame(index=rows.index),
        money=(label("col.amount_wan", lang),),
        integers=(label("col.year", lang), label("col.source_row", lang)),
        narrow=tuple(
            label(k, lang)
            for k in ("col.year", "col.stage", "col.expense_type", "col.source_sheet", "col.source_row")
        ),
    )
