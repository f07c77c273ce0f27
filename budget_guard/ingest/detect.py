"""Which layout a sheet is in, decided from its first rows only (never from file names).

Order matters: the specific published layouts (三公, side-by-side 基本支出) are recognised by their
header words before the generic ones (long template, wide years, published code tables).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..table import DEPARTMENT, ECON_CODE, FUNC_CODE, YEAR
from .header_block import find_block
from .headers import AMOUNT, long_field
from .long import HEADER_SCAN_ROWS, find_header
from .published import find_anchor, plan
from .rows import blank_rows
from .sangong import find_anchor as find_sangong_anchor
from .side_by_side import block_starts, plan_blocks
from .yitihua import LAYOUT as YITIHUA
from .yitihua import find_header as find_yitihua_header

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
    not_spending = _not_spending(grid, sheet)
    if not_spending:
        return Detection(NO_DATA, detail=not_spending)
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
    return _explain_unknown(grid)


_NOT_SPENDING = re.compile(r"收支总表|收支预算总表|收支决算总表|绩效|(?<!支出)收入(?!.*支出)")


def _not_spending(grid: pd.DataFrame, sheet: str | None) -> str:
    """A 收入 table, a 收支总表 or a 绩效 table of a 部门预算公开 workbook: not spending lines, so not read."""
    titles = []
    for values in grid.iloc[:5].itertuples(index=False):
        cells = [v for v in values if isinstance(v, str)]
        if (
            len(cells) <= 2
        ):  # a title row is one merged cell (maybe with 单位：万元 beside it), not a data row
            titles += cells
    title = "".join(titles)
    for text in (title, sheet or ""):
        match = _NOT_SPENDING.search(re.sub(r"\s+", "", text))
        if match and not (match.group(0) == "收入" and "支出" in text):
            return f"{match.group(0)}表不是支出明细 / not a spending table"
    return ""


def _explain_unknown(grid: pd.DataFrame) -> Detection:
    """Say what is missing: an amount column, a code column, or anything that looks like budget data."""
    best_row, best_fields = None, set()
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
