"""Multi-row, merged-cell headers of published tables, combined into one label per column.

A merged cell keeps its text only in its top-left cell. Each header row is therefore filled to the
right *within the span of the label above it* (never across it), so ``公务用车购置及运行费`` over
``小计 | 购置费 | 运行费`` over ``预算数 | 决算数`` becomes ``公务用车购置及运行费|购置费|预算数`` while
``公务接待费`` next to it keeps its own columns. Works the same for CSVs exported from PDFs, where
merged cells arrive as empty strings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from .rows import SUBTOTAL_PATTERN

SEPARATOR = "|"
_NUMBER = re.compile(r"^\s*[-+(（]?[\d,，.．]+[)）]?\s*$")
_UNIT_OR_DEPT = re.compile(r"单位\s*[:：]|编制单位|部门\s*[:：]|金额单位")


@dataclass(frozen=True)
class HeaderBlock:
    """Header rows ``first..last`` (1-based) and, per column position, its label parts from top to bottom."""

    first: int
    last: int
    parts: dict[int, tuple[str, ...]]

    def label(self, position: int) -> str:
        return SEPARATOR.join(self.parts.get(position, ()))

    def leaf(self, position: int) -> str:
        parts = self.parts.get(position, ())
        return parts[-1] if parts else ""


def clean_label(text: object) -> str:
    """Header text without width differences or padding: ``合　　计`` → ``合计``."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def row_cells(grid: pd.DataFrame, row: int) -> list[str]:
    return [clean_label(v) for v in grid.loc[row].tolist()]


def has_amounts(cells: list[str]) -> bool:
    return any(_NUMBER.match(c) for c in cells if c)


def is_header_like(cells: list[str]) -> bool:
    """A row that can belong to a header: some text, no amounts or codes, not a 合计 row."""
    filled = [c for c in cells if c]
    if not filled:
        return False
    if filled[0] in ("栏次", "行次"):
        return True
    if any(_NUMBER.match(c) for c in filled):
        return False
    return not (cells[0] and re.search(SUBTOTAL_PATTERN, cells[0]))  # a 合计 row whose amounts are blank


def find_block(grid: pd.DataFrame, anchor: int) -> HeaderBlock:
    """Grow a header block up and down from an anchor row (the row naming the code column)."""
    index = list(grid.index)
    at = index.index(anchor)
    first = at
    while first > 0:
        cells = row_cells(grid, index[first - 1])
        filled = [c for c in cells if c]
        if len(filled) < 2 or any(_UNIT_OR_DEPT.search(c) for c in filled) or not is_header_like(cells):
            break
        first -= 1
    last = at
    while last + 1 < len(index) and is_header_like(row_cells(grid, index[last + 1])):
        last += 1
    rows = index[first : last + 1]
    return HeaderBlock(index[first], index[last], combine(grid, rows))


def combine(grid: pd.DataFrame, rows: list[int]) -> dict[int, tuple[str, ...]]:
    """Hierarchical fill-right of header rows, then one tuple of parts per column (栏次 rows dropped)."""
    width = grid.shape[1]
    groups = [()] * width  # the filled labels above, per column
    for row in rows:
        cells = row_cells(grid, row)
        if cells and cells[0] in ("栏次", "行次") or (cells and all(not c or c.isdigit() for c in cells)):
            continue
        filled: list[tuple[str, ...]] = []
        current = ""
        for position in range(width):
            if position and groups[position] != groups[position - 1]:
                current = ""  # a new parent span: do not carry a label across it
            if cells[position]:
                current = cells[position]
            filled.append(groups[position] + ((current,) if current else ()))
        groups = filled
    return {position: tuple(p for p in groups[position] if p) for position in range(width)}
