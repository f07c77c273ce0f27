"""Lines entered twice: same department, year, stage, codes, item, expense type and amount.

Both lines are kept (the table then still adds up to the source file, and two identical lines can be
legitimate, e.g. two sub-units with the same project), and every repeat gets a ``duplicate-line``
warning that points at the first one — so nothing is dropped silently and nothing is doubled silently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard.messages.problems import Problem
from budget_guard.model.table import (
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
    # groups numbered in order of appearance: group k first appears where the running maximum reaches k
    group, _ = pd.factorize(line_key(table, DUPLICATE_KEY))
    first_of_group = np.flatnonzero(np.diff(np.maximum.accumulate(group), prepend=-1) > 0)
    first_position = first_of_group[group]
    repeats = np.flatnonzero(first_position != np.arange(len(table)))
    if not len(repeats):
        return []
    firsts = first_position[repeats]
    files = table[SOURCE_FILE].astype("object").to_numpy()
    sheets = table[SOURCE_SHEET].astype("object").to_numpy()
    rows = table[SOURCE_ROW].astype("object").to_numpy()
    problems = []
    for position, first in zip(repeats, firsts, strict=True):
        first_row = None if pd.isna(rows[first]) else int(rows[first])
        where: int | str | None
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


def line_key(table: pd.DataFrame, columns: tuple[str, ...]) -> np.ndarray:
    """One integer per line, equal exactly when the lines agree on ``columns`` (missing equals missing).

    Built from each column's integer codes (a categorical's own, else a factorization), combined
    two at a time and re-numbered before the product could overflow: no tuples, no groupby.
    """
    key = np.zeros(len(table), dtype=np.int64)
    size = 1
    for name in columns:
        column = table[name]
        if isinstance(column.dtype, pd.CategoricalDtype):
            codes, count = column.cat.codes.to_numpy().astype(np.int64), len(column.cat.categories)
        else:
            codes, uniques = pd.factorize(column, use_na_sentinel=True)
            codes, count = codes.astype(np.int64), len(uniques)
        codes += 1  # missing (-1) becomes a value of its own
        if size * (count + 1) >= 1 << 62:
            key, uniques = pd.factorize(key)
            size = len(uniques)
        key = key * (count + 1) + codes
        size *= count + 1
    return key


def _same(a: object, b: object) -> bool:
    return (pd.isna(a) and pd.isna(b)) or a == b
