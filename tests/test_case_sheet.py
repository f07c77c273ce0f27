"""The 督办单 a clerk files: read back with openpyxl (columns, fills, autofilter, print set-up) and rendered."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook

from budget_guard.cases import CaseStore, track_evaluation
from budget_guard.cases.actor import Actor
from budget_guard.cases.view import CaseFilter, ordered
from budget_guard.engine.evaluate import evaluate
from budget_guard.model.rulebook import load_rules
from budget_guard.reports.case_sheet import CaseSheet, render_case_markdown, write_case_sheet
from budget_guard.reports.paper import Heading, heading_from
from tests.builders import line, table

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


@pytest.fixture
def sheet(tmp_path) -> CaseSheet:
    """Cases from a small evaluation: a red 三公 with a hostile item name, a yellow 一般性支出."""
    rules = load_rules()
    lines = table(
        line("=商务局", 2024, 100_000, econ="30217", item="公务接待费"),
        line("=商务局", 2025, 130_000, econ="30217", item='=HYPERLINK("x")'),
        line("甲局", 2024, 1_000_000, econ="30201", item="办公费"),
        line("甲局", 2025, 990_000, econ="30201", item="办公费"),
    )
    store = CaseStore(tmp_path / "ledger.sqlite")
    track_evaluation(store, evaluate(lines, rules), run_id=1, file="in.csv", now=T0)
    number = next(c.number for c in store.cases() if c.key.scope == "甲局")
    store.note(number, "+已约谈，限期整改", Actor("王科长", "os_user"), now=T0 + timedelta(days=1))
    now = T0 + timedelta(days=20)  # the 立行立改 三公 (15 days) is overdue
    cases = ordered(store.cases(), now, CaseFilter())
    heading = Heading(
        issuer=("某市财政局", "City Finance Bureau"), doc_number="财督〔2025〕3号", signer="张三"
    )
    return CaseSheet(tuple(cases), store.all_events(), now, "ledger.sqlite", heading=heading)


def test_case_sheet_columns_fills_filter_and_print_setup(sheet, tmp_path):
    paths = write_case_sheet(sheet, tmp_path / "out", ["xlsx"])
    wb = load_workbook(paths["xlsx"])
    assert wb.sheetnames == ["督办台账", "整改记录", "督办概况"]  # the list first, the overview after
    ws = wb["督办台账"]
    # the title block: title, then 发文机关 · 督办文号 · 日期 · 签发, then the counts
    assert ws.cell(1, 1).value == "某市财政局督办单"
    block = [c.value for c in ws[2] if c.value]
    assert block[0] == "发文机关：某市财政局" and block[1] == "督办文号：财督〔2025〕3号"
    assert block[2] == "日期：2025年3月21日" and block[3] == "签发：张三"
    assert ws.cell(3, 1).value.startswith(f"未结问题 {len(sheet.cases)} 个")
    top = 4
    assert [c.value for c in ws[top]] == [
        "序号",
        "督办编号",
        "责任单位",
        "问题类别",
        "问题描述",
        "等级",
        "发现日期",
        "整改时限",
        "整改情况",
        "状态",
    ]
    data = range(top + 1, ws.max_row + 1)
    assert [ws.cell(r, 1).value for r in data] == list(range(1, len(data) + 1))
    row = next(r for r in data if ws.cell(r, 3).value == "'=商务局")  # formula-safe
    first = [c.value for c in ws[row]]
    assert first[5] == "红色（督办）" and ws.cell(row, 6).fill.start_color.rgb.endswith("FFC7CE")
    assert "已超期" in first[9] and "已超期" in ws.cell(top + 1, 10).value  # overdue first
    assert ws.cell(row, 7).number_format == "yyyy-mm-dd" and first[6].date().isoformat() == "2025-03-01"
    yellow_rows = [r for r in data if ws.cell(r, 3).value == "甲局"]
    assert {ws.cell(r, 6).fill.start_color.rgb[-6:] for r in yellow_rows} == {"FFEB9C"}
    noted = [r for r in yellow_rows if ws.cell(r, 9).value]
    assert [ws.cell(r, 9).value for r in noted] == ["'+已约谈，限期整改"] and ws.cell(
        noted[0], 10
    ).value == "整改中"
    assert all(
        not str(c.value).startswith(("=", "+", "-", "@")) for row in ws.iter_rows() for c in row if c.value
    )
    assert ws.auto_filter.ref == f"A{top}:J{ws.max_row}"
    assert ws.freeze_panes == f"A{top + 1}"
    for printed in (ws, wb["整改记录"], wb["督办概况"]):
        assert_prints_landscape_a4_to_width(printed)
    assert ws.print_title_rows == f"${top}:${top}"  # the column header on every page, not the title
    assert ws.oddFooter.center.text == "第&P页 共&N页"
    widths = [ws.column_dimensions[chr(65 + i)].width for i in range(10)]
    assert all(w >= 6 for w in widths) and sum(widths) < 220  # fits one landscape page wide
    overview = wb["督办概况"]
    assert [c.value for c in overview[1]][:4] == ["状态", "红色（督办）", "黄色（预警）", "白色（提示）"]
    totals = next(r for r in overview.iter_rows(values_only=True) if r[0] == "合计")
    assert sum(totals[1:4]) == totals[4] == len(sheet.cases)
    assert overview.auto_filter.ref
    history = wb["整改记录"]
    assert history.print_title_rows == "$1:$1" and history.auto_filter.ref
    assert any(c.value == "王科长（系统用户）" for c in history["C"])
    assert any(str(c.value).startswith("2025-03-01 10:00") for c in history["B"])  # Beijing time


def assert_prints_landscape_a4_to_width(ws) -> None:
    """Landscape A4, one page wide, header and footer inside their margins (printed whole)."""
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    margins = ws.page_margins
    assert margins.header < margins.top and margins.footer < margins.bottom


def test_a_government_case_names_the_body_the_rules_hold_responsible(tmp_path):
    rules = load_rules()
    lines = table(
        *[
            line(d, y, v, econ="30217", item="公务接待费")
            for d in ("甲局", "乙局")
            for y, v in ((2024, 1000), (2025, 1500))
        ]
    )
    store = CaseStore(tmp_path / "ledger.sqlite")
    track_evaluation(store, evaluate(lines, rules), run_id=1, file="in.csv", now=T0)
    cases = ordered(store.cases(), T0, CaseFilter())
    assert any(c.key.scope_type == "government" for c in cases)
    named = CaseSheet(tuple(cases), store.all_events(), T0, "l", heading=heading_from(rules))
    units = [r["case.col.unit"] for r in named.rows("zh")]
    assert "本级财政部门预算管理机构" in units and not any("合计" in u for u in units)
    bare = CaseSheet(tuple(cases), store.all_events(), T0, "l")  # rules without papers.government_unit
    assert any(u.startswith("未指定") for u in (r["case.col.unit"] for r in bare.rows("zh")))


def test_case_sheet_text_formats_say_the_same(sheet, tmp_path):
    paths = write_case_sheet(sheet, tmp_path / "out", ["html", "md", "json"])
    document = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert [c["number"] for c in document["cases"]] == [c.number for c in sheet.cases]
    assert document["counts"]["total"] == len(sheet.cases)
    assert document["cases"][0]["overdue"] is True and document["cases"][0]["found_date"] == "2025-03-01"
    page = paths["html"].read_text(encoding="utf-8")
    markdown = render_case_markdown(sheet)
    for case in sheet.cases:
        assert case.number in page and case.number in markdown
    assert "=HYPERLINK" not in page.replace("=HYPERLINK(&quot;", "")  # escaped in HTML
    assert "@page{size:A4 landscape}" in page and 'class="red"' in page


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdftoppm")), reason="needs LibreOffice and poppler"
)
def test_case_sheet_prints_on_landscape_pages(sheet, tmp_path):
    """LibreOffice lays the workbook out as a clerk would print it: every sheet one landscape page wide."""
    path = write_case_sheet(sheet, tmp_path, ["xlsx"])["xlsx"]
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = path.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    assert width > height and round(width) == 842  # A4 landscape
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages")).split()[-1])
    assert pages == 3  # cases, history, overview: nothing spilled onto a second page across
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(pdf), str(tmp_path / "page")], check=True, timeout=120
    )
    assert len(list(tmp_path.glob("page-*.png"))) == 3
