"""Large data at the edge: check canonical tables on DuckDB or Spark, and convert spreadsheets to Parquet.

The engine's line-level half runs where the lines are (``engine/backends``); this module only
opens the inputs, says which files were read, and writes a Parquet dataset in the canonical
schema so a large job reads its spreadsheets once (``budget-guard convert``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from budget_guard.engine.backends import DEFAULT_ENGINE, TABLE_ENGINES, registration, table_engine
from budget_guard.engine.backends.sql_engine import SqlLines, evaluate_lines
from budget_guard.engine.evaluate import Evaluation
from budget_guard.errors import InputError
from budget_guard.ingest.files.sources import no_tables_error
from budget_guard.ingest.load_result import READ, FileReport, LoadResult, SheetReport
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import AMOUNT_FEN, COLUMNS, DEPARTMENT, SOURCE_ROW, STAGE, YEAR
from budget_guard.outputs.escape import excel_cell
from budget_guard.outputs.files import atomic_write_bytes

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

    if engine not in TABLE_ENGINES:
        raise ValueError(f"not a table engine: {engine}")
    takes = registration(engine).options
    if spark_table and "table" not in takes:
        raise InputError.from_key("engine.spark_table_only")
    options: dict[str, object] = {}
    if "table" in takes:
        options["table"] = spark_table
    if "master" in takes and spark_master:
        options["master"] = spark_master
    lines = table_engine(engine).open_lines(paths, rules, **options)
    return table_load(lines), evaluate_lines(lines, stage)


@dataclass(frozen=True)
class Converted:
    """What ``convert`` wrote: the dataset, the rejected rows beside it, and what was read.

    ``lines`` is how many lines the dataset holds (a streamed conversion keeps no table in memory);
    ``shared_keys`` the department × year × stage groups that came from more than one file when
    streaming (cross-file steps — repeats, second sources — ran within each file only for them)."""

    dataset: Path
    rejected: Path | None
    load: LoadResult
    lines: int = 0
    shared_keys: tuple[tuple[str, int, str], ...] = ()


_INTEGER_COLUMNS = (YEAR, AMOUNT_FEN, SOURCE_ROW)
PARQUET_SCHEMA = pa.schema([(c, pa.int64() if c in _INTEGER_COLUMNS else pa.string()) for c in COLUMNS])


def _plain_lines(table: pd.DataFrame) -> pa.Table:
    """Canonical lines as an Arrow table of the dataset's fixed schema (text as strings, integers)."""
    frame = table[list(COLUMNS)].copy()
    for column in frame.columns:
        if column in _INTEGER_COLUMNS:
            frame[column] = frame[column].astype("Int64")
        else:
            values = frame[column].astype(object)
            frame[column] = values.where(values.notna(), None)
    return pa.Table.from_pandas(frame, schema=PARQUET_SCHEMA, preserve_index=False).replace_schema_metadata(
        None
    )


def _write_rejected(out: Path, rejected: pd.DataFrame) -> Path | None:
    if not len(rejected):
        return None
    path = out / REJECTED_NAME
    safe = rejected.map(excel_cell)  # a clerk opens it in Excel: no formula runs
    atomic_write_bytes(path, safe.to_csv(index=False).encode("utf-8-sig"))
    return path


def _no_files(inputs: Sequence[str | Path]) -> InputError:
    return no_tables_error(inputs)


def convert(inputs: Sequence[str | Path], out_dir: str | Path, *, stream: bool = False) -> Converted:
    """Read spreadsheets (every layout ``read_budget`` knows) and write their canonical lines as Parquet.

    The dataset is ``OUT/lines.parquet`` (canonical columns, source file/sheet/row kept, so findings
    still name their rows); rows that were rejected go to ``OUT/rejected.csv`` with their reason.
    With ``stream`` one spreadsheet at a time is read and appended, so a folder larger than memory
    converts; the groups read from several files are named (``Converted.shared_keys``).
    """
    if stream:
        return _convert_streaming(inputs, Path(out_dir))
    from budget_guard.ingest import read_budget

    load = read_budget([Path(p) for p in inputs])
    if not load.files:
        raise _no_files(inputs)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dataset = out / CONVERTED_NAME
    pq.write_table(_plain_lines(load.table), dataset)
    return Converted(dataset, _write_rejected(out, load.rejected), load, lines=len(load.table))


def _convert_streaming(inputs: Sequence[str | Path], out: Path) -> Converted:
    from budget_guard.ingest import read_budget
    from budget_guard.ingest.files.sources import spreadsheet_paths

    files = [f for given in inputs for f in spreadsheet_paths(Path(given))]
    if not files:
        raise _no_files(inputs)
    out.mkdir(parents=True, exist_ok=True)
    dataset = out / CONVERTED_NAME
    load = LoadResult()
    rejected: list[pd.DataFrame] = []
    owners: dict[tuple[str, int, str], set[str]] = {}
    lines = 0
    building = dataset.with_name(f".{dataset.name}.part")  # swapped into place when every file is in
    with pq.ParquetWriter(building, PARQUET_SCHEMA) as writer:
        for path in files:
            part = read_budget([path])
            load.files.extend(part.files)
            load.problems.extend(part.problems)
            if len(part.rejected):
                rejected.append(part.rejected)
            table = part.table
            if not len(table):
                continue
            writer.write_table(_plain_lines(table))
            lines += len(table)
            keys = table[[DEPARTMENT, YEAR, STAGE]].drop_duplicates()
            for department, year, stage in keys.itertuples(index=False):
                owners.setdefault((str(department), int(year), str(stage)), set()).add(str(path))
    os.replace(building, dataset)
    load.rejected = pd.concat(rejected, ignore_index=True) if rejected else load.rejected
    shared = tuple(sorted(k for k, paths in owners.items() if len(paths) > 1))
    return Converted(dataset, _write_rejected(out, load.rejected), load, lines=lines, shared_keys=shared)
