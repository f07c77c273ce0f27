"""Dashboard view models (budget_guard.dashboard): what each view shows, computed without Streamlit."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from budget_guard import RulesError, evaluate, load_rules, parse_rules
from budget_guard import messages as msg
from budget_guard.dashboard import charts, pipeline, views, whatif
from budget_guard.dashboard.palette import FILL
from budget_guard.model.table import AMOUNT_FEN, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, YEAR
from budget_guard.reports.json_report import build_report
from budget_guard.reports.xlsx_report import LEVEL_FILLS
from budget_guard.samples.city import expected_findings, sample_table, synthetic_table


@pytest.fixture(scope="module")
def load():
    return pipeline.read_uploads(pipeline.sample_uploads())


@pytest.fixture(scope="module")
def ev(load):
    source, text = pipeline.default_rules()
    return pipeline.evaluate_rules_text(load, text, source, None)


def test_sample_upload_goes_through_ingest_and_finds_the_planted_violations(load, ev):
    assert load.all_rows_accounted and len(load.table) == 1534
    found = {(r.scope, r.category, int(r.year), r.level) for r in ev.findings.itertuples()}
    assert found == expected_findings()
    assert set(ev.lines[SOURCE_SHEET].astype(str)) == {f"{y}年" for y in range(2021, 2026)}


def test_uploads_key_is_the_content_not_the_object():
    a = (pipeline.Upload("a.csv", b"x,y\n1,2\n"),)
    assert pipeline.uploads_key(a) == pipeline.uploads_key((pipeline.Upload("a.csv", b"x,y\n1,2\n"),))
    assert pipeline.uploads_key(a) != pipeline.uploads_key((pipeline.Upload("a.csv", b"x,y\n1,3\n"),))


def test_level_colours_are_the_xlsx_fills():
    for level, color in LEVEL_FILLS.items():
        assert FILL[level] == f"#{color}"


def test_overview_headlines_per_guardrail_group(ev):
    headlines = {h.group: h for h in views.group_headlines(ev, "zh")}
    assert set(headlines) == {"tight_budget", "four_no_decrease"}
    tight = headlines["tight_budget"]
    assert tight.worst == "red" and tight.counts["red"] == 2 and tight.counts["yellow"] == 3
    assert any("商务局三公经费2024年" in m for m in tight.top)
    assert headlines["four_no_decrease"].counts["red"] == 3
    html = views.level_tiles_html(ev.level_counts(), "zh")
    assert "红色（督办）" in html and ">5<" in html


def test_findings_table_formats_money_in_wan_and_filters_without_the_engine(ev):
    table = views.findings_table(ev, "zh")
    assert len(table) == len(ev.findings) and list(table.table.columns)[0] == "等级"
    shangwu = table.table.loc[(table.keys["scope"] == "商务局") & (table.keys["category"] == "sangong")].iloc[
        0
    ]
    assert shangwu["等级"] == "红色（督办）"
    assert shangwu["增减率（%）"] == pytest.approx(20.0, abs=0.01)
    assert shangwu["本年数（万元）"] == pytest.approx(4.93, abs=0.005)
    red = views.filter_findings(table, views.FindingFilter(levels=("red",)))
    assert len(red) == 5 and set(red.keys["level"]) == {"red"}
    narrowed = views.filter_findings(
        table, views.FindingFilter(groups=("tight_budget",), scopes=("商务局",), years=(2024,))
    )
    assert list(narrowed.keys["category"]) == ["sangong"]
    assert len(views.filter_findings(table, views.FindingFilter(categories=("investment_attraction",)))) == 0


def test_matrix_for_a_department_shows_its_rates_and_levels(ev):
    cells = views.matrix_cells(ev, ("department", "商务局"), "zh")
    assert len(cells) == 8 * 4  # the first year, never compared, takes no column
    cell = cells.loc[(cells["category"] == "sangong") & (cells[YEAR] == 2024)].iloc[0]
    assert (cell["level"], cell["text_main"], cell["text_sub"]) == ("red", "+20.00%", "红色（督办）")
    assert 2021 not in set(cells[YEAR])
    assert (cell["drill_scope_type"], cell["drill_scope"]) == ("department", "商务局")
    assert views.broken_cells_text(cells, "zh") == ["三公经费 2024年：红色（督办），+20.00%"]


def test_matrix_of_all_scopes_says_where_and_by_how_much(ev):
    cells = views.matrix_cells(ev, views.ALL_SCOPES, "zh")
    cell = cells.loc[(cells["category"] == "sangong") & (cells[YEAR] == 2024)].iloc[0]
    assert cell["level"] == "red" and cell["text_main"] == "红色 +20.00%"  # level and rate first, never cut
    assert cell["text_sub"].startswith("商务局") and cell["drill_scope"] == "商务局"
    lines = views.broken_cells_text(cells, "zh")
    assert lines[0].startswith("三公经费 2024年 — 商务局 红色（督办） +20.00%")
    compliant = cells.loc[(cells["category"] == "investment_attraction") & (cells[YEAR] == 2025)].iloc[0]
    assert compliant["level"] == "compliant" and "均达标" in compliant["text_sub"]


def test_government_matrix_and_trend_target(ev):
    gov = views.government_scope(ev)
    cells = views.matrix_cells(ev, gov, "en")
    enterprise = cells.loc[(cells["category"] == "enterprise_support") & (cells[YEAR] == 2025)].iloc[0]
    assert enterprise["level"] == "red" and enterprise["text_sub"] == "Red (supervised)"
    points = views.trend_points(ev, gov, "zh")
    row = points.loc[(points["category"] == "enterprise_support") & (points[YEAR] == 2025)].iloc[0]
    # a no-decrease category must not fall: the target is last year's (comparable) amount, and it missed
    assert row["amount_wan"] < row["target_wan"]
    assert points.loc[points[YEAR] == 2021, "target_wan"].isna().all()


def test_department_table_puts_the_worst_first_and_maps_clicks_back(ev):
    table = views.department_table(ev, 2024, "zh")
    assert table.scopes[0] == views.government_scope(ev)
    assert table.scopes[1] == ("department", "商务局")  # the only red in 2024
    assert table.rates.iloc[1]["三公经费"] == pytest.approx(20.0, abs=0.01)
    assert table.levels.iloc[1]["三公经费"] == "red"
    assert table.cell(1, "三公经费") == (("department", "商务局"), "sangong")
    assert table.cell(1, "范围") is None
    assert table.worst_cell() == (("department", "商务局"), "sangong")


def test_source_lines_add_up_to_the_compared_numbers(ev):
    lines, totals = views.source_lines(ev, ("department", "商务局"), "sangong", 2024, "zh")
    raw = ev.lines_behind("department", "商务局", "sangong", [2023, 2024])
    assert len(lines) == len(raw) > 0
    assert lines.table["金额（万元）"].sum() == pytest.approx(raw[AMOUNT_FEN].sum() / 1_000_000)
    assert "2023年合计4.11万元" in totals and "2024年合计4.93万元" in totals
    assert lines.table["文件"].notna().all() and lines.table["行号"].notna().all()
    assert set(lines.table["工作表"]) == {"2023年", "2024年"}
    assert set(raw[SOURCE_FILE].astype(str)) == {pipeline.SAMPLE_FILE.name}
    assert raw[SOURCE_ROW].notna().all()
    assert "+20.00%" in views.cell_detail(ev, ("department", "商务局"), "sangong", 2024, "zh")


def test_load_report_views(load):
    sheets = views.sheets_table(load, "zh")
    assert len(sheets) == 5 and sheets.table["数据行"].sum() == 1534
    assert set(sheets.table["状态"]) == {"已读取"}
    assert len(views.rejected_table(load, "zh")) == 0
    assert "数据行1534行" in views.load_summary_text(load, "zh")


def test_rejected_rows_and_problems_are_listed_with_reasons():
    csv = "部门,年度,功能分类科目编码,经济分类科目编码,项目名称,金额（元）\n财政局,2024,2010601,30201,办公费,abc\n财政局,2024,2010601,30201,办公费,100\n"
    load = pipeline.read_uploads((pipeline.Upload("bad.csv", csv.encode("utf-8")),))
    rejected = views.rejected_table(load, "zh")
    assert len(rejected) == 1
    row = rejected.table.iloc[0]
    assert row["行号"] == 2 and row["问题"] == "金额不是数字" and "abc" in row["说明"]
    assert len(views.problems_table(load, "en")) >= 1


def test_unclassified_lines_are_listed(ev):
    table = views.unclassified_table(ev, "zh")
    assert len(table) == len(ev.unclassified) > 0
    assert set(table.table["数据口径"]) == {"预算数"}


def test_whatif_edits_regrade_and_produce_valid_yaml():
    source, text = pipeline.default_rules()
    base = parse_rules(text, source)
    start = whatif.settings_of(base)
    assert whatif.rules_in_force(text, base, start, source) == (text, source)
    edits = whatif.WhatIf(targets={**start.targets, "general_expenditure": 1.0}, bands=start.bands)
    edited_text, edited_source = whatif.rules_in_force(text, base, edits, source)
    assert "general_expenditure.target_pct: 5 → 1" in edited_text and edited_source.endswith("(what-if)")
    edited = parse_rules(edited_text, edited_source)
    assert edited.category("general_expenditure").target_pct == 1.0
    before = evaluate(sample_table(), base)
    after = evaluate(sample_table(), edited)
    key = ("发展和改革局", "general_expenditure", 2024)
    levels = {(r.scope, r.category, int(r.year)): r.level for r in before.findings.itertuples()}
    assert levels[key] == "yellow"
    assert key not in {(r.scope, r.category, int(r.year)) for r in after.findings.itertuples()}


def test_whatif_band_edit_changes_levels_and_bad_bands_are_rules_errors():
    source, text = pipeline.default_rules()
    base = parse_rules(text, source)
    start = whatif.settings_of(base)
    wider = whatif.WhatIf(targets=start.targets, bands={**start.bands, ("decrease", 0): 5.0})
    edited = parse_rules(*whatif.rules_in_force(text, base, wider, source))
    after = evaluate(sample_table(), edited)
    assert "yellow" not in set(after.findings["level"])  # every cut that fell short is now within 5 pp
    with pytest.raises(RulesError) as err:
        whatif.rules_in_force(text, base, whatif.WhatIf(materiality_yuan=-1), source)
    assert "materiality_yuan" in err.value.message("en")


def test_report_downloads_are_the_cli_files(ev, load):
    files = pipeline.report_files(ev, load, "zh")
    assert files["xlsx"][0] == "budget-guard-report.xlsx" and files["json"][0] == "budget-guard-report.json"
    book = load_workbook(io.BytesIO(files["xlsx"][1]), read_only=True)
    assert "红色督办" in book.sheetnames
    document = json.loads(files["json"][1])
    expected = json.loads(json.dumps(build_report(ev, load), ensure_ascii=False, default=str))
    for key in ("findings", "summary", "outcome", "compliance_matrix", "rules"):
        assert document[key] == expected[key], key
    assert document["reports"] == {
        "xlsx": "budget-guard-report.xlsx",
        "unclassified_csv": "budget-guard-report-unclassified.csv",
        "unclassified_parquet": "budget-guard-report-unclassified.parquet",
    }


def test_chart_specs_are_valid_vega_lite_and_fast_to_refill(ev):
    cells = views.matrix_cells(ev, views.ALL_SCOPES, "zh")
    charts.matrix_chart(cells, "zh").to_dict()  # validates against the Vega-Lite schema
    points = views.trend_points(ev, views.government_scope(ev), "en")
    part = points.loc[points["category"] == "sangong"]
    charts.trend_chart(part, "Three public expenses", "en").to_dict()
    spec = charts.trend_spec(part, "Three public expenses", "en")
    # 5 all-department totals, 4 graded pairs of two points, the first year's ungraded dot
    assert spec["description"] == "Three public expenses" and len(spec["data"]["values"]) == 5 + 4 * 2 + 1
    assert "title" not in spec  # the page writes it above the chart, in the page's language
    assert charts.trend_spec(part, "x", "en")["description"] == "x"  # refilled from the cached template
    assert spec["config"]["aria"] is False  # no English ARIA field lists ("year: 2024; …")


def test_the_per_rerun_view_work_runs_on_100k_lines():
    """The per-rerun work of the page after a filter change (no ingest, no evaluate, no chart build).

    Its speed (≤ 0.3 s) is measured by ``python -m benchmarks.run``, not asserted here.
    """
    ev = evaluate(synthetic_table(100_000), load_rules())
    table = views.findings_table(ev, "zh")  # built once per evaluation and language, then kept
    gov = views.government_scope(ev)
    for scope in (views.ALL_SCOPES, gov):  # chart templates are built once per process
        cells = views.matrix_cells(ev, scope, "zh")
        for group in ev.rules.groups:
            charts.matrix_spec(cells.loc[cells["group"] == group.id], "zh")
    chosen = views.filter_findings(table, views.FindingFilter(levels=("red", "yellow"), years=(2024, 2025)))
    assert len(chosen) <= len(table)
    for cells in (views.matrix_cells(ev, views.ALL_SCOPES, "zh"), views.matrix_cells(ev, gov, "zh")):
        views.broken_cells_text(cells, "zh")
        for group in ev.rules.groups:
            charts.matrix_spec(cells.loc[cells["group"] == group.id], "zh")
    views.department_table(ev, 2024, "zh")
    views.source_lines(ev, gov, "sangong", 2024, "zh")
    assert views.group_headlines(ev, "zh")


def test_views_survive_a_table_with_no_lines():
    ev = evaluate(pd.DataFrame({"department": [], "year": [], "amount_fen": []}), load_rules())
    assert views.compared_years(ev) == []
    cells = views.matrix_cells(ev, views.ALL_SCOPES, "zh")
    assert cells.empty or set(cells["level"]) <= {"none", "white"}
    assert len(views.findings_table(ev, "zh")) == len(ev.findings)


def test_problems_are_sorted_worst_first_with_counts_and_chinese_hints():
    csv = (
        "部门,年度,功能分类科目编码,经济分类科目编码,项目名称,金额（元）\n"
        "财政局,2024,2010601,30201,办公费,abc\n财政局,2024,2010601,30201,办公费,100\n"
    )
    load = pipeline.read_uploads((pipeline.Upload("bad.csv", csv.encode("utf-8")),))
    table = views.problems_table(load, "zh").table
    ranks = {"错误": 0, "警告": 1, "提示": 2}
    order = [ranks[s] for s in table["严重程度"]]
    assert order == sorted(order) and order[0] == 0
    assert table["处理建议"].iloc[0] == msg.t("problem.hint.amount-not-numeric", "zh")
    counts = views.problem_counts(load)
    assert list(counts) == ["error", "warning", "notice"] and counts["error"] >= 1
    top = views.top_problems(load, "zh")
    assert top and top[0].startswith("错误 · 金额不是数字 · 文件 bad.csv")


def test_whatif_changes_are_described_in_words_in_both_languages():
    source, text = pipeline.default_rules()
    base = parse_rules(text, source=source)
    start = whatif.settings_of(base)
    assert whatif.described(base, start) == ()
    band = whatif.band_settings(base)[0]
    edits = whatif.WhatIf(
        targets={**start.targets, "general_expenditure": 2.0},
        bands={**start.bands, band.key: band.max_shortfall_pp + 1},
        materiality_yuan=start.materiality_yuan + 1000,
    )
    zh = [z for z, _ in whatif.described(base, edits)]
    assert zh[0] == "一般性支出 压减目标 5% → 2%"
    assert zh[1].startswith("过紧日子类别") and "区间上限" in zh[1]
    assert zh[2].startswith("重要性水平")
    assert not any("_" in z or "pct" in z for z in zh)  # never a YAML key
