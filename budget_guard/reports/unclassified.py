"""Unclassified lines: a summary in the reports people read, the full list once in files beside them.

A province has hundreds of thousands of lines in no guardrail category (personnel, ordinary
projects). Listing each of them in the 督办单 and the JSON report made writing the reports cost
most of a run and the JSON grow with the input. The reports carry the summary by department ×
year × stage × codes (a few thousand rows) and point to the full list, written once: a CSV for
clerks (formula-escaped, UTF-8 with a BOM so Excel reads the Chinese, amounts in exact 元) and a
Parquet file for machines (raw values, money as integer 分).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from .. import i18n
from ..engine.evaluate import Evaluation
from ..safety import atomic_write_bytes, excel_cell
from ..table import (
    AMOUNT_FEN,
    DEPARTMENT,
    ECON_CODE,
    EXPENSE_TYPE,
    FEN_PER_YUAN,
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
LIST_LABELS: dict[str, str] = {
    DEPARTMENT: "col.department",
    YEAR: "col.year",
    STAGE: "col.stage",
    FUNC_CODE: "col.func_code",
    ECON_CODE: "col.econ_code",
    ITEM: "col.item",
    EXPENSE_TYPE: "col.expense_type",
    AMOUNT_FEN: "col.amount_yuan",
    SOURCE_FILE: "col.source_file",
    SOURCE_SHEET: "col.source_sheet",
    SOURCE_ROW: "col.source_row",
}
CSV_SUFFIX = "-unclassified.csv"
PARQUET_SUFFIX = "-unclassified.parquet"
UTF8_BOM = "\ufeff".encode()


def unclassified_summary(evaluation: Evaluation) -> pd.DataFrame:
    """Unclassified lines by department × year × stage × 功能/经济分类 code: line count and 分.

    Sorted by department, year, stage and codes; a missing code is its own group (NA), so the
    summary's lines and 分 add up to every unclassified line.
    """
    lines = evaluation.unclassified
    if not len(lines):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SUMMARY_COLUMNS}).astype(
            {YEAR: "int64", LINES: "int64", AMOUNT_FEN: "int64"}
        )
    grouped = lines.groupby(list(SUMMARY_KEYS), observed=True, dropna=False, sort=True)[AMOUNT_FEN]
    out = grouped.agg(["size", "sum"]).reset_index()
    out = out.rename(columns={"size": LINES, "sum": AMOUNT_FEN})
    return out.astype({LINES: "int64", AMOUNT_FEN: "int64"})[list(SUMMARY_COLUMNS)]


def largest_groups(summary: pd.DataFrame, n: int) -> pd.DataFrame:
    """The ``n`` summary rows with the most money (ties by position), for e-mail-sized reports."""
    if len(summary) <= n:
        return summary
    order = np.argsort(-summary[AMOUNT_FEN].to_numpy(), kind="stable")[:n]
    return summary.iloc[order]


def _text_column(series: pd.Series, transform: Callable[[object], str | None]) -> pa.Array:
    """Text as an Arrow string array, ``transform`` applied once per distinct value (not per line)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
    else:
        codes, uniques = pd.factorize(series)
    dictionary = pa.array([transform(v) for v in uniques], type=pa.string())
    return pc.take(dictionary, pa.array(codes, mask=codes < 0))


def _yuan_text(fen: np.ndarray) -> pa.Array:
    """Exact 元 with two decimals from integer 分 (``-12.05``), built column-wise."""
    whole = pd.Series(np.abs(fen) // FEN_PER_YUAN).astype(str)
    cents = pd.Series(np.abs(fen) % FEN_PER_YUAN).astype(str).str.zfill(2)
    sign = np.where(fen < 0, "-", "")
    return pa.array((sign + whole + "." + cents).to_numpy(dtype=object), type=pa.string())


def csv_bytes(evaluation: Evaluation, lang: str) -> bytes:
    """The full list as CSV bytes for a spreadsheet: headers in ``lang``, every text cell escaped."""
    lines = evaluation.unclassified

    def stage_label(value: object) -> str | None:
        key = f"stage.{value}"
        return i18n.t(key, lang) if i18n.has(key) else _cell_text(value)

    arrays: list[pa.Array] = []
    for column in LIST_COLUMNS:
        series = lines[column] if column in lines.columns else pd.Series([None] * len(lines), dtype=object)
        if column == AMOUNT_FEN:
            arrays.append(_yuan_text(series.to_numpy(dtype=np.int64)))
        elif column in (YEAR, SOURCE_ROW):
            arrays.append(pa.array(series.astype("Int64"), type=pa.int64()))
        else:
            arrays.append(_text_column(series, stage_label if column == STAGE else _cell_text))
    table = pa.Table.from_arrays(arrays, names=[i18n.t(LIST_LABELS[c], lang) for c in LIST_COLUMNS])
    buffer = io.BytesIO()
    buffer.write(UTF8_BOM)
    pa_csv.write_csv(table, buffer, pa_csv.WriteOptions(quoting_style="needed"))
    return buffer.getvalue()


def _cell_text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return excel_cell(str(value))


def parquet_bytes(evaluation: Evaluation) -> bytes:
    """The full list as Parquet: canonical column names, raw values, money as integer 分."""
    lines = evaluation.unclassified
    frame = lines[[c for c in LIST_COLUMNS if c in lines.columns]].reset_index(drop=True)
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def write_unclassified_csv(evaluation: Evaluation, path: str | Path, lang: str = "zh") -> Path:
    return atomic_write_bytes(path, csv_bytes(evaluation, lang))


def write_unclassified_parquet(evaluation: Evaluation, path: str | Path) -> Path:
    return atomic_write_bytes(path, parquet_bytes(evaluation))


@dataclass(frozen=True)
class UnclassifiedOutput:
    """What every report says about the unclassified lines: totals, the summary, where the list is."""

    lines: int
    amount_fen: int
    summary: pd.DataFrame
    files: dict[str, str] = field(default_factory=dict)  # "csv" / "parquet" → path in the report folder

    def files_text(self) -> str:
        return ", ".join(self.files.values())


def unclassified_output(evaluation: Evaluation, files: dict[str, str] | None = None) -> UnclassifiedOutput:
    lines = evaluation.unclassified
    return UnclassifiedOutput(
        lines=int(len(lines)),
        amount_fen=int(lines[AMOUNT_FEN].sum()) if len(lines) else 0,
        summary=unclassified_summary(evaluation),
        files=dict(files or {}),
    )
