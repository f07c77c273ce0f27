"""运行经费 on the printed 机关运行经费 where a table prints it, on the lines elsewhere, never both.

The single-stage 部门预算 “三公”经费和机关运行经费预算表 prints 机关运行经费 beside the 三公 items; it is
read as one line tagged 机关运行经费 (no code), the rules' ``printed:`` branch measures 运行经费 on it,
and the department-year's other lines carry 机关运行经费另列 so the line branch does not count them too.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fixtures_ingest import problems_of, write_csv, write_xlsx

from budget_guard import evaluate, load_rules, parse_rules, read_budget
from budget_guard.engine.backends import duckdb_backend
from budget_guard.engine.backends.sql_engine import evaluate_lines
from budget_guard.errors import RulesError
from budget_guard.ingest.settle.printed import OPERATING_ELSEWHERE, mark_printed_figures
from budget_guard.ingest.table_outcomes import table_summary_lines
from budget_guard.model.table import COLUMNS, conform, validate

RULES_FILE = Path(__file__).resolve().parent.parent / "rules" / "four_no_decrease.yaml"

WAN = 1_000_000


def sangong_operating_rows(department: str, year: int, operating: str) -> list[list[object]]:
    return [
        [f"{year}年{department}“三公”经费和机关运行经费预算表"],
        [None, None, None, None, None, None, "单位：万元"],
        ["合计", "因公出国（境）费", "公务用车购置及运行费", None, None, "公务接待费", "机关运行经费"],
        [None, None, "小计", "购置费", "运行费", None, None],
        ["3.00", "0.00", "0.00", "0.00", "0.00", "3.00", operating],
    ]


def basic_rows(department: str, year: int) -> list[list[object]]:
    """A 基本支出预算表 by economic class only: its lines cannot say which are 机关运行经费 (its 公用经费,
    302 + 310, holds the printed 机关运行经费: the relation published_set checks)."""
    return [
        [f"{year}年{department}一般公共预算基本支出预算表"],
        [None, None, None, None, None, "单位：万元"],
        ["经济分类科目编码", "科目名称", "预算数", "经济分类科目编码", "科目名称", "预算数"],
        ["301", "工资福利支出", "100.00", "302", "商品和服务支出", "153.00"],
        ["30101", "基本工资", "100.00", "30201", "办公费", "150.00"],
        [None, None, None, "30217", "公务接待费", "3.00"],
        ["人员经费合计", None, "100.00", "公用经费合计", None, "153.00"],
    ]


def folder(tmp_path, department: str, operating: dict[int, str]) -> list:
    return [
        write_xlsx(
            tmp_path / f"{department}{year}年部门预算.xlsx",
            {
                "基本支出": basic_rows(department, year),
                "三公": sangong_operating_rows(department, year, value),
            },
        )
        for year, value in operating.items()
    ]


def long_rows(department: str, office: dict[int, str]) -> list[list[object]]:
    rows = [["部门", "年度", "功能分类科目编码", "经济分类科目编码", "支出类型", "金额（万元）"]]
    for year, amount in office.items():
        rows.append([department, str(year), "2010601", "30201", "基本支出", amount])
        rows.append([department, str(year), "2010601", "30101", "基本支出", "50.00"])
    return rows


def cell(evaluation, department: str, year: int, category: str = "operating") -> pd.Series:
    s = evaluation.summary
    return s[(s["category"] == category) & (s["scope"] == department) & (s["year"] == year)].iloc[0]


def test_printed_operating_costs_are_the_measure_and_a_rise_is_red(tmp_path):
    paths = folder(tmp_path, "甲局", {2024: "120.50", 2025: "130.00"})
    paths.append(write_csv(tmp_path / "乙局.csv", long_rows("乙局", {2024: "10.00", 2025: "9.00"})))
    load = read_budget(paths)
    assert not load.errors
    validate(load.table)  # the tagged line without a code is a valid canonical line
    evaluation = evaluate(load.table, load_rules(), "budget")
    rise = cell(evaluation, "甲局", 2025)
    assert int(rise["amount_fen"]) == 130 * WAN and int(rise["prev_amount_fen"]) == int(120.5 * WAN)
    assert rise["level"] == "red"
    # a department-year without the printed figure: measured on its lines (2010601 行政运行 × 30201)
    cut = cell(evaluation, "乙局", 2025)
    assert int(cut["amount_fen"]) == 9 * WAN and int(cut["prev_amount_fen"]) == 10 * WAN
    # the 三公 table is still 三公 only: 机关运行经费 is not in 三公经费
    sangong = cell(evaluation, "甲局", 2025, "sangong")
    assert int(sangong["amount_fen"]) == 3 * WAN


def test_the_load_report_and_summary_say_which_figure_was_used(tmp_path):
    load = read_budget(folder(tmp_path, "甲局", {2025: "130.00"}))
    sheet = next(s for f in load.files for s in f.sheets if s.sheet == "三公")
    assert "运行经费按本表所列机关运行经费130.00万元计量" in sheet.reason_zh
    assert "130.00" in sheet.reason_en and "机关运行经费另列" in sheet.reason_en
    summary = "\n".join(table_summary_lines(load))
    assert "运行经费按本表所列机关运行经费130.00万元计量" in summary
    printed = problems_of(load, "operating-printed")
    assert [p.details["value"] for p in printed] == ["130.00"]
    assert "运行经费按此数计量" in printed[0].message("zh")
    # every other line of that department-year is marked, the figure line itself is not
    tags = load.table["tags"].astype(str)
    figure = load.table["item"].astype(str) == "机关运行经费"
    assert tags[figure].tolist() == ["机关运行经费"]
    assert (tags[~figure] == OPERATING_ELSEWHERE).all()


def test_lines_and_the_printed_figure_of_one_department_year_are_not_added(tmp_path):
    """Lines that the line branch would select, beside a printed figure of the same department-year:
    运行经费 holds the printed figure alone."""
    lines = conform(
        pd.DataFrame(
            {
                "department": ["甲局"] * 4,
                "year": [2024, 2024, 2025, 2025],
                "stage": ["budget"] * 4,
                "func_code": ["2010601", None, "2010601", None],
                "econ_code": ["30201", None, "30201", None],
                "item": ["办公费", "机关运行经费", "办公费", "机关运行经费"],
                "expense_type": ["基本支出"] * 4,
                "tags": [None, "机关运行经费", None, "机关运行经费"],
                "amount_fen": [50 * WAN, 120 * WAN, 40 * WAN, 110 * WAN],
                "source_file": ["a.csv", "b.xlsx", "a.csv", "b.xlsx"],
            }
        )
    )
    unmarked = evaluate(lines, load_rules(), "budget")
    assert int(cell(unmarked, "甲局", 2025)["amount_fen"]) == 150 * WAN  # what marking prevents
    marked = mark_printed_figures(lines).table
    evaluation = evaluate(marked, load_rules(), "budget")
    assert int(cell(evaluation, "甲局", 2025)["amount_fen"]) == 110 * WAN
    assert (
        int(cell(evaluation, "甲局", 2025, "daily_public")["amount_fen"]) == 40 * WAN
    )  # lines still count there


def test_a_department_year_without_either_is_not_compliant(tmp_path):
    """A 三公 table without 机关运行经费 and a basic table by economic class say nothing about 运行经费."""
    paths = []
    for year in (2024, 2025):
        rows = sangong_operating_rows("丙局", year, "0.00")
        rows = [r[:6] for r in rows]  # no 机关运行经费 column
        rows[1] = [None, None, None, None, None, "单位：万元"]
        paths.append(
            write_xlsx(tmp_path / f"丙局{year}.xlsx", {"基本支出": basic_rows("丙局", year), "三公": rows})
        )
    load = read_budget(paths)
    assert not problems_of(load, "operating-printed")
    assert OPERATING_ELSEWHERE not in set(load.table["tags"].dropna().astype(str))
    s = evaluate(load.table, load_rules(), "budget").summary
    operating = s[(s["category"] == "operating") & (s["year"] == 2025)]
    assert len(operating) and set(operating["state"]) <= {"no_data", "not_comparable"}


def test_printed_key_is_validated_like_any_selector_key():
    text = RULES_FILE.read_text(encoding="utf-8")
    assert "        - printed: [机关运行经费]\n" in text
    with pytest.raises(RulesError) as error:
        parse_rules(
            text.replace("        - printed: [机关运行经费]\n", "        - printed: 机关运行经费\n"),
            source="x.yaml",
        )
    line = text[: text.index("- printed:")].count("\n") + 1
    assert f"line {line}" in str(error.value) and "printed" in str(error.value)


def _parquet(table: pd.DataFrame, path):
    plain = table[list(COLUMNS)].copy()
    for column in plain.columns:
        if isinstance(plain[column].dtype, pd.CategoricalDtype):
            plain[column] = plain[column].astype("string")
    plain.to_parquet(path, index=False)
    return path


def test_duckdb_measures_operating_like_pandas(tmp_path):
    paths = folder(tmp_path, "甲局", {2024: "120.50", 2025: "130.00"})
    paths.append(write_csv(tmp_path / "乙局.csv", long_rows("乙局", {2024: "10.00", 2025: "9.00"})))
    table = read_budget(paths).table
    rules = load_rules()
    expected = evaluate(table, rules)
    actual = evaluate_lines(duckdb_backend.open_lines([_parquet(table, tmp_path / "t.parquet")], rules))
    for part in ("summary", "reconciliation", "findings"):
        pd.testing.assert_frame_equal(getattr(expected, part), getattr(actual, part), obj=part)
    assert int(cell(actual, "甲局", 2025)["amount_fen"]) == 130 * WAN


@pytest.mark.spark
@pytest.mark.slow
def test_spark_measures_operating_like_pandas(tmp_path, spark):
    from budget_guard.engine.backends import spark_backend

    paths = folder(tmp_path, "甲局", {2024: "120.50", 2025: "130.00"})
    paths.append(write_csv(tmp_path / "乙局.csv", long_rows("乙局", {2024: "10.00", 2025: "9.00"})))
    table = read_budget(paths).table
    rules = load_rules()
    expected = evaluate(table, rules)
    parquet = _parquet(table, tmp_path / "t.parquet")
    actual = evaluate_lines(spark_backend.open_lines([parquet], rules, spark=spark))
    for part in ("summary", "reconciliation", "findings"):
        pd.testing.assert_frame_equal(getattr(expected, part), getattr(actual, part), obj=part)


def test_a_printed_year_is_not_compared_with_a_year_measured_on_lines(tmp_path):
    paths = folder(tmp_path, "甲局", {2025: "130.00"})
    paths.append(write_csv(tmp_path / "甲局2024.csv", long_rows("甲局", {2024: "200.00"})))
    evaluation = evaluate(read_budget(paths).table, load_rules(), "budget")
    assert cell(evaluation, "甲局", 2025)["state"] == "not_comparable"


def test_the_printed_figure_is_in_neither_classification_total(tmp_path):
    """Beside a 功能分类 table, the 经济分类 total is the basic and 三公 lines, not the 机关运行经费 again."""
    from budget_guard.ingest.settle.overlap import classification_overlaps

    func = [
        ["2025年甲局一般公共预算支出预算表"],
        [None, None, None, None, "单位：万元"],
        ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["2010601", "行政运行", "253.00", "253.00", None],
        ["合计", None, "253.00", "253.00", None],
    ]
    path = write_xlsx(
        tmp_path / "甲局2025年部门预算.xlsx",
        {
            "基本支出": basic_rows("甲局", 2025),
            "三公": sangong_operating_rows("甲局", 2025, "130.00"),
            "一般": func,
        },
    )
    (overlap,) = classification_overlaps(read_budget([path]).table)
    assert (overlap.func_fen, overlap.econ_fen) == (253 * WAN, 253 * WAN)


def test_a_two_stage_table_gives_the_figure_of_each_stage(tmp_path):
    rows = [
        ["2024年丙局财政拨款“三公”经费和机关运行经费支出决算表"],
        [None] * 9 + ["单位：万元"],
        [
            "合计",
            None,
            "因公出国（境）费",
            None,
            "公务用车购置及运行维护费",
            None,
            "公务接待费",
            None,
            "机关运行经费",
            None,
        ],
        ["预算数", "决算数"] * 5,
        ["3.00", "2.00", "1.00", "0.50", "0.00", "0.00", "2.00", "1.50", "150.00", "142.80"],
    ]
    load = read_budget(write_xlsx(tmp_path / "三公.xlsx", {"三公": rows}))
    figure = load.table[load.table["item"].astype(str) == "机关运行经费"]
    assert sorted(zip(figure["stage"].astype(str), figure["amount_fen"], strict=True)) == [
        ("budget", 150 * WAN),
        ("final", int(142.8 * WAN)),
    ]
    reason = load.files[0].sheets[0].reason_zh
    assert "机关运行经费预算数150.00万元、决算数142.80万元计量" in reason


def test_the_total_says_the_printed_figure_is_not_more_spending(tmp_path):
    """The printed 机关运行经费 is in the input total (and in 运行经费), but the same money is in the
    basic lines: the reconciliation line states it apart with the total without it, on every engine."""
    paths = folder(tmp_path, "甲局", {2024: "120.50", 2025: "130.00"})
    table = read_budget(paths).table
    rules = load_rules()
    evaluation = evaluate(table, rules)
    total = evaluation.reconciliation[evaluation.reconciliation["department"] == "__total__"]
    assert int(total["printed_fen"].sum()) == int(250.5 * WAN)
    assert int(total["printed_lines"].sum()) == 2
    text = evaluation.reconciliation_text("zh")
    assert "合计756.50万元" in text
    assert "其中2行是表中另列的数字（如机关运行经费）共250.50万元" in text
    assert "不计这些行的合计为506.00万元" in text
    assert "without them the total is 506.00" in evaluation.reconciliation_text("en")
    duck = evaluate_lines(duckdb_backend.open_lines([_parquet(table, tmp_path / "t.parquet")], rules))
    assert duck.reconciliation_text("zh") == text


def test_no_printed_figure_no_extra_words(tmp_path):
    paths = [write_csv(tmp_path / "乙局.csv", long_rows("乙局", {2024: "10.00", 2025: "9.00"}))]
    evaluation = evaluate(read_budget(paths).table, load_rules())
    assert int(evaluation.reconciliation["printed_fen"].sum()) == 0
    assert "另列" not in evaluation.reconciliation_text("zh")
