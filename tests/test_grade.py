"""Grading: every band of 白黄红三色督办, materiality, and the edge cases that must be findings, not crashes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from builders import category_index, line, rules_with, table
from hypothesis import given, settings
from hypothesis import strategies as st

from budget_guard import evaluate, load_rules
from budget_guard.engine.grade import band_level

RULES = load_rules()


def level_of(ev, scope: str, category: str, year: int) -> tuple[str, str]:
    """The cell's state (达标/白/黄/红 when graded, else no_data/not_comparable) and its reason."""
    row = ev.summary[
        (ev.summary.scope == scope) & (ev.summary.category == category) & (ev.summary.year == year)
    ]
    assert len(row) == 1, f"no summary row for {scope} {category} {year}"
    return row.state.iloc[0], row.reason.iloc[0]


def office_costs(prev: float, cur: float, dept: str = "财政局", econ: str = "30201") -> list[dict]:
    return [
        line(dept, 2023, prev, econ=econ, func="2010601"),
        line(dept, 2024, cur, econ=econ, func="2010601"),
    ]


def test_cut_beyond_target_is_compliant():
    ev = evaluate(table(*office_costs(1_000_000, 940_000)), RULES)
    assert level_of(ev, "财政局", "general_expenditure", 2024) == ("compliant", "compliant")


def test_cut_exactly_at_target_is_compliant():
    ev = evaluate(table(*office_costs(1_000_000, 950_000)), RULES)
    assert level_of(ev, "财政局", "general_expenditure", 2024)[0] == "compliant"


def test_cut_within_margin_of_target_is_white():
    ev = evaluate(table(*office_costs(10_000_000, 9_550_000)), RULES)  # 4.5% cut, 0.5 pp short
    assert level_of(ev, "财政局", "general_expenditure", 2024) == ("white", "shortfall")


def test_cut_smaller_than_target_is_yellow():
    ev = evaluate(table(*office_costs(10_000_000, 9_800_000)), RULES)  # 2% cut, 3 pp short
    assert level_of(ev, "财政局", "general_expenditure", 2024) == ("yellow", "shortfall")
    finding = ev.findings[
        (ev.findings.scope == "财政局") & (ev.findings.category == "general_expenditure")
    ].iloc[0]
    assert finding.shortfall_pp == 3.0
    assert "差3.00个百分点" in finding.message_zh and "3.00 pp" in finding.message_en


def test_any_increase_in_a_cut_category_is_red():
    ev = evaluate(table(*office_costs(1_000_000, 1_100_000)), RULES)
    assert level_of(ev, "财政局", "general_expenditure", 2024) == ("red", "wrong_direction")


def test_sangong_increase_of_one_yuan_is_red():
    ev = evaluate(table(*office_costs(10_000, 10_001, econ="30217")), RULES)
    assert level_of(ev, "财政局", "sangong", 2024) == ("red", "wrong_direction")


def test_sangong_flat_is_compliant():
    ev = evaluate(table(*office_costs(10_000, 10_000, econ="30217")), RULES)
    assert level_of(ev, "财政局", "sangong", 2024)[0] == "compliant"


def test_decrease_in_no_decrease_category_beyond_materiality_is_red():
    rows = [line("教育局", 2023, 5_000_000, func="2050202"), line("教育局", 2024, 4_900_000, func="2050202")]
    ev = evaluate(table(*rows), RULES)
    assert level_of(ev, "教育局", "livelihood", 2024) == ("red", "wrong_direction")


def test_decrease_below_materiality_is_only_a_notice():
    rows = [line("教育局", 2023, 5_000_000, func="2050202"), line("教育局", 2024, 4_995_000, func="2050202")]
    ev = evaluate(table(*rows), RULES)
    assert level_of(ev, "教育局", "livelihood", 2024) == ("white", "wrong_direction")
    finding = ev.findings[ev.findings.scope == "教育局"].iloc[0]
    assert "低于重要性水平10,000元" in finding.message_zh


def test_growth_target_above_zero_uses_the_bands():
    rules = rules_with(**{f"categories.{category_index(RULES, 'livelihood')}.target_pct": 5})
    rows = [line("教育局", 2023, 5_000_000, func="2050202"), line("教育局", 2024, 5_100_000, func="2050202")]
    ev = evaluate(table(*rows), rules)  # +2% against +5%: 3 pp short
    assert level_of(ev, "教育局", "livelihood", 2024) == ("yellow", "shortfall")


def test_no_prior_year_in_data_is_not_comparable_with_a_white_notice():
    rows = [line("财政局", 2022, 100_000, econ="30201"), line("财政局", 2024, 90_000, econ="30201")]
    ev = evaluate(table(*rows), RULES)
    assert level_of(ev, "财政局", "general_expenditure", 2024) == ("not_comparable", "no_baseline")
    assert level_of(ev, "财政局", "general_expenditure", 2022) == ("not_comparable", "first_year")
    notice = ev.findings[(ev.findings.reason == "no_baseline") & (ev.findings.scope == "财政局")]
    assert set(notice.level) == {"white"} and set(notice.state) == {"not_comparable"}
    assert ev.outcome() == "nothing_compared" and ev.state_counts()["compliant"] == 0


def test_first_year_is_not_a_finding():
    ev = evaluate(table(line("财政局", 2024, 100_000, econ="30201")), RULES)
    assert ev.findings[ev.findings.reason != "empty_category"].empty


def test_prior_zero_then_spending_in_a_cut_category_is_red():
    rows = [
        line("农业农村局", 2023, 500_000, econ="30201"),
        line("农业农村局", 2024, 3_000, econ="30217"),
        line("农业农村局", 2024, 450_000, econ="30201"),
    ]
    ev = evaluate(table(*rows), RULES)
    assert level_of(ev, "农业农村局", "sangong", 2024) == ("red", "prior_zero_increase")


def test_prior_zero_then_spending_in_a_no_decrease_category_is_compliant():
    rows = [
        line("商务局", 2023, 500_000, econ="30201"),
        line("商务局", 2024, 3_000, func="2011308", expense_type="项目支出"),
        line("商务局", 2024, 450_000, econ="30201"),
    ]
    ev = evaluate(table(*rows), RULES)
    assert level_of(ev, "商务局", "investment_attraction", 2024) == ("compliant", "from_zero")


def test_department_missing_a_year_is_one_completeness_finding():
    rows = [
        line("人社局", 2022, 100_000, econ="30201"),
        line("人社局", 2024, 90_000, econ="30201"),
        line("财政局", 2022, 100_000, econ="30201"),
        line("财政局", 2023, 90_000, econ="30201"),
        line("财政局", 2024, 80_000, econ="30201"),
    ]
    ev = evaluate(table(*rows), RULES)
    assert level_of(ev, "人社局", "general_expenditure", 2023) == ("not_comparable", "department_missing")
    assert level_of(ev, "人社局", "general_expenditure", 2024) == ("not_comparable", "previous_year_missing")
    own = ev.findings[ev.findings.scope == "人社局"]
    assert len(own) == 1 and own.year.iloc[0] == 2023 and own.level.iloc[0] == "white"
    assert own.finding_kind.iloc[0] == "completeness"
    assert "人社局2023年没有报送任何支出数据（2022年10.00万元，2024年9.00万元）" in own.message_zh.iloc[0]
    assert "全市合计" in own.message_zh.iloc[0]
    # the whole government compares like with like: 财政局 alone, -10% and -11.1%
    assert level_of(ev, "全市合计", "general_expenditure", 2023)[0] == "compliant"
    gov = ev.summary[(ev.summary.scope == "全市合计") & (ev.summary.category == "general_expenditure")]
    assert gov.set_index("year").loc[2023, "excluded_departments"] == 1
    assert gov.set_index("year").loc[2023, "amount_fen"] == 9_000_000  # the reported total is all departments


def test_category_with_no_lines_at_all_is_a_white_finding():
    ev = evaluate(table(*office_costs(100_000, 90_000)), RULES)
    empty = ev.findings[ev.findings.reason == "empty_category"]
    assert set(empty.category) == {
        "sangong",
        "deepen_reform",
        "investment_attraction",
        "enterprise_support",
        "livelihood",
    }
    assert set(empty.level) == {"white"}
    assert empty.message_zh.str.contains("没有任何支出行归入").all()


def test_levels_come_from_the_rules_file():
    rules = rules_with(**{"grading.directions.decrease.wrong_direction": "yellow"})
    ev = evaluate(table(*office_costs(1_000_000, 1_100_000)), rules)
    assert level_of(ev, "财政局", "general_expenditure", 2024)[0] == "yellow"


def test_materiality_per_category_overrides_the_default():
    rules = rules_with(**{f"categories.{category_index(RULES, 'livelihood')}.materiality_yuan": 1_000_000})
    rows = [line("教育局", 2023, 5_000_000, func="2050202"), line("教育局", 2024, 4_900_000, func="2050202")]
    ev = evaluate(table(*rows), rules)
    assert level_of(ev, "教育局", "livelihood", 2024)[0] == "white"


def test_findings_carry_their_source_rows():
    rows = [
        line("财政局", 2023, 10_000, econ="30217", row=7),
        line("财政局", 2024, 20_000, econ="30217", row=12),
    ]
    ev = evaluate(table(*rows), RULES)
    finding = ev.findings[(ev.findings.scope == "财政局") & (ev.findings.category == "sangong")].iloc[0]
    assert finding.sources == "test.csv:7,12"
    assert finding.source_lines == 2
    assert finding.prev_amount_fen == 1_000_000 and finding.amount_fen == 2_000_000
    assert finding.change_rate == 1.0


def test_english_messages_are_available():
    ev = evaluate(table(*office_costs(1_000_000, 1_100_000)), RULES)
    found = ev.findings[(ev.findings.scope == "财政局") & (ev.findings.category == "general_expenditure")]
    msg = found.message_en.iloc[0]
    assert msg.startswith("[财政局] General expenditure 2024") and "up 10.00 (+10.00%)" in msg


BANDS = RULES.grading.directions[next(iter(RULES.grading.directions))].bands


@given(st.lists(st.floats(min_value=0.001, max_value=500, allow_nan=False), min_size=2, max_size=30))
def test_band_level_is_monotone_in_the_shortfall(shortfalls):
    order = {"white": 1, "yellow": 2, "red": 3}
    values = np.sort(np.array(shortfalls))
    levels = [order[v] for v in band_level(values, BANDS)]
    assert levels == sorted(levels)


@pytest.mark.slow
@settings(deadline=None, max_examples=40)
@given(st.integers(min_value=1, max_value=10**9), st.integers(min_value=0, max_value=2 * 10**9))
def test_grading_is_monotone_in_the_change(prev_yuan: int, cur_yuan: int):
    """For a cut category, spending more this year can never give a better level."""
    order = {"compliant": 0, "white": 1, "yellow": 2, "red": 3}
    base = evaluate(table(*office_costs(prev_yuan, cur_yuan)), RULES)
    more = evaluate(table(*office_costs(prev_yuan, cur_yuan + max(1, cur_yuan // 10))), RULES)
    a = level_of(base, "财政局", "general_expenditure", 2024)[0]
    b = level_of(more, "财政局", "general_expenditure", 2024)[0]
    assert order[b] >= order[a]


def test_summary_has_one_row_per_scope_category_year():
    ev = evaluate(table(*office_costs(100, 90), *office_costs(100, 90, dept="商务局")), RULES)
    keys = ev.summary[["scope", "category", "year"]]
    assert not keys.duplicated().any()
    assert isinstance(ev.summary, pd.DataFrame)


def test_previous_year_with_only_functional_lines_is_no_baseline_for_economic_categories():
    """A 功能分类-only table says nothing about 三公经费: no baseline, not a rise from 0."""
    rows = [
        line("财政局", 2023, 1_000_000, func="2010601", econ=None),
        line("财政局", 2024, 900_000, func="2010601", econ=None),
        line("财政局", 2024, 30_000, econ="30217"),
    ]
    ev = evaluate(table(*rows), RULES)
    assert level_of(ev, "财政局", "sangong", 2024) == ("not_comparable", "no_baseline")


def test_lines_from_a_different_kind_of_table_are_not_compared():
    """Last year only a 三公经费表, this year a full 基本支出表: 一般性支出 has no like-for-like baseline."""
    rows = [
        line("财政局", 2023, 40_000, econ="30217") | {"source_layout": "sangong"},
        line("财政局", 2024, 38_000, econ="30217") | {"source_layout": "side-by-side"},
        line("财政局", 2024, 900_000, econ="30201") | {"source_layout": "side-by-side"},
    ]
    ev = evaluate(table(*rows), RULES)
    assert level_of(ev, "财政局", "general_expenditure", 2024) == ("not_comparable", "table_changed")
    assert "不同的表" in ev.findings[ev.findings.reason == "table_changed"].message_zh.iloc[0]
    # the whole government leaves the department out of the comparison instead of grading +2,400 %
    gov = ev.summary[(ev.summary.scope == "全市合计") & (ev.summary.category == "general_expenditure")]
    assert gov.set_index("year").loc[2024, "excluded_departments"] == 1
    # ... and with no department left to compare, 全市合计 is 不可比, never 达标
    assert gov.set_index("year").loc[2024, "state"] == "not_comparable"
    assert gov.set_index("year").loc[2024, "reason"] == "no_comparable_department"


def test_same_kind_of_table_plus_more_this_year_is_still_compared_when_last_year_had_it():
    rows = [
        line("财政局", 2023, 40_000, econ="30217") | {"source_layout": "long"},
        line("财政局", 2024, 50_000, econ="30217") | {"source_layout": "long"},
    ]
    assert level_of(evaluate(table(*rows), RULES), "财政局", "sangong", 2024) == ("red", "wrong_direction")


def test_negative_amount_from_a_zero_baseline_in_a_no_decrease_category_is_graded_by_its_size():
    rows = [
        line("教育局", 2023, 100, econ="30201"),
        line("教育局", 2024, -50_000, func="2050202"),
        line("教育局", 2024, 100, econ="30201"),
    ]
    ev = evaluate(table(*rows), RULES)
    row = ev.summary[
        (ev.summary.scope == "教育局") & (ev.summary.category == "livelihood") & (ev.summary.year == 2024)
    ]
    assert (row.level.iloc[0], row.reason.iloc[0]) == ("red", "wrong_direction")
    assert row.gap_fen.iloc[0] == 5_000_000
