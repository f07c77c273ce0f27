"""The five real 2024 普陀区 部门决算 tables of shared/real_tables/README.md, as RECONSTRUCTIONS.

The CSVs are missing from shared/, so ``fixtures_ingest`` rebuilds each layout (title row, 单位：万元 row,
merged header cells as empty strings, the same code styles, page breaks) with invented line amounts that
reproduce the README's known totals exactly. These tests assert those totals and the real 0.01 gap.
"""

from __future__ import annotations

import pytest
from fixtures_ingest import (
    CZJ,
    GHZY,
    czj_jiben_rows,
    czj_ybggys_rows,
    fen,
    ghzy_jiben_rows,
    ghzy_ybggys_rows,
    one_problem,
    problems_of,
    sangong_rows,
    write_csv,
    write_xlsx,
)

from budget_guard.ingest import read_budget
from budget_guard.model.table import validate

WAN = 1_000_000  # fen per 万元


def wan(text: str) -> int:
    """Exact fen of a 万元 amount written with two decimals."""
    whole, _, cents = text.replace(",", "").partition(".")
    return int(whole) * WAN + int((cents + "00")[:2]) * 10_000


def warnings(result) -> list:
    return [(p.code, p.row, p.column) for p in result.problems if p.severity != "notice"]


def test_czj_general_budget_split_codes(tmp_path):
    """一般公共预算支出 合计 2,940.05 = 基本 2,336.91 + 项目 603.14; 类/款 rows are checked, not read."""
    result = read_budget(write_csv(tmp_path / "putuo_czj_2024_js_ybggys_zhichu.csv", czj_ybggys_rows()))
    table = validate(result.table)
    sheet = result.files[0].sheets[0]
    assert (sheet.layout, sheet.unit, sheet.department, sheet.year) == ("published", "万元", CZJ, 2024)
    assert set(table["stage"].astype(str)) == {"final"}
    assert fen(table) == wan("2,940.05")
    assert fen(table, expense_type="基本支出") == wan("2,336.91")
    assert fen(table, expense_type="项目支出") == wan("603.14")
    assert sorted(set(table["func_code"].astype(str))) == [
        "2010601",
        "2010602",
        "2010699",
        "2080501",
        "2080505",
        "2080506",
        "2101101",
        "2101103",
        "2210201",
    ]
    assert (sheet.data_rows, sheet.subtotal_rows, sheet.note_rows, sheet.header_rows) == (9, 9, 1, 5)
    assert sheet.accounted
    assert warnings(result) == []
    line = table[table["func_code"] == "2010601"].iloc[0]
    assert (line["item"], line["source_row"], line["department"]) == ("行政运行", 8, CZJ)


def test_czj_basic_side_by_side_split_codes_over_two_pages(tmp_path):
    """人员经费合计 2,152.26 = 301 2,082.85 + 303 69.41; 公用经费合计 184.65 = 302 171.07 + 310 13.58."""
    result = read_budget(write_csv(tmp_path / "putuo_czj_2024_js_jiben_zhichu.csv", czj_jiben_rows()))
    table = validate(result.table)
    sheet = result.files[0].sheets[0]
    assert sheet.layout == "side-by-side"
    assert fen(table) == wan("2,336.91")
    personnel = table["econ_code"].astype(str).str[:3].isin(["301", "303"])
    assert int(table.loc[personnel, "amount_fen"].sum()) == wan("2,152.26")
    assert int(table.loc[~personnel, "amount_fen"].sum()) == wan("184.65")
    assert set(table["expense_type"].astype(str)) == {"基本支出"}
    assert warnings(result) == []
    assert not problems_of(result, "rounding-gap")
    assert (
        sheet.accounted and sheet.header_rows == 6
    )  # title, unit, 人员/公用, header, 类/款, repeated header


def test_ghzy_basic_side_by_side_rounding_gap(tmp_path):
    """人员经费合计 printed 4,884.09 but 301 4,816.14 + 303 67.96 = 4,884.10: a rounding-gap notice, no warning."""
    result = read_budget(write_csv(tmp_path / "putuo_ghzy_2024_js_jiben_zhichu.csv", ghzy_jiben_rows()))
    table = result.table
    gap = one_problem(result, "rounding-gap")
    total_row = len(ghzy_jiben_rows())
    assert (gap.row, gap.column) == (total_row, "决算数")
    assert (gap.details["printed"], gap.details["computed"], gap.details["difference"]) == (
        "4,884.09",
        "4,884.10",
        "-0.01",
    )
    assert gap.details["printed_fen"] - gap.details["computed_fen"] == -10_000  # 0.01 万元
    assert warnings(result) == []
    personnel = table["econ_code"].astype(str).str[:3].isin(["301", "303"])
    assert int(table.loc[personnel, "amount_fen"].sum()) == wan("4,884.10")
    assert int(table.loc[~personnel, "amount_fen"].sum()) == wan("480.66")
    assert fen(table, econ_code="30217") == wan("0.39")
    assert len(table) == 65 - 4  # every 款 printed (0.00 included), the four 类 rows are parents
    assert result.files[0].sheets[0].department == GHZY


def test_ghzy_general_budget_seven_digit_codes_over_two_pages(tmp_path):
    result = read_budget(write_csv(tmp_path / "putuo_ghzy_2024_js_ybggys_zhichu.csv", ghzy_ybggys_rows()))
    table = validate(result.table)
    sheet = result.files[0].sheets[0]
    assert fen(table) == wan("6,515.06")
    assert fen(table, expense_type="基本支出") == wan("5,364.76")  # = 人员经费 4,884.10 + 公用经费 480.66
    assert fen(table, func_code="2200150") == wan("2,001.84")
    assert warnings(result) == []
    assert sheet.header_rows == 4  # title, unit, header, header repeated on page 2
    assert sheet.subtotal_rows == 9 and sheet.accounted


@pytest.mark.parametrize(
    "department, budget, final",
    [(CZJ, "0.95", "0.00"), (GHZY, "2.85", "0.39")],
)
def test_sangong_known_values(tmp_path, department, budget, final):
    """三公: all money in 公务接待费 (30217); 合计 and 小计 are checked and never read."""
    result = read_budget(write_csv(tmp_path / "sangong.csv", sangong_rows(department, budget, final)))
    table = validate(result.table)
    assert result.files[0].sheets[0].layout == "sangong"
    assert fen(table, stage="budget") == wan(budget)
    assert fen(table, stage="final") == wan(final)
    assert fen(table, stage="budget", econ_code="30217") == wan(budget)
    assert fen(table, stage="final", econ_code="30217") == wan(final)
    assert set(table["econ_code"].astype(str)) == {"30212", "31013", "30231", "30217"}
    assert warnings(result) == []


def test_sangong_final_equals_basic_table_reception(tmp_path):
    """规划和自然资源局: 30217 公务接待费 0.39 in the basic table equals the 三公 决算数, read from one workbook."""
    path = write_xlsx(
        tmp_path / "ghzy.xlsx",
        {
            "基本支出": ghzy_jiben_rows(),
            "三公": sangong_rows(GHZY, "2.85", "0.39"),
            "支出": ghzy_ybggys_rows(),
        },
    )
    result = read_budget(path)
    table = result.table
    basic = table[(table["source_sheet"] == "基本支出") & (table["econ_code"] == "30217")]
    assert int(basic["amount_fen"].sum()) == wan("0.39")
    # 三公经费 is measured on the 三公 table: the basic table keeps its 0.39 (also 日常公用经费), the 三公
    # table adds only what the basic table lacks (here nothing), so 三公 lines add up to the 三公 table
    sangong_codes = table["econ_code"].isin(["30212", "30217", "30231", "31013"]) & (
        table["stage"] == "final"
    )
    assert int(table.loc[sangong_codes, "amount_fen"].sum()) == wan("0.39")
    assert not problems_of(result, "table-repeated")
    report = result.files[0].sheets[1]
    assert report.outcome == "read" and "三公经费按本表计量" in report.reason_zh
    alone = read_budget(write_xlsx(tmp_path / "sangong.xlsx", {"三公": sangong_rows(GHZY, "2.85", "0.39")}))
    reception = alone.table[(alone.table["econ_code"] == "30217") & (alone.table["stage"] == "final")]
    assert int(reception["amount_fen"].sum()) == wan("0.39")
    assert [s.layout for s in result.files[0].sheets] == ["side-by-side", "sangong", "published"]
    assert result.all_rows_accounted
    # the 功能 支出表 and the 经济 基本支出表 are the same money: a notice with both totals, not a warning
    overlap = problems_of(result, "classification-overlap")
    assert overlap and overlap[0].details["department"] == GHZY and overlap[0].severity == "notice"
    assert not problems_of(result, "table-overlap")


@pytest.mark.slow
def test_every_row_of_every_fixture_is_accounted_for(tmp_path):
    """rows_read = data + subtotal + header + note + blank + rejected, for each sheet of each layout and format."""
    from fixtures_ingest import LONG_HEADER, write_xls

    sheets = {
        "一般公共预算": czj_ybggys_rows(),
        "基本支出": czj_jiben_rows(),
        "基本支出2": ghzy_jiben_rows(),
        "支出2": ghzy_ybggys_rows(),
        "三公": sangong_rows(CZJ, "0.95", "0.00"),
        "三公2": sangong_rows(GHZY, "2.85", "0.39", stage_on_top=True),
        "长表": [
            LONG_HEADER,
            ["财政局", 2025, "预算数", "2010601", "30201", "办公费", "基本支出", None, "x"],
            ["合计"],
        ],
    }
    xlsx = write_xlsx(tmp_path / "all.xlsx", sheets)
    xls = write_xls(tmp_path / "all.xls", {name[:31]: rows for name, rows in sheets.items()})
    csvs = [write_csv(tmp_path / f"{i}.csv", rows, encoding="gbk") for i, rows in enumerate(sheets.values())]
    result = read_budget([xlsx, xls, *csvs])
    assert len([s for f in result.files for s in f.sheets]) == 3 * len(sheets)
    for file in result.files:
        for sheet in file.sheets:
            buckets = (
                sheet.data_rows,
                sheet.subtotal_rows,
                sheet.header_rows,
                sheet.note_rows,
                sheet.blank_rows,
                sheet.rejected_rows,
            )
            assert sheet.rows_read == sum(buckets), (file.name, sheet.sheet, buckets)
            assert sheet.rows_read > 0
    assert result.all_rows_accounted
    report = result.report_frame()
    assert report["accounted"].all()
