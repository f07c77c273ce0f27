"""整改通知书 (one page per 责任单位) and the findings report's print set-up, read back from the files."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from budget_guard.cases import CaseStore, track_evaluation
from budget_guard.cases.view import CaseFilter, ordered
from budget_guard.cli import main
from budget_guard.engine.evaluate import evaluate
from budget_guard.model.rulebook import load_rules
from budget_guard.reports.notice import build_notice_workbook, notices, still_needed
from budget_guard.reports.paper import heading_from
from tests.builders import line, table

T0 = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
RULES = load_rules()


def ledger(tmp_path):
    """甲局 cuts 办公费 by 1% of a 5% target (yellow); 甲局 and 乙局 raise 公务接待费 (red)."""
    lines = table(
        line("甲局", 2024, 1_000_000, econ="30201", item="办公费"),
        line("甲局", 2025, 990_000, econ="30201", item="办公费"),
        line("甲局", 2024, 10_000, econ="30217", item="公务接待费"),
        line("甲局", 2025, 12_000, econ="30217", item="公务接待费"),
        line("乙局", 2024, 10_000, econ="30217", item="公务接待费"),
        line("乙局", 2025, 15_000, econ="30217", item="公务接待费"),
    )
    store = CaseStore(tmp_path / "l.sqlite")
    track_evaluation(store, evaluate(lines, RULES), run_id=1, file="in.csv", now=T0)
    return store


def test_one_notice_per_responsible_unit_says_what_to_do_by_when(tmp_path):
    store = ledger(tmp_path)
    heading = heading_from(RULES, issuer="某市财政局", doc_number="财督〔2025〕3号", signer="张三")
    found = notices(ordered(store.cases(), T0, CaseFilter()), heading, "zh")
    units = [n.unit for n in found]
    assert "甲局" in units and "乙局" in units and "本级财政部门预算管理机构" in units
    assert not any("合计" in u for u in units)  # a total is never a 责任单位
    wb = load_workbook(__import__("io").BytesIO(build_notice_workbook(found, heading, T0, "zh")))
    assert wb.sheetnames == units
    ws = wb["甲局"]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    assert ws.cell(1, 1).value == "整改通知书" and "督办文号：财督〔2025〕3号" in text
    assert "甲局：" in text and "经某市财政局对你单位报送的预算数据核查" in text
    # 一般性支出 (办公费 + 公务接待费): 101.00 → 100.20 万元 against a 5% cut, so ≤ 95.95: 4.25 to go
    assert "2024年 101.00 万元；2025年 100.20 万元" in text and "还需压减 4.25 万元" in text
    assert "还需压减 0.20 万元" in text  # 三公 只减不增: back to last year's 1.00 万元
    assert "立行立改" in text and "分阶段整改" in text  # 三公 at once, 办公费 phased
    assert "整改时限" in text and "2025年3月16日" in text  # 立行立改: 15 days
    assert "整改情况反馈" in text and "整改措施" in text and "责任单位签收" in text
    assert "某市财政局（盖章）" in text and "签发：张三" in text
    # one portrait A4 page each, header and footer inside the margins
    for sheet in wb.worksheets:
        setup = sheet.page_setup
        assert setup.orientation == "portrait" and int(setup.paperSize) == 9
        assert setup.fitToWidth == 1 and setup.fitToHeight == 1
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.page_margins.header < sheet.page_margins.top


def test_still_needed_says_cut_or_add():
    case = type("C", (), {})()
    base = {"gap_fen": 123_456_00, "direction": "decrease"}
    case.__dict__.update(base)
    assert still_needed(case, "zh") == "还需压减 12.35 万元"
    case.direction = "no_decrease"
    assert still_needed(case, "zh") == "还需增加 12.35 万元" and still_needed(case, "en").startswith("add")
    case.gap_fen = None
    assert "未记录" in still_needed(case, "zh")


def test_notices_from_the_cli_with_options_validated(tmp_path, capsys):
    store = ledger(tmp_path)
    out = tmp_path / "out"
    bad = main(["cases", "notice", "--ledger", str(store.path), "--out", str(out), "--date", "2025-13-01"])
    assert bad == 2 and "--date 不是有效日期" in capsys.readouterr().err
    code = main(
        [
            "cases",
            "notice",
            "--ledger",
            str(store.path),
            "--out",
            str(out),
            "--format",
            "xlsx",
            "--department",
            "乙局",
        ]
    )
    assert code == 0 and "1 个责任单位" in capsys.readouterr().out
    assert load_workbook(out / "整改通知书.xlsx").sheetnames == ["乙局"]


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("soffice") and shutil.which("pdfinfo")), reason="needs LibreOffice and poppler"
)
def test_the_pdf_has_one_portrait_page_per_unit(tmp_path, capsys):
    store = ledger(tmp_path)
    out = tmp_path / "out"
    assert main(["cases", "notice", "--ledger", str(store.path), "--out", str(out)]) == 0
    info = subprocess.run(
        ["pdfinfo", str(out / "整改通知书.pdf")], capture_output=True, text=True, check=True
    ).stdout
    pages = int(next(x for x in info.splitlines() if x.startswith("Pages")).split()[-1])
    width, height = (
        float(x)
        for x in next(x for x in info.splitlines() if x.startswith("Page size"))
        .split(":")[1]
        .split("pts")[0]
        .split("x")
    )
    assert pages == 3 and width < height and round(height) == 842


def test_the_findings_report_prints_landscape_to_width_with_headers_and_wrapped_text(tmp_path):
    from budget_guard.ingest.load_result import LoadResult
    from budget_guard.reports.xlsx_report import write_xlsx

    lines = table(
        line("甲局", 2024, 10_000, econ="30217", item="公务接待费"),
        line("甲局", 2025, 12_000, econ="30217", item="公务接待费"),
    )
    path = write_xlsx(evaluate(lines, RULES), LoadResult(), tmp_path / "r.xlsx")
    wb = load_workbook(path)
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape" and int(setup.paperSize) == 9, ws.title
        assert setup.fitToWidth == 1 and setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert ws.page_margins.header < ws.page_margins.top and ws.oddFooter.center.text == "第&P页 共&N页"
    red = wb["红色督办"]
    assert red.print_title_rows == "$1:$1"
    header = [c.value for c in red[1]]
    message = red.cell(2, header.index("说明") + 1)
    assert message.alignment.wrap_text and red.row_dimensions[2].height > 15


def test_the_papers_section_of_the_rules_is_validated_with_the_line():
    from budget_guard.errors import RulesError
    from budget_guard.model.rulebook import DEFAULT_RULES_PATH, parse_rules

    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    text = text.replace("    # signer: 张三", '    signer: ""\n    issuer_typo: x\n    # signer: 张三', 1)
    line_no = text.splitlines().index('    signer: ""') + 1
    with pytest.raises(RulesError) as raised:
        parse_rules(text, "rules.yaml")
    message = raised.value.message("zh")
    assert f"第{line_no}行" in message and "supervision.papers.signer" in message
    assert "issuer_typo" in message and "未知的键" in message
