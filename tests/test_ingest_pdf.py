"""Reading the published PDF itself (#21): PDFs made here with reportlab, one behaviour of real PDFs each.

Every table of a PDF becomes a grid exactly like a sheet's grid, read by the same published-table
layouts under the place 第N页 表M; every number of a table region is proven against the page; pages that
cannot be read (scans, sideways text) are refused with their reason, never read as empty.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")

from pdf_builders import BODY, HEADER, TITLE, TOTAL, Pdf, published_page  # noqa: E402

from budget_guard.errors import Place  # noqa: E402
from budget_guard.ingest import read_budget  # noqa: E402
from budget_guard.ingest.pdf import read_pdf  # noqa: E402
from budget_guard.ingest.pdf.proof import looks_like_row, prove  # noqa: E402

NAME = "示例区财政局2024年度部门决算.pdf"
LINE_COLUMNS = ["department", "year", "stage", "func_code", "econ_code", "amount_fen"]
LEAVES = {"2010601": 1_000_500_000, "2010602": 200_000_000, "2210201": 345_670_000}


def read(data: bytes, name: str = NAME):
    return read_budget([(name, data)])


def lines(result) -> list[tuple]:
    table = result.table[LINE_COLUMNS].astype(object).where(result.table[LINE_COLUMNS].notna(), None)
    return sorted(map(tuple, table.to_numpy().tolist()), key=str)


def leaves(result) -> dict[str, int]:
    return dict(
        zip(result.table["func_code"].astype(str), result.table["amount_fen"].astype(int), strict=True)
    )


def codes(result) -> list[str]:
    return [p.code for p in result.problems]


def sheets(result) -> dict[str, object]:
    return {s.sheet: s for f in result.files for s in f.sheets}


def test_a_pdf_table_reads_to_the_same_lines_as_the_same_table_in_a_workbook():
    pdf = Pdf()
    published_page(pdf)
    from_pdf = read(pdf.bytes())
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.append(["", "", "", "", "单位：万元"])
    for row in [HEADER, *BODY, TOTAL]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    from_xlsx = read_budget([(NAME.replace(".pdf", ".xlsx"), buffer.getvalue())])
    assert lines(from_pdf) == lines(from_xlsx)
    assert leaves(from_pdf) == LEAVES
    report = sheets(from_pdf)["第1页 表1"]
    assert report.unit == "万元" and report.outcome == "read"
    assert report.printed_total_fen == 1_546_170_000  # its own 合计 row, read from the page
    assert set(from_pdf.table["source_sheet"]) == {"第1页 表1"}
    assert not from_pdf.errors


def test_amounts_are_exact_whatever_the_digits():
    pdf = Pdf()
    rows = [
        HEADER,
        ["2010601", "行政运行", "9,999,999.99", "9,999,999.99", ""],
        ["合计", "", "9,999,999.99", "", ""],
    ]
    pdf.text(60, 60, TITLE, size=12)
    pdf.text(440, 82, "单位：万元")
    pdf.table(60, 100, rows)
    result = read(pdf.bytes())
    assert leaves(result) == {"2010601": 9_999_999_990_000}  # 9,999,999.99 万元 to the 分, no float


def test_a_table_continued_on_the_next_page_without_its_header_is_one_table():
    pdf = Pdf()
    pdf.text(60, 700, TITLE, size=12)
    pdf.text(440, 722, "单位：万元")
    pdf.table(60, 740, [HEADER, *BODY[:4]])  # ends near the bottom of page 1
    pdf.next_page()
    pdf.table(60, 60, [*BODY[4:], TOTAL])  # no title, no header
    result = read(pdf.bytes())
    assert leaves(result) == LEAVES
    report = sheets(result)["第1-2页 表1"]
    assert report.printed_total_fen == 1_546_170_000 and report.outcome == "read"
    assert Place(sheet="第1-2页 表1", row=3).describe("en") == "pages 1-2 table 1, row 3"
    assert Place(sheet="第1-2页 表1", row=3).describe("zh") == "第1-2页 表1，第3行"


def test_a_table_over_three_pages_with_a_label_wrapped_over_a_page_break_is_one_table():
    pdf = Pdf()
    pdf.text(60, 700, TITLE, size=12)
    pdf.text(440, 722, "单位：万元")
    pdf.table(60, 740, [HEADER, *BODY[:3]])
    pdf.next_page()
    pdf.table(60, 60, [BODY[3]])  # page 2: one row only
    pdf.next_page()
    pdf.text(133, 44, "出")  # the end of a label wrapped over the page break, above page 3's first rule
    pdf.table(60, 60, [*BODY[4:], TOTAL])
    result = read(pdf.bytes())
    assert leaves(result) == LEAVES
    assert list(sheets(result)) == ["第1-3页 表1"]
    assert not result.errors


def test_a_repeated_header_on_the_continuation_page_is_not_read_as_data():
    pdf = Pdf()
    pdf.text(60, 700, TITLE, size=12)
    pdf.text(440, 722, "单位：万元")
    pdf.table(60, 740, [HEADER, *BODY[:4]])
    pdf.next_page()
    pdf.table(60, 60, [HEADER, *BODY[4:], TOTAL])
    result = read(pdf.bytes())
    assert leaves(result) == LEAVES
    assert not result.errors


def test_two_tables_on_one_page_are_two_tables_with_their_own_titles():
    pdf = Pdf()
    bottom = published_page(pdf, top=40)
    published_page(pdf, top=bottom + 30, title="示例区财政局2024年度一般公共预算支出决算表（续表）")
    document = read_pdf(pdf.bytes(), NAME)
    assert [t.sheet for t in document.tables] == ["第1页 表1", "第1页 表2"]
    assert document.tables[1].titles[0].startswith("示例区财政局2024年度一般公共预算支出决算表")
    assert all(not t.failed for t in document.tables)


def test_the_first_row_of_a_continuation_printed_above_its_rule_is_read_into_its_columns():
    pdf = Pdf()
    pdf.text(60, 700, TITLE, size=12)
    pdf.text(440, 722, "单位：万元")
    pdf.table(60, 740, [HEADER, *BODY[:4]])
    pdf.next_page()
    # the continuation's first row stands above the first rule (the rule between pages was not printed)
    xs = [60, 130, 290, 380, 470]
    for x, value in zip(xs, BODY[4], strict=True):
        if value:
            pdf.text(x + 3, 64, value)
    pdf.table(60, 80, [*BODY[5:], TOTAL])
    result = read(pdf.bytes())
    assert leaves(result) == LEAVES
    assert "pdf-row-recovered" in codes(result)
    assert not result.errors


def test_a_row_of_amounts_outside_the_rules_fails_the_table_and_nothing_of_it_is_counted():
    pdf = Pdf()
    bottom = published_page(pdf)
    pdf.text(63, bottom + 4, "2210299")  # a row printed below the last rule, as if the rule were missing
    pdf.text(133, bottom + 4, "其他住房改革支出")
    pdf.text(293, bottom + 4, "12.34")
    result = read(pdf.bytes())
    assert "pdf-row-outside-table" in codes(result)
    assert result.table.empty  # never silently used
    report = sheets(result)["第1页 表1"]
    assert report.outcome == "failed"
    assert "第1页" in report.reason_zh and "12.34" in report.reason_zh
    assert report.accounted and report.rejected_rows == 3


def test_a_number_cut_by_a_cell_edge_fails_the_number_proof():
    pdf = Pdf()
    rows = [list(r) for r in [HEADER, *BODY, TOTAL]]
    rows[4][2] = ""  # 一般行政管理事务's 合计 is drawn across the rule between 合计 and 基本支出 instead
    pdf.text(60, 60, TITLE, size=12)
    pdf.text(440, 82, "单位：万元")
    top = 100
    pdf.table(60, top, rows)
    pdf.text(60 + 70 + 160 + 90 - 14, top + 4 * 18 + 4, "200.00")
    result = read(pdf.bytes())
    problem = next(p for p in result.problems if p.code == "pdf-numbers-unproven")
    assert problem.sheet == "第1页 表1"
    assert problem.details["lost"] == "200.00"  # printed on the page, in no cell as such
    assert "200.00" not in problem.details["invented"]  # the cells hold its two halves
    assert result.table.empty
    assert sheets(result)["第1页 表1"].outcome == "failed"


def test_the_proof_sees_lost_invented_and_split_numbers():
    assert prove(["1,234.56", "7.00"], ["1,234.56", "7.00"]).holds
    split = prove(["1,234.56"], ["1,23", "4.56"])
    assert split.lost == ("1,234.56",) and split.invented == ("1,23", "4.56")
    assert prove(["5.00"], []).lost == ("5.00",)
    assert prove([], ["5.00"]).invented == ("5.00",)
    assert looks_like_row("2210201 住房公积金 1,029.15")
    assert not looks_like_row("一般公共预算支出 1637.72 万元，比上年增加 12.11%。")
    assert not looks_like_row("2024 年度部门决算")


def test_text_drawn_outside_the_page_box_is_not_read():
    pdf = Pdf()
    published_page(pdf)
    # a second copy of the table, with other figures, drawn below the visible page
    pdf.table(60, 900, [HEADER, ["2010601", "行政运行", "7,777.77", "7,777.77", ""]])
    result = read(pdf.bytes())
    assert leaves(result) == LEAVES
    assert not result.errors


def test_a_frame_around_the_page_is_not_a_table_and_no_number_is_read_twice():
    pdf = Pdf()
    pdf.canvas.rect(30, 30, 535, 782)  # the page frame
    published_page(pdf)
    result = read(pdf.bytes())
    assert leaves(result) == LEAVES
    assert list(sheets(result)) == ["第1页 表1"]


def test_a_grid_of_filled_rectangles_with_slivers_reads_to_the_printed_columns():
    pdf = Pdf()
    published_page(pdf, filled=True, slivers=True)
    data = pdf.bytes()
    document = read_pdf(data, NAME)
    assert max(len(r) for r in document.tables[0].body) > len(HEADER)  # the finder saw sliver columns
    assert max(len(r) for r in document.tables[0].rows) == len(HEADER)  # joined back to the printed five
    result = read(data)
    assert leaves(result) == LEAVES
    assert not result.errors


def test_white_backgrounds_behind_wrapped_header_lines_do_not_cut_the_cell():
    """Spreadsheet printers draw a white rectangle behind every line of text; its edges are not rules, so a
    header wrapped over two lines (科目 / 名称) stays one cell and the table reads as printed."""
    pdf = Pdf()
    pdf.text(60, 60, TITLE, size=12)
    pdf.text(440, 82, "单位：万元")
    top = 100
    rows = [["科目编码", "", "合计", "基本支出", "项目支出"], *BODY, TOTAL]
    pdf.table(60, top, rows, row_height=24, filled=True)
    pdf.text(133, top + 2, "科目", background=True)  # the header 科目名称, wrapped in its cell
    pdf.text(133, top + 12, "名称", background=True)
    data = pdf.bytes()
    document = read_pdf(data, NAME)
    assert document.tables[0].rows[2][:2] == ["科目编码", "科目名称"]
    result = read(data)
    assert leaves(result) == LEAVES and not result.errors


def test_a_rotated_page_is_read_as_shown():
    pdf = Pdf()
    pdf.rotate(90)
    pdf.canvas.translate(595, 0)
    pdf.canvas.rotate(90)  # drawn so that it reads upright once the page is turned: a landscape table
    pdf.height = 595.0  # the drawing frame is now the landscape one
    published_page(pdf)
    result = read(pdf.bytes())
    assert leaves(result) == LEAVES
    assert not result.errors


def test_sideways_text_on_an_unrotated_page_is_refused_with_its_reason():
    pdf = Pdf()
    pdf.canvas.translate(595, 0)
    pdf.canvas.rotate(90)
    pdf.height = 595.0
    published_page(pdf)
    result = read(pdf.bytes())
    assert "pdf-page-sideways" in codes(result)
    assert result.table.empty
    report = sheets(result)["第1页"]
    assert report.outcome == "failed" and "90°" in report.reason_zh


def test_a_scanned_page_is_refused_page_by_page_with_a_hint():
    pdf = Pdf()
    published_page(pdf)
    pdf.next_page()
    pdf.image(0, 0, 595, 842)  # page 2: a picture of a page, no text layer
    result = read(pdf.bytes())
    assert leaves(result) == LEAVES  # page 1 still read
    problem = next(p for p in result.problems if p.code == "pdf-page-scanned")
    assert problem.sheet == "第2页" and problem.severity == "error"
    assert problem.describe("zh").startswith("第2页：第2页没有文字层")
    assert "文字识别" in problem.hint("zh") and "OCR" in problem.hint("en")
    assert sheets(result)["第2页"].outcome == "failed"


def test_a_wholly_scanned_pdf_fails_the_check_with_exit_2(tmp_path: Path):
    pdf = Pdf()
    pdf.image(0, 0, 595, 842)
    path = tmp_path / NAME
    path.write_bytes(pdf.bytes())
    run = subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", "check", str(path), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 2
    assert "没有文字层" in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_cover_and_contents_pages_are_listed_as_text_pages_not_tables():
    pdf = Pdf()
    pdf.text(150, 300, "示例区财政局2024年度部门决算", size=20)
    pdf.next_page()
    pdf.text(60, 60, "目 录", size=16)
    pdf.text(60, 100, "第一部分 部门概况 ........ 1")
    pdf.next_page()
    published_page(pdf)
    result = read(pdf.bytes())
    assert leaves(result) == LEAVES
    notice = next(p for p in result.problems if p.code == "pdf-text-pages")
    assert notice.severity == "notice" and "第1-2页" in notice.message("zh")
    assert sheets(result)["第1-2页"].outcome == "not-spending"
    assert list(sheets(result)) == ["第3页 表1", "第1-2页"]


def test_a_narrative_pdf_without_tables_is_accounted_for_not_failed():
    pdf = Pdf()
    pdf.text(60, 60, "一、部门概况：一般公共预算支出 1,546.17 万元，比上年减少 3.2%。")
    result = read(pdf.bytes())
    assert result.table.empty and not result.errors
    assert not result.files[0].unreadable


def test_a_file_named_pdf_that_is_not_one_is_corrupt_not_unsupported():
    result = read(b"hello, not a pdf at all")
    assert codes(result) == ["file-corrupt"]
    assert result.files[0].status == "failed"


def test_a_folder_mixing_pdfs_and_workbooks_reads_both(tmp_path: Path):
    pdf = Pdf()
    published_page(pdf)
    (tmp_path / NAME).write_bytes(pdf.bytes())
    (tmp_path / "说明.txt").write_text("not a table", encoding="utf-8")
    result = read_budget(tmp_path)
    assert leaves(result) == LEAVES
    assert [f.name for f in result.files if f.name.endswith(".pdf")] == [NAME]


def test_without_pdfplumber_one_line_says_how_to_install_and_the_check_exits_2(tmp_path: Path):
    blocker = tmp_path / "blocker"
    (blocker / "pdfplumber").mkdir(parents=True)
    (blocker / "pdfplumber" / "__init__.py").write_text("raise ImportError('pdfplumber is not installed')\n")
    pdf = Pdf()
    published_page(pdf)
    path = tmp_path / NAME
    path.write_bytes(pdf.bytes())
    repo = Path(__file__).resolve().parents[1]
    run = subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", "check", str(path), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**_env(), "PYTHONPATH": f"{blocker}:{repo}"},
    )
    output = run.stdout + run.stderr
    assert run.returncode == 2
    assert 'pip install "budget-guard[pdf]"' in output
    assert "Traceback" not in output


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_page_places_read_in_both_languages():
    assert Place(file="a.pdf", sheet="第3页 表1", row=5).describe("zh") == "文件 a.pdf，第3页 表1，第5行"
    assert Place(file="a.pdf", sheet="第3页 表1", row=5).describe("en") == "file a.pdf, page 3 table 1, row 5"
    assert Place(sheet="第1-4, 21-25页").describe("en") == "pages 1-4, 21-25"
    assert Place(sheet="支出表").describe("zh") == "工作表 支出表"


@pytest.mark.slow
def test_the_dashboard_takes_a_pdf_upload_and_shows_its_pages_in_the_load_report():
    from streamlit.testing.v1 import AppTest

    pdf = Pdf()
    published_page(pdf)
    pdf.next_page()
    pdf.image(0, 0, 595, 842)  # page 2: a scan
    app = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "app.py"), default_timeout=90).run()
    app.file_uploader(key="uploads").set_value([(NAME, pdf.bytes(), "application/pdf")]).run()
    assert not app.exception, app.exception
    report = next(df.value for df in app.dataframe if "工作表" in df.value.columns)
    rows = {row["工作表"]: row for _, row in report.iterrows()}
    assert rows["第1页 表1"]["读取结果"] == "已读取"
    assert rows["第2页"]["读取结果"] == "读取失败"
    assert "第2页没有文字层" in rows["第2页"]["说明"]


def _sangong_pdf(narrative: str) -> bytes:
    pdf = Pdf()
    pdf.text(60, 60, narrative)
    pdf.next_page()
    pdf.text(60, 60, "示例区财政局2024年度“三公”经费支出预算表", size=12)
    pdf.text(440, 82, "单位：万元")
    rows = [
        ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"],
        ["", "", "小计", "公务用车购置费", "公务用车运行维护费", ""],
        ["30.00", "12.00", "10.00", "0.00", "10.00", "8.00"],
    ]
    pdf.table(40, 100, rows, widths=[60, 90, 110, 80, 100, 75], row_height=24)
    return pdf.bytes()


def test_a_narrative_sangong_figure_that_differs_from_the_table_is_a_located_warning_with_both():
    data = _sangong_pdf("一、“三公”经费：因公出国（境）费预算支出 15.00 万元；公务接待费预算支出 8 万元。")
    result = read_budget([("示例区财政局2024年度部门预算.pdf", data)])
    differs = next(p for p in result.problems if p.code == "narrative-figure-differs")
    assert differs.sheet == "第1页" and differs.severity == "warning"
    assert differs.details["stated"] == "15.00" and differs.details["table"] == "12.00"
    assert differs.details["table_place"] == "第2页 表1"
    agree = next(p for p in result.problems if p.code == "narrative-figures-agree")
    assert agree.details["items"] == "公务接待费"  # 8 万元 stated, 8.00 printed


def test_a_narrative_clause_without_its_number_or_stating_a_change_is_not_read():
    data = _sangong_pdf("因公出国（境）费决算为 万元，比上年减少 3.00 万元；公务接待费比上年增加 1.00 万元。")
    result = read_budget([("示例区财政局2024年度部门预算.pdf", data)])
    assert not [p for p in result.problems if p.code.startswith("narrative-")]
