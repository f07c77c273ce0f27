"""The published set (ingest/settle/published_set.py): one source per figure, the 表间勾稽 checked, and a cell
whose relation fails turning 不可比 with both figures — never 达标, never red. Every folder is built in code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fixtures_ingest import write_xlsx

from budget_guard.engine.evaluate import evaluate
from budget_guard.engine.selectors import columns_used
from budget_guard.engine.states import NOT_COMPARABLE, REASON_RELATION_FAILED
from budget_guard.ingest import read_budget
from budget_guard.model.rulebook import load_rules

UNIT = [None, None, None, None, None, "单位：万元"]


def basic(title: str, office: str, wages: str = "100.00") -> list[list[object]]:
    """A 基本支出表 by 经济分类 (基本支出 only)."""
    return [
        [title],
        UNIT,
        ["经济分类科目编码", "科目名称", "预算数"],
        ["301", "工资福利支出", wages],
        ["30101", "基本工资", wages],
        ["302", "商品和服务支出", office],
        ["30201", "办公费", office],
    ]


def functional(title: str, rows: list[tuple[str, str, str]]) -> list[list[object]]:
    """A 支出表 by 功能分类 with 基本/项目 columns; rows: (code, name, basic)."""
    total = sum(float(v) for _, _, v in rows)
    return [
        [title],
        UNIT,
        ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        *[[code, name, value, value, None] for code, name, value in rows],
        ["合计", None, f"{total:.2f}", f"{total:.2f}", None],
    ]


def empty(title: str) -> list[list[object]]:
    return [
        [title],
        UNIT,
        ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
        ["合计", None, None, None, None],
        ["注：本部门无此项支出，故本表无数据。", None, None, None, None],
    ]


def folder(tmp_path, year: int, tables: dict[str, list[list[object]]]):
    path = tmp_path / str(year)
    path.mkdir()
    for number, (name, rows) in enumerate(tables.items(), start=1):
        write_xlsx(path / f"{number:02d}_{name}.xlsx", {"Sheet1": rows})
    return path


def two_years(tmp_path, office_2025_appropriation: str, fund_2025: list[list[object]] | None = None):
    """甲局 2024 and 2025: a 一般公共预算基本支出表 beside a 财政拨款基本支出表 of the same money each year."""
    paths = []
    for year, office, appropriation in ((2024, "50.00", "50.00"), (2025, "40.00", office_2025_appropriation)):
        paths.append(
            folder(
                tmp_path,
                year,
                {
                    f"{year}年甲局一般公共预算基本支出预算表": basic(
                        f"{year}年甲局一般公共预算基本支出预算表", office
                    ),
                    f"{year}年甲局财政拨款基本支出预算表": basic(
                        f"{year}年甲局财政拨款基本支出预算表", appropriation
                    ),
                    f"{year}年甲局政府性基金预算支出表": (
                        fund_2025
                        if fund_2025 and year == 2025
                        else empty(f"{year}年甲局政府性基金预算支出表")
                    ),
                    f"{year}年甲局国有资本经营预算支出表": empty(f"{year}年甲局国有资本经营预算支出表"),
                },
            )
        )
    return paths


def cell(evaluation, category: str, year: int):
    summary = evaluation.summary
    rows = summary.loc[
        (summary["scope_type"] == "department")
        & (summary["category"] == category)
        & (summary["year"] == year)
    ]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_a_financial_appropriation_table_beside_the_general_budget_table_is_counted_once(tmp_path):
    load = read_budget(two_years(tmp_path, "40.00"))
    rules = load_rules()
    evaluation = evaluate(load.table, rules)
    # 日常公用经费 2025 = the printed 40.00 万元 once (it came out at exactly twice the printed figure)
    assert int(cell(evaluation, "daily_public", 2025)["amount_fen"]) == 40 * 1_000_000
    assert int(cell(evaluation, "daily_public", 2024)["amount_fen"]) == 50 * 1_000_000
    sets = {s.year: s for s in load.published_sets}
    uses = {t.title: t.use for t in sets[2025].tables}
    assert uses["2025年甲局财政拨款基本支出预算表"] == "cross-check"
    assert uses["2025年甲局一般公共预算基本支出预算表"] != "cross-check"
    checked = [r for r in sets[2025].relations if r.relation == "scope-sum"]
    assert checked and all(r.ok for r in checked)
    assert checked[0].comparison == "="  # 基金 and 国资 printed empty: the relation is an equality
    # the cross-check table is accounted for, with the table measuring it named
    report = next(s for f in load.files for s in f.sheets if s.title == "2025年甲局财政拨款基本支出预算表")
    assert report.counted_from == "2025年甲局一般公共预算基本支出预算表"
    assert "交叉核对" in report.reason_zh


def test_a_failed_scope_relation_makes_the_cell_not_comparable_with_both_figures(tmp_path):
    # 2025: the 财政拨款 table prints 办公费 90.00 while 一般公共预算 prints 40.00 and 基金/国资 are printed empty
    load = read_budget(two_years(tmp_path, "90.00"))
    rules = load_rules()
    evaluation = evaluate(load.table, rules)
    daily = cell(evaluation, "daily_public", 2025)
    assert daily["state"] == NOT_COMPARABLE
    assert daily["reason"] == REASON_RELATION_FAILED
    assert daily["level"] is None or daily["level"] != daily["level"]  # never a level: not red, not 达标
    failed = [p for p in load.problems if p.code == "relation-failed"]
    assert len(failed) == 1
    message = failed[0].message("zh")
    assert "财政拨款" in message and "190.00万元" in message and "140.00万元" in message
    assert "2025年甲局财政拨款基本支出预算表" in message and "2025年甲局一般公共预算基本支出预算表" in message
    # 2024 is untouched: its relation holds
    assert cell(evaluation, "daily_public", 2024)["reason"] != REASON_RELATION_FAILED
    # the next year's cell would use it as a baseline: evaluated here, 2025 is the last year
    assert set(evaluation.relation_failed["category"]) >= {"daily_public"}  # one finding per cell, not red


def test_a_non_empty_fund_is_other_money_and_the_appropriation_table_adds_up_to_the_parts(tmp_path):
    tables = {
        "2025年甲局一般公共预算支出表": functional(
            "2025年甲局一般公共预算支出表", [("2010601", "行政运行", "213.00")]
        ),
        "2025年甲局政府性基金预算支出表": functional(
            "2025年甲局政府性基金预算支出表", [("2120801", "征地和拆迁补偿支出", "50.00")]
        ),
        "2025年甲局财政拨款支出表": functional(
            "2025年甲局财政拨款支出表",
            [("2010601", "行政运行", "213.00"), ("2120801", "征地和拆迁补偿支出", "50.00")],
        ),
        "2025年甲局国有资本经营预算支出表": empty("2025年甲局国有资本经营预算支出表"),
    }
    load = read_budget(folder(tmp_path, 2025, tables))
    assert int(load.table["amount_fen"].sum()) == 263 * 1_000_000  # each yuan once
    (pset,) = load.published_sets
    scope_sum = [r for r in pset.relations if r.relation == "scope-sum"]
    assert len(scope_sum) == 1 and scope_sum[0].ok
    assert (scope_sum[0].left.fen, scope_sum[0].right.fen) == (263 * 1_000_000, 263 * 1_000_000)
    assert pset.total is not None and pset.total.fen == 263 * 1_000_000


def test_the_basic_column_must_equal_the_basic_table_or_the_economic_cells_are_not_comparable(tmp_path):
    paths = []
    for year, basic_column in ((2024, "150.00"), (2025, "170.00")):  # 2025: 支出表 says 170, 基本支出表 140
        paths.append(
            folder(
                tmp_path,
                year,
                {
                    f"{year}年甲局一般公共预算支出表": functional(
                        f"{year}年甲局一般公共预算支出表", [("2010601", "行政运行", basic_column)]
                    ),
                    f"{year}年甲局一般公共预算基本支出表": basic(
                        f"{year}年甲局一般公共预算基本支出表", "50.00" if year == 2024 else "40.00"
                    ),
                },
            )
        )
    load = read_budget(paths)
    evaluation = evaluate(load.table, load_rules())
    failed = [p for p in load.problems if p.code == "relation-failed"]
    assert (
        len(failed) == 1
        and "170.00万元" in failed[0].message("zh")
        and "140.00万元" in failed[0].message("zh")
    )
    assert cell(evaluation, "daily_public", 2025)["reason"] == REASON_RELATION_FAILED
    # the relation ties both classifications: a category reading either gets no verdict either
    assert cell(evaluation, "general_expenditure", 2025)["reason"] == REASON_RELATION_FAILED
    assert cell(evaluation, "daily_public", 2024)["reason"] != REASON_RELATION_FAILED


# -- the real 决算 folders: every table in the set, every relation they print checked ------------------------

REAL = Path(__file__).parent / "data" / "real_tables" / "xlsx"
PRINTED_RELATIONS = {
    "row-sum",
    "hierarchy",
    "parts",
    "all-funds",
    "basic-column",
    "sangong-basic",
    "income-spending",
    "summary-spending",
    "sangong-table",
}


@pytest.mark.parametrize(
    ("folder_name", "total_wan"),
    [("putuo-czj-2024-final", "2,940.05"), ("putuo-ghzy-2024-final", "9,759.38")],
)
def test_a_real_final_folder_is_one_set_with_every_printed_relation_checked(folder_name, total_wan):
    load = read_budget(REAL / folder_name)
    (pset,) = [s for s in load.published_sets if s.stage == "final"]
    # every table of the folder is in the set, each with its kind (none unknown)
    assert len(pset.tables) == len(load.files) == 10
    assert not [t.title for t in pset.tables if t.kind.role == "unknown"]
    roles = sorted(t.kind.role for t in pset.tables)
    assert roles.count("summary") == 2 and roles.count("sangong") == 1 and roles.count("basic") == 1
    # the relations the documents print are all checked (a dropped relation fails here) and all hold
    assert {r.relation for r in pset.relations} == PRINTED_RELATIONS
    assert [r.text("zh") for r in pset.relations if not r.ok] == []
    # the department total is the printed 本年支出合计 of the all-funds table, and says so
    assert pset.total is not None and pset.total.printed and pset.total.scope == "all-funds"
    assert f"{pset.total.fen / 1_000_000:,.2f}" == total_wan
    evaluation = evaluate(
        load.table,
        load_rules(),
        published_sets=load.published_sets,
    )
    text = evaluation.reconciliation_text("zh")
    assert (
        text.startswith("部门支出总额（以所选口径的表中合计为准）") and f"部门支出总额{total_wan}万元" in text
    )
    assert "支出决算表表中合计" in text


def test_a_single_final_folder_has_no_execution_verdict_against_a_sangong_only_budget():
    load = read_budget(REAL / "putuo-czj-2024-final")
    evaluation = evaluate(load.table, load_rules())
    execution = evaluation.execution
    # the only 预算数 is the 三公 table's 预算 column: never set against the whole 基本支出表 (no false red)
    assert not (execution["level"] == "red").any()
    general = execution.loc[
        (execution["category"] == "general_expenditure") & (execution["scope_type"] == "department")
    ]
    assert (general["state"] == "not_comparable").all() and (general["reason"] == "different_tables").all()
    assert evaluation.pefa.empty  # PI-1 of a whole 决算 against a 三公 budget is no score either


def test_a_final_folder_whose_summary_disagrees_with_its_spending_table_is_not_comparable(tmp_path):
    """A 决算 folder whose tables repeat the department's money with different figures: the 收支总表 prints
    本年支出合计 313.00 while the 支出决算表 adds to 323.00; the functional cells of the year get no verdict."""
    paths = []
    for year, whole, printed in ((2024, "300.00", "300.00"), (2025, "323.00", "313.00")):
        path = tmp_path / str(year)
        path.mkdir()
        title = f"{year}年甲局收入支出决算总表"
        summary = [
            [title],
            [None, None, None, "单位：万元"],
            ["项目", "决算数", "项目", "决算数"],
            ["本年收入合计", printed, "本年支出合计", printed],
            ["总计", printed, "总计", printed],
        ]
        write_xlsx(path / f"01_{title}.xlsx", {"Sheet1": summary})
        spending = functional(f"{year}年甲局支出决算表", [("2100201", "综合医院", whole)])
        write_xlsx(path / f"02_{year}年甲局支出决算表.xlsx", {"Sheet1": spending})
        paths.append(path)
    load = read_budget(paths, stage="final")
    failed = [r for s in load.published_sets for r in s.failed]
    assert [(r.relation, r.year) for r in failed] == [("summary-spending", 2025)]
    assert "313.00万元" in failed[0].text("zh") and "323.00万元" in failed[0].text("zh")
    rules = load_rules().model_copy(
        update={"compare": load_rules().compare.model_copy(update={"stage": "final"})}
    )
    evaluation = evaluate(load.table, rules)
    welfare = [
        c.id for c in rules.categories if "func_code" in columns_used(c.select, tuple(rules.data_tags))
    ]
    summary = evaluation.summary
    rows = summary.loc[
        (summary["scope_type"] == "department")
        & (summary["year"] == 2025)
        & summary["category"].isin(welfare)
    ]
    assert len(rows) >= 1
    assert (rows["state"] == NOT_COMPARABLE).all() and (rows["reason"] == REASON_RELATION_FAILED).all()
    assert not summary.loc[summary["year"] == 2025, "state"].isin(["compliant", "red"]).any()


# -- each relation's failure, on the 财政部 template folder of docs/ingest.md ---------------------------------


def _template(tmp_path, replace: dict[str, list[list[object]]]):
    from test_budget_folder_tables import FOLDERS

    for number, (title, build, _, _) in FOLDERS["template"].items():
        write_xlsx(tmp_path / f"{number}_{title}.xlsx", {"Sheet1": replace.get(number, build(title))})
    return read_budget(tmp_path)


def _basic_with(office: str, reception: str) -> list[list[object]]:
    return [
        ["2025年甲局一般公共预算基本支出表"],
        [None, None, None, None, None, "单位：万元"],
        ["经济分类科目编码", "科目名称", "预算数", "经济分类科目编码", "科目名称", "预算数"],
        ["301", "工资福利支出", "100.00", "302", "商品和服务支出", f"{float(office) + float(reception):.2f}"],
        ["30101", "基本工资", "100.00", "30201", "办公费", office],
        [None, None, None, "30217", "公务接待费", reception],
        ["人员经费合计", None, "100.00", "公用经费合计", None, f"{float(office) + float(reception):.2f}"],
    ]


def test_the_template_folder_holds_every_relation(tmp_path):
    load = _template(tmp_path, {})
    (pset,) = load.published_sets
    assert {r.relation for r in pset.relations} >= {
        "row-sum",
        "hierarchy",
        "parts",
        "basic-column",
        "all-funds",
        "sangong-basic",
        "income-spending",
        "operating",
    }
    assert not pset.failed


def test_a_sangong_item_of_the_basic_table_above_the_sangong_table_fails(tmp_path):
    # 公务接待费 10.00 in the basic table, 3.00 in the 三公 table (the basic table's 302 stays 113.00 so that
    # the 支出表's 基本支出 column still agrees)
    load = _template(tmp_path, {"06": _basic_with("103.00", "10.00")})
    failed = [r for s in load.published_sets for r in s.failed]
    assert [r.relation for r in failed] == ["sangong-basic"]
    assert "10.00万元" in failed[0].text("zh") and "3.00万元" in failed[0].text("zh")
    tagged = load.table.loc[load.table["tags"].astype(str).str.contains("勾稽不符"), "econ_code"]
    assert set(tagged.astype(str)) == {"30217"}  # only the 公务接待费 lines of both tables


def test_a_printed_operating_figure_above_the_public_costs_fails(tmp_path):
    from test_budget_folder_tables import sangong

    rows = sangong("2025年甲局一般公共预算“三公”经费支出表")
    rows[-1] = ["3.00", "0.00", "0.00", "0.00", "0.00", "3.00", "150.00"]  # 机关运行经费 150 > 302+310 = 113
    load = _template(tmp_path, {"07": rows})
    failed = [r for s in load.published_sets for r in s.failed]
    assert [r.relation for r in failed] == ["operating"]
    assert "150.00万元" in failed[0].text("zh") and "113.00万元" in failed[0].text("zh")


def test_a_summary_table_whose_income_and_spending_differ_fails(tmp_path):
    from test_budget_folder_tables import summary

    rows = summary(
        "2025年甲局部门收支总表",
        [
            ["收入", None, "支出", None],
            ["项目", "预算数", "项目", "预算数"],
            ["一般公共预算拨款收入", "313.00", "一般公共服务支出", "323.00"],
            ["收入总计", "313.00", "支出总计", "323.00"],
        ],
    )
    load = _template(tmp_path, {"01": rows})
    failed = [r for s in load.published_sets for r in s.failed]
    assert [r.relation for r in failed] == ["income-spending"]
    assert "313.00万元" in failed[0].text("zh") and "323.00万元" in failed[0].text("zh")


def test_an_all_funds_table_below_the_appropriations_it_contains_fails(tmp_path):
    from test_budget_folder_tables import summary

    rows = summary(
        "2025年甲局部门支出总表",
        [
            ["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"],
            ["2010601", "行政运行", "200.00", "200.00", None],
            ["2010602", "一般行政管理事务", "100.00", None, "100.00"],
            ["合计", None, "300.00", "200.00", "100.00"],
        ],
    )
    load = _template(tmp_path, {"03": rows})
    failed = {r.relation for s in load.published_sets for r in s.failed}
    assert "all-funds" in failed


def test_a_spending_total_printed_as_one_row_gives_its_total_and_parts():
    """支出总表 printed without codes (合计 | 基本支出 | 项目支出 | 单位预留机动经费, one row): read by label, as a
    PDF page gives it (pandas NA in the empty cells)."""
    import pandas as pd

    from budget_guard.ingest.recognise.table_kinds import summary_figures

    grid = pd.DataFrame(
        [
            ["三、2017年度甲局部门支出预算总表", pd.NA, pd.NA, pd.NA, pd.NA],
            ["单位：万元", pd.NA, pd.NA, pd.NA, pd.NA],
            ["合计", "基本支出", "项目支出", "单位预留机动经费", "结转下年资金"],
            ["28,849.38", "17,123.19", "11,543.27", "182.92", pd.NA],
        ],
        dtype=object,
    )
    figures, unit = summary_figures(grid)
    assert unit == "万元"
    assert figures == {
        "spending_total": 2_884_938 * 10_000,
        "part:基本支出": 1_712_319 * 10_000,
        "part:项目支出": 1_154_327 * 10_000,
        "part:单位预留机动经费": 18_292 * 10_000,
    }


SHARED = Path(os.environ.get("BUDGET_GUARD_SHARED") or Path(__file__).resolve().parents[1].parent / "shared")
JIANGSU = SHARED / "real_pdfs" / "jiangsu-court-2017-2019"


@pytest.mark.slow
@pytest.mark.skipif(not JIANGSU.is_dir(), reason="shared real PDFs not found")
def test_three_years_of_another_provinces_budget_pdfs_read_as_sets():
    pytest.importorskip("pdfplumber")
    load = read_budget(JIANGSU)
    sets = {s.year: s for s in load.published_sets if s.stage == "budget"}
    assert set(sets) == {2017, 2018, 2019}
    for year, pset in sets.items():
        assert not pset.failed, (year, [r.text("zh") for r in pset.failed])
        relations = {r.relation for r in pset.relations}
        assert {"scope-sum", "income-spending"} <= relations, (year, relations)
        # the 财政拨款 tables beside the 一般公共预算 ones of the same money are never added twice
        uses = {t.kind.scope: t.use for t in pset.tables if t.kind.role == "basic"}
        assert uses.get("general") != "cross-check" and uses.get("appropriation") == "cross-check"
    for year in (2017, 2018):  # the 支出总表 printed as one row: 合计 = 基本 + 项目 + 单位预留机动经费
        relations = {r.relation for r in sets[year].relations if r.left is not None}
        assert {"parts", "all-funds", "summary-spending"} <= relations, (year, relations)
        assert sets[year].total is not None and sets[year].total.scope == "all-funds"


def test_a_rules_file_listing_a_scope_twice_is_refused_with_its_line():
    from budget_guard.errors import RulesError
    from budget_guard.model.rulebook import DEFAULT_RULES_PATH, PACKAGED_RULES_PATH, parse_rules

    path = DEFAULT_RULES_PATH if DEFAULT_RULES_PATH.exists() else PACKAGED_RULES_PATH
    text = path.read_text(encoding="utf-8").replace(
        "  econ: [general, appropriation,", "  econ: [general, general, appropriation,", 1
    )
    with pytest.raises(RulesError) as raised:
        parse_rules(text, source="rules.yaml")
    line = next(
        i for i, row in enumerate(text.splitlines(), start=1) if row.startswith("  econ: [general, general")
    )
    assert f"第{line}行" in str(raised.value.problems) or str(line) in str(raised.value)
    assert "资金口径重复列出：一般公共预算" in str(raised.value.problems)
