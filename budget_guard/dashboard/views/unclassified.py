"""The 未归类 view: lines no category selects, with where they came from."""

from __future__ import annotations

import pandas as pd

from ... import i18n
from ...engine.evaluate import Evaluation
from ...reports.views import (
    UNCLASSIFIED_COLUMNS,
    unclassified_rows,
)
from .common import (
    Table,
    label,
    wan,
)


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
            values = values.map(lambda v: i18n.t(f"stage.{v}", lang) if i18n.has(f"stage.{v}") else v)
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
