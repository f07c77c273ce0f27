"""Lines entered twice: same department, year, stage, codes, item, expense type and amount.

Both lines are kept (the table then still adds up to the source file, and two identical lines can be
legitimate, e.g. two sub-units with the same project), and every repeat gets a ``duplicate-line``
warning that points at the first one — so nothing is dropped silently and nothing is doubled silently.
"""

from __future__ import annotations

import pandas as pd

from ..problems import Problem
from ..table import (
    AMOUNT_FEN,
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    ITEM,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_SHEET,
    STAGE,
    YEAR,
)

DUPLICATE_KEY = (DEPARTMENT, YEAR, STAGE, FUNC_CODE, ECON_CODE, ITEM, EXPENSE_TYPE, AMOUNT_FEN)


def duplicate_problems(table: pd.DataFrame) -> list[Problem]:
    """One warning per repeated line, naming the row (and file/sheet when different) of its first occurrence."""
    if table.empty:
        return []
    group = table.groupby(list(DUPLICATE_KEY), dropna=False, observed=True, sort=False).ngroup()
    repeated = group.duplicated(keep="first")
    if not repeated.any():
        return []
    first_position = pd.Series(range(len(table)), index=table.index).groupby(group).transform("first")
    problems = []
    for position in repeated.to_numpy().nonzero()[0]:
        line = table.iloc[position]
        first = table.iloc[int(first_position.iloc[position])]
        first_row = int(first[SOURCE_ROW]) if pd.notna(first[SOURCE_ROW]) else None
        same_place = first[SOURCE_FILE] == line[SOURCE_FILE] and _same(
            first[SOURCE_SHEET], line[SOURCE_SHEET]
        )
        if same_place:
            where = first_row
        else:
            sheet = f" {first[SOURCE_SHEET]}" if pd.notna(first[SOURCE_SHEET]) else ""
            where = f"{first_row}（{first[SOURCE_FILE]}{sheet}）"
        problems.append(
            Problem(
                "duplicate-line",
                file=str(line[SOURCE_FILE]),
                sheet=None if pd.isna(line[SOURCE_SHEET]) else str(line[SOURCE_SHEET]),
                row=int(line[SOURCE_ROW]) if pd.notna(line[SOURCE_ROW]) else None,
                details={"first_row": where},
            )
        )
    return problems


def _same(a: object, b: object) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b
