"""Limits that keep one hostile or broken input from exhausting the process or the sums.

Each is a default a caller (CLI flag, app, API argument) can change; docs/cli.md lists them with
their flags. They live in one frozen dataclass so ingest, batch and the CLI agree on one value.
"""

from __future__ import annotations

from dataclasses import dataclass

from budget_guard.model.table import FEN_PER_YUAN

# Python's int64 sums are safe while the sum of the absolute amounts stays below this (2^62 fen,
# half of int64's range, so a difference of two sums cannot overflow either).
SAFE_TOTAL_FEN = 2**62


@dataclass(frozen=True)
class Limits:
    """What one input may cost. ``max_amount_yuan`` is per line: no department budget line is near it."""

    max_file_mb: float = 200.0  # bytes on disk (or uploaded)
    max_unpacked_mb: float = 1024.0  # xlsx/xlsm/ods: all zip members decompressed together
    max_ratio: float = 200.0  # one zip member's decompressed / compressed size (members above 10 MB)
    max_cells: int = 30_000_000  # one sheet's used range, rows × columns, before the reader allocates it
    max_cell_chars: int = 32_767  # one cell's text (Excel's own limit); a longer cell rejects its row
    max_amount_yuan: int = 10**13  # one amount, 10万亿元 (the whole national budget is ~28万亿元)
    settle_seconds: float = 10.0  # batch: a file modified more recently than this is left for the next run

    @property
    def max_amount_fen(self) -> int:
        return int(self.max_amount_yuan) * FEN_PER_YUAN

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def max_unpacked_bytes(self) -> int:
        return int(self.max_unpacked_mb * 1024 * 1024)


DEFAULT_LIMITS = Limits()
