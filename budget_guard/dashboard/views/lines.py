"""The source lines behind one graded number, with their file, sheet and row."""

from __future__ import annotations

import pandas as pd

from budget_guard import messages as msg
from budget_guard.dashboard.views.common import Scope, Table, label, wan
from budget_guard.engine.evaluate import Evaluation
from budget_guard.model.table import (
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    ITEM,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_SHEET,
    TAGS,
    YEAR,
    format_wan,
)

LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    (YEAR, "col.year"),
    (DEPARTMENT, "col.department"),
    (ITEM, "col.item"),
    ("amount_wan", "col.amount_wan"),
    (SOURCE_FILE, "col.source_file"),
    (SOURCE_SHEET, "col.source_sheet"),
    (SOURCE_ROW, "col.source_row"),
    (FUNC_CODE, "col.func_code"),
    (ECON_CODE, "col.econ_code"),
    (EXPENSE_TYPE, "col.expense_type"),
    (TAGS, "col.tags"),
)


def source_lines(
    evaluation: Evaluation, scope: Scope, category: str, year: int, lang: str
) -> tuple[Table, str]:
    """The input lines behind one number (this year and the previous), with their file, sheet and row.

    Returns the table and a one-line total per year, which must equal the numbers compared.
    """
    years = [year - 1, year]
    lines = evaluation.lines_behind(scope[0], scope[1], category, years)
    lines = lines.sort_values([YEAR, DEPARTMENT, SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW], kind="stable")
    table = pd.DataFrame(index=lines.index)
    for column, key in LINE_COLUMNS:
        if column == "amount_wan":
            table[label(key, lang)] = wan(lines["amount_fen"]).to_numpy()
        elif column in (YEAR, SOURCE_ROW):
            table[label(key, lang)] = lines[column].astype("Int64").array
        else:
            table[label(key, lang)] = lines[column].astype(object).to_numpy()
    totals = lines.groupby(YEAR)["amount_fen"].agg(["sum", "size"])
    parts = [
        msg.t(
            "app.drill.year_total",
            lang,
            year=y,
            amount=format_wan(int(totals.at[y, "sum"])),
            lines=int(totals.at[y, "size"]),
        )
        for y in years
        if y in totals.index
    ]
    keys = pd.DataFrame({YEAR: lines[YEAR].to_numpy()}, index=lines.index)
    return (
        Table(
            table,
            keys,
            money=(label("col.amount_wan", lang),),
            integers=(label("col.year", lang), label("col.source_row", lang)),
            narrow=tuple(
                label(k, lang) for k in ("col.year", "col.expense_type", "col.tags", "col.source_row")
            ),
            full=tuple(
                label(k, lang)
                for k in ("col.source_file", "col.source_sheet", "col.func_code", "col.econ_code")
            ),
        ),
        "；".join(parts) if lang != "en" else "; ".join(parts),
    )
