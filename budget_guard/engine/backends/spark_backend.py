"""The line-level half on Spark: Parquet / CSV paths or a Hive table, locally or on a cluster.

Only Spark SQL runs on the lines (the compiled selectors and the group sums from ``sql.py``, no
Python UDF), so the work is distributed like any Spark SQL job; what comes back to the driver is
the group sums, the unclassified lines and the sources of the findings.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from sqlglot import exp

from ...errors import InputError, Place
from ...rulebook import Rules
from ...table import AMOUNT_FEN, DEPARTMENT
from ..lineage import MAX_SOURCE_LINES
from . import sql
from .duckdb_backend import table_files
from .sql_engine import SqlLines

DIALECT = "spark"
LINES_VIEW = "budget_guard_canonical_lines"
DEFAULT_MASTER = "local[*]"


def local_driver_memory() -> str:
    """The heap for a local-mode Spark (driver and executors share one JVM there): 4 GiB, or a
    quarter of the machine's memory when that is less, at least 1 GiB. Spark's own default (1 GiB)
    ran out of heap at 10M lines. ``SPARK_DRIVER_MEMORY`` set in the environment wins."""
    try:
        total_mib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (AttributeError, OSError, ValueError):
        total_mib = 4096 * 4
    return f"{max(1024, min(4096, total_mib // 4))}m"


def session(master: str = DEFAULT_MASTER, app_name: str = "budget-guard") -> Any:
    """A SparkSession (the active one when there is one, e.g. under ``spark-submit``)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    builder = SparkSession.builder.master(master).appName(app_name)
    builder = builder.config("spark.sql.session.timeZone", "UTC")
    builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    # The sources of a finding are its first MAX_SOURCE_LINES lines: let Spark plan that row-number
    # filter as a per-partition top-N (its default threshold, 1000, is below our limit).
    builder = builder.config("spark.sql.optimizer.windowGroupLimitThreshold", str(MAX_SOURCE_LINES))
    if master.startswith("local"):
        builder = builder.config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
        if not os.environ.get("SPARK_DRIVER_MEMORY"):
            builder = builder.config("spark.driver.memory", local_driver_memory())
    return builder.getOrCreate()


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
    where = table or ", ".join(map(str, paths))
    try:
        if table:
            frames = [spark.table(table)]
        else:
            remote = [
                str(p) for p in paths if "://" in str(p)
            ]  # hdfs://, s3a://, abfss:// … as Spark reads them
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
        parts = []
        for k, frame in enumerate(frames):
            raw = f"{LINES_VIEW}_raw_{k}"
            frame.createOrReplaceTempView(raw)
            parts.append(sql.canonical_select(frame.columns, raw))
        view = parts[0] if len(parts) == 1 else exp.union(*parts, distinct=False)
        spark.sql(view.sql(dialect=DIALECT)).createOrReplaceTempView(LINES_VIEW)
        missing = spark.sql(f"SELECT count(*) AS n FROM {LINES_VIEW} WHERE {DEPARTMENT} IS NULL").first()["n"]
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 — Spark raises many kinds (analysis, IO, Py4J): say which input
        raise InputError(
            f"Spark 无法读取输入：{exc}", f"Spark cannot read the input: {exc}", Place(file=where)
        ) from None
    if missing:
        raise InputError(f"{missing}行没有部门", f"{missing} line(s) have no department", Place(file=where))

    def run(query: exp.Expression) -> pd.DataFrame:
        return spark.sql(query.sql(dialect=DIALECT)).toPandas()

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

    lines = SqlLines(run, LINES_VIEW, rules, "spark", file_totals)
    lines.connection = spark
    return lines
