"""Large data at the edge: check canonical tables on DuckDB or Spark, and convert spreadsheets to Parquet.

The engine's line-level half runs where the lines are (``engine/backends``); this module only
opens the inputs, says which files were read, and writes a Parquet dataset in the canonical
schema so a large job reads its spreadsheets once (``budget-guard convert``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .engine.backends import DEFAULT_ENGINE, ENGINES
from .engine.backends.sql_engine import SqlLines, evaluate_lines
from .engine.evaluate import Evaluation
from .errors import InputError, Place
from .ingest.result import READ, FileReport, LoadResult, SheetReport
from .rulebook import Rules
from .safety import atomic_write_bytes, excel_cell
from .table import COLUMNS

CONVERTED_NAME = "lines.parquet"
CANONICAL_LAYOUT = "canonical"  # a table already in the canonical columns (convert's output)
REJECTED_NAME = "rejected.csv"


def table_load(lines: SqlLines) -> LoadResult:
    """The files a SQL engine read, as a load result for the reports: lines and 分 per file (the
    lines themselves stay in the engine)."""
    totals = lines.file_totals() if lines.file_totals is not None else pd.DataFrame()
    reports = []
    for record in totals.sort_values("file").to_dict("records") if len(totals) else []:
        given = str(record["file"])
        path = Path(given.removeprefix("file:"))
        size = path.stat().st_size if path.exists() else None
        sheet = SheetReport(
            file=path.name,
            sheet=None,
            layout=CANONICAL_LAYOUT,
            lines=int(record["lines"]),
            data_rows=int(record["lines"]),
            rows_read=int(record["lines"]),
            read_lines=int(record["lines"]),
            amount_fen=int(record["amount_fen"] or 0),
            read_fen=int(record["amount_fen"] or 0),
            outcome=READ,
        )
        reports.append(FileReport(path=str(path), name=path.name, size=size, status="ok", sheets=[sheet]))
    return LoadResult(files=reports)


def evaluate_tables(
    paths: Sequence[str | Path],
    rules: Rules,
    *,
    engine: str = DEFAULT_ENGINE,
    stage: str | None = None,
    spark_master: str | None = None,
    spark_table: str | None = None,
) -> tuple[LoadResult, Evaluation]:
    """Evaluate canonical Parquet/CSV ``paths`` (or a Spark catalog table) on ``engine``."""

    if engine not in ENGINES or engine == DEFAULT_ENGINE:
        raise ValueError(f"not a SQL engine: {engine}")
    if engine == "duckdb":
        from .engine.backends import duckdb_backend

        if spark_table:
            raise InputError("--spark-table 只用于 --engine spark", "--spark-table needs --engine spark")
        lines = duckdb_backend.open_lines(paths, rules)
    else:
        from .engine.backends import spark_backend

        master = spark_master or spark_backend.DEFAULT_MASTER
        lines = spark_backend.open_lines(paths, rules, table=spark_table, master=master)
    return table_load(lines), evaluate_lines(lines, stage)


@dataclass(frozen=True)
class Converted:
    """What ``convert`` wrote: the dataset, the rejected rows beside it, and what was read."""

    dataset: Path
    rejected: Path | None
    load: LoadResult


def convert(inputs: Sequence[str | Path], out_dir: str | Path) -> Converted:
    """Read spreadsheets (every layout ``read_budget`` knows) and write their canonical lines as Parquet.

    The dataset is ``OUT/lines.parquet`` (canonical columns, source file/sheet/row kept, so findings
    still name their rows); rows that were rejected go to ``OUT/rejected.csv`` with their reason.
    """
    from .ingest import read_budget

    load = read_budget([Path(p) for p in inputs])
    if not load.files:
        raise InputError(
            "没有找到可读取的表格文件（.csv .xlsx .xls）",
            "no spreadsheet files found (.csv .xlsx .xls)",
            Place(file=", ".join(str(p) for p in inputs)),
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = load.table[list(COLUMNS)].copy()
    for column in table.columns:
        if isinstance(table[column].dtype, pd.CategoricalDtype):
            table[column] = table[column].astype("string")
    dataset = out / CONVERTED_NAME
    table.to_parquet(dataset, index=False)
    rejected = None
    if len(load.rejected):
        rejected = out / REJECTED_NAME
        safe = load.rejected.map(excel_cell)  # a clerk opens it in Excel: no formula runs
        atomic_write_bytes(rejected, safe.to_csv(index=False).encode("utf-8-sig"))
    return Converted(dataset, rejected, load)
