"""The SQL engines against hostile text (issue #25): ``${...}`` stays text on Spark, a folder name is
never spliced into DuckDB's query, and a local Spark keeps to the loopback and private folders."""

from __future__ import annotations

import stat
from pathlib import Path

import pandas as pd
import pytest
from builders import category_index, line, rules_with, table

from budget_guard import evaluate, load_rules
from budget_guard.engine.backends import duckdb_backend
from budget_guard.engine.backends.sql_engine import evaluate_lines
from budget_guard.engine.compare import AMOUNT_FEN, CATEGORY, SCOPE
from budget_guard.model.table import COLUMNS

SUBSTITUTED = "${spark.sql.session.timeZone}"  # Spark's substitution would turn it into UTC


def parquet(lines: pd.DataFrame, path: Path) -> Path:
    plain = lines[list(COLUMNS)].copy()
    for column in plain.columns:
        if isinstance(plain[column].dtype, pd.CategoricalDtype):
            plain[column] = plain[column].astype("string")
    path.parent.mkdir(parents=True, exist_ok=True)
    plain.to_parquet(path, index=False)
    return path


def hostile_lines() -> pd.DataFrame:
    return table(
        line(f"{SUBSTITUTED}局", 2024, 100_000, econ="30299", func="2010101", item=f"{SUBSTITUTED}改革试点"),
        line(f"{SUBSTITUTED}局", 2025, 90_000, econ="30299", func="2010101", item=f"{SUBSTITUTED}改革试点"),
        line("教育局'; DROP TABLE x; --", 2024, 50_000, econ="30201", func="2050101", item="办公费"),
        line("教育局'; DROP TABLE x; --", 2025, 45_000, econ="30201", func="2050101", item="办公费"),
    )


def hostile_rules():
    index = category_index(load_rules(), "deepen_reform")
    return rules_with(**{f"categories.{index}.select.any_of.1.item_keywords": [f"{SUBSTITUTED}改革"]})


def reform_total(summary: pd.DataFrame) -> int:
    rows = summary.loc[
        (summary[CATEGORY] == "deepen_reform") & summary[SCOPE].astype(str).str.startswith("$")
    ]
    return int(rows[AMOUNT_FEN].sum())


def test_duckdb_reads_a_folder_whose_name_looks_like_query_text(tmp_path):
    folder = tmp_path / "x', union_by_name = true, filename = true) --"
    path = parquet(hostile_lines(), folder / "lines.parquet")
    lines = duckdb_backend.open_lines([path], hostile_rules())
    totals = lines.file_totals()
    assert totals["lines"].tolist() == [4] and Path(totals["file"].iloc[0]).name == "lines.parquet"
    expected = evaluate(hostile_lines(), hostile_rules())
    actual = evaluate_lines(lines)
    assert reform_total(actual.summary) == reform_total(expected.summary) == 19_000_000


@pytest.mark.spark
@pytest.mark.slow
def test_spark_keeps_dollar_braces_in_literals_as_text(spark, tmp_path):
    from budget_guard.engine.backends import spark_backend

    path = parquet(hostile_lines(), tmp_path / "lines.parquet")
    expected = evaluate(hostile_lines(), hostile_rules())
    actual = evaluate_lines(spark_backend.open_lines([path], hostile_rules(), spark=spark))
    assert reform_total(actual.summary) == reform_total(expected.summary) == 19_000_000
    pd.testing.assert_frame_equal(expected.summary, actual.summary, check_dtype=True)


@pytest.mark.spark
@pytest.mark.slow
def test_local_spark_listens_on_loopback_with_private_scratch_folders(spark):
    conf = spark.sparkContext.getConf()
    assert conf.get("spark.driver.bindAddress") == "127.0.0.1"
    assert conf.get("spark.driver.host") == "127.0.0.1"
    assert spark.conf.get("spark.sql.variable.substitute") == "false"
    local_dir = Path(conf.get("spark.local.dir"))
    assert local_dir.is_dir() and stat.S_IMODE(local_dir.stat().st_mode) == 0o700
