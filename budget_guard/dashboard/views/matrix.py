"""The compliance matrix: category × year cells for one scope or the worst over all scopes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard import messages as msg
from budget_guard.dashboard.palette import NOT_COMPARED
from budget_guard.dashboard.views.common import (
    ALL_SCOPES,
    AMOUNT_WAN,
    CATEGORY_NAME,
    CELL_COLUMNS,
    DRILL_SCOPE,
    DRILL_SCOPE_TYPE,
    GROUP_NAME,
    LEVEL_LABEL,
    MESSAGE,
    ORDER,
    PREV_AMOUNT_WAN,
    RANK,
    RATE_TEXT,
    TARGET_TEXT,
    TEXT_MAIN,
    TEXT_SUB,
    WHERE,
    Scope,
    finding_messages,
    level_short,
    level_text,
    matrix_years,
    rate_text,
    scope_rows,
    scope_text,
)
from budget_guard.engine import states
from budget_guard.engine.compare import (
    AMOUNT_FEN,
    BASIS_AMOUNT_FEN,
    BASIS_PREV_AMOUNT_FEN,
    CATEGORY,
    CHANGE_RATE,
    GROUP,
    PREV_AMOUNT_FEN,
    SCOPE,
    SCOPE_TYPE,
)
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.findings import FINDING_LEVELS, MESSAGE_EN, MESSAGE_ZH, basis_amount, target_text
from budget_guard.engine.grade import LEVEL
from budget_guard.engine.states import STATE
from budget_guard.model.table import FEN_PER_WAN, YEAR


def matrix_cells(evaluation: Evaluation, scope: Scope, lang: str) -> pd.DataFrame:
    """Category × year for one scope (or ``ALL_SCOPES``): level, change rate, cell text, explanation.

    Every cell is present; cells that were not graded (the first year, or no spending in either
    year) are ``none``. A scope's cell reads the change rate over the level; the all-scopes cell
    reads the worst level with the number of findings over where it is and by how much.
    """
    if scope == ALL_SCOPES:
        return _worst_cells(evaluation, lang)
    rules = evaluation.rules
    rows = scope_rows(evaluation, scope)
    messages = finding_messages(evaluation, scope, lang)
    by_key = {
        (c, int(y)): r for c, y, r in zip(rows[CATEGORY], rows[YEAR], rows.to_dict("records"), strict=True)
    }
    records = []
    for order, category in enumerate(rules.categories):
        for year in matrix_years(evaluation):
            row = by_key.get((category.id, year))
            level = NOT_COMPARED  # the engine's state: no summary row means no line in either year
            rate = amount = prev = np.nan
            if row is not None:
                level = row[STATE]
                graded = level in states.GRADED_STATES
                rate = row[CHANGE_RATE] if graded else np.nan
                amount = basis_amount(row, BASIS_AMOUNT_FEN, AMOUNT_FEN) / FEN_PER_WAN
                prev = basis_amount(row, BASIS_PREV_AMOUNT_FEN, PREV_AMOUNT_FEN) / FEN_PER_WAN
            record = _cell(evaluation, category, order, year, level, lang)
            record.update(
                {
                    CHANGE_RATE: rate,
                    RATE_TEXT: rate_text(rate),
                    TEXT_MAIN: rate_text(rate),
                    TEXT_SUB: level_text(level, lang),
                    AMOUNT_WAN: amount,
                    PREV_AMOUNT_WAN: prev,
                    MESSAGE: messages.get((category.id, year), level_text(level, lang)),
                    DRILL_SCOPE_TYPE: scope[0],
                    DRILL_SCOPE: scope[1],
                }
            )
            records.append(record)
    return pd.DataFrame.from_records(records, columns=[*CELL_COLUMNS, DRILL_SCOPE_TYPE, DRILL_SCOPE])


def _cell(evaluation: Evaluation, category, order: int, year: int, level: str, lang: str) -> dict:
    rules = evaluation.rules
    return {
        GROUP: category.group,
        GROUP_NAME: rules.group(category.group).name.get(lang),
        CATEGORY: category.id,
        CATEGORY_NAME: category.name.get(lang),
        ORDER: order,
        YEAR: year,
        LEVEL: level,
        LEVEL_LABEL: level_text(level, lang),
        TARGET_TEXT: target_text(rules.direction_of(category).value, float(category.target_pct), lang),
    }


def _worst_cells(evaluation: Evaluation, lang: str) -> pd.DataFrame:
    """The state over every scope per category × year (states.rollup_state), with where the findings are."""
    summary = evaluation.summary
    cellstates = summary[[CATEGORY, YEAR, STATE]]
    found = evaluation.findings
    column = MESSAGE_EN if lang == "en" else MESSAGE_ZH
    ranked = cellstates.assign(_rank=cellstates[STATE].map(states.ROLLUP_RANK)).groupby([CATEGORY, YEAR])[
        "_rank"
    ]
    worst = ranked.max().to_dict()
    compared = (
        cellstates.loc[cellstates[STATE].isin(states.GRADED_STATES)]
        .groupby([CATEGORY, YEAR])
        .size()
        .to_dict()
    )
    uncompared = (
        cellstates.loc[cellstates[STATE] == states.NOT_COMPARABLE].groupby([CATEGORY, YEAR]).size().to_dict()
    )
    by_rank = dict(enumerate(states.ROLLUP_ORDER))
    cells: dict[tuple[str, int], list] = {}
    found = found.loc[found[CATEGORY].notna()] if len(found) else found
    for r in found.assign(_rank=found[LEVEL].map(states.ROLLUP_RANK)).to_dict("records"):
        cells.setdefault((r[CATEGORY], int(r[YEAR])), []).append(r)
    records = []
    separator = "；" if lang != "en" else "; "
    for order, category in enumerate(evaluation.rules.categories):
        for year in matrix_years(evaluation):
            items = sorted(cells.get((category.id, year), []), key=lambda r: -r["_rank"])
            rank = worst.get((category.id, year), -1)
            level = by_rank.get(rank, NOT_COMPARED)
            record = _cell(evaluation, category, order, year, level, lang)
            where = [scope_text(evaluation, (r[SCOPE_TYPE], str(r[SCOPE])), lang) for r in items]
            rates = [rate_text(r[CHANGE_RATE]) for r in items]
            sub = (
                msg.t("app.matrix.all_compliant", lang, count=compared.get((category.id, year), 0))
                if level == states.COMPLIANT
                else msg.t(
                    "app.matrix.not_comparable_scopes",
                    lang,
                    count=uncompared.get((category.id, year), 0),
                    compliant=compared.get((category.id, year), 0),
                )
            )
            main = level_short(level, lang)
            if items:  # level and rate first (never cut), where on the second line (the tooltip has all)
                main += "" if rates[0] == "—" else f" {rates[0]}"
                sub = where[0]
                if len(items) > 1:
                    sub += msg.t("app.matrix.more", lang, count=len(items) - 1)
            detail = [
                f"{w} {level_text(r[LEVEL], lang)}" + ("" if rt == "—" else f" {rt}")
                for w, r, rt in zip(where, items, rates, strict=True)
            ]
            record.update(
                {
                    CHANGE_RATE: items[0][CHANGE_RATE] if items else np.nan,
                    RATE_TEXT: rates[0] if items else "—",
                    TEXT_MAIN: main if level != NOT_COMPARED else "—",
                    TEXT_SUB: sub if level != NOT_COMPARED else level_text(level, lang),
                    AMOUNT_WAN: np.nan,
                    PREV_AMOUNT_WAN: np.nan,
                    MESSAGE: "；".join(str(r[column]) for r in items[:5]) or level_text(level, lang),
                    WHERE: separator.join(detail),
                    DRILL_SCOPE_TYPE: items[0][SCOPE_TYPE] if items else "",
                    DRILL_SCOPE: str(items[0][SCOPE]) if items else "",
                }
            )
            records.append(record)
    return pd.DataFrame.from_records(records, columns=[*CELL_COLUMNS, WHERE, DRILL_SCOPE_TYPE, DRILL_SCOPE])


def broken_cells_text(cells: pd.DataFrame, lang: str) -> list[str]:
    """'三公经费 2024年：红色（督办），+20.00%' for every cell at white, yellow or red, worst first.

    For the all-scopes matrix each line also names where the findings are.
    """
    found = cells.loc[cells[LEVEL].isin(FINDING_LEVELS)]
    found = found.assign(_rank=found[LEVEL].map(RANK)).sort_values(
        ["_rank", ORDER, YEAR], ascending=[False, True, True]
    )
    if WHERE in found.columns:
        return [
            msg.t("app.matrix.cell_all", lang, category=c, year=int(y), where=w)
            for c, y, w in zip(found[CATEGORY_NAME], found[YEAR], found[WHERE], strict=True)
        ]
    return [
        msg.t("app.matrix.cell", lang, category=c, year=int(y), level=lv, rate=r)
        for c, y, lv, r in zip(
            found[CATEGORY_NAME], found[YEAR], found[LEVEL_LABEL], found[RATE_TEXT], strict=True
        )
    ]


def matrix_table_html(cells: pd.DataFrame, lang: str) -> str:
    """The matrix as a table for narrow screens: one row per category and year, level and rate first."""
    from budget_guard.dashboard.palette import FILL, TEXT
    from budget_guard.outputs.escape import html_text

    labels = [msg.t("col.category", lang), msg.t("col.year", lang), msg.t("app.matrix.level_rate", lang)]
    labels.append(msg.t("col.scope", lang))
    head = "".join(f"<th>{html_text(label)}</th>" for label in labels)
    rows = []
    for r in cells.sort_values([ORDER, YEAR]).to_dict("records"):
        level = r[LEVEL]
        # level and rate stay on one line (the scope beside them wraps instead)
        style = f"background:{FILL.get(level, '#FFFFFF')};color:{TEXT.get(level, '#000000')};white-space:nowrap"
        rows.append(
            f"<tr><td>{html_text(str(r[CATEGORY_NAME]))}</td><td>{int(r[YEAR])}</td>"
            f'<td style="{style}">{html_text(str(r[TEXT_MAIN]))}</td><td>{html_text(str(r[TEXT_SUB]))}</td></tr>'
        )
    return f'<div class="bg-narrow"><table><tr>{head}</tr>{"".join(rows)}</table></div>'
