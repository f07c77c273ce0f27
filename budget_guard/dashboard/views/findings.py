"""The 督办事项 view: findings as the 督办单 lists them, with filter keys and the filter mask."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from budget_guard.dashboard.views.common import Table, label, level_text, money_label, rate_label, wan
from budget_guard.engine.compare import CATEGORY, GROUP, SCOPE, SCOPE_TYPE
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.grade import LEVEL
from budget_guard.model.table import YEAR
from budget_guard.reports.views import (
    FINDING_COLUMNS,
    LEVEL_COLUMN,
    MONEY_COLUMNS,
    RATE_COLUMNS,
    finding_rows,
)


def findings_table(evaluation: Evaluation, lang: str) -> Table:
    """The findings as the 督办单 lists them (worst first), plus 护栏, with filter keys."""
    rows = finding_rows(evaluation, lang)
    found = evaluation.findings
    groups = {g.id: g.name.get(lang) for g in evaluation.rules.groups}
    names = {
        key: (money_label(key, lang) if key in MONEY_COLUMNS else label(key, lang)) for key in FINDING_COLUMNS
    }
    names.update({key: rate_label(lang) for key in RATE_COLUMNS})
    table = pd.DataFrame(index=rows.index)
    for key in (LEVEL_COLUMN, *(k for k in FINDING_COLUMNS if k != LEVEL_COLUMN)):
        values = rows[key]
        if key in MONEY_COLUMNS:
            values = wan(values)
        elif key in RATE_COLUMNS:
            values = pd.to_numeric(values, errors="coerce") * 100
        elif key == LEVEL_COLUMN:
            values = values.map(lambda v: level_text(v, lang))
        table[names[key]] = values.to_numpy()
        if key == "col.department":
            table[label("col.group", lang)] = found[GROUP].map(groups).to_numpy()
    year_col = names["col.year"]
    table[year_col] = pd.to_numeric(table[year_col]).astype("Int64")
    keys = pd.DataFrame(
        {
            LEVEL: found[LEVEL].to_numpy(),
            GROUP: found[GROUP].to_numpy(),
            CATEGORY: found[CATEGORY].to_numpy(),
            SCOPE_TYPE: found[SCOPE_TYPE].to_numpy(),
            SCOPE: found[SCOPE].astype(str).to_numpy(),
            YEAR: pd.to_numeric(found[YEAR]).astype("int64").to_numpy(),
        },
        index=rows.index,
    )
    return Table(
        table=table,
        keys=keys,
        money=tuple(names[k] for k in FINDING_COLUMNS if k in MONEY_COLUMNS),
        rates=(rate_label(lang),),
        integers=(year_col,),
        level=names[LEVEL_COLUMN],
        wide=(names["col.message"],),
        # the level and the explanation (which names the scope, category, year, amounts and rate)
        # stay in view at any width, the explanation wrapping; the other columns scroll beside them
        pinned=(names[LEVEL_COLUMN], names["col.message"]),
        full=(names["col.category"],),
        lines=4,
        order=(
            names[LEVEL_COLUMN],
            names["col.message"],
            rate_label(lang),
            names["col.department"],
            names["col.category"],
            names["col.year"],
        ),
    )


@dataclass(frozen=True)
class FindingFilter:
    """Empty tuples mean 'all'."""

    levels: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()
    years: tuple[int, ...] = ()


def filter_findings(findings: Table, chosen: FindingFilter) -> Table:
    """The findings that pass every chosen filter (a vectorised mask; no engine call)."""
    keys = findings.keys
    mask = np.ones(len(keys), dtype=bool)
    for column, values in (
        (LEVEL, chosen.levels),
        (GROUP, chosen.groups),
        (CATEGORY, chosen.categories),
        (SCOPE, chosen.scopes),
        (YEAR, chosen.years),
    ):
        if values:
            mask &= keys[column].isin(list(values)).to_numpy()
    return findings.where(mask)
