"""The long template: encodings, header aliases, numbers as bureaus write them, row lineage and bad cells."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from fixtures_ingest import LONG_HEADER, one_problem, problems_of, write_csv, write_xls, write_xlsx

from budget_guard.ingest import read_budget
from budget_guard.model.table import validate

ROWS = [
    LONG_HEADER,
    ["财政局", 2025, "预算数", "2010601", "30201", "办公费", "基本支出", "过紧日子；一般性支出", "1,234.56"],
    ["财政局", 2025, "决算数", "2010601", "30217", "公务接待费", "基本支出", "", "(12.30)"],
    [
        "财政局",
        2025,
        "",
        "2010602",
        "",
        "预算绩效管理改革",
        "项目支出",
        "深化改革,有利企业",
        "１２３４．５０",
    ],
]


@pytest.mark.parametrize(
    "encoding, label", [("utf-8-sig", "UTF-8-BOM"), ("gbk", "GBK"), ("utf-8", "UTF-8"), ("gb18030", "GBK")]
)
def test_csv_encodings_are_detected_and_reported(tmp_path, encoding, label):
    path = write_csv(tmp_path / "财政局.csv", ROWS, encoding=encoding)
    result = read_budget(path)
    assert result.files[0].encoding == label
    assert one_problem(result, "encoding-detected").details["encoding"] == label
    assert result.table["item"].astype(str).tolist() == ["办公费", "公务接待费", "预算绩效管理改革"]


def test_numbers_codes_tags_and_lineage(tmp_path):
    result = read_budget(write_csv(tmp_path / "a.csv", ROWS, encoding="utf-8-sig"))
    table = result.table
    validate(table)
    assert table["amount_fen"].tolist() == [123456, -1230, 123450]
    assert table["stage"].astype(str).tolist() == ["budget", "final", "budget"]
    assert table["tags"].astype(str).tolist()[0] == "过紧日子;一般性支出"
    assert table["tags"].astype(str).tolist()[2] == "深化改革;有利企业"
    assert table["source_row"].tolist() == [2, 3, 4]
    assert set(table["source_file"].astype(str)) == {"a.csv"}
    assert table["source_sheet"].isna().all()
    negative = one_problem(result, "amount-negative")
    assert (negative.row, negative.column) == (3, "金额")


def test_english_headers_and_wan_unit_in_header(tmp_path):
    rows = [
        [
            "Department",
            "Year",
            "Stage",
            "func_code",
            "econ_code",
            "Item",
            "expense_type",
            "Tags",
            "Amount (万元)",
        ],
        ["Finance", 2024, "final", "2010601", "30101", "wages", "basic", "", "4884.09"],
    ]
    result = read_budget(write_csv(tmp_path / "en.csv", rows))
    assert result.table["amount_fen"].tolist() == [4_884_090_000]  # 4,884.09 万元 = 48,840,900 元
    assert result.files[0].sheets[0].unit == "万元"
    assert result.table["expense_type"].astype(str).tolist() == ["基本支出"]


def test_unit_line_above_header_and_title(tmp_path):
    rows = [
        ["2025年财政局部门预算明细"],
        ["单位：万元"],
        LONG_HEADER,
        ["财政局", 2025, "预算数", "2010601", "30201", "办公费", "基本支出", None, 1.5],
    ]
    result = read_budget(write_xlsx(tmp_path / "t.xlsx", {"明细": rows}))
    sheet = result.files[0].sheets[0]
    assert (sheet.unit, sheet.header_row, sheet.header_rows) == ("万元", 3, 3)
    assert result.table["amount_fen"].tolist() == [1_500_000]
    assert result.table["source_row"].tolist() == [4]
    assert result.table["source_sheet"].astype(str).tolist() == ["明细"]


def test_codes_read_as_numbers_become_text(tmp_path):
    rows = [LONG_HEADER, ["财政局", 2025.0, "预算数", 2010301.0, 30201, "x", "基本支出", None, 10]]
    result = read_budget(write_xlsx(tmp_path / "n.xlsx", {"Sheet1": rows}))
    line = result.table.iloc[0]
    assert (line["func_code"], line["econ_code"], line["year"]) == ("2010301", "30201", 2025)


def test_xls_is_read(tmp_path):
    rows = [LONG_HEADER, ["财政局", 2025, "预算数", "2010601", "30201", "办公费", "基本支出", None, 100.25]]
    result = read_budget(write_xls(tmp_path / "old.xls", {"预算": rows}))
    assert result.errors == []
    assert result.table["amount_fen"].tolist() == [10025]
    assert result.table["source_sheet"].astype(str).tolist() == ["预算"]


def test_subtotal_note_and_blank_rows_are_counted_not_read(tmp_path):
    rows = [
        LONG_HEADER,
        ["财政局", 2025, "预算数", "2010601", "30201", "办公费", "基本支出", None, 100],
        [None] * 9,
        ["财政局", 2025, "预算数", None, None, "合    计", None, None, 100],
        ["注：本表为示例。"],
    ]
    result = read_budget(write_xlsx(tmp_path / "s.xlsx", {"S": rows}))
    sheet = result.files[0].sheets[0]
    assert (
        sheet.rows_read,
        sheet.data_rows,
        sheet.blank_rows,
        sheet.subtotal_rows,
        sheet.note_rows,
        sheet.header_rows,
    ) == (
        5,
        1,
        1,
        1,
        1,
        1,
    )
    assert sheet.accounted and len(result.table) == 1


def test_bad_cells_are_rejected_with_row_and_column(tmp_path):
    rows = [
        LONG_HEADER,
        ["财政局", 2025, "预算数", "2010601", "30201", "办公费", "基本支出", None, "12万"],
        ["财政局", 2025, "预算数", "20106A1", "30201", "办公费", "基本支出", None, "1"],
        ["财政局", 2025, "预算数", "201060", None, "办公费", "基本支出", None, "1"],
        ["财政局", 2025, "预算数", None, None, "没有编码", "基本支出", None, "1"],
        ["财政局", "二〇二五", "预算数", "2010601", None, "年度错", "基本支出", None, "1"],
        ["财政局", 2025, "预算", "2010601", None, "口径简写可用", "基本支出", None, "1"],
        ["财政局", 2025, "概算数", "2010601", None, "口径错", "基本支出", None, "1"],
        [None, 2025, "预算数", "2010601", None, "部门空", "基本支出", None, "1"],
        ["财政局", 2025, "预算数", "2010601", None, "金额空", "基本支出", None, None],
        ["财政局", 2025, "预算数", "2010601", None, "类型错", "其他支出", None, "1"],
    ]
    result = read_budget(write_csv(tmp_path / "bad.csv", rows))
    found = {(p.code, p.row, p.column) for p in result.problems if p.severity != "notice"}
    assert ("amount-not-numeric", 2, "金额") in found
    assert ("code-malformed", 3, "功能分类科目编码") in found
    assert ("code-malformed", 4, "功能分类科目编码") in found
    assert ("code-missing", 5, "功能分类科目编码") in found
    assert ("year-invalid", 6, "年度") in found
    assert ("stage-invalid", 8, "数据口径") in found
    assert ("department-missing", 9, "部门") in found
    assert ("amount-missing", 10, "金额") in found
    assert ("expense-type-invalid", 11, "支出类型") in found
    assert result.table["item"].astype(str).tolist() == ["口径简写可用", "类型错"]
    assert sorted(result.rejected["row"].tolist()) == [2, 3, 4, 5, 6, 8, 9, 10]
    assert set(result.rejected.columns) >= {
        "file",
        "sheet",
        "row",
        "column",
        "code",
        "value",
        "message_zh",
        "message_en",
    }
    sheet = result.files[0].sheets[0]
    assert (sheet.data_rows, sheet.rejected_rows) == (2, 8) and sheet.accounted


def test_duplicate_lines_are_kept_and_warned(tmp_path):
    line = ["财政局", 2025, "预算数", "2010601", "30201", "办公费", "基本支出", None, "100"]
    result = read_budget(write_csv(tmp_path / "d.csv", [LONG_HEADER, line, line]))
    assert len(result.table) == 2
    problem = one_problem(result, "duplicate-line")
    assert (problem.row, problem.details["first_row"]) == (3, 2)


def test_uploads_as_pairs_and_file_likes_never_show_client_paths():
    data = "\n".join(",".join(str(v) for v in row) for row in [LONG_HEADER, ROWS[1][:-1] + ["5"]]).encode(
        "utf-8"
    )
    upload = io.BytesIO(data)
    upload.name = "C:\\Users\\clerk\\Desktop\\财政局.csv"
    result = read_budget([("D:/secret/dir/a.csv", data), upload])
    assert [f.name for f in result.files] == ["a.csv", "财政局.csv"]
    assert set(result.table["source_file"].astype(str)) == {"a.csv"}  # the second is the same bytes
    assert one_problem(result, "file-duplicate").file == "财政局.csv"


def test_arguments_fill_missing_department_and_year(tmp_path):
    rows = [["功能分类科目编码", "项目名称", "金额"], ["2010601", "办公费", "10"]]
    result = read_budget(write_csv(tmp_path / "x.csv", rows), department="财政局", year=2025, stage="决算数")
    line = result.table.iloc[0]
    assert (line["department"], line["year"], line["stage"]) == ("财政局", 2025, "final")
    assert problems_of(result, "unit-assumed")


def test_missing_year_is_one_sheet_problem(tmp_path):
    rows = [["部门", "功能分类科目编码", "金额"], ["财政局", "2010601", "10"], ["财政局", "2010602", "10"]]
    result = read_budget(write_csv(tmp_path / "noyear.csv", rows))
    assert one_problem(result, "missing-year").row == 2
    assert result.table.empty and len(result.rejected) == 2


def test_rows_read_equals_buckets_for_every_sheet(tmp_path):
    rows = [
        ["标题"],
        [None],
        LONG_HEADER,
        ROWS[1],
        ["合计"],
        ["注：x"],
        ["财政局", "x", "预算数", "1", "2", "x", "基本支出", None, "y"],
    ]
    result = read_budget(
        write_xlsx(tmp_path / "b.xlsx", {"A": rows, "B": [[None]], "C": [["封面"], ["说明文字"]]})
    )
    assert result.all_rows_accounted
    for file in result.files:
        for sheet in file.sheets:
            assert sheet.rows_read == sum(
                (
                    sheet.data_rows,
                    sheet.subtotal_rows,
                    sheet.header_rows,
                    sheet.note_rows,
                    sheet.blank_rows,
                    sheet.rejected_rows,
                )
            )


def test_big_csv_is_vectorised(tmp_path):
    n = 200_000
    frame = pd.DataFrame(
        {
            "部门": "财政局",
            "年度": 2025,
            "数据口径": "预算数",
            "功能分类科目编码": "2010601",
            "经济分类科目编码": "30201",
            "项目名称": [f"项目{i}" for i in range(n)],
            "金额": [f"{i}.25" for i in range(n)],
        }
    )
    path = tmp_path / "big.csv"
    frame.to_csv(path, index=False)
    result = read_budget(path)
    assert len(result.table) == n
    assert int(result.table["amount_fen"].sum()) == sum(i * 100 + 25 for i in range(n))


def test_subtotal_lines_with_parent_codes_are_not_read_twice(tmp_path):
    """A long export with 类/款 total lines: those that add up are subtotals; one that does not is kept and warned."""
    rows = [
        LONG_HEADER,
        ["财政局", 2025, "预算数", "201", None, "一般公共服务支出", "基本支出", None, "300"],
        ["财政局", 2025, "预算数", "20106", None, "财政事务", "基本支出", None, "300"],
        ["财政局", 2025, "预算数", "2010601", None, "行政运行", "基本支出", None, "200"],
        ["财政局", 2025, "预算数", "2010602", None, "一般行政管理事务", "基本支出", None, "100"],
        ["财政局", 2025, "预算数", "208", None, "社会保障和就业支出", "基本支出", None, "999"],
        [
            "财政局",
            2025,
            "预算数",
            "2080505",
            None,
            "机关事业单位基本养老保险缴费支出",
            "基本支出",
            None,
            "50",
        ],
    ]
    result = read_budget(write_csv(tmp_path / "levels.csv", rows))
    assert result.table["func_code"].astype(str).tolist() == ["2010601", "2010602", "208", "2080505"]
    problem = one_problem(result, "hierarchy-mismatch")
    assert (problem.row, problem.column, problem.details["code"]) == (6, "功能分类科目编码", "208")
    sheet = result.files[0].sheets[0]
    assert (sheet.data_rows, sheet.subtotal_rows) == (4, 2) and sheet.accounted


@pytest.mark.slow
def test_numeric_code_cells_of_a_big_xlsx_stay_codes(tmp_path):
    """Codes typed as numbers come back as text on every row (speed: see benchmarks/, 100k rows)."""
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("预算")
    sheet.append(LONG_HEADER)
    for i in range(5_000):
        sheet.append(["财政局", 2025, "预算数", 2010601, 30201, f"项目{i}", "基本支出", None, 1234.56 + i])
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    result = read_budget(path)
    assert len(result.table) == 5_000
    assert set(result.table["func_code"].astype(str)) == {"2010601"}
    assert set(result.table["econ_code"].astype(str)) == {"30201"}
