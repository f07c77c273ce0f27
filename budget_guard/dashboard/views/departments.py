"""The 部门钻取 view: every scope's change rate per category for a year, and one cell's explanation."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from budget_guard import messages as msg
from budget_guard.dashboard.views.common import (
    RANK,
    Scope,
    finding_messages,
    label,
    level_short,
    level_text,
    rate_text,
    scope_options,
    scope_rows,
    scope_text,
)
from budget_guard.engine import states
from budget_guard.engine.compare import (
    AMOUNT_FEN,
    CATEGORY,
    CHANGE_RATE,
    GOVERNMENT,
    PREV_AMOUNT_FEN,
    PREV_YEAR,
    SCOPE,
    SCOPE_TYPE,
)
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.states import STATE
from budget_guard.model.table import YEAR, format_wan


@dataclass(frozen=True)
class DepartmentTable:
    """Scope × category change rates (%) for one year, the level of each cell, and what each row/column is."""

    rates: pd.DataFrame  # first column the scope label, then one column per category name
    levels: pd.DataFrame  # same shape: level value per cell (None where not graded)
    scopes: list[Scope]
    categories: list[str]  # category id per rate column, after the label and worst-level columns
    # what each cell shows: the rate, or the state's word where there is none
    texts: pd.DataFrame | None = None

    def shown(self) -> pd.DataFrame:
        return self.rates if self.texts is None else self.texts

    def worst_cell(self) -> tuple[Scope, str] | None:
        """The first (worst-sorted) scope's worst category, where a drill-down should start."""
        best: tuple[int, int, int] | None = None
        for i in range(len(self.scopes)):
            for j in range(len(self.categories)):
                rank = RANK.get(self.levels.iat[i, j + 2], -1)
                if rank > 0 and (best is None or rank > best[0]):
                    best = (rank, i, j)
        if best is None:
            return None
        return self.scopes[best[1]], self.categories[best[2]]

    def cell(self, row: int, column: str) -> tuple[Scope, str] | None:
        """The (scope, category id) behind a clicked cell, or None for a label column."""
        columns = list(self.rates.columns)
        if column not in columns or not 0 <= row < len(self.scopes):
            return None
        index = columns.index(column) - 2
        if index < 0:
            return None
        return self.scopes[row], self.categories[index]


def department_table(evaluation: Evaluation, year: int, lang: str) -> DepartmentTable:
    """Every scope's change rate in each category for ``year``, worst rows first (government on top)."""
    rules = evaluation.rules
    summary = evaluation.summary
    part = summary.loc[summary[YEAR] == year, [SCOPE_TYPE, SCOPE, CATEGORY, CHANGE_RATE, STATE]]
    part = part.assign(**{CHANGE_RATE: part[CHANGE_RATE].where(part[STATE].isin(states.GRADED_STATES))})
    part = part.assign(**{SCOPE: part[SCOPE].astype(str)}).set_index([SCOPE_TYPE, SCOPE, CATEGORY])
    categories = [c.id for c in rules.categories]
    options = scope_options(evaluation)
    index = pd.MultiIndex.from_tuples(options, names=[SCOPE_TYPE, SCOPE]) if options else None
    rate = (part[CHANGE_RATE] * 100).unstack(CATEGORY).reindex(index=index, columns=categories)
    level = part[STATE].astype(object).unstack(CATEGORY).reindex(index=index, columns=categories)
    level = level.where(level.isin(list(states.STATES)), None)
    rank = level.apply(lambda col: col.map(lambda v: states.ROLLUP_RANK.get(v, -1))).max(axis=1)
    order = pd.DataFrame(
        {
            "government": [t == GOVERNMENT for t, _ in options],
            "rank": rank.to_numpy(),
            "name": [s for _, s in options],
            "present": (rate.notna().any(axis=1) | level.notna().any(axis=1)).to_numpy(),
        }
    )
    order = order.loc[order["present"] | order["government"]]
    order = order.sort_values(["government", "rank", "name"], ascending=[False, False, True])
    positions = order.index.to_numpy()
    scopes = [options[i] for i in positions]
    by_rank = dict(enumerate(states.ROLLUP_ORDER))
    worst = [by_rank.get(int(r)) for r in order["rank"]]
    scope_col, worst_col = label("col.scope", lang), msg.t("app.worst_level", lang)
    rates = pd.DataFrame({scope_col: [scope_text(evaluation, s, lang) for s in scopes]})
    rates[worst_col] = [level_text(w, lang) for w in worst]
    levels = pd.DataFrame({scope_col: [None] * len(scopes), worst_col: worst}, dtype=object)
    texts = rates.copy()
    for category in rules.categories:
        name = category.name.get(lang)
        rates[name] = rate[category.id].to_numpy(dtype=float)[positions]
        levels[name] = level[category.id].to_numpy()[positions]
        # a red cell with no rate (0 last year, spending this year) says 红色, never a bare dash
        texts[name] = [
            rate_text(r / 100) if pd.notna(r) else (level_short(lv, lang) if lv else "")
            for r, lv in zip(rates[name], levels[name], strict=True)
        ]
    return DepartmentTable(rates=rates, levels=levels, scopes=scopes, categories=categories, texts=texts)


def cell_detail(evaluation: Evaluation, scope: Scope, category: str, year: int, lang: str) -> str:
    """The explanation of one graded number: the finding's message, or the compliant comparison."""
    messages = finding_messages(evaluation, scope, lang)
    if (category, year) in messages:
        return messages[(category, year)]
    rows = scope_rows(evaluation, scope)
    row = rows.loc[(rows[CATEGORY] == category).to_numpy() & (rows[YEAR] == year).to_numpy()]
    name = evaluation.rules.category(category).name.get(lang)
    who = scope_text(evaluation, scope, lang)
    if row.empty:
        return msg.t("app.drill.no_row", lang, scope=who, category=name, year=year)
    r = row.iloc[0]
    return msg.t(
        "app.drill.row",
        lang,
        scope=who,
        category=name,
        year=year,
        prev_year=int(r[PREV_YEAR]),
        prev_amount=format_wan(int(r[PREV_AMOUNT_FEN])),
        amount=format_wan(int(r[AMOUNT_FEN])),
        rate=rate_text(r[CHANGE_RATE]),
        level=level_text(r[STATE], lang),
    )
