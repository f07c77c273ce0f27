"""Cells whose figures fail a 表间勾稽 relation: 不可比 (``relation_failed``), never graded, never 达标.

The relations are checked where the figures are read (``ingest/settle/published_set.py``: 财政拨款 =
一般公共预算 + 基金 + 国资, the 支出表's 基本支出 = the 基本支出表's 合计, a 三公 item of the 基本支出表 ≤ the
三公 table's, 合计 = Σ rows …); each failed one is a row of ``states.RELATION_FAILURE_COLUMNS``. A failed
relation names a classification (功能 / 经济, or None for both) or one category: every department cell of
a category that reads that classification, in that department-year (or as the baseline of the next
year), and the 全市合计 / 区划 cells that add it, become 不可比 with the reason ``relation_failed``. No
finding of its own: the load report and the CLI list the relation with both figures and both tables.
Pure: DataFrames in, DataFrames out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from budget_guard.engine.compare import (
    CATEGORY,
    DEPARTMENT_SCOPE,
    DIVISION_SCOPE,
    GOVERNMENT,
    SCOPE,
    SCOPE_TYPE,
)
from budget_guard.engine.grade import LEVEL, NOTICE_LEVEL, REASON
from budget_guard.engine.selectors import columns_used
from budget_guard.engine.states import NOT_COMPARABLE, REASON_RELATION_FAILED, RELATION_FAILURE_COLUMNS, STATE
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import ECON_CODE, FUNC_CODE, GOV_ECON_CODE, YEAR

_READS = {"func": {FUNC_CODE}, "econ": {ECON_CODE, GOV_ECON_CODE}}


def empty_relation_failures() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in RELATION_FAILURE_COLUMNS})


def categories_reading(rules: Rules, classification: str | None) -> list[str]:
    """The categories whose selector reads the classification (None: every category)."""
    if classification not in _READS:
        return [c.id for c in rules.categories]
    wanted = _READS[classification]
    return [c.id for c in rules.categories if columns_used(c.select, tuple(rules.data_tags)) & wanted]


def failed_cells(failures: pd.DataFrame, rules: Rules, stage: str) -> set[tuple[str, str, int]]:
    """(department, category, year) of every failed relation of ``stage``."""
    hit: set[tuple[str, str, int]] = set()
    if failures is None or failures.empty:
        return hit
    for r in failures.loc[failures["stage"].astype(str) == stage].to_dict("records"):
        categories = (
            [r["category"]] if r.get("category") else categories_reading(rules, r.get("classification"))
        )
        hit |= {(str(r["department"]), c, int(r["year"])) for c in categories}
    return hit


def mark_relation_cells(
    summary: pd.DataFrame, failures: pd.DataFrame | None, rules: Rules, stage: str, baseline_stage: str
) -> pd.DataFrame:
    """Cells using a figure whose relation failed (this year at ``stage``, or last year's baseline) → 不可比."""
    if failures is None or failures.empty or summary.empty:
        return summary
    current = failed_cells(failures, rules, stage)
    previous = {(d, c, y + 1) for d, c, y in failed_cells(failures, rules, baseline_stage)}
    hit = current | previous
    if not hit:
        return summary
    scope_type = summary[SCOPE_TYPE].astype(str).to_numpy()
    keys = zip(
        summary[SCOPE].astype(str), summary[CATEGORY].astype(str), summary[YEAR].astype(int), strict=True
    )
    mask = np.fromiter((k in hit for k in keys), dtype=bool, count=len(summary)) & (
        scope_type == DEPARTMENT_SCOPE
    )
    wide = {(c, y) for _, c, y in hit}
    wide_keys = zip(summary[CATEGORY].astype(str), summary[YEAR].astype(int), strict=True)
    mask |= np.fromiter((k in wide for k in wide_keys), dtype=bool, count=len(summary)) & np.isin(
        scope_type, [GOVERNMENT, DIVISION_SCOPE]
    )
    if not mask.any():
        return summary
    out = summary.copy()
    out.loc[mask, STATE] = NOT_COMPARABLE
    out.loc[mask, REASON] = REASON_RELATION_FAILED
    out.loc[mask, LEVEL] = None
    if NOTICE_LEVEL in out:
        out.loc[mask, NOTICE_LEVEL] = None
    return out


__all__ = ["categories_reading", "empty_relation_failures", "failed_cells", "mark_relation_cells"]
