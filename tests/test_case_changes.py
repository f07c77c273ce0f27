"""``cases changes``: per unit, this submission against the previous run of other data (re-runs are not submissions)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from budget_guard.cases import CaseStore, track_evaluation
from budget_guard.cases.changes import cell_text, submission_changes
from budget_guard.cli import main
from budget_guard.engine.evaluate import evaluate
from budget_guard.model.rulebook import load_rules
from tests.builders import line, table

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
RULES = load_rules()


def office(department: str, current: int, prev: int = 1_000_000) -> list[dict]:
    """办公费 (一般性支出, 5% cut): 990000 of 1000000 is yellow, 900000 compliant, 1100000 red."""
    return [
        line(department, 2024, prev, econ="30201", item="办公费"),
        line(department, 2025, current, econ="30201", item="办公费"),
    ]


def run(store, *lines, run_id, file="in.csv"):
    return track_evaluation(
        store, evaluate(table(*lines), RULES), run_id=run_id, file=file, now=T0 + timedelta(days=run_id)
    )


def by_scope(store):
    return {c.scope: c for c in submission_changes(store.run_cells(), store.case_events_by_run())}


def test_a_resubmission_is_compared_with_the_previous_submission_not_with_a_rerun(tmp_path):
    store = CaseStore(tmp_path / "l.sqlite")
    run(store, *office("甲局", 990_000), *office("乙局", 1_100_000), run_id=1, file="一月.csv")
    run(store, *office("甲局", 990_000), *office("乙局", 1_100_000), run_id=2, file="一月.csv")  # re-run
    # 甲局 resubmits: compliant now; 乙局 sends the same again
    run(store, *office("甲局", 900_000), *office("乙局", 1_100_000), run_id=3, file="二月.csv")
    changes = by_scope(store)
    jia = changes["甲局"]
    assert (jia.run_id, jia.previous_run_id, jia.file, jia.previous_file) == (3, 1, "二月.csv", "一月.csv")
    moved = {c.category: c for c in jia.cells}
    assert (moved["general_expenditure"].year, moved["general_expenditure"].before) == (2025, "yellow")
    assert moved["general_expenditure"].after == "compliant"
    assert cell_text(moved["general_expenditure"], "zh") == "一般性支出 2025年：黄色 → 达标"
    assert jia.cases["rectified"] and not jia.cases["opened"]
    yi = changes["乙局"]  # never sent other data: its first submission, run 1, re-run twice since
    assert (yi.run_id, yi.previous_run_id, yi.reruns) == (1, None, 2)
    assert {(c.after, c.before) for c in yi.cells} == {("red", "absent")} and yi.cases["opened"]


def test_the_cli_prints_and_emits_json(tmp_path, capsys):
    ledger = tmp_path / "l.sqlite"
    store = CaseStore(ledger)
    run(store, *office("甲局", 990_000), *office("乙局", 900_000), run_id=1, file="一月.csv")
    run(store, *office("甲局", 1_100_000), *office("乙局", 900_000), run_id=2, file="二月.csv")
    assert main(["cases", "changes", "--ledger", str(ledger)]) == 0
    out = capsys.readouterr().out
    assert "甲局：第2次运行（二月.csv" in out and "对比上次报送的数据（第1次运行，一月.csv" in out
    assert "一般性支出 2025年：黄色 → 红色" in out
    assert main(["cases", "changes", "--ledger", str(ledger), "--json", "--department", "甲局"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["scope"] for r in records] == ["甲局"]
    assert {(c["before"], c["after"]) for c in records[0]["cells"]} == {("yellow", "red")}
    assert records[0]["cases"]["escalated"]
