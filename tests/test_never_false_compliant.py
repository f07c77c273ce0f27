"""Issue #9's situations as a clerk meets them: nothing unread, unbased or double-counted reads as 达标."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from budget_guard.cli.main import main
from budget_guard.dashboard import views
from budget_guard.engine import states
from budget_guard.engine.evaluate import evaluate
from budget_guard.ingest import read_budget
from budget_guard.model.rulebook import load_rules

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def test_an_unreadable_input_is_never_called_reconciled(tmp_path, capsys):
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(bytes(range(256)) * 8)
    ev = evaluate(read_budget(bad).table, load_rules())
    assert ev.reconciliation_text("zh") == "没有读入任何支出行，无可核对（不是核对无误）"
    assert ev.reconciliation_level() == "error" and "差额为0" not in ev.reconciliation_text("zh")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "x.xlsx").write_bytes(bad.read_bytes())
    code = main(
        ["batch", str(inbox), "--out", str(tmp_path / "out"), "--settle-seconds", "0", "--no-ge", "--json"]
    )
    assert code == 2 and json.loads(capsys.readouterr().out)["exit_code"] == 2
    (report,) = (tmp_path / "out").glob("*/budget-guard-report.json")
    document = json.loads(report.read_text(encoding="utf-8"))
    assert document["outcome"]["outcome"] == "input_failed" and document["outcome"]["worst_level"] is None
    assert [i["status"] for i in document["inputs"]] == ["failed"]
    assert document["reconciliation"]["text"]["zh"].startswith("没有读入任何支出行")
    md = report.with_suffix(".md").read_text(encoding="utf-8")
    assert md.splitlines()[0].startswith("**⛔ 输入读取失败")


def test_the_whole_government_trend_plots_the_amounts_its_rate_is_computed_on():
    """全市合计: each graded dot's amount and previous amount give exactly the rate on its label."""
    ev = evaluate(read_budget(SAMPLE / "csv").table, load_rules())
    points = views.trend_points(ev, views.government_scope(ev), "zh")
    graded = points.loc[points["level"].isin(states.GRADED_STATES) & (points["prev_amount_wan"] != 0)]
    assert len(graded) > 10
    rate = graded["amount_wan"] / graded["prev_amount_wan"] - 1
    assert np.allclose(rate, graded["change_rate"], atol=1e-6)
    # a rise is never labelled as a fall: 三公经费 2024 rose in total but is compared on a like basis
    sangong = points.loc[(points["category"] == "sangong") & (points["year"] == 2024)].iloc[0]
    assert (sangong["amount_wan"] < sangong["prev_amount_wan"]) == (sangong["change_rate"] < 0)
    assert sangong["total_wan"] != sangong["amount_wan"]  # the all-department total is shown apart


def test_a_year_with_no_line_in_any_category_is_no_data_not_compliant():
    """The published sample has no 2022 tables: every 2022 cell is 无数据, never 达标, and not drawn."""
    ev = evaluate(read_budget(SAMPLE / "published").table, load_rules())
    cells = ev.summary.loc[ev.summary["year"] == 2022]
    assert len(cells) and set(cells["state"]) == {states.NO_DATA}
    points = views.trend_points(ev, views.government_scope(ev), "zh")
    assert 2022 not in set(points["year"])


def test_notes_name_the_stage_never_its_id():
    """'1576行口径不是“预算数”', not “budget”: a clerk reads Chinese, not ids."""
    ev = evaluate(read_budget(SAMPLE / "yitihua").table, load_rules())
    notes = ev.note_texts("zh")
    assert any("口径不是“预算数”" in n for n in notes), notes
    assert not any("budget" in n or "final" in n for n in notes)


def test_a_table_that_failed_beside_tables_that_were_read_is_no_sign_off(tmp_path, capsys):
    """One sheet of a workbook read, another with figures under a header nobody recognises: the money of
    the failed table is unread, so the run is input_failed (exit 2, reports written), never a verdict."""
    from openpyxl import Workbook

    workbook = Workbook()
    lines = workbook.active
    lines.title = "明细"
    lines.append(["部门", "年度", "数据口径", "功能分类编码", "经济分类编码", "项目名称", "支出类型", "金额"])
    for year, amount in ((2024, 100000), (2025, 90000)):
        lines.append(["财政局", year, "预算数", "2010601", "30201", "办公费", "基本支出", amount])
    unknown = workbook.create_sheet("三公")
    unknown.append(["某某情况表"])
    unknown.append(["甲", "乙", "丙"])
    unknown.append(["x", "12.50", "7.30"])
    path = tmp_path / "财政局.xlsx"
    workbook.save(path)
    out = tmp_path / "out"
    code = main(["check", str(path), "--out", str(out), "--json"])
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 2 and record["outcome"] == "input_failed"
    document = json.loads((out / "budget-guard-report.json").read_text(encoding="utf-8"))
    assert document["outcome"]["outcome"] == "input_failed"
    assert "三公" in document["outcome"]["headline"]["zh"] and document["outcome"]["failed_files"] == ["财政局.xlsx"]
