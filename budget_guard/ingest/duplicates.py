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
    first_position = (
        pd.Series(range(len(table)), index=table.index).groupby(group).transform("first").to_numpy()
    )
    repeats = repeated.to_numpy().nonzero()[0]
    firsts = first_position[repeats]
    files = table[SOURCE_FILE].astype("object").to_numpy()
    sheets = table[SOURCE_SHEET].astype("object").to_numpy()
    rows = table[SOURCE_ROW].astype("object").to_numpy()
    problems = []
    for position, first in zip(repeats, firsts, strict=True):
        first_row = None if pd.isna(rows[first]) else int(rows[first])
        if files[first] == files[position] and _same(sheets[first], sheets[position]):
            where = first_row
        else:
            sheet = f" {sheets[first]}" if not pd.isna(sheets[first]) else ""
            where = f"{first_row}（{files[first]}{sheet}）"
        problems.append(
            Problem(
                "duplicate-line",
                file=str(files[position]),
                sheet=None if pd.isna(sheets[position]) else str(sheets[position]),
                row=None if pd.isna(rows[position]) else int(rows[position]),
                details={"first_row": where},
            )
        )
    return problems


def _same(a: object, b: object) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b
