"""Never a false 达标: cell states, run outcomes, exit 5, the first line of every report, --json on every exit."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from budget_guard.cli.main import main
from budget_guard.engine import states
from budget_guard.engine.evaluate import evaluate
from budget_guard.model.rulebook import load_rules
from tests.builders import line, table

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
RULES = load_rules()


def state_of(ev, scope: str, category: str, year: int) -> tuple[str, str]:
    s = ev.summary
    row = s[(s.scope == scope) & (s.category == category) & (s.year == year)]
    assert len(row) == 1
    return row.state.iloc[0], row.reason.iloc[0]


def run(capsys, *args: object):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_category_with_no_line_in_either_year_is_no_data_never_compliant():
    rows = [line("财政局", y, 100_000 - y, econ="30201") for y in (2023, 2024)]
    ev = evaluate(table(*rows), RULES)
    assert state_of(ev, "全市合计", "sangong", 2024) == ("no_data", "no_lines")
    assert state_of(ev, "全市合计", "general_expenditure", 2024)[0] in states.GRADED_STATES
    graded = ev.summary[ev.summary.state.isin(states.GRADED_STATES)]
    # a graded cell has lines of its category in at least one of the two years, and a level
    assert ((graded.lines > 0) | (graded.prev_lines > 0)).all() and graded.level.notna().all()
    ungraded = ev.summary[~ev.summary.state.isin(states.GRADED_STATES)]
    assert ungraded.level.isna().all() and set(ungraded.state) <= set(states.UNGRADED_STATES)


def test_one_year_only_compares_nothing_and_is_never_compliant():
    ev = evaluate(table(line("财政局", 2024, 100_000, econ="30201")), RULES)
    assert ev.graded_cells == 0 and ev.state_counts()["compliant"] == 0
    assert ev.outcome() == states.OUTCOME_NOTHING_COMPARED
    assert ev.worst_level() != "compliant"  # at most the notices of empty categories


def test_stage_absent_exits_5_with_one_line_first_and_reports_saying_so(capsys, tmp_path):
    code, out, err = run(capsys, "check", SAMPLE / "xlsx", "--stage", "final", "--out", tmp_path, "--no-ge")
    assert code == 5
    first = out.splitlines()[0]
    assert first.startswith("未作任何同比，本次结果不是达标结论") and "--stage budget" in first
    assert "达标" not in out.split("最高等级：")[1].split("；")[0]
    doc = json.loads((tmp_path / "budget-guard-report.json").read_text(encoding="utf-8"))
    assert next(iter(doc)) == "outcome" and doc["outcome"]["outcome"] == "nothing_compared"
    assert doc["outcome"]["worst_level"] is None
    md = (tmp_path / "budget-guard-report.md").read_text(encoding="utf-8")
    assert md.splitlines()[0].startswith("**⛔ 未作任何同比")
    html = (tmp_path / "budget-guard-report.html").read_text(encoding="utf-8")
    assert html.index("未作任何同比") < html.index("<h1>")
    ws = openpyxl.load_workbook(tmp_path / "budget-guard-report.xlsx")["概况"]
    assert str(ws["A1"].value).startswith("未作任何同比")
    assert ws["A1"].fill.fgColor.rgb.endswith(states.FILL[states.RED])


def test_check_json_is_one_line_on_every_exit(capsys, tmp_path):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"\x00\x01 not a workbook")
    code, out, err = run(capsys, "check", bad, "--out", tmp_path / "o", "--json", "--no-ge")
    assert code == 2 and len(out.splitlines()) == 1
    record = json.loads(out)
    assert record["outcome"] == "input_failed" and record["exit_code"] == 2 and "x.xlsx" in record["message"]
    assert "CalamineError" not in err.splitlines()[0] or "x.xlsx" in err

    code, out, _ = run(
        capsys, "check", SAMPLE / "xlsx", "--stage", "final", "--out", tmp_path / "p", "--json"
    )
    assert code == 5 and len(out.splitlines()) == 1
    assert json.loads(out)["outcome"] == "nothing_compared"

    code, out, _ = run(capsys, "check", tmp_path / "missing.csv", "--json")
    assert code == 2 and json.loads(out)["exit_code"] == 2

    code, out, _ = run(capsys, "batch", tmp_path / "no-inbox", "--out", tmp_path / "q", "--json")
    assert code == 2 and json.loads(out)["command"] == "batch"

    code, out, _ = run(capsys, "check", "--json", "--fail-on", "purple", SAMPLE / "csv")
    assert code == 2 and len(out.splitlines()) == 1 and json.loads(out)["exit_code"] == 2


def test_batch_json_on_a_held_lock_is_one_line_exit_3(capsys, tmp_path):
    from budget_guard.runs.lock import batch_lock, lock_path_for

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    state = tmp_path / "out" / "ledger.sqlite"
    state.parent.mkdir()
    with batch_lock(lock_path_for(state)):
        code, out, _ = run(capsys, "batch", inbox, "--out", tmp_path / "out", "--state", state, "--json")
    assert code == 3 and json.loads(out) == {
        "command": "batch",
        "exit_code": 3,
        "outcome": "locked",
        "message": json.loads(out)["message"],
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_outcome_labels_exist_for_every_outcome(lang):
    from budget_guard import messages as msg

    for outcome in states.OUTCOMES:
        assert msg.t(f"outcome.{outcome}", lang)
    for state in states.STATES:
        assert msg.t(f"state.{state}", lang)


@pytest.mark.slow
def test_check_on_the_whole_sample_folder_counts_each_department_once(capsys, tmp_path):
    """CSV, XLSX copy, the 财政局's published tables and the 一体化 exports in one run: each amount once."""
    code, out, err = run(capsys, "check", SAMPLE, "--out", tmp_path, "--no-ge", "--json")
    assert code == 1, err  # the planted reds; never 2 (a file set aside is not unreadable)
    record = json.loads(out)
    assert record["files_failed"] == 0 and record["outcome"] == "red"
    doc = json.loads((tmp_path / "budget-guard-report.json").read_text(encoding="utf-8"))
    assert all(f["status"] == "ok" for f in doc["inputs"])
    set_aside = [p for p in doc["load"]["problems"] if p["code"] == "source-set-aside"]
    assert {p["file"] for p in set_aside} == {
        "财政局2024年部门预算公开表.xlsx",
        "财政局2025年部门预算公开表.xlsx",
    }
    assert all(
        "与city_budget_2021_2025.csv重复" in p["message_zh"] and "已按该文件计入" in p["message_zh"]
        for p in set_aside
    )
    # 财政局 2024 is counted from the CSV alone: the same total as a run on the CSV by itself
    alone = tmp_path / "alone"
    run(capsys, "check", SAMPLE / "csv", "--out", alone, "--no-ge")
    only_csv = json.loads((alone / "budget-guard-report.json").read_text(encoding="utf-8"))

    def total(document, department, year):
        rows = document["reconciliation"]["rows"]
        return sum(
            r["input_fen"]
            for r in rows
            if r["department"] == department and r["year"] == year and r["stage"] == "budget"
        )

    assert total(doc, "财政局", 2024) == total(only_csv, "财政局", 2024) > 0


def test_check_json_is_one_line_on_an_internal_error_exit_4(capsys, tmp_path, monkeypatch):
    """A bug of ours (exit 4) still leaves the scheduler one summary line saying so."""
    import budget_guard.runs.check

    def broken(*args, **kwargs):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(budget_guard.runs.check, "evaluate", broken)
    code, out, err = run(capsys, "check", SAMPLE / "csv", "--out", tmp_path / "o", "--json")
    assert code == 4 and len(out.splitlines()) == 1
    record = json.loads(out)
    assert record["exit_code"] == 4 and record["outcome"] == "internal_error"
    assert "internal error" in record["message"] and "Traceback" in err
