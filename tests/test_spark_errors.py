"""Spark on bad input: one located Chinese line with a hint and exit 2, never a traceback (exit 4);
and the data contract (table.py's pandera schema) applied to the Spark lines by pandera's pyspark
backend. Marked ``spark`` (local mode, needs Java 17): skip locally with -m 'not spark'."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from chinese import english_words

from budget_guard import load_rules
from budget_guard.errors import InputError
from budget_guard.model.table import schema

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.spark


def _lines(**columns: list) -> pd.DataFrame:
    """Two years of one department's canonical lines (a red finding's worth), with overrides."""
    base = {
        "department": ["教育局"] * 4,
        "year": [2024, 2024, 2025, 2025],
        "func_code": ["2050101"] * 4,
        "econ_code": ["30201"] * 4,
        "amount_fen": [100_00, 200_00, 300_00, 400_00],
        "source_file": ["教育局.xlsx"] * 4,
        "source_sheet": ["支出"] * 4,
        "source_row": [5, 6, 7, 8],
    }
    return pd.DataFrame({**base, **columns})


@pytest.fixture
def spark(spark):
    """The session's Spark (tests/conftest.py), once pandera's pyspark backend is importable."""
    pytest.importorskip("pandera.pyspark")
    return spark


def _open(spark, *paths: Path, table: str | None = None):
    from budget_guard.engine.backends import spark_backend
    from budget_guard.engine.backends.sql_engine import evaluate_lines

    return evaluate_lines(spark_backend.open_lines(list(paths), load_rules(), table=table, spark=spark))


def _error(spark, *paths: Path, table: str | None = None, data: tuple[str, ...] = ()) -> InputError:
    """The InputError, its Chinese free of English but for the user's own ``data`` (names, values)."""
    with pytest.raises(InputError) as info:
        _open(spark, *paths, table=table)
    error = info.value
    words = english_words(error.text("zh"), allowed=set(data)) + english_words(error.hint("zh"))
    assert not words, error.text("zh")
    assert error.hint("zh")
    return error


# -- Spark errors in the middle of a query ----------------------------------------------------------


def test_a_damaged_parquet_file_is_named(spark, tmp_path):
    path = tmp_path / "lines.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 64)
    error = _error(spark, path)
    assert error.place.file == str(path)
    assert "不是 Parquet 文件或已损坏" in error.text("zh")
    assert "FAILED_READ_FILE" in error.text("en")


def test_a_missing_catalog_table_is_named(spark):
    error = _error(spark, table="finance.no_such_lines", data=("finance.no_such_lines",))
    assert error.text("zh") == "找不到数据表 finance.no_such_lines"
    assert "--spark-table" in error.hint("zh")


def test_a_value_that_is_not_an_integer_is_located_at_its_source_row(spark, tmp_path):
    """Spark's cast error names no column: the first bad value is found with its file/sheet/row."""
    path = tmp_path / "lines.csv"
    _lines(amount_fen=["10000", "20000", "3万", "40000"]).to_csv(path, index=False)
    error = _error(spark, path)
    assert error.text("zh") == "文件 教育局.xlsx，工作表 支出，第7行：金额（分）列的值“3万”不是整数"
    assert "column amount_fen" in error.text("en")


def test_an_amount_column_of_booleans_or_decimals_is_refused_not_cast(spark, tmp_path):
    """CAST(TRUE AS BIGINT) is 1 and CAST(1.5 AS BIGINT) is 1: a silent wrong amount, so refused."""
    for name, values in (("bool", [True, False, True, True]), ("double", [1.5, 2.0, 3.0, 4.0])):
        path = tmp_path / f"{name}.parquet"
        _lines(amount_fen=values).to_parquet(path, index=False)
        error = _error(spark, path)
        assert error.text("zh") == f"文件 {path}：金额（分）列的类型不对，应为整数"
        assert ("boolean" if name == "bool" else "double") in error.text("en")


def test_files_whose_column_types_disagree_are_one_clear_line(spark, tmp_path):
    _lines().to_parquet(tmp_path / "a.parquet", index=False)
    _lines(amount_fen=["1", "2", "3", "4"]).to_parquet(tmp_path / "b.parquet", index=False)
    error = _error(spark, tmp_path / "a.parquet", tmp_path / "b.parquet")
    assert "同一列类型不一致" in error.text("zh")


# -- the data contract on Spark ---------------------------------------------------------------------


def test_the_spark_contract_is_derived_from_the_one_schema():
    pytest.importorskip("pandera.pyspark")
    from budget_guard.engine.backends.spark_contract import skipped_checks, spark_schema

    pandas_schema, on_spark = schema(), spark_schema()
    assert list(on_spark.columns) == list(pandas_schema.columns)
    for name, column in pandas_schema.columns.items():
        derived = on_spark.columns[name]
        assert derived.nullable == column.nullable, name
        assert [c.name for c in derived.checks] == [c.name for c in column.checks], name
        assert [c.statistics for c in derived.checks] == [c.statistics for c in column.checks], name
    assert skipped_checks() == ["_one_code_present"]  # a pandas function: docs/engines.md says so


def test_contract_failures_are_located_and_in_chinese(spark, tmp_path):
    path = tmp_path / "lines.parquet"
    _lines(
        department=["教育局", None, "教育局", "教育局"],
        func_code=["2050101", "2050101", "20501x", "2050101"],
        stage=["budget", "budget", "budget", "plan"],
    ).to_parquet(path, index=False)
    error = _error(spark, path, data=("plan",))
    assert error.text("zh") == (
        "文件 教育局.xlsx，工作表 支出，第6行：不符合数据契约：部门不能为空（共1行）；"
        "另有2项不符：数据口径、功能分类编码"
    )
    assert "department must not be empty" in error.text("en")


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        (
            {"year": [2024, 2024, 2025, 3025]},
            "第8行：不符合数据契约：年度须在 1990 至 2100 之间，值“3025”（共1行）",
        ),
        (
            {"stage": ["budget", "budget", "plan", "budget"]},
            "第7行：不符合数据契约：数据口径须为预算数、调整预算数、决算数之一，值“plan”（共1行）",
        ),
        (
            {"expense_type": ["基本支出", "其他", "其他", "项目支出"]},
            "第6行：不符合数据契约：支出类型须为基本支出、项目支出之一，值“其他”（共2行）",
        ),
    ],
)
def test_each_contract_check_says_what_it_asks(spark, tmp_path, override, expected):
    path = tmp_path / "lines.parquet"
    _lines(**override).to_parquet(path, index=False)
    assert _error(spark, path, data=("plan",)).text("zh").endswith(expected)


def test_a_table_without_source_columns_is_located_by_its_input(spark, tmp_path):
    path = tmp_path / "lines.parquet"
    _lines(department=["教育局", "", "教育局", "教育局"]).drop(
        columns=["source_file", "source_sheet", "source_row"]
    ).to_parquet(path, index=False)
    error = _error(spark, path)
    assert error.place.file == str(path)
    assert "部门不能为空白" in error.text("zh")


def test_lines_that_fit_the_contract_are_evaluated(spark, tmp_path):
    path = tmp_path / "lines.parquet"
    _lines().to_parquet(path, index=False)
    assert len(_open(spark, path).findings) > 0


# -- what a user sees on the command line -----------------------------------------------------------


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    command = [sys.executable, "-m", "budget_guard.cli", "check", *args, "--engine", "spark"]
    command += ["--spark-master", "local[1]", "--out", "out"]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.slow
def test_cli_exits_2_with_one_located_line_and_one_json_summary(tmp_path):
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (openjdk-17-jre-headless)")
    _lines(amount_fen=["10000", "abc", "30000", "40000"]).to_csv(tmp_path / "lines.csv", index=False)
    run = _cli("lines.csv", cwd=tmp_path)
    assert run.returncode == 2, run.stderr[-3000:]
    ours = [line for line in run.stderr.splitlines() if "：" in line and not line.startswith((" ", "\t"))]
    assert "Traceback" not in run.stderr and "Py4J" not in run.stderr
    assert any("第6行：金额（分）列的值“abc”不是整数" in line for line in ours), ours
    assert any("须为整数" in line for line in ours)  # the hint line

    missing = _cli("-", "--spark-table", "finance.no_such_lines", "--json", cwd=tmp_path)
    assert missing.returncode == 2, missing.stderr[-3000:]
    summary = [line for line in missing.stdout.splitlines() if line.strip()]
    assert len(summary) == 1
    record = json.loads(summary[0])
    assert record["exit_code"] == 2 and record["outcome"] == "input_failed"
    assert "找不到数据表 finance.no_such_lines" in record["message"]
