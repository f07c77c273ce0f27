"""The line-level half on Spark: Parquet / CSV paths or a Hive table, locally or on a cluster.

Only Spark SQL runs on the lines (the compiled selectors and the group sums from ``sql.py``, no
Python UDF), so the work is distributed like any Spark SQL job; what comes back to the driver is
the group sums, the unclassified lines and the sources of the findings.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd
from sqlglot import exp

from budget_guard import messages as msg
from budget_guard.engine.backends import spark_contract, spark_errors, sql
from budget_guard.engine.backends.duckdb_backend import table_files
from budget_guard.engine.backends.sql_engine import SqlLines
from budget_guard.engine.lineage import MAX_SOURCE_LINES
from budget_guard.engine.unclassified import CHUNK_LINES
from budget_guard.errors import InputError, Place
from budget_guard.extras import require
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import AMOUNT_FEN, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, schema

DIALECT = "spark"
LINES_VIEW = "budget_guard_canonical_lines"
DEFAULT_MASTER = "local[*]"
NO_SUBSTITUTION = "spark.sql.variable.substitute"  # set to false: ${...} in a literal stays text
Result = TypeVar("Result")


def local_driver_memory() -> str:
    """The heap for a local-mode Spark (driver and executors share one JVM there): 4 GiB, or a
    quarter of the machine's memory when that is less, at least 1 GiB. Spark's own default (1 GiB)
    ran out of heap at 10M lines. ``SPARK_DRIVER_MEMORY`` set in the environment wins."""
    try:
        total_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, OSError, ValueError):
        total_mib = 4096 * 4
    return f"{max(1024, min(4096, total_mib // 4))}m"


def private_local_dir() -> str:
    """A fresh folder only this user can enter (``mkdtemp`` makes it 0700) for Spark's scratch files,
    removed when the process ends."""
    import atexit
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="budget-guard-spark-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def session(master: str = DEFAULT_MASTER, app_name: str = "budget-guard") -> Any:
    """A SparkSession (the active one when there is one, e.g. under ``spark-submit``)."""
    SparkSession = require("pyspark.sql", "spark").SparkSession  # noqa: N806 — the class, as pyspark names it

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # Under spark-submit the JVM is already there (PYSPARK_GATEWAY_PORT) with the submit's master and
    # resources: use them, never --spark-master's default.
    submitted = bool(os.environ.get("PYSPARK_GATEWAY_PORT"))
    builder = SparkSession.builder.appName(app_name)
    if not submitted:
        builder = builder.master(master)
    builder = builder.config("spark.sql.session.timeZone", "UTC")
    # ${...} in a literal (a department, a rules keyword) must stay text: no variable substitution.
    builder = builder.config(NO_SUBSTITUTION, "false")
    builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    # The sources of a finding are its first MAX_SOURCE_LINES lines: let Spark plan that row-number
    # filter as a per-partition top-N (its default threshold, 1000, is below our limit).
    builder = builder.config("spark.sql.optimizer.windowGroupLimitThreshold", str(MAX_SOURCE_LINES))
    if submitted or not master.startswith("local"):
        return builder.getOrCreate()
    builder = builder.config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
    # Local mode serves nobody else: listen on the loopback only; shuffle and spill files in a
    # private (0700) folder of this run, not world-readable under /tmp.
    builder = builder.config("spark.driver.bindAddress", "127.0.0.1").config("spark.driver.host", "127.0.0.1")
    builder = builder.config("spark.local.dir", private_local_dir())
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    if not os.environ.get("SPARK_DRIVER_MEMORY"):
        builder = builder.config("spark.driver.memory", local_driver_memory())
    spark = builder.getOrCreate()
    # A local run is a command-line tool: a failed job is reported as one line by spark_errors, so
    # Spark's own ERROR logs (an executor's stack trace, PySpark's query-context JSON) stay quiet.
    spark.sparkContext.setLogLevel("FATAL")
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    return spark


def open_lines(
    paths: Sequence[str | Path] = (),
    rules: Rules | None = None,
    *,
    table: str | None = None,
    spark: Any = None,
    master: str = DEFAULT_MASTER,
) -> SqlLines:
    """Canonical lines from Parquet/CSV ``paths`` or a catalog ``table`` (Hive), as a Spark view."""
    if rules is None:
        raise ValueError("rules are required")
    spark = spark or session(master)
    spark.conf.set(NO_SUBSTITUTION, "false")  # also on a session we did not build (spark-submit, a caller's)
    where = table or ", ".join(map(str, paths))
    with spark_errors.translated(where):
        frames = _read(spark, paths, table)
        for frame in frames:
            _check_integer_columns(frame, where)
        parts = []
        for k, frame in enumerate(frames):
            raw = f"{LINES_VIEW}_raw_{k}"
            frame.createOrReplaceTempView(raw)
            sql.require_canonical(frame.columns, where)
            parts.append(sql.canonical_select(frame.columns, raw))
        view = parts[0] if len(parts) == 1 else exp.union(*parts, distinct=False)
        lines_frame = spark.sql(view.sql(dialect=DIALECT))
        lines_frame.createOrReplaceTempView(LINES_VIEW)

    def locate() -> spark_errors.BadValue | None:
        return _first_non_integer(frames, where)

    def guarded(work: Callable[[], Result]) -> Result:
        with spark_errors.translated(where, locate):
            return work()

    # The data contract (table.py's pandera schema, on pandera's pyspark backend) before any sum.
    failures = guarded(lambda: spark_contract.contract_failures(lines_frame))
    if failures:
        raise spark_contract.contract_error(failures, where)

    def run(query: exp.Expr) -> pd.DataFrame:
        return guarded(lambda: spark.sql(query.sql(dialect=DIALECT)).toPandas())

    def file_totals() -> pd.DataFrame:
        """Lines and 分 per input file (a catalog table is one 'file')."""
        from pyspark.sql import functions as F

        parts = []
        for frame in frames:
            amount = F.col(AMOUNT_FEN).cast("bigint")
            grouped = (
                frame.groupBy(F.input_file_name().alias("file"))
                if not table
                else frame.groupBy(F.lit(table).alias("file"))
            )
            parts.append(
                grouped.agg(F.count(F.lit(1)).alias("lines"), F.sum(amount).alias("amount_fen")).toPandas()
            )
        return pd.concat(parts, ignore_index=True)

    def materialize(query: exp.Expr, name: str) -> None:
        """Keep a result (the unclassified lines) for the summary, the CSV and the Parquet file: one
        classification scan; Spark keeps it in memory and spills to disk."""
        from pyspark import StorageLevel

        result = spark.sql(query.sql(dialect=DIALECT)).persist(StorageLevel.MEMORY_AND_DISK)
        guarded(result.count)
        result.createOrReplaceTempView(name)

    def chunks(query: exp.Expr) -> Iterator[pd.DataFrame]:
        """A result in bounded chunks: Spark hands the driver one partition at a time."""
        for table_chunk in _arrow_chunks(spark.sql(query.sql(dialect=DIALECT)), guarded):
            yield table_chunk.to_pandas()

    def copy_parquet(query: exp.Expr, path: Path) -> None:
        """A result written chunk by chunk as one Parquet file (the driver holds one chunk)."""
        import pyarrow.parquet as pq

        result = spark.sql(query.sql(dialect=DIALECT))
        with pq.ParquetWriter(str(path), _arrow_schema(result.schema)) as writer:
            for table_chunk in _arrow_chunks(result, guarded):
                writer.write_table(table_chunk)

    lines = SqlLines(
        run,
        LINES_VIEW,
        rules,
        "spark",
        lambda: guarded(file_totals),
        materialize=materialize,
        chunks=chunks,
        copy_parquet=copy_parquet,
    )
    lines.connection = spark
    return lines


def _arrow_schema(spark_schema: Any) -> Any:
    """The Arrow schema of a result of canonical columns (text or 64-bit integers)."""
    import pyarrow as pa
    from pyspark.sql import types as T

    return pa.schema(
        [
            pa.field(f.name, pa.int64() if isinstance(f.dataType, T.IntegralType) else pa.string())
            for f in spark_schema.fields
        ]
    )


def _arrow_chunks(result: Any, guarded: Callable[[Callable[[], Any]], Any]) -> Iterator[Any]:
    """``result`` as Arrow tables of at most ``CHUNK_LINES`` rows, partition by partition
    (``toLocalIterator``): never the whole result on the driver. At least one (maybe empty) table."""
    import pyarrow as pa

    schema_ = _arrow_schema(result.schema)
    names = schema_.names
    rows = guarded(lambda: result.toLocalIterator(prefetchPartitions=True))
    batch: list[Any] = []
    sent = False
    while True:
        row = guarded(lambda: next(rows, None))
        if row is not None:
            batch.append(row)
        if batch and (row is None or len(batch) >= CHUNK_LINES):
            columns = list(zip(*batch, strict=True))
            yield pa.Table.from_arrays(
                [pa.array(list(c), type=schema_.field(n).type) for c, n in zip(columns, names, strict=True)],
                schema=schema_,
            )
            batch, sent = [], True
        if row is None:
            break
    if not sent:
        yield schema_.empty_table()


def _read(spark: Any, paths: Sequence[str | Path], table: str | None) -> list[Any]:
    """The input as Spark DataFrames: a catalog table, or Parquet / CSV files (local or remote)."""
    if table:
        return [spark.table(table)]
    remote = [str(p) for p in paths if "://" in str(p)]  # hdfs://, s3a://, abfss:// … as Spark reads them
    files = table_files([p for p in paths if "://" not in str(p)]) if len(remote) < len(paths) else {}
    files = {
        "parquet": files.get("parquet", []) + [p for p in remote if not p.lower().endswith(".csv")],
        "csv": files.get("csv", []) + [p for p in remote if p.lower().endswith(".csv")],
    }
    frames = []
    if files["parquet"]:
        frames.append(spark.read.option("mergeSchema", "true").parquet(*files["parquet"]))
    if files["csv"]:
        frames.append(spark.read.option("header", "true").csv(files["csv"]))
    return frames


def integer_columns() -> tuple[str, ...]:
    """The canonical columns the schema (``table.schema()``) declares as integers: year, 分, row."""
    return tuple(
        name for name, column in schema().columns.items() if str(column.dtype).lower() in ("int64", "int32")
    )


def _check_integer_columns(frame: Any, where: str) -> None:
    """Refuse an integer column of another type before Spark casts it: CAST(TRUE AS BIGINT) is 1 and
    CAST(1.5 AS BIGINT) is 1, a silent wrong amount. Text (a CSV) is cast and checked value by value."""
    from pyspark.sql import types as T

    fields = {f.name: f.dataType for f in frame.schema.fields}
    for column in integer_columns():
        kind = fields.get(column)
        if kind is None or isinstance(kind, T.IntegralType | T.StringType | T.NullType):
            continue
        if isinstance(kind, T.DecimalType) and kind.scale == 0:
            continue
        raise InputError(
            msg.t("spark.error.column_type", "zh", column=spark_errors.column_label(column, "zh")),
            msg.t("spark.error.column_type", "en", column=column, type=kind.simpleString()),
            Place(file=where),
            msg.t("spark.hint.column_type", "zh"),
            msg.t("spark.hint.column_type", "en"),
        )


def _first_non_integer(frames: list[Any], where: str) -> spark_errors.BadValue | None:
    """Where a text value of an integer column is not an integer (Spark's cast error names no column)."""
    from pyspark.sql import functions as F

    for frame in frames:
        present = set(frame.columns)
        for column in integer_columns():
            if column not in present:
                continue
            value = F.trim(F.col(column).cast("string"))
            bad = frame.where(
                value.isNotNull() & (value != "") & F.expr(f"try_cast({column} AS BIGINT)").isNull()
            )
            extra = [
                F.col(c).cast("string").alias(c)
                for c in (SOURCE_FILE, SOURCE_SHEET, SOURCE_ROW)
                if c in present
            ]
            found = (
                bad.select(
                    F.col(column).cast("string").alias("value"), *extra, F.input_file_name().alias("_file")
                )
                .limit(1)
                .collect()
            )
            if found:
                row = found[0].asDict()
                source_row = row.get(SOURCE_ROW)
                place = Place(
                    file=row.get(SOURCE_FILE)
                    or (row["_file"] or where).removeprefix("file://").removeprefix("file:"),
                    sheet=row.get(SOURCE_SHEET) or None,
                    row=int(source_row) if source_row and str(source_row).isdigit() else None,
                )
                return spark_errors.BadValue(column, str(row["value"]), place)
    return None
