"""Reports written in-process from a hand-made table: JSON contents, the 督办单 fills and escaping, HTML/Markdown."""

from __future__ import annotations

import json
import math

import openpyxl
import pandas as pd
import pytest

from budget_guard import evaluate, load_rules, write_reports
from budget_guard.errors import BudgetGuardError
from budget_guard.ingest.load_result import REJECTED_COLUMNS, FileReport, LoadResult, SheetReport
from budget_guard.messages.problems import Problem
from budget_guard.reports import SCHEMA_VERSION, parse_formats
from budget_guard.reports.html_report import md_escape, render_html, render_markdown
from budget_guard.reports.json_report import build_report, dumps
from budget_guard.reports.views import compliance_matrix

EVIL = '=HYPERLINK("http://evil.example","点我")'
SHA = "ab" * 32


def _line(
    dept: str, year: int, yuan: float, econ: str, func: str, item: str, row: int, et: str = "基本支出"
) -> dict:
    return {
        "department": dept,
        "year": year,
        "econ_code": econ,
        "func_code": func,
        "item": item,
        "expense_type": et,
        "amount_fen": int(round(yuan * 100)),
        "source_file": "dept.csv",
        "source_row": row,
    }


@pytest.fixture(scope="module")
def evaluation():
    """EVIL raises 三公 20% (red), 教育局 cuts 一般性支出 only 2% (yellow), 卫生健康局 4.5% (white),
    and one 教育局 line with a formula-like name falls in no category."""
    rows = [
        _line(EVIL, 2024, 100_000, "30217", "2010601", "公务接待费", 2),
        _line(EVIL, 2025, 120_000, "30217", "2010601", "公务接待费", 3),
        _line("教育局", 2024, 1_000_000, "30201", "2050101", "办公费", 4),
        _line("教育局", 2025, 980_000, "30201", "2050101", "办公费", 5),
        _line("卫生健康局", 2024, 1_000_000, "30201", "2100101", "办公费", 6),
        _line("卫生健康局", 2025, 955_000, "30201", "2100101", "办公费", 7),
        _line("教育局", 2025, 5_000, "39999", "2299999", "+cmd|' /C calc'!A0", 8, et="项目支出"),
    ]
    return evaluate(pd.DataFrame(rows), load_rules())


@pytest.fixture(scope="module")
def load(evaluation):
    rejected = pd.DataFrame(
        [
            [
                "dept.csv",
                None,
                9,
                "金额（元）",
                "amount-not-numeric",
                "=1+1",
                "金额不是数字：“=1+1”",
                "not a number",
            ]
        ],
        columns=REJECTED_COLUMNS,
    )
    sheet = SheetReport(
        file="dept.csv",
        sheet=None,
        layout="long",
        outcome="read",
        rows_read=9,
        data_rows=7,
        header_rows=1,
        rejected_rows=1,
        amount_fen=int(evaluation.lines["amount_fen"].sum()),
    )
    return LoadResult(
        table=evaluation.lines,
        rejected=rejected,
        problems=[
            Problem(
                "amount-not-numeric", file="dept.csv", row=9, column="金额（元）", details={"value": "=1+1"}
            )
        ],
        files=[FileReport(path="/inbox/dept.csv", name="dept.csv", sha256=SHA, size=1234, sheets=[sheet])],
    )


@pytest.fixture(scope="module")
def written(evaluation, load, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return out, write_reports(evaluation, load, out, ["json", "xlsx", "html", "md"], "zh")


def _strict_json(path):
    def no_constants(name):
        raise AssertionError(f"{name} in JSON")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=no_constants)


def test_write_reports_writes_every_format_and_no_temp_files(written):
    out, paths = written
    assert set(paths) == {"json", "xlsx", "html", "md", "unclassified_csv", "unclassified_parquet"}
    assert all(p.exists() and p.parent == out for p in paths.values())
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in paths.values())


def test_json_report_has_the_documented_shape(written, evaluation):
    doc = _strict_json(written[1]["json"])
    assert doc["schema_version"] == SCHEMA_VERSION
    assert doc["rules"]["sha256"] == evaluation.rules.sha256 and doc["rules"]["version"]
    assert doc["inputs"] == [
        {"name": "dept.csv", "path": "/inbox/dept.csv", "sha256": SHA, "size": 1234, "status": "ok"}
    ]
    assert doc["outcome"]["worst_level"] == "red"
    assert doc["outcome"]["level_counts"] == evaluation.level_counts()
    assert doc["reports"] == {
        "xlsx": "budget-guard-report.xlsx",
        "html": "budget-guard-report.html",
        "md": "budget-guard-report.md",
        "unclassified_csv": "budget-guard-report-unclassified.csv",
        "unclassified_parquet": "budget-guard-report-unclassified.parquet",
    }
    assert doc["great_expectations"] is None
    assert doc["reconciliation"]["balanced"] is True
    assert doc["load"]["rejected"][0]["value"] == "=1+1"
    assert doc["load"]["problems"][0]["code"] == "amount-not-numeric"
    assert doc["load"]["files"][0]["sheets"][0]["accounted"] is True


def test_json_money_is_integer_fen_with_wan_text(written):
    doc = _strict_json(written[1]["json"])
    red = next(f for f in doc["findings"] if f["scope"] == EVIL and f["category"] == "sangong")
    assert (red["prev_amount_fen"], red["amount_fen"], red["change_fen"]) == (
        10_000_000,
        12_000_000,
        2_000_000,
    )
    assert (red["prev_amount_wan"], red["amount_wan"], red["change_wan"]) == ("10.00", "12.00", "2.00")
    assert red["level"] == "red" and red["reason"] == "wrong_direction"
    assert red["sources"] == "dept.csv:2-3"
    assert doc["unclassified"]["amount_fen"] == 500_000 and doc["unclassified"]["amount_wan"] == "0.50"
    assert doc["unclassified"]["summary"] == [
        {
            "department": "教育局",
            "year": 2025,
            "stage": "budget",
            "func_code": "2299999",
            "econ_code": "39999",
            "lines": 1,
            "amount_fen": 500_000,
            "amount_wan": "0.50",
        }
    ]


def test_json_points_to_the_full_unclassified_list_instead_of_embedding_it(written):
    out, paths = written
    doc = _strict_json(paths["json"])
    assert "rows" not in doc["unclassified"]
    assert doc["unclassified"]["files"] == {
        "csv": "budget-guard-report-unclassified.csv",
        "parquet": "budget-guard-report-unclassified.parquet",
    }
    lines = pd.read_parquet(out / doc["unclassified"]["files"]["parquet"])
    assert lines["item"].tolist() == ["+cmd|' /C calc'!A0"]  # raw value for machines
    assert lines["amount_fen"].tolist() == [500_000] and lines["source_row"].tolist() == [8]


def test_unclassified_csv_is_escaped_with_chinese_headers_and_exact_yuan(written):
    out, paths = written
    raw = paths["unclassified_csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese as UTF-8
    frame = pd.read_csv(paths["unclassified_csv"], encoding="utf-8-sig", dtype=str)
    assert list(frame.columns)[:3] == ["部门", "年度", "数据口径"]
    row = frame.iloc[0]
    assert row["科目/项目名称"] == "'+cmd|' /C calc'!A0"  # a spreadsheet must not run it
    assert row["数据口径"] == "预算数" and row["金额（元）"] == "5000.00" and row["行号"] == "8"


def test_json_has_null_where_a_value_is_missing(written):
    doc = _strict_json(written[1]["json"])
    empty = next(f for f in doc["findings"] if f["reason"] == "empty_category")
    assert empty["change_rate"] is None and empty["amount_fen"] is None and empty["amount_wan"] is None
    first_year = next(r for r in doc["summary"] if r["year"] == 2024)
    assert first_year["change_rate"] is None and first_year["level"] is None


def test_json_summary_covers_scope_category_year(written, evaluation):
    doc = _strict_json(written[1]["json"])
    keys = {(r["scope"], r["category"], r["year"]) for r in doc["summary"]}
    assert len(keys) == len(evaluation.summary)
    matrix = {(c["category"], c["year"]): c for c in doc["compliance_matrix"]}
    assert matrix[("sangong", 2025)]["level"] == "red"
    assert matrix[("sangong", 2024)]["level"] is None


def test_dumps_refuses_nan():
    with pytest.raises(ValueError):
        dumps({"x": math.nan})


def test_build_report_is_json_serialisable_for_an_empty_load(evaluation):
    text = dumps(build_report(evaluation, LoadResult()))
    assert json.loads(text)["inputs"] == []


# -- XLSX 督办单 --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workbook(written):
    return openpyxl.load_workbook(written[1]["xlsx"])


def _rows(ws):
    return [[c for c in row] for row in ws.iter_rows()]


def test_workbook_sheets_in_order(workbook):
    assert workbook.sheetnames == [
        "概况",
        "红色督办",
        "黄色预警",
        "白色提示",
        "预算执行",
        "未归类支出",
        "拒收行",
        "数据问题",
    ]


def test_findings_sheets_have_the_issue_columns_and_frozen_header(workbook):
    ws = workbook["红色督办"]
    header = [c.value for c in next(ws.iter_rows(max_row=1))]
    assert header == [
        "部门",
        "类别",
        "年度",
        "上年数（万元）",
        "本年数（万元）",
        "增减额（万元）",
        "增减率（%）",
        "目标",
        "等级",
        "说明",
        "来源",
        "督办立案",  # whether the rules open a case for it, or why not (cases/policy.py)
    ]
    assert ws.freeze_panes == "A2"
    assert ws.column_dimensions["J"].width >= 40


@pytest.mark.parametrize(
    ("sheet", "color", "level_text"),
    [
        ("红色督办", "FFC7CE", "红色（督办）"),
        ("黄色预警", "FFEB9C", "黄色（预警）"),
        ("白色提示", "F2F2F2", "白色（提示）"),
    ],
)
def test_each_level_sheet_has_matching_fills(workbook, evaluation, sheet, color, level_text):
    ws = workbook[sheet]
    body = _rows(ws)[1:]
    level = {"红色督办": "red", "黄色预警": "yellow", "白色提示": "white"}[sheet]
    assert len(body) == int((evaluation.findings["level"] == level).sum())
    for row in body:
        assert row[8].value == level_text
        assert all(cell.fill.fgColor.rgb.endswith(color) for cell in row)


def test_amounts_are_wan_numbers_with_two_decimals(workbook):
    ws = workbook["红色督办"]
    row = next(r for r in _rows(ws)[1:] if r[0].value == "'" + EVIL and r[1].value == "三公经费")
    assert (row[3].value, row[4].value, row[5].value) == (10.0, 12.0, 2.0)
    assert row[4].number_format == "#,##0.00"
    assert row[6].value == pytest.approx(0.2) and row[6].number_format == "0.00%"
    assert row[7].value == "只减不增"
    assert row[10].value == "dept.csv:2-3"


def test_formula_like_text_is_escaped_everywhere(workbook):
    cells = [c for ws in workbook.worksheets for row in ws.iter_rows() for c in row]
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert formulas == []
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert all(not t.startswith(("=", "+", "-", "@", "\t", "\r")) for t in texts)
    assert "'" + EVIL in texts
    assert "'=1+1" in texts  # the rejected cell's value


def test_unclassified_and_rejected_sheets(workbook):
    unclassified = _rows(workbook["未归类支出"])
    assert [c.value for c in unclassified[0]][:3] == ["部门", "年度", "数据口径"]
    assert len(unclassified) == 2  # one group: 教育局 2025 预算数 2299999 / 39999
    assert [c.value for c in unclassified[1]][:6] == ["教育局", 2025, "预算数", "2299999", "39999", 1]
    amount = unclassified[1][6]
    assert amount.value == 0.5 and amount.number_format == "#,##0.00"
    rejected = _rows(workbook["拒收行"])
    assert rejected[1][2].value == 9 and rejected[1][4].value == "金额不是数字"


def test_overview_states_counts_hashes_and_matrix(workbook, evaluation):
    values = [c.value for row in workbook["概况"].iter_rows() for c in row if c.value is not None]
    assert SHA in values
    assert evaluation.reconciliation_text("zh") in values
    assert "红色（督办） ×2" in values  # 三公经费 2025 in the matrix: the department and the government


def test_english_workbook(evaluation, load, tmp_path):
    paths = write_reports(evaluation, load, tmp_path, ["xlsx"], "en")
    wb = openpyxl.load_workbook(paths["xlsx"])
    assert wb.sheetnames[:4] == ["Overview", "Red", "Yellow", "White"]
    assert wb["Red"]["I2"].value == "Red (supervised)"


def test_control_characters_and_huge_cells_do_not_break_the_workbook(evaluation, tmp_path):
    rejected = pd.DataFrame(
        [["dept.csv", None, 9, "项目名称", "amount-not-numeric", "bell\x07" + "长" * 40_000, "x", "x"]],
        columns=REJECTED_COLUMNS,
    )
    paths = write_reports(evaluation, LoadResult(rejected=rejected), tmp_path, ["xlsx"])
    cell = openpyxl.load_workbook(paths["xlsx"])["拒收行"]["F2"].value
    assert cell.startswith("bell\ufffd长") and len(cell) == 32_767


# -- HTML / Markdown -----------------------------------------------------------------------------


def test_html_is_escaped_and_coloured(evaluation, load):
    page = render_html(evaluation, load, "zh")
    assert "<script" not in page.lower()
    assert EVIL not in page and "=HYPERLINK(&quot;http://evil.example&quot;" in page
    assert 'class="red"' in page and "#FFC7CE" in page
    assert page.count('<tr class="red">') == int((evaluation.findings["level"] == "red").sum())


def test_html_escapes_markup_from_the_data(load, evaluation):
    lines = evaluation.lines.copy()
    lines["department"] = lines["department"].cat.rename_categories(
        lambda v: "<script>alert(1)</script>" if v == "教育局" else v
    )
    page = render_html(evaluate(lines, evaluation.rules), load)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown_tables_survive_pipes_and_markup(evaluation, load):
    text = render_markdown(evaluation, load, "en")
    assert "## Compliance matrix" in text
    findings = text.split("## Findings")[1]
    finding_rows = [
        ln for ln in findings.splitlines() if ln.startswith("| ") and "🔴 Red (supervised) |" in ln
    ]
    assert len(finding_rows) == int((evaluation.findings["level"] == "red").sum())
    assert all(ln.replace("\\|", "").count("|") == 13 for ln in finding_rows)  # 12 columns with 督办立案
    assert md_escape("a|b <i>") == "a\\|b \\<i\\>"


def test_compliance_matrix_is_worst_level_per_category_and_year(evaluation):
    matrix = compliance_matrix(evaluation)
    assert matrix.loc[("sangong", 2025), "level"] == "red"
    assert matrix.loc[("general_expenditure", 2025), "level"] == "red"  # 公务接待费 is also 一般性支出
    assert matrix.loc[("general_expenditure", 2025), "findings"] == 4  # red, yellow ×2, white
    # an empty category is 无数据, never 达标 (its white finding is counted beside it)
    assert matrix.loc[("livelihood", 2025), "state"] == "no_data"
    assert matrix.loc[("livelihood", 2025), "level"] is None
    assert matrix.loc[("livelihood", 2025), "findings"] == 1
    assert matrix.loc[("sangong", 2024), "state"] == "not_comparable"  # the first year
    assert matrix.loc[("sangong", 2024), "level"] is None


def test_unknown_format_is_a_user_error():
    with pytest.raises(BudgetGuardError, match="pdf"):
        parse_formats("json,pdf")
    assert parse_formats(" XLSX ,json") == ("json", "xlsx")
