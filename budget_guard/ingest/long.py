"""Our own long template: one budget line per row, columns named by the documented aliases.

Rows above the header (a title, a ``单位：万元`` line) are allowed; so are 合计/小计 rows, notes and
blank rows, which are counted and not read as data. Everything is vectorised per column, so a
million-line CSV costs a few pandas passes.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..problems import Problem
from ..table import DEPARTMENT, ECON_CODE, FUNC_CODE, ITEM
from .grid import column_letter
from .headers import AMOUNT, long_field
from .lines import AMOUNT_LABEL, AMOUNT_TEXT, ROW, UNIT
from .rows import (
    BLANK,
    DATA,
    HEADER,
    NOTE,
    SUBTOTAL,
    blank_rows,
    is_subtotal,
    note_rows,
    repeated_header_rows,
)

LAYOUT = "long"
HEADER_SCAN_ROWS = 30


@dataclass(frozen=True)
class LongHeader:
    """Where the header is, which column holds each field, and a unit stated in the amount header."""

    row: int
    fields: dict[str, int]
    labels: dict[str, str]
    unit: str | None
    problems: tuple[Problem, ...] = ()
    ignored: tuple[tuple[int, str], ...] = ()


def find_header(grid: pd.DataFrame, file: str = "", sheet: str | None = None) -> LongHeader | None:
    """The first row (within the first 30) naming an amount column and a code or department column."""
    for row in grid.index[:HEADER_SCAN_ROWS]:
        cells = grid.loc[row]
        fields: dict[str, int] = {}
        labels: dict[str, str] = {}
        unit = None
        problems: list[Problem] = []
        ignored: list[tuple[int, str]] = []
        for position, value in enumerate(cells.tolist()):
            if not isinstance(value, str):
                continue
            field, stated = long_field(value)
            if field is None:
                ignored.append((position, value))
                continue
            if field in fields:
                problems.append(
                    Problem(
                        "header-duplicate",
                        file=file,
                        sheet=sheet,
                        row=int(row),
                        column=column_letter(position),
                        details={"value": value, "first": labels[field], "field": field},
                    )
                )
                continue
            fields[field] = position
            labels[field] = value.strip()
            if field == AMOUNT:
                unit = stated
        others = {FUNC_CODE, ECON_CODE, DEPARTMENT} & fields.keys()
        if AMOUNT in fields and (others or len(fields) >= 3):
            return LongHeader(int(row), fields, labels, unit, tuple(problems), tuple(ignored))
    return None


def read_long(
    grid: pd.DataFrame, header: LongHeader, unit: str
) -> tuple[pd.DataFrame, dict[str, str], pd.Series]:
    """Lines as text for ``finish_lines``, the column labels, and a bucket per source row (data rows provisional)."""
    buckets = pd.Series(HEADER, index=grid.index, dtype="object")
    blank = blank_rows(grid)
    body = grid.index > header.row
    buckets[blank] = BLANK
    fields = header.fields
    label_cells = [grid[fields[f]] for f in (ITEM, FUNC_CODE, ECON_CODE, DEPARTMENT) if f in fields]
    subtotal = pd.Series(False, index=grid.index)
    for cells in label_cells:
        subtotal |= is_subtotal(cells)
    notes = note_rows(grid)
    repeated = repeated_header_rows(grid, grid.loc[header.row])
    candidate = body & ~blank
    buckets[candidate & repeated] = HEADER
    buckets[candidate & ~repeated & notes] = NOTE
    buckets[candidate & ~repeated & ~notes & subtotal] = SUBTOTAL
    data = candidate & ~repeated & ~notes & ~subtotal
    buckets[data] = DATA
    rows = grid.index[data]
    raw = pd.DataFrame({ROW: rows})
    for field, position in fields.items():
        target = AMOUNT_TEXT if field == AMOUNT else field
        raw[target] = grid.loc[data, position].reset_index(drop=True)  # stays an Arrow string column
    raw[AMOUNT_LABEL] = header.labels[AMOUNT]
    raw[UNIT] = unit
    labels = {field: header.labels[field] for field in fields}
    return raw, labels, buckets
