"""Which layout a sheet is in, decided from its first rows only (never from file names).

Order matters: the specific published layouts (三公, side-by-side 基本支出) are recognised by their
header words before the generic ones (long template, wide years, published code tables).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from budget_guard.ingest.layouts.long import HEADER_SCAN_ROWS, find_header
from budget_guard.ingest.layouts.published import find_anchor, plan
from budget_guard.ingest.layouts.sangong import find_anchor as find_sangong_anchor
from budget_guard.ingest.layouts.side_by_side import block_starts, plan_blocks
from budget_guard.ingest.layouts.yitihua import LAYOUT as YITIHUA
from budget_guard.ingest.layouts.yitihua import find_header as find_yitihua_header
from budget_guard.ingest.recognise.header_block import find_block
from budget_guard.ingest.recognise.headers import AMOUNT, long_field
from budget_guard.ingest.recognise.rows import blank_rows
from budget_guard.ingest.recognise.table_kinds import (
    classify_table,
    has_figures,
    looks_like_spending_table,
    no_data_note,
    title_text,
)
from budget_guard.model.table import DEPARTMENT, ECON_CODE, FUNC_CODE, YEAR

LONG = "long"
PUBLISHED = "published"
SIDE_BY_SIDE = "side-by-side"
SANGONG = "sangong"
EMPTY = "empty"
UNKNOWN = "unknown"
NO_DATA = "no-data"


@dataclass(frozen=True)
class Detection:
    """The layout name, the layout's own header description, or the problem code explaining why none fits."""

    layout: str
    header: Any = None
    problem: str | None = None
    detail: str = ""
    row: int | None = None


def detect_layout(grid: pd.DataFrame, file: str = "", sheet: str | None = None) -> Detection:
    if blank_rows(grid).all():
        return Detection(EMPTY)
    kind = classify_table(grid, sheet)
    if not kind.spending:
        return Detection(NO_DATA, detail=kind.detail)
    if not has_figures(grid):
        note = no_data_note(grid)
        if note or looks_like_spending_table(grid):
            return Detection(EMPTY, detail=note or "")
        return Detection(NO_DATA, detail="没有数字 / no numbers")
    sangong_anchor = find_sangong_anchor(grid)
    if sangong_anchor is not None:
        return Detection(SANGONG, sangong_anchor, row=sangong_anchor)
    yitihua_header = find_yitihua_header(grid, file, sheet)
    if yitihua_header is not None:
        return Detection(YITIHUA, yitihua_header)
    long_header = find_header(grid, file, sheet)
    if long_header is not None:
        return Detection(LONG, long_header)
    anchor = find_anchor(grid)
    if anchor is not None:
        starts = block_starts(find_block(grid, anchor), grid.shape[1])
        if len(starts) >= 2:
            planned = plan_blocks(grid, anchor, starts)
            if planned is not None:
                return Detection(SIDE_BY_SIDE, planned, row=anchor)
        table_plan = plan(grid, anchor)
        if table_plan is not None and table_plan.measures:
            return Detection(PUBLISHED, table_plan, row=anchor)
        if table_plan is not None:
            return Detection(UNKNOWN, problem="no-amount-column", row=anchor)
    if "总表" in title_text(grid, sheet):  # 支出总表 / 支出预算总表 printed by class names, without codes
        return Detection(NO_DATA, detail="汇总表（无科目编码） / summary table without codes")
    return _explain_unknown(grid)


def _explain_unknown(grid: pd.DataFrame) -> Detection:
    """Say what is missing: an amount column, a code column, or anything that looks like budget data."""
    best_row: int | None = None
    best_fields: set[str | None] = set()
    for row in grid.index[:HEADER_SCAN_ROWS]:
        fields = {long_field(v)[0] for v in grid.loc[row].tolist() if isinstance(v, str)} - {None}
        if len(fields) > len(best_fields):
            best_row, best_fields = int(row), fields
    if len(best_fields) >= 2 and AMOUNT not in best_fields:
        return Detection(UNKNOWN, problem="no-amount-column", row=best_row)
    if AMOUNT in best_fields and not best_fields & {FUNC_CODE, ECON_CODE, DEPARTMENT, YEAR}:
        return Detection(UNKNOWN, problem="no-code-column", row=best_row)
    has_numbers = (
        grid.apply(
            lambda col: col.str.fullmatch(r"\s*-?[\d,，.．]+\s*").fillna(False).astype(bool).any()
        ).any()
        if grid.shape[1]
        else False
    )
    if not has_numbers:
        return Detection(NO_DATA, detail="没有数字 / no numbers")
    return Detection(
        UNKNOWN,
        problem="layout-unknown",
        detail="前30行中没有可识别的表头 / no recognisable header in the first 30 rows",
        row=int(grid.index[0]),
    )
