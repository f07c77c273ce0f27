"""The input lines behind a case, as the run that found it read them (kept in the ledger's ``case_lines``).

Plain JSON records — year, department, item, amount in 分, where the line was read (file, sheet,
row) and its codes — so the 督办台账 can show them with no data loaded, from any engine.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from budget_guard.cases.identity import CaseKey
from budget_guard.engine.evaluate import Evaluation
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
    TAGS,
    YEAR,
)

LINE_FIELDS: tuple[str, ...] = (
    YEAR,
    DEPARTMENT,
    ITEM,
    AMOUNT_FEN,
    SOURCE_FILE,
    SOURCE_SHEET,
    SOURCE_ROW,
    FUNC_CODE,
    ECON_CODE,
    EXPENSE_TYPE,
    TAGS,
)


def _plain(value: Any) -> Any:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value if isinstance(value, int | float | str) else str(value)


def recorded_lines(evaluation: Evaluation, key: CaseKey) -> list[dict[str, Any]]:
    """The lines behind the case's cell in this evaluation (previous and compared year), as records."""
    try:
        lines = evaluation.lines_behind(key.scope_type, key.scope, key.category, [key.year - 1, key.year])
    except LookupError:
        return []
    if lines is None or lines.empty:
        return []
    lines = lines.sort_values(
        [c for c in (YEAR, DEPARTMENT, SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW) if c in lines.columns],
        kind="stable",
    )
    fields = [f for f in LINE_FIELDS if f in lines.columns]
    return [
        {f: _plain(v) for f, v in zip(fields, row, strict=True)}
        for row in lines[fields].itertuples(index=False)
    ]
