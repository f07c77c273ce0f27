"""The cell-length limit: a row holding a cell longer than ``max_cell_chars`` is rejected, not read.

No budget line's name or code comes near Excel's own 32,767 characters; a longer cell is junk or an
attack, and it would be copied into every report. The row is blanked before the layout looks at it
(so nothing in it is read), then moved from the blank to the rejected bucket with a located problem.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from budget_guard.ingest.files.grid import TEXT, column_letter
from budget_guard.ingest.load_result import REJECTED_COLUMNS
from budget_guard.messages.problems import Problem

LongCell = tuple[int, int, int]  # (row, column position, length)


def blank_long_cells(grid: pd.DataFrame, limit: int) -> tuple[pd.DataFrame, list[LongCell]]:
    """The grid with every row holding an over-long cell emptied, and those cells."""
    found: list[LongCell] = []
    for position, column in enumerate(grid.columns):
        if _bytes_within(grid[column], limit):
            continue  # no cell has more bytes than the limit allows characters
        lengths = grid[column].str.len()
        over = (lengths > limit).fillna(False).to_numpy(dtype=bool)
        if over.any():
            found += [
                (int(r), position, int(n)) for r, n in zip(grid.index[over], lengths[over], strict=True)
            ]
    if not found:
        return grid, found
    grid = grid.copy()
    grid.loc[sorted({r for r, _, _ in found})] = pd.NA
    return grid, found


def _bytes_within(cells: pd.Series, limit: int) -> bool:
    """A cheap first look: a cell has at least as many UTF-8 bytes as characters."""
    if cells.dtype != TEXT:
        return False
    longest = pc.max(pc.binary_length(pa.array(cells.array))).as_py()
    return longest is None or longest <= limit


def reject_long_cells(outcome, found: list[LongCell], limit: int):
    """Count the blanked rows as rejected and say why, naming row and column."""
    first: dict[int, LongCell] = {}
    for cell in found:
        first.setdefault(cell[0], cell)
    problems = [
        Problem(
            "cell-too-long",
            file=outcome.report.file,
            sheet=outcome.report.sheet,
            row=row,
            column=column_letter(position),
            details={"length": f"{length:,}", "limit": f"{limit:,}"},
        )
        for row, position, length in first.values()
    ]
    records = pd.DataFrame(
        [
            {
                "file": p.file,
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "code": p.code,
                "value": None,
                "message_zh": p.message("zh"),
                "message_en": p.message("en"),
            }
            for p in problems
        ],
        columns=REJECTED_COLUMNS,
    )
    report = outcome.report
    moved = min(len(first), report.blank_rows)
    report.blank_rows -= moved
    report.rejected_rows += moved
    rejected = (
        records if outcome.rejected.empty else pd.concat([outcome.rejected, records], ignore_index=True)
    )
    return replace(outcome, rejected=rejected, problems=[*outcome.problems, *problems])
