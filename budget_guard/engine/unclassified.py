"""Lines in no category, as every engine hands them over: a summary, the full list in chunks, a Parquet file.

A province has millions of unclassified lines (personnel, ordinary projects). The reports carry
their summary by department × year × stage × codes; the full list is written once beside them.
The pandas path has the lines in memory (``FrameUnclassified``); the SQL engines compute the
summary in SQL and stream or copy the list (``backends/sql_engine.SqlUnclassified``), so no
engine has to hold every unclassified line at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import pandas as pd

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

LINES = "lines"
# What one summary row stands for: the lines of one department, year and stage with the same codes.
SUMMARY_KEYS: tuple[str, ...] = (DEPARTMENT, YEAR, STAGE, FUNC_CODE, ECON_CODE)
SUMMARY_COLUMNS: tuple[str, ...] = (*SUMMARY_KEYS, LINES, AMOUNT_FEN)
# The full list, in the order of the dashboard's and the former 督办单 sheet's columns.
LIST_COLUMNS: tuple[str, ...] = (
    DEPARTMENT,
    YEAR,
    STAGE,
    FUNC_CODE,
    ECON_CODE,
    ITEM,
    EXPENSE_TYPE,
    AMOUNT_FEN,
    SOURCE_FILE,
    SOURCE_SHEET,
    SOURCE_ROW,
)
CHUNK_LINES = 500_000


class UnclassifiedLines(Protocol):
    """What reports need of the unclassified lines, whichever engine has them."""

    def summary(self) -> pd.DataFrame:
        """By ``SUMMARY_KEYS``: ``lines`` and ``amount_fen``; sorted by the keys, missing values last."""
        ...

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The full list (``LIST_COLUMNS``) in chunks of bounded size."""
        ...

    def write_parquet(self, path: Path) -> None:
        """The full list as a Parquet file at ``path`` (raw values, money as integer 分)."""
        ...


def empty_summary() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS}).astype(
        {YEAR: "int64", LINES: "int64", AMOUNT_FEN: "int64"}
    )


def sort_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """Rows in key order by value (text by code point, as SQL engines compare it), missing last."""
    plain = summary.astype({c: object for c in SUMMARY_KEYS if c != YEAR})
    order = plain.sort_values(list(SUMMARY_KEYS), na_position="last", kind="stable").index
    out = plain.loc[order].reset_index(drop=True)
    for column in SUMMARY_KEYS:
        if column != YEAR:
            out[column] = out[column].where(out[column].notna(), None)
    return out.astype({YEAR: "int64", LINES: "int64", AMOUNT_FEN: "int64"})[list(SUMMARY_COLUMNS)]


class FrameUnclassified:
    """Unclassified lines held in memory (the pandas engine)."""

    def __init__(self, lines: pd.DataFrame) -> None:
        self.lines = lines

    def summary(self) -> pd.DataFrame:
        if not len(self.lines):
            return empty_summary()
        grouped = self.lines.groupby(list(SUMMARY_KEYS), observed=True, dropna=False, sort=False)[AMOUNT_FEN]
        out = grouped.agg(["size", "sum"]).reset_index()
        return sort_summary(out.rename(columns={"size": LINES, "sum": AMOUNT_FEN}))

    def _listed(self) -> pd.DataFrame:
        present = [c for c in LIST_COLUMNS if c in self.lines.columns]
        return self.lines[present].reset_index(drop=True)

    def chunks(self) -> Iterator[pd.DataFrame]:
        listed = self._listed()
        for start in range(0, max(len(listed), 1), CHUNK_LINES):
            yield listed.iloc[start : start + CHUNK_LINES]

    def write_parquet(self, path: Path) -> None:
        self._listed().to_parquet(path, index=False)
