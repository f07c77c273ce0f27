"""Unclassified lines: a summary in the reports people read, the full list once in files beside them.

A province has hundreds of thousands of lines in no guardrail category (personnel, ordinary
projects). Listing each of them in the 督办单 and the JSON report made writing the reports cost
most of a run and the JSON grow with the input. The reports carry the summary by department ×
year × stage × codes (a few thousand rows) and point to the full list, written once: a CSV for
clerks (formula-escaped, UTF-8 with a BOM so Excel reads the Chinese, amounts in exact 元) and a
Parquet file for machines (raw values, money as integer 分).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from budget_guard import messages as msg
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.unclassified import LINES, LIST_COLUMNS
from budget_guard.model.table import (
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
from budget_guard.outputs.escape import excel_cell
from budget_guard.outputs.files import atomic_writer

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

    Sorted by department, year, stage and codes; a missing code is its own group (last), so the
    summary's lines and 分 add up to every unclassified line. Each engine computes it where the
    lines are (in SQL on DuckDB / Spark).
    """
    return evaluation.unclassified_list.summary()


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


def _csv_table(lines: pd.DataFrame, lang: str) -> pa.Table:
    """One chunk of the list as the CSV's columns: headers in ``lang``, every text cell escaped."""

    def stage_label(value: object) -> str | None:
        key = f"stage.{value}"
        return msg.t(key, lang) if msg.has(key) else _cell_text(value)

    arrays: list[pa.Array] = []
    for column in LIST_COLUMNS:
        series = lines[column] if column in lines.columns else pd.Series([None] * len(lines), dtype=object)
        if column == AMOUNT_FEN:
            arrays.append(_yuan_text(series.to_numpy(dtype=np.int64)))
        elif column in (YEAR, SOURCE_ROW):
            arrays.append(pa.array(series.astype("Int64"), type=pa.int64()))
        else:
            arrays.append(_text_column(series, stage_label if column == STAGE else _cell_text))
    return pa.Table.from_arrays(arrays, names=[msg.t(LIST_LABELS[c], lang) for c in LIST_COLUMNS])


def _write_csv(evaluation: Evaluation, handle: IO[bytes], lang: str) -> None:
    """The full list, chunk by chunk, so a list larger than memory is written too."""
    handle.write(UTF8_BOM)
    writer = None
    for chunk in evaluation.unclassified_list.chunks():
        table = _csv_table(chunk, lang)
        if writer is None:
            writer = pa_csv.CSVWriter(handle, table.schema, write_options=_CSV_OPTIONS)
        writer.write_table(table)
    if writer is not None:
        writer.close()


_CSV_OPTIONS = pa_csv.WriteOptions(quoting_style="needed")


def _cell_text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return excel_cell(str(value))


def write_unclassified_csv(evaluation: Evaluation, path: str | Path, lang: str = "zh") -> Path:
    with atomic_writer(path, "wb") as handle:
        _write_csv(evaluation, handle, lang)
    return Path(path)


def write_unclassified_parquet(evaluation: Evaluation, path: str | Path) -> Path:
    """Canonical column names, raw values, money as integer 分 — written by the engine holding the lines."""
    with atomic_writer(path, "wb") as handle:
        evaluation.unclassified_list.write_parquet(Path(handle.name))
    return Path(path)


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
    summary = unclassified_summary(evaluation)
    return UnclassifiedOutput(
        lines=int(summary[LINES].sum()),
        amount_fen=int(summary[AMOUNT_FEN].sum()),
        summary=summary,
        files=dict(files or {}),
    )
