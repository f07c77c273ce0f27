"""``budget-guard`` run as a subprocess: exit codes, stdout/stderr, reports on disk, killed runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from budget_guard.cli.main import main
from budget_guard.outputs.files import KILL_HOOK_ENV, is_temp_name
from budget_guard.samples.city import expected_findings

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules" / "four_no_decrease.yaml"
HEADER = "部门,年度,数据口径,功能分类科目编码,经济分类科目编码,项目名称,支出类型,标签,金额（元）\n"
CLEAN_CSV = HEADER + (
    "财政局,2024,预算数,2010601,30217,行政运行,基本支出,,100000\n"
    "财政局,2025,预算数,2010601,30217,行政运行,基本支出,,90000\n"
    "财政局,2024,预算数,2050201,31201,学前教育补助,项目支出,,2000000\n"
    "财政局,2025,预算数,2050201,31201,学前教育补助,项目支出,,2100000\n"
)


def run_cli(*args: object, cwd: Path, env: dict[str, str] | None = None, timeout: float = 180):
    """``python -m budget_guard.cli ARGS`` with the repo on the path, stdout/stderr captured (not a TTY)."""
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_main(capsys, *args: object) -> SimpleNamespace:
    """The same command in-process (fast): for argument and message checks that need no fresh process."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out, stderr=err)


def assert_user_error(result, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("cli")


@pytest.fixture(scope="module")
def sample_dir(work) -> Path:
    """Written by the ``sample`` command itself, where the user chose."""
    result = run_cli("sample", work / "my sample", cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "my sample"


@pytest.fixture()
def clean_csv(tmp_path) -> Path:
    path = tmp_path / "财政局.csv"
    path.write_text(CLEAN_CSV, encoding="utf-8")
    return path


@pytest.mark.slow
def test_sample_writes_csv_xlsx_and_manifest(sample_dir):
    assert (sample_dir / "csv" / "city_budget_2021_2025.csv").is_file()
    assert (sample_dir / "xlsx" / "city_budget_2021_2025.xlsx").is_file()
    assert json.loads((sample_dir / "manifest.json").read_text(encoding="utf-8"))["violations"]


@pytest.fixture(scope="module")
def sample_check(work, sample_dir):
    out = work / "out-sample"
    return out, run_cli("check", sample_dir / "csv", "--out", out, "--json", cwd=work)


@pytest.mark.slow
def test_check_sample_exits_1_on_red_findings(sample_check):
    _, result = sample_check
    assert result.returncode == 1, result.stderr
    summary = json.loads(result.stdout)
    assert summary["exit_code"] == 1 and summary["worst_level"] == "red" and summary["fail_on"] == "red"
    assert summary["files"] == 1 and summary["files_failed"] == 0 and summary["balanced"] is True
    assert result.stderr == ""  # not a terminal: no progress chatter


def test_check_reports_hold_exactly_the_planted_findings(sample_check):
    out, result = sample_check
    reports = json.loads(result.stdout)["reports"]
    assert set(reports) == {"json", "xlsx", "html", "md", "unclassified_csv", "unclassified_parquet"}
    doc = json.loads(Path(reports["json"]).read_text(encoding="utf-8"))
    found = {(f["scope"], f["category"], f["year"], f["level"]) for f in doc["findings"]}
    assert found == expected_findings()
    assert doc["inputs"][0]["sha256"] and doc["inputs"][0]["size"] > 0
    assert doc["great_expectations"] is None  # check runs Great Expectations only with --ge
    assert sorted(p.name for p in out.iterdir()) == sorted(Path(p).name for p in reports.values())


def test_check_xlsx_from_the_cli_has_fills(sample_check):
    out, _ = sample_check
    wb = openpyxl.load_workbook(out / "budget-guard-report.xlsx")
    red = wb["红色督办"]
    assert red["A2"].fill.fgColor.rgb.endswith("FFC7CE")
    assert wb["黄色预警"]["A2"].fill.fgColor.rgb.endswith("FFEB9C")


@pytest.mark.slow
def test_fail_on_sets_the_threshold(work, sample_dir, clean_csv, tmp_path):
    assert (
        run_cli(
            "check", sample_dir / "csv", "--out", tmp_path / "a", "--no-ge", "--fail-on", "none", cwd=work
        ).returncode
        == 0
    )
    clean = run_cli("check", clean_csv, "--out", tmp_path / "b", "--no-ge", cwd=work)
    assert clean.returncode == 0, clean.stderr
    strict = run_cli("check", clean_csv, "--out", tmp_path / "c", "--no-ge", "--fail-on", "white", cwd=work)
    assert strict.returncode == 1  # the clean table still has white notices (empty categories)


def test_human_summary_in_english(capsys, clean_csv, tmp_path):
    result = run_main(capsys, "check", clean_csv, "--out", tmp_path / "o", "--no-ge", "--lang", "en")
    assert result.returncode == 0
    assert "Red (supervised)" in result.stdout and "exit code 0" in result.stdout
    assert "budget-guard-report.xlsx" in result.stdout


def test_progress_as_json_lines_on_request(capsys, clean_csv, tmp_path):
    result = run_main(capsys, "check", clean_csv, "--out", tmp_path / "o", "--no-ge", "--progress", "jsonl")
    events = [json.loads(line)["event"] for line in result.stderr.splitlines()]
    assert events[:2] == ["read_start", "read_done"] and "write" in events
    assert json.loads(result.stderr.splitlines()[1])["lines"] == 4


def test_missing_input_is_exit_2_with_a_message(work, tmp_path):
    result = run_cli("check", tmp_path / "nope.xlsx", "--out", tmp_path / "o", "--lang", "en", cwd=work)
    assert_user_error(result, "not found", "nope.xlsx")
    assert not (tmp_path / "o").exists()


def test_corrupt_workbook_is_exit_2(work, tmp_path):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not really a workbook")
    result = run_cli("check", bad, "--out", tmp_path / "o", "--no-ge", cwd=work)
    assert_user_error(result, "坏文件.xlsx")


def test_table_without_amounts_is_exit_2(capsys, tmp_path):
    bad = tmp_path / "no_amount.csv"
    bad.write_text("部门,年度\n财政局,2025\n", encoding="utf-8")
    assert_user_error(run_main(capsys, "check", bad, "--out", tmp_path / "o", "--no-ge"), "no_amount.csv")


@pytest.mark.slow
def test_one_bad_file_among_good_ones_still_reports_but_exits_2(work, clean_csv, tmp_path):
    bad = tmp_path / "empty.csv"
    bad.write_bytes(b"")
    result = run_cli("check", clean_csv, bad, "--out", tmp_path / "o", "--no-ge", "--json", cwd=work)
    assert result.returncode == 2
    summary = json.loads(result.stdout)
    assert summary["files"] == 2 and summary["files_failed"] == 1 and summary["lines"] == 4
    assert "empty.csv" in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "o" / "budget-guard-report.json").is_file()


def test_invalid_rules_name_the_line(capsys, clean_csv, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        RULES.read_text(encoding="utf-8").replace("\ncompare:\n", "\ncompare:\n  stagee: final\n", 1)
    )
    line = rules.read_text(encoding="utf-8").splitlines().index("  stagee: final") + 1
    result = run_main(capsys, "check", clean_csv, "--rules", rules, "--out", tmp_path / "o", "--lang", "en")
    assert_user_error(result, f"line {line}", "stagee")
    checked = run_main(capsys, "rules", "check", rules)
    assert_user_error(checked, f"第{line}行", "stagee")


def test_rules_check_valid_and_json(capsys, tmp_path):
    ok = run_main(capsys, "rules", "check", RULES, "--lang", "en")
    assert ok.returncode == 0 and "valid" in ok.stdout
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: [unclosed\n", encoding="utf-8")
    result = run_main(capsys, "rules", "check", broken, "--json")
    assert result.returncode == 2
    doc = json.loads(result.stdout)
    assert doc["valid"] is False and doc["problems"][0]["line"] >= 1
    assert_user_error(run_main(capsys, "rules", "check", tmp_path / "missing.yaml"), "missing.yaml")


def test_bad_arguments_are_exit_2_without_traceback(capsys, clean_csv, tmp_path):
    assert_user_error(
        run_main(capsys, "check", clean_csv, "--format", "json,pdf", "--out", tmp_path / "o"), "pdf"
    )
    assert_user_error(run_main(capsys, "check", clean_csv, "--fail-on", "purple"), "purple")
    assert_user_error(run_main(capsys, "frobnicate"))


@pytest.mark.slow
def test_a_killed_check_leaves_no_partial_report(work, clean_csv, tmp_path):
    out = tmp_path / "o"
    result = run_cli("check", clean_csv, "--out", out, "--no-ge", cwd=work, env={KILL_HOOK_ENV: "*.xlsx"})
    assert result.returncode == -signal.SIGKILL
    names = [p.name for p in out.iterdir()]
    assert names and all(
        is_temp_name(n) for n in names
    )  # the xlsx was complete, but only under its temp name
    assert not (out / "budget-guard-report.xlsx").exists() and not (out / "budget-guard-report.json").exists()


def test_version_and_help_in_process(capsys):
    assert main(["--version"]) == 0
    assert "budget-guard" in capsys.readouterr().out
    assert main(["check", "--help"]) == 0
    assert "--fail-on" in capsys.readouterr().out


# -- Great Expectations, once --------------------------------------------------------------------


@pytest.fixture(scope="module")
def ge_check(work, sample_dir):
    out = work / "out-ge"
    return out, run_cli(
        "check", sample_dir / "csv", "--out", out, "--format", "json", "--ge", "--json", cwd=work
    )


def test_great_expectations_default_is_off_for_check_and_on_for_batch():
    from budget_guard.cli.options import formats_with_ge

    assert formats_with_ge("json,xlsx", None, ge_default=False) == ("json", "xlsx")
    assert formats_with_ge("json,xlsx", None, ge_default=True) == ("json", "xlsx", "ge")
    assert formats_with_ge("json,ge", None, ge_default=False) == ("json", "ge")  # --format asks for it
    assert formats_with_ge("json,ge", False, ge_default=True) == ("json",)  # --no-ge wins
    assert formats_with_ge("json", True, ge_default=False) == ("json", "ge")


@pytest.mark.slow
def test_check_runs_great_expectations_with_ge(ge_check):
    out, result = ge_check
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""  # GE's progress bars and logs stay quiet
    doc = json.loads((out / "budget-guard-report.json").read_text(encoding="utf-8"))
    ge = doc["great_expectations"]
    assert ge["success"] is False  # the planted violations break the guardrail suite
    assert {s["name"] for s in ge["suites"]} == {"budget_guard.data_contract", "budget_guard.guardrails"}
    assert ge["statistics"]["evaluated_expectations"] > 0
    assert (out / ge["data_docs_index"]).is_file()
    assert doc["reports"] == {
        "data_docs": "data_docs/index.html",
        "unclassified_parquet": "budget-guard-report-unclassified.parquet",
    }


def test_an_unreadable_file_is_named_with_row_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "部门,年度,经济分类科目编码,金额\n财政局,2024,30217,abc\n财政局,2025,3021X,100\n", encoding="utf-8"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "budget_guard.cli",
            "check",
            str(bad),
            "--out",
            str(tmp_path / "out"),
            "--no-ge",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "第2行，列 金额：金额不是数字：“abc”" in result.stderr
    assert "第3行，列 经济分类科目编码" in result.stderr


def test_an_unknown_paper_format_names_the_valid_ones(capsys, tmp_path):
    """Reports, the 督办单 and the 整改通知书 take their formats through one rule: one line, exit 2."""
    ledger = tmp_path / "L.sqlite"
    for args, word in (
        (["check", str(tmp_path), "--format", "docx"], "未知的报告格式：docx"),
        (
            ["cases", "export", "--ledger", str(ledger), "--out", str(tmp_path), "--format", "docx"],
            "未知的督办单格式：docx",
        ),
        (
            ["cases", "notice", "--ledger", str(ledger), "--out", str(tmp_path), "--format", "docx"],
            "未知的通知书格式：docx",
        ),
    ):
        result = run_main(capsys, *args)
        assert result.returncode == 2 and word in result.stderr and "Traceback" not in result.stderr
