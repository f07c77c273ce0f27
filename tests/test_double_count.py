"""Money printed twice (a 功能分类 and an 经济分类 table of the same department-year): counted once
on purpose is a notice naming which table gives which total; added into one category is red."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from budget_guard.cli.main import main
from budget_guard.engine import states
from budget_guard.engine.evaluate import evaluate
from budget_guard.ingest import read_budget
from budget_guard.model.rulebook import load_rules
from tests.fixtures_ingest import problems_of, write_xlsx

WAN = 1_000_000  # 分 per 万元
REAL = Path(__file__).parent / "data" / "real_tables" / "xlsx"


def published_year(folder: Path, year: int, *, sme: str, subsidy: str, office: str = "20.00") -> Path:
    """One department-year as published: a 功能分类 支出表 (basic + project) and an 经济分类 基本支出表."""
    func = [
        [f"{year}年审计局一般公共预算支出预算表"],
        ["单位：万元"],
        ["科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["2010801", "行政运行", office, office, ""],
        ["2150805", "中小企业发展专项", sme, sme, ""],
    ]
    econ = [
        [f"{year}年审计局一般公共预算基本支出预算表"],
        ["单位：万元"],
        ["科目编码", "科目名称", "合计"],
        ["30201", "办公费", office],
        ["31204", "费用补贴", subsidy],
    ]
    return write_xlsx(folder / f"审计局{year}年部门预算.xlsx", {"支出": func, "基本支出": econ})


def cell(ev, scope_type: str, category: str, year: int) -> dict:
    s = ev.summary
    row = s[(s["scope_type"] == scope_type) & (s["category"] == category) & (s["year"] == year)]
    assert len(row) == 1
    return row.iloc[0].to_dict()


def test_a_category_reading_one_classification_counts_the_money_once(tmp_path):
    """一般性支出 reads 经济 codes only: it takes the 基本支出表's 办公费, never the 支出表's 行政运行."""
    published_year(tmp_path, 2024, sme="0.00", subsidy="0.00", office="20.00")
    published_year(tmp_path, 2025, sme="0.00", subsidy="0.00", office="18.00")
    load = read_budget(tmp_path)
    ev = evaluate(load.table, load_rules())
    general = cell(ev, "department", "general_expenditure", 2025)
    assert (general["amount_fen"], general["prev_amount_fen"]) == (18 * WAN, 20 * WAN)
    assert general["state"] == states.COMPLIANT  # −10 %, beyond the 5 % cut: graded on one table's money
    assert ev.double_counted.empty
    # the load report says it: both totals, which table gives which, which one the total follows
    (_, notice) = problems_of(load, "classification-overlap")  # 2024, then 2025
    assert notice.severity == "notice"
    text = notice.message("zh")
    assert (
        "功能分类表（支出）合计18.00万元" in text
        and "经济分类表（基本支出；范围：基本支出）合计18.00万元" in text
    )
    assert "部门支出合计以功能分类表为准（18.00万元）" in text
    assert not problems_of(load, "table-overlap")
    # the reconciliation line does not call the sum of both tables the department's total
    recon = ev.reconciliation_text("zh")
    assert "上述合计把两表都算入，不是支出总额" in recon and "部门支出总额按功能分类表计" in recon
    assert "审计局2025年预算数功能分类表（支出）18.00万元、经济分类表（基本支出）18.00万元" in recon
    assert ev.reconciliation_level() == "notice"


@pytest.mark.slow
def test_a_category_that_adds_both_tables_is_red_and_never_compliant(tmp_path, capsys):
    """有利企业 reads 经济 312 *or* 功能 21508: it would add the 支出表's 中小企业 line and the 基本支出表's
    费用补贴 (the same money). Those cells are 不可比, one red finding per department-year says both figures."""
    published_year(tmp_path, 2024, sme="10.00", subsidy="10.00")
    published_year(tmp_path, 2025, sme="10.00", subsidy="10.00")
    out = tmp_path / "out"
    code = main(["check", str(tmp_path), "--out", str(out), "--json"])
    record = json.loads(capsys.readouterr().out.strip())
    assert code == 1 and record["exit_code"] == 1 and record["outcome"] == "red"
    load = read_budget(tmp_path)
    ev = evaluate(load.table, load_rules())
    for scope_type in ("department", "government"):
        support = cell(ev, scope_type, "enterprise_support", 2025)
        assert support["state"] == states.NOT_COMPARABLE and support["reason"] == states.REASON_DOUBLE_COUNTED
    red = ev.findings[ev.findings["finding_kind"] == "double_counted"]
    assert list(red["year"]) == [2024, 2025] and set(red["level"]) == {"red"}
    message = red.iloc[1]["message_zh"]
    assert "审计局有利企业2025年预算数20.00万元" in message
    assert "功能分类表（支出）10.00万元" in message and "经济分类表（基本支出）10.00万元" in message
    assert "不是达标" in message
    assert not ev.clean_total and ev.reconciliation_level() == "error"
    assert "有利企业同时取了两张表的行" in ev.reconciliation_text("zh")
    # what a clerk opens: the 督办单's 红色督办 sheet names it; the JSON report says the total is not clean
    import openpyxl

    book = openpyxl.load_workbook(out / "budget-guard-report.xlsx", read_only=True)
    red_sheet = next(ws for ws in book.worksheets if "红色" in ws.title)
    texts = [str(c) for row in red_sheet.iter_rows(values_only=True) for c in row if c]
    assert any("重复计数" in t and "审计局" in t for t in texts)
    document = json.loads((out / "budget-guard-report.json").read_text(encoding="utf-8"))
    assert document["reconciliation"]["clean_total"] is False
    assert document["reconciliation"]["double_counted"][0]["category"] == "enterprise_support"


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["putuo-czj-2024-final", "putuo-ghzy-2024-final"])
def test_a_real_published_folder_is_a_notice_not_red(folder):
    """A whole 部门决算 carries a 功能分类 支出表 and a 基本支出 经济分类 table of the same money: each
    category reads one of them, so nothing is added twice — a notice with both totals, no red."""
    load = read_budget(REAL / folder, stage="final")
    ev = evaluate(load.table, load_rules(), stage="final")
    assert ev.double_counted.empty and ev.clean_total
    (notice,) = problems_of(load, "classification-overlap")
    assert "部门支出合计以功能分类表为准" in notice.message("zh")
    assert not [f for f in ev.findings.to_dict("records") if f.get("finding_kind") == "double_counted"]
    assert "不是支出总额" in ev.reconciliation_text("zh")


def test_every_report_of_a_whatif_run_says_so_first_with_the_change_in_words(tmp_path):
    """XLSX 概况, HTML, Markdown and the JSON outcome carry the what-if line before anything else."""
    from dataclasses import replace

    import openpyxl

    from budget_guard.reports import write_reports

    published_year(tmp_path, 2024, sme="0.00", subsidy="0.00", office="20.00")
    published_year(tmp_path, 2025, sme="0.00", subsidy="0.00", office="18.00")
    load = read_budget(tmp_path)
    change = ("一般性支出 压减目标 5% → 2%", "General expenditure cut target 5% → 2%")
    ev = replace(evaluate(load.table, load_rules()), whatif=(change,))
    written = write_reports(ev, load, tmp_path / "out", ("xlsx", "html", "md", "json"), "zh")
    first = openpyxl.load_workbook(written["xlsx"], read_only=True).worksheets[0]
    top = [str(c) for row in first.iter_rows(max_row=3, values_only=True) for c in row if c]
    assert any(v.startswith("假设分析") and change[0] in v for v in top), top
    md = written["md"].read_text(encoding="utf-8").splitlines()
    assert any(line.lstrip("#>* ").startswith("假设分析") and change[0] in line for line in md[:4]), md[:4]
    html = written["html"].read_text(encoding="utf-8")
    assert html.index("假设分析") < html.index("<h2") and change[0] in html
    document = json.loads(written["json"].read_text(encoding="utf-8"))
    assert document["outcome"]["whatif"] == [{"zh": change[0], "en": change[1]}]
    assert "target_pct" not in written["md"].read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_dashboard_shows_money_added_twice_as_an_error_not_a_green_reconciliation(tmp_path):
    """Uploading the two workbooks: the reconciliation is a red error naming the category, never st.success."""
    from html import unescape

    from streamlit.testing.v1 import AppTest

    paths = [
        published_year(tmp_path, 2024, sme="10.00", subsidy="10.00"),
        published_year(tmp_path, 2025, sme="10.00", subsidy="10.00"),
    ]
    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=90).run()
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    at.file_uploader(key="uploads").set_value([(p.name, p.read_bytes(), mime) for p in paths]).run()
    assert not at.exception, at.exception
    errors = [unescape(e.value) for e in at.error]
    assert any("有利企业同时取了两张表的行" in e and "不能作为干净的核对结果" in e for e in errors), errors
    assert not [s for s in at.success if "核对" in s.value]


def test_a_workbook_with_a_long_sheet_and_a_published_sheet_counts_the_long_sheet_once(tmp_path):
    """Inside one workbook, the line-level 长表 and a published 支出表 of the same department-year are
    the same money: the 支出表 is set aside naming the sheet kept, the total is counted once."""
    from tests.fixtures_ingest import LONG_HEADER

    long = [LONG_HEADER]
    for year, yuan in ((2024, 100), (2025, 90)):
        long.append(["审计局", year, "预算数", "2050201", "30201", "办公费", "基本支出", "", yuan])

    def func(year: int, yuan: int) -> list[list[object]]:
        return [
            [f"{year}年审计局一般公共预算支出预算表"],
            ["单位：元"],
            ["科目编码", "科目名称", "合计"],
            ["2050201", "学前教育", str(yuan)],
        ]

    path = write_xlsx(
        tmp_path / "审计局.xlsx", {"长表": long, "2024支出": func(2024, 100), "2025支出": func(2025, 90)}
    )
    load = read_budget(path)
    assert int(load.table["amount_fen"].sum()) == 190 * 100  # not 380
    notes = problems_of(load, "source-set-aside")
    assert sorted(p.sheet for p in notes) == ["2024支出", "2025支出"]
    assert all(p.details["kept"] == "审计局.xlsx 长表" for p in notes)
    sheets = {s.sheet: s for s in load.files[0].sheets}
    assert sheets["长表"].counted_from is None and sheets["2024支出"].counted_from == "审计局.xlsx 长表"
    assert load.all_rows_accounted
    ev = evaluate(load.table, load_rules())
    livelihood = cell(ev, "department", "livelihood", 2025)
    assert (livelihood["amount_fen"], livelihood["prev_amount_fen"]) == (9000, 10000)
