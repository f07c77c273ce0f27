"""Files that cannot be read, or only partly: each gives the documented problem, and never stops the other files."""

from __future__ import annotations

import io
import zipfile

import pytest
from fixtures_ingest import LONG_HEADER, czj_ybggys_rows, one_problem, problems_of, write_csv, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from budget_guard.ingest import read_budget

GOOD = [LONG_HEADER, ["财政局", 2025, "预算数", "2010601", "30201", "办公费", "基本支出", None, "100"]]


def ole2(*streams: str) -> bytes:
    """An OLE2 compound file header followed by directory entries naming ``streams`` (UTF-16), as Office writes them."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in streams)
    return header + entries + b"\x00" * 1024


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    good = write_csv(tmp_path / "good.csv", GOOD)
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 50)
    result = read_budget([good, corrupt, tmp_path / "missing.xlsx"])
    assert [f.status for f in result.files] == ["ok", "failed", "failed"]
    assert len(result.table) == 1
    assert one_problem(result, "file-corrupt").file == "corrupt.xlsx"
    assert one_problem(result, "file-not-found").file == "missing.xlsx"
    assert len(result.failed_files) == 2


@pytest.mark.parametrize("content", [b"", b"   \r\n\r\n  "])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    result = read_budget(path)
    assert one_problem(result, "file-empty").file == "empty.csv"
    assert result.files[0].status == "failed"


def test_encrypted_workbook_is_an_ole2_file(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(ole2("Root Entry", "EncryptionInfo", "EncryptedPackage"))
    result = read_budget(path)
    problem = one_problem(result, "file-encrypted")
    assert problem.file == "locked.xlsx" and "密码" in problem.message("zh")


def test_ole2_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(ole2("Root Entry", "WordDocument"))
    result = read_budget(path)
    assert one_problem(result, "file-corrupt").details["expected"] == "Excel"


def test_zip_that_is_not_a_workbook(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    path = tmp_path / "a.xlsx"
    path.write_bytes(buffer.getvalue())
    assert one_problem(read_budget(path), "file-corrupt").file == "a.xlsx"


def test_unsupported_and_too_large(tmp_path):
    doc = tmp_path / "report.doc"
    doc.write_bytes(b"a Word document")
    assert one_problem(read_budget(doc), "file-unsupported").details["suffix"] == ".doc"
    pdf = tmp_path / "report.pdf"  # a PDF that is only its header: read as a PDF, and corrupt
    pdf.write_bytes(b"%PDF-1.7 ...")
    assert one_problem(read_budget(pdf), "file-corrupt").details["expected"] == "PDF"
    big = write_csv(tmp_path / "big.csv", GOOD * 100)
    assert one_problem(read_budget(big, max_file_mb=0.001), "file-too-large").file == "big.csv"


def test_undecodable_text(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"a,b\n\x81\x30\x80\n")
    assert one_problem(read_budget(path), "encoding-unknown").file == "bad.csv"


def test_wrong_headers_no_amount_column(tmp_path):
    rows = [["部门", "年度", "功能分类科目编码", "项目名称"], ["财政局", "2025", "2010601", "办公费"]]
    result = read_budget(write_csv(tmp_path / "noamount.csv", rows))
    problem = one_problem(result, "no-amount-column")
    assert problem.row == 1
    assert result.files[0].sheets[0].rejected_rows == 2 and len(result.rejected) == 1


def test_no_code_column(tmp_path):
    rows = [["部门", "年度", "项目名称", "金额"], ["财政局", "2025", "办公费", "1"]]
    result = read_budget(write_csv(tmp_path / "nocode.csv", rows))
    assert one_problem(result, "no-code-column").row == 1
    missing = one_problem(result, "code-missing")
    assert (missing.row, missing.column) == (2, "编码")


def test_unknown_layout(tmp_path):
    rows = [["甲", "乙", "丙"], ["x", "1", "2"], ["y", "3", "4"]]
    result = read_budget(write_csv(tmp_path / "odd.csv", rows))
    problem = one_problem(result, "layout-unknown")
    assert problem.row == 1 and result.files[0].sheets[0].rejected_rows == 3
    assert result.files[0].status == "failed"


def test_empty_and_text_only_sheets_are_skipped(tmp_path):
    path = write_xlsx(
        tmp_path / "book.xlsx", {"封面": [["2025年部门预算"], ["某局"]], "空表": [[None]], "数据": GOOD}
    )
    result = read_budget(path)
    assert one_problem(result, "sheet-empty").sheet == "空表"
    assert one_problem(result, "sheet-skipped").sheet == "封面"
    assert len(result.table) == 1 and result.files[0].status == "ok"
    assert result.all_rows_accounted


def test_html_disguised_as_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_bytes(b"<html><table><tr><td>1</td></tr></table></html>")
    result = read_budget(path)
    assert result.files[0].status == "failed"
    assert problems_of(result, "file-corrupt") or problems_of(result, "layout-unknown")


def test_invalid_arguments_are_reported_not_raised(tmp_path):
    result = read_budget(write_csv(tmp_path / "a.csv", GOOD), year="二〇二五", stage="概算", unit="美元")
    assert {p.details["name"] for p in problems_of(result, "argument-invalid")} == {"year", "stage", "unit"}
    assert len(result.table) == 1


def test_bad_codes_file_is_reported(tmp_path):
    codes = tmp_path / "codes.csv"
    codes.write_text("编号,说明\n1,2\n", encoding="utf-8")
    result = read_budget(write_csv(tmp_path / "t.csv", czj_ybggys_rows()), codes=codes)
    assert one_problem(result, "file-corrupt").file == "codes.csv"
    assert len(result.table) == 9


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]))
def test_any_bytes_give_a_result_never_a_traceback(data, suffix):
    result = read_budget([(f"upload{suffix}", data)])
    assert len(result.files) == 1
    assert result.all_rows_accounted
    assert not problems_of(result, "read-failed")


@settings(max_examples=40, deadline=None)
@given(
    cells=st.lists(
        st.lists(
            st.one_of(st.none(), st.text(max_size=6), st.integers(-(10**6), 10**6).map(str)),
            min_size=1,
            max_size=6,
        ),
        max_size=8,
    )
)
@pytest.mark.slow
def test_any_grid_under_a_long_header_is_accounted(cells):
    rows = [LONG_HEADER, *cells]
    text = "\n".join(
        ",".join("" if v is None else v.replace(",", " ").replace("\n", " ").replace('"', "'") for v in row)
        for row in rows
    )
    result = read_budget([("grid.csv", text.encode("utf-8"))])
    assert not problems_of(result, "read-failed")
    assert result.all_rows_accounted


def test_income_and_performance_tables_are_skipped_not_misread(tmp_path):
    income = [
        ["2025年审计局部门收入预算表"],
        ["单位：万元"],
        ["科目编码", "科目名称", "合计"],
        ["1030", "非税收入", "5.00"],
    ]
    performance = [["项目支出绩效目标表"], ["项目名称", "年度目标", "金额"], ["审计信息化", "完成", "10"]]
    long_with_income_item = [
        LONG_HEADER,
        ["财政局", 2025, "预算数", "2010601", "30201", "非税收入征管", "基本支出", None, "1"],
    ]
    path = write_xlsx(
        tmp_path / "公开.xlsx", {"收入": income, "绩效": performance, "明细": long_with_income_item}
    )
    result = read_budget(path)
    assert [s.layout for s in result.files[0].sheets] == ["no-data", "no-data", "long"]
    assert {p.sheet for p in problems_of(result, "sheet-skipped")} == {"收入", "绩效"}
    assert len(result.table) == 1 and result.errors == []
