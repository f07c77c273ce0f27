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

from budget_guard.ingest.recognise.rows import SUBTOTAL_PATTERN

SEPARATOR = "|"
_NUMBER = re.compile(r"^\s*[-+(（]?[\d,，.．]+[)）]?\s*$")
_UNIT_OR_DEPT = re.compile(r"单位\s*[:：]|编制单位|部门\s*[:：]|金额单位")


@dataclass(frozen=True)
class HeaderBlock:
    """Header rows ``first..last`` (1-based) and, per column position, its label parts from top to bottom."""

    first: int
    last: int
    parts: dict[int, tuple[str, ...]]
    # (row, position) of 类/款/项 labels printed in the first body row (a 支出决算表 prints them
    # beside its 合计 figures); part of the header, blanked in the body
    label_cells: frozenset[tuple[int, int]] = frozenset()

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
        if len(filled) < 2 or any(_UNIT_OR_DEPT.search(c) for c in filled):
            break
        if not (is_header_like(cells) or _labels_over_header(cells)):
            break
        first -= 1
    last = at
    while last + 1 < len(index):
        if is_header_like(row_cells(grid, index[last + 1])):
            last += 1
        elif last + 2 < len(index) and _blank_before_stage_row(grid, index[last + 1], index[last + 2]):
            last += 2  # an empty printed header line between the labels and the 预算数 | 决算数 row
        else:
            break
    rows = index[first : last + 1]
    shared: dict[int, list[str]] = {}
    if last + 1 < len(index):
        labels = _split_labels_beside_figures(row_cells(grid, index[last + 1]))
        if labels:
            shared[index[last + 1]] = labels
            rows = [*rows, index[last + 1]]
    shared_cells = frozenset(
        (row, position) for row, labels in shared.items() for position, c in enumerate(labels) if c
    )
    return HeaderBlock(index[first], index[last], combine(grid, rows, shared), shared_cells)


def _labels_over_header(cells: list[str]) -> bool:
    """``合计 | “三公”经费 | 会议费 | 培训费`` above a header row: a 合计 *column* label beside other
    column labels, no figure. Only looked for above the anchor, where no 合计 data row can be."""
    filled = [c for c in cells if c]
    return len(filled) >= 2 and not has_amounts(cells) and all(not c.isdigit() for c in filled)


_SPLIT_LABELS = ("类", "款", "项")
_STAGE_LABEL = re.compile(r"^(?:\d{4}年)?(?:年初|全年|调整)?(?:预算|决算|执行)数?$")


def _blank_before_stage_row(grid: pd.DataFrame, blank_row: int, next_row: int) -> bool:
    if any(row_cells(grid, blank_row)):
        return False
    filled = [c for c in row_cells(grid, next_row) if c]
    return len(filled) >= 2 and all(_STAGE_LABEL.match(c) for c in filled)


def _split_labels_beside_figures(cells: list[str]) -> list[str] | None:
    """``类 | 款 | 项 | 合计 | 2,940.05 | …``: the split-code labels of a header printed in the 合计 row.

    Returns the row's cells with only those labels kept (the rest blank), or ``None`` for any other row.
    """
    kept = [c if c in _SPLIT_LABELS else "" for c in cells]
    if not {"类", "款"} <= set(kept) or not has_amounts(cells):
        return None
    return kept


def combine(
    grid: pd.DataFrame, rows: list[int], shared: dict[int, list[str]] | None = None
) -> dict[int, tuple[str, ...]]:
    """Hierarchical fill-right of header rows, then one tuple of parts per column (栏次 rows dropped).

    ``shared`` rows are body rows that also print header labels: only those labels are used."""
    width = grid.shape[1]
    groups: list[tuple[str, ...]] = [()] * width  # the filled labels above, per column
    for row in rows:
        cells = (shared or {}).get(row) or row_cells(grid, row)
        if cells and cells[0] in ("栏次", "行次") or (cells and all(not c or c.isdigit() for c in cells)):
            continue
        filled: list[tuple[str, ...]] = []
        current = ""
        for position in range(width):
            if position and groups[position] != groups[position - 1]:
                current = ""  # a new parent span: do not carry a label across it
            if shared and row in shared:
                current = ""  # labels of a shared row are never carried to the right
            if cells[position]:
                current = cells[position]
            filled.append(groups[position] + ((current,) if current else ()))
        groups = filled
    return {position: tuple(p for p in groups[position] if p) for position in range(width)}
