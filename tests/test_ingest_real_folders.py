"""The two whole real 2024 部门决算 folders (tests/data/real_tables/xlsx, copied from shared/real_tables).

Every one of the twenty tables must be accounted for — read with its lines and total, or set aside
as not spending / empty / repeated with the reason — the CLI must not exit 2, and what is read must
agree with the printed totals to the 分 or report both figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from budget_guard.ingest import read_budget
from budget_guard.ingest.table_outcomes import table_summary_lines

DATA = Path(__file__).parent / "data" / "real_tables" / "xlsx"
CZJ_DIR, GHZY_DIR = DATA / "putuo-czj-2024-final", DATA / "putuo-ghzy-2024-final"
WAN = 1_000_000


def wan(text: str) -> int:
    whole, _, cents = text.replace(",", "").partition(".")
    return int(whole) * WAN + int((cents + "00")[:2]) * 10_000


def outcomes(result) -> dict[str, str]:
    return {f.name.split("_")[1]: f.sheets[0].outcome for f in result.files}


@pytest.fixture(scope="module")
def czj():
    return read_budget(CZJ_DIR)


@pytest.fixture(scope="module")
def ghzy():
    return read_budget(GHZY_DIR)


EXPECTED = {
    "01": "not-spending",  # 纳入部门决算编制范围的单位
    "02": "not-spending",  # 收入支出决算总表
    "03": "not-spending",  # 收入决算表
    "05": "not-spending",  # 财政拨款收入支出决算总表
    "06": "read",  # 一般公共预算财政拨款支出决算表
    "07": "read",  # 基本支出决算表
    "08": "read",  # 三公
    "09": "empty",  # 政府性基金 (本表无数据)
    "10": "empty",  # 国有资本经营 (本表无数据)
}


def test_every_table_of_both_folders_is_accounted_for(czj, ghzy):
    for result, all_funds in ((czj, "repeated"), (ghzy, "read")):
        assert outcomes(result) == {**EXPECTED, "04": all_funds}
        assert result.all_rows_accounted
        assert not [f.name for f in result.files if f.unreadable]
        assert not result.errors
        for f in result.files:
            s = f.sheets[0]
            assert s.outcome == "read" or s.reason_zh, f.name  # every set-aside table says why


def test_not_spending_tables_say_which(czj):
    reasons = {f.name.split("_")[1]: f.sheets[0].reason_zh for f in czj.files}
    assert "单位名单" in reasons["01"]
    assert "收支总表" in reasons["02"] and "收支总表" in reasons["05"]
    assert "收入表" in reasons["03"]
    assert "本表无数据" in reasons["09"] and "本表无数据" in reasons["10"]


def test_general_budget_totals_to_the_fen(czj, ghzy):
    """一般公共预算 lines add up to their printed parts; the 类-row gaps are rounding notices with both figures."""
    for result, basic, project in ((czj, "2,336.91", "603.14"), (ghzy, "5,364.75", "4,381.74")):
        table = result.table
        general = table[table["source_file"].str.contains("_06_")]
        assert int(general.loc[general["expense_type"] == "项目支出", "amount_fen"].sum()) == wan(project)
        printed_basic = int(general.loc[general["expense_type"] == "基本支出", "amount_fen"].sum())
        gap = printed_basic - wan(basic)
        if gap:  # real printed rounding: reported with the printed and the computed figure
            notes = [
                p
                for p in result.problems
                if p.code == "rounding-gap" and "_06_" in p.file and p.column == "基本支出"
            ]
            assert notes and notes[0].details["printed_fen"] == wan(basic)
            assert notes[0].details["computed_fen"] == printed_basic


def test_all_funds_table_adds_only_other_funds(czj, ghzy):
    """支出决算表 = 一般公共预算 + 其他资金: 规划和自然资源局 has 12.89 万元 of 基本支出 under 2120101 beyond it."""
    czj_all = czj.table[czj.table["source_layout"] == "all-funds"]
    assert czj_all.empty  # 财政局: the same money as the 一般公共预算 table, counted from it
    ghzy_all = ghzy.table[ghzy.table["source_layout"] == "all-funds"]
    assert ghzy_all[["func_code", "expense_type", "amount_fen"]].values.tolist() == [
        ["2120101", "基本支出", wan("12.89")]
    ]
    report = ghzy.files[3].sheets[0]
    assert report.read_fen == wan("9,759.38")  # the table as printed: its 合计 to the 分
    assert "一般公共预算财政拨款支出决算表" in report.reason_zh


def test_sangong_is_measured_on_the_sangong_table(czj, ghzy):
    for result, budget, final in ((czj, "0.95", "0.00"), (ghzy, "2.85", "0.39")):
        table = result.table
        sangong = table["econ_code"].isin(["30212", "30217", "30231", "31013"])
        for stage, expected in (("budget", budget), ("final", final)):
            assert int(table.loc[sangong & (table["stage"] == stage), "amount_fen"].sum()) == wan(expected)
        assert not [p for p in result.problems if p.code in ("sangong-car-unsplit", "amount-not-numeric")]


def test_basic_table_group_totals(ghzy):
    """人员经费合计 4,884.09 against 301 + 303 = 4,884.10: a rounding notice, with both figures."""
    gaps = [p for p in ghzy.problems if p.code == "rounding-gap" and p.details.get("label") == "人员经费合计"]
    assert gaps and gaps[0].details["printed_fen"] == wan("4,884.09")
    assert gaps[0].details["computed_fen"] == wan("4,884.10")


def test_summary_lists_every_table(czj):
    lines = table_summary_lines(czj, "zh")
    assert lines[0] == "各表读取情况（10张）："
    assert len(lines) == 11
    assert any("已读取：12行" in line for line in lines)
    assert any("不是支出表" in line and "收入决算表" in line for line in lines)
    english = table_summary_lines(czj, "en")
    assert any("repeated" in line for line in english)


@pytest.mark.slow
def test_cli_on_both_folders_does_not_exit_2(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "budget_guard.cli",
            "check",
            str(CZJ_DIR),
            str(GHZY_DIR),
            "--no-ge",
            "--out",
            str(tmp_path),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    # one year of 决算 per department: every file is read (not 2), but nothing can be compared year
    # over year, so the run says so (exit 5, never a 达标 exit 0)
    assert done.returncode == 5, done.stderr
    record = json.loads(done.stdout.strip().splitlines()[-1])
    assert record["files_failed"] == 0 and record["outcome"] == "nothing_compared"
    text = subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", "check", str(CZJ_DIR), "--no-ge", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "各表读取情况（10张）" in text.stdout
    assert "空表" in text.stdout and "不是支出表" in text.stdout


def test_each_read_table_is_set_against_its_printed_total(czj, ghzy):
    """Per table: the lines read against the table's own 合计, equal to the 分 or both figures shown."""
    czj_general = czj.files[5].sheets[0]
    assert czj_general.printed_total_fen == wan("2,940.05") and czj_general.read_fen == wan("2,940.06")
    czj_basic = czj.files[6].sheets[0]  # 人员经费合计 2,152.26 + 公用经费合计 184.65
    assert czj_basic.printed_total_fen == wan("2,336.91") and czj_basic.read_fen == wan("2,336.94")
    assert ghzy.files[3].sheets[0].printed_total_fen == wan("9,759.38") == ghzy.files[3].sheets[0].read_fen
    lines = table_summary_lines(czj, "zh")
    general = next(line for line in lines if "_06_" in line)
    assert "计入2,940.06万元，表中合计2,940.05万元，明细之和与之相差0.01万元" in general
    assert "与表中合计相符" in next(line for line in table_summary_lines(ghzy, "zh") if "_04_" in line)
    assert "the table's 合计 is 2,940.05" in next(
        line for line in table_summary_lines(czj, "en") if "_06_" in line
    )


def test_every_printed_code_is_in_the_dictionary(czj, ghzy):
    """The 项 these 2024 tables print (2010607 信息化建设, 2010608 财政委托业务支出, 2120201 …) are known."""
    for result in (czj, ghzy):
        assert not [p.details for p in result.problems if p.code in ("code-unknown", "code-name-mismatch")]


def test_the_report_workbook_lists_each_table_with_its_printed_total(czj):
    """The 督办单's per-table section: lines, amount counted and the table's own 合计 (万元)."""
    import io

    import openpyxl

    from budget_guard.engine.evaluate import evaluate
    from budget_guard.model.rulebook import load_rules
    from budget_guard.reports.xlsx_report import build_workbook

    data = build_workbook(evaluate(czj.table, load_rules(), "budget"), czj, "zh")
    rows = [
        [c for c in row]
        for ws in openpyxl.load_workbook(io.BytesIO(data), read_only=True).worksheets
        for row in ws.iter_rows(values_only=True)
    ]
    header = next(r for r in rows if "表中合计（万元）" in r)
    general = next(
        r for r in rows if r and isinstance(r[0], str) and "_06_" in r[0] and len(r) >= len(header)
    )
    position = header.index
    assert general[position("金额（万元）")] == pytest.approx(2940.06)
    assert general[position("表中合计（万元）")] == pytest.approx(2940.05)
