"""Equivalence is the contract: pandas, DuckDB and Spark give identical summaries, findings and
reconciliation (to the 分) on the sample city, the published sample, the 一体化 sample and a generated
table with every selector kind. Spark tests are marked ``spark`` (skip locally with -m 'not spark')."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal

from benchmarks.scale_data import DATA_TAGS, scale_lines
from budget_guard import evaluate, load_rules, parse_rules, read_budget
from budget_guard.engine.backends import duckdb_backend
from budget_guard.engine.backends.sql_engine import evaluate_lines
from budget_guard.engine.unclassified import LIST_COLUMNS
from budget_guard.model.rulebook import rules_to_yaml
from budget_guard.model.table import COLUMNS
from budget_guard.samples.yitihua import yitihua_rules

REPO = Path(__file__).resolve().parent.parent
SAMPLES = {
    "city": REPO / "sample_data" / "csv",
    "published": REPO / "sample_data" / "published",
    "yitihua": REPO / "sample_data" / "yitihua",
}
GENERATED_LINES = 30_000


def _rules_with_every_kind():
    data = yaml.safe_load(rules_to_yaml(load_rules()))
    data["data_tags"] = list(data.get("data_tags") or []) + DATA_TAGS
    return parse_rules(yaml.safe_dump(data, allow_unicode=True), source="<every kind>")


EVERY_KIND = _rules_with_every_kind()


def _parquet(table: pd.DataFrame, path: Path) -> Path:
    plain = table[list(COLUMNS)].copy()
    for column in plain.columns:
        if isinstance(plain[column].dtype, pd.CategoricalDtype):
            plain[column] = plain[column].astype("string")
    plain.to_parquet(path, index=False)
    return path


def _same(expected, actual) -> None:
    for part in ("summary", "reconciliation", "findings", "execution"):
        assert_frame_equal(getattr(expected, part), getattr(actual, part), check_dtype=True, obj=part)
    assert expected.notes == actual.notes
    assert expected.line_count == actual.line_count
    # The unclassified lines: the summary the reports carry (computed in SQL on the engines) and
    # the full list the engine streams beside them, line for line.
    assert_frame_equal(
        expected.unclassified_list.summary(), actual.unclassified_list.summary(), obj="unclassified summary"
    )
    order = ["source_file", "source_sheet", "source_row", "amount_fen"]
    listed = [pd.concat(list(ev.unclassified_list.chunks()), ignore_index=True) for ev in (expected, actual)]
    left, right = (
        frame[list(LIST_COLUMNS)].astype(object).sort_values(order, na_position="first") for frame in listed
    )
    assert len(left) == int(expected.line_summary.totals.unclassified_lines.sum()) > 0
    as_text = [
        frame.where(frame.notna(), "∅").map(lambda v: str(int(v)) if isinstance(v, float) else str(v))
        for frame in (left, right)
    ]
    assert as_text[0].to_numpy().tolist() == as_text[1].to_numpy().tolist()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, tuple[pd.DataFrame, Path]]:
    folder = tmp_path_factory.mktemp("engines")
    out = {}
    for name, path in SAMPLES.items():
        table = read_budget([path]).table
        out[name] = (table, _parquet(table, folder / f"{name}.parquet"))
    generated = scale_lines(GENERATED_LINES, seed=3)
    out["generated"] = (generated, _parquet(generated, folder / "generated.parquet"))
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", [*SAMPLES, "generated"])
def test_duckdb_equals_pandas(inputs, name):
    table, parquet = inputs[name]
    rules = EVERY_KIND if name == "generated" else load_rules()
    expected = evaluate(table, rules)
    actual = evaluate_lines(duckdb_backend.open_lines([parquet], rules))
    assert len(expected.findings) > 0
    _same(expected, actual)


@pytest.mark.slow
def test_duckdb_runs_pefa_and_division_unit_sources_as_pandas(inputs):
    """预算执行's PEFA scores and the 区划 / 单位 findings' 'file:sheet:rows' come from the engine too
    (the 一体化 sample has both): the same rows and texts as pandas, and not empty."""
    table, parquet = inputs["yitihua"]
    expected = evaluate(table, yitihua_rules())
    actual = evaluate_lines(duckdb_backend.open_lines([parquet], yitihua_rules()))
    assert len(actual.pefa) > 0 and set(actual.pefa.scope_type) >= {"government", "division", "department"}
    assert_frame_equal(expected.pefa, actual.pefa)
    scoped = actual.findings[actual.findings.scope_type.isin(["division", "unit"])]
    assert set(scoped.scope_type) == {"division", "unit"}
    assert (scoped.sources.str.len() > 0).all() and (scoped.source_lines > 0).all()
    mine = scoped[["scope_type", "scope", "category", "year", "sources", "source_lines"]].reset_index(
        drop=True
    )
    theirs = expected.findings[expected.findings.scope_type.isin(["division", "unit"])]
    theirs = theirs[["scope_type", "scope", "category", "year", "sources", "source_lines"]].reset_index(
        drop=True
    )
    assert_frame_equal(theirs, mine)


@pytest.mark.slow
def test_generated_table_reaches_every_selector_kind(inputs):
    """The generated table is only a test if each kind of selector selects something."""
    table, _ = inputs["generated"]
    ev = evaluate(table, EVERY_KIND)
    lines = ev.line_summary.cells.groupby("category").lines.sum()
    assert (lines > 0).all(), lines
    assert set(ev.findings.level) == {"white", "yellow", "red"}


def test_drill_down_runs_on_duckdb(inputs):
    table, parquet = inputs["city"]
    rules = load_rules()
    expected = evaluate(table, rules)
    actual = evaluate_lines(duckdb_backend.open_lines([parquet], rules))
    red = expected.findings[expected.findings.level == "red"].iloc[0]
    years = [int(red.prev_year), int(red.year)]
    mine = actual.lines_behind(red.scope_type, red.scope, red.category, years)
    theirs = expected.lines_behind(red.scope_type, red.scope, red.category, years)
    assert sorted(mine.source_row.tolist()) == sorted(theirs.source_row.tolist())
    assert int(mine.amount_fen.sum()) == int(theirs.amount_fen.sum())


def test_a_line_without_department_is_an_input_error(tmp_path):
    frame = scale_lines(10, seed=1)
    frame.loc[3, "department"] = None
    path = tmp_path / "bad.parquet"
    frame.to_parquet(path, index=False)
    from budget_guard.errors import InputError

    with pytest.raises(InputError, match="department"):
        duckdb_backend.open_lines([path], load_rules())


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", *args], cwd=cwd, env=env, capture_output=True, text=True
    )


@pytest.mark.slow
def test_convert_then_check_on_duckdb_gives_the_pandas_report(tmp_path):
    """What a user runs: convert the spreadsheets once, check with --engine duckdb, same report."""
    shutil.copytree(SAMPLES["city"], tmp_path / "in")
    converted = _cli("convert", "in", "--out", "parquet", cwd=tmp_path)
    assert converted.returncode == 0, converted.stderr
    assert "1534" in converted.stdout
    pandas_run = _cli("check", "in", "--out", "a", "--format", "json", "--json", cwd=tmp_path)
    duck_run = _cli(
        "check", "parquet", "--engine", "duckdb", "--out", "b", "--format", "json", "--json", cwd=tmp_path
    )
    assert pandas_run.returncode == duck_run.returncode == 1, duck_run.stderr
    a = json.loads((tmp_path / "a" / "budget-guard-report.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b" / "budget-guard-report.json").read_text(encoding="utf-8"))
    for part in ("findings", "summary", "reconciliation", "outcome", "compliance_matrix"):
        assert a[part] == b[part], part
    assert json.loads(duck_run.stdout.strip().splitlines()[-1])["lines"] == 1534


@pytest.mark.slow
def test_line_profile_for_great_expectations_is_computed_in_sql(tmp_path):
    """GE validates the line profile, a group-by: DuckDB computes it in SQL with the same counts of
    lines, negative, duplicate and missing-amount lines as pandas (duplicates and negatives present)."""
    from budget_guard.engine.profile import PROFILE_COLUMNS, PROFILE_KEYS

    table = scale_lines(3000, seed=5)
    table = pd.concat([table, table.iloc[:40]], ignore_index=True)  # 40 lines twice: 80 duplicates
    parquet = _parquet(table, tmp_path / "dups.parquet")
    expected = evaluate(table, load_rules()).line_profile()
    actual = evaluate_lines(duckdb_backend.open_lines([parquet], load_rules())).line_profile()

    def ordered(frame):
        plain = frame[list(PROFILE_COLUMNS)].astype(object)
        plain = plain.where(plain.notna(), "∅").astype(str)
        return plain.sort_values(list(PROFILE_KEYS)).to_numpy().tolist()

    assert ordered(expected) == ordered(actual)
    assert int(actual.duplicate_lines.sum()) == 80 and int(actual.negative_lines.sum()) > 0


@pytest.mark.slow
def test_check_with_ge_on_duckdb_validates_the_summary_as_pandas(tmp_path):
    """--ge works with --engine duckdb: the same GE verdicts and statistics as the pandas run."""
    shutil.copytree(SAMPLES["city"], tmp_path / "in")
    assert _cli("convert", "in", "--out", "parquet", cwd=tmp_path).returncode == 0
    a = _cli("check", "in", "--out", "a", "--format", "json", "--ge", "--json", cwd=tmp_path)
    b = _cli("check", "parquet", "--engine", "duckdb", "--out", "b", "--format", "json", "--ge", cwd=tmp_path)
    assert a.returncode == b.returncode == 1, b.stderr
    ge = [
        json.loads((tmp_path / d / "budget-guard-report.json").read_text(encoding="utf-8"))[
            "great_expectations"
        ]
        for d in ("a", "b")
    ]
    assert ge[1]["suites"] and (tmp_path / "b" / "data_docs" / "index.html").exists()
    for left, right in zip(ge[0]["suites"], ge[1]["suites"], strict=True):
        assert (left["name"], left["success"], left["statistics"]) == (
            right["name"],
            right["success"],
            right["statistics"],
        )


@pytest.mark.slow
def test_convert_stream_writes_the_same_dataset_one_file_at_a_time(tmp_path):
    """convert --stream reads one spreadsheet at a time and appends it: the same lines (and the
    same DuckDB report) as converting the folder at once; groups from several files are named."""
    shutil.copytree(SAMPLES["city"], tmp_path / "in")
    whole = _cli("convert", "in", "--out", "whole", cwd=tmp_path)
    streamed = _cli("convert", "in", "--out", "streamed", "--stream", cwd=tmp_path)
    assert whole.returncode == streamed.returncode == 0, streamed.stderr
    assert "1534" in streamed.stdout
    order = ["source_file", "source_sheet", "source_row", "amount_fen"]
    frames = [
        pd.read_parquet(tmp_path / d / "lines.parquet")
        .sort_values(order, na_position="first")
        .reset_index(drop=True)
        for d in ("whole", "streamed")
    ]
    assert_frame_equal(frames[0], frames[1])
    (tmp_path / "in2").mkdir()
    first = sorted((tmp_path / "in").glob("*.csv"))[0]
    shutil.copy(first, tmp_path / "in2" / "a.csv")
    shutil.copy(first, tmp_path / "in2" / "b.csv")
    twice = _cli("convert", "in2", "--out", "twice", "--stream", cwd=tmp_path)
    assert twice.returncode == 0 and "多个文件" in twice.stderr, twice.stderr


@pytest.mark.slow
def test_check_engine_refuses_spreadsheets_with_a_clear_line(tmp_path):
    (tmp_path / "x.xlsx").write_bytes(b"")
    run = _cli("check", "x.xlsx", "--engine", "duckdb", "--out", "o", cwd=tmp_path)
    assert run.returncode == 2
    assert "convert" in run.stderr and "Traceback" not in run.stderr


# -- Spark (local mode) -----------------------------------------------------------------------------


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.parametrize("name", ["city", "published", "yitihua", "generated"])
def test_spark_equals_pandas(inputs, spark, name):
    from budget_guard.engine.backends import spark_backend

    table, parquet = inputs[name]
    rules = EVERY_KIND if name == "generated" else load_rules()
    expected = evaluate(table, rules)
    actual = evaluate_lines(spark_backend.open_lines([parquet], rules, spark=spark))
    _same(expected, actual)


@pytest.mark.spark
@pytest.mark.slow
def test_spark_reads_a_catalog_table(inputs, spark):
    from budget_guard.engine.backends import spark_backend

    table, parquet = inputs["city"]
    spark.read.parquet(str(parquet)).createOrReplaceTempView("city_lines")
    expected = evaluate(table, load_rules())
    actual = evaluate_lines(spark_backend.open_lines(rules=load_rules(), table="city_lines", spark=spark))
    _same(expected, actual)


@pytest.mark.slow
def test_duckdb_check_with_a_ledger_opens_the_same_cases(tmp_path):
    """挂牌督办 cases read departments and years from the seam, so a DuckDB run opens them too."""
    shutil.copytree(SAMPLES["city"], tmp_path / "in")
    assert _cli("convert", "in", "--out", "parquet", cwd=tmp_path).returncode == 0
    a = _cli("check", "in", "--out", "a", "--format", "json", "--ledger", "a.sqlite", "--json", cwd=tmp_path)
    b = _cli(
        "check",
        "parquet",
        "--engine",
        "duckdb",
        "--out",
        "b",
        "--format",
        "json",
        "--ledger",
        "b.sqlite",
        "--json",
        cwd=tmp_path,
    )
    assert a.returncode == b.returncode == 1, b.stderr
    cases_a = json.loads(a.stdout.strip().splitlines()[-1])["cases"]
    cases_b = json.loads(b.stdout.strip().splitlines()[-1])["cases"]
    assert cases_a == cases_b
