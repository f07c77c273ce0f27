"""Selectors: each rule type, combinations, and lines that fall in several categories."""

from __future__ import annotations

import pytest
from builders import line, table

from budget_guard import evaluate, load_rules, parse_rules
from budget_guard.engine.classify import classify, label_lines

RULES = load_rules()


def categories_of(*lines: dict, rules=RULES) -> list[set[str]]:
    membership = classify(table(*lines), rules)
    return [set(membership.columns[row]) for row in membership.to_numpy()]


def test_exact_economic_codes_select_sangong():
    cats = categories_of(line("A", 2024, 1, econ="30217"), line("A", 2024, 1, econ="30218"))
    assert "sangong" in cats[0] and "sangong" not in cats[1]


def test_economic_prefix_selects_enterprise_subsidies():
    cats = categories_of(
        line("A", 2024, 1, econ="31204", expense_type="项目支出"), line("A", 2024, 1, econ="312")
    )
    assert all("enterprise_support" in c for c in cats)


def test_functional_prefix_with_exclusion_selects_livelihood():
    cats = categories_of(
        line("A", 2024, 1, func="2050202", expense_type="项目支出"),
        line("A", 2024, 1, func="2080505", econ="30108"),  # staff pension: excluded
        line("A", 2024, 1, func="2050101", econ="30101"),  # 教育管理事务 行政运行: excluded
        line("A", 2024, 1, func="221"),  # a 类-level code still matches its class
    )
    assert ["livelihood" in c for c in cats] == [True, False, False, True]


def test_exact_functional_code_selects_investment_attraction():
    assert (
        "investment_attraction"
        in categories_of(line("A", 2024, 1, func="2011308", expense_type="项目支出"))[0]
    )


def test_func_item_matches_the_xiang_part_across_kuan():
    """行政运行 is 项 01 under many 款: 2010601, 2120101 … all count, 2050201 学前教育 does not."""
    cats = categories_of(
        line("A", 2024, 1, func="2010601", econ="30201"),
        line("A", 2024, 1, func="2120101", econ="30201"),
        line("A", 2024, 1, func="2050201", econ="30201"),
        line("A", 2024, 1, func="2010650", econ="30201"),  # 事业运行
        line("A", 2024, 1, func="20106", econ="30201"),  # 款 only: no 项 part
    )
    assert ["operating" in c for c in cats] == [True, True, False, False, False]


def test_expense_type_restricts_daily_public_to_basic_spending():
    cats = categories_of(
        line("A", 2024, 1, econ="30201", expense_type="基本支出"),
        line("A", 2024, 1, econ="30201", expense_type="项目支出"),
    )
    assert "daily_public" in cats[0] and "daily_public" not in cats[1]
    assert "general_expenditure" in cats[0] and "general_expenditure" in cats[1]


def test_tags_and_keywords_select_reform_but_not_housing_reform():
    cats = categories_of(
        line("A", 2024, 1, func="2010699", item="财政信息化", tags="深化改革;数字政府"),
        line("A", 2024, 1, func="2010699", item="预算管理制度改革"),
        line("A", 2024, 1, func="2210201", econ="30113", item="住房改革支出"),
        line("A", 2024, 1, func="2010699", item="日常运转", tags="改革创新"),  # a tag must match whole
    )
    assert ["deepen_reform" in c for c in cats] == [True, True, False, False]


def test_a_line_can_fall_in_several_categories_and_says_so():
    lines = table(line("A", 2024, 100, econ="30217", func="2010601"))
    ev = evaluate(lines, RULES)
    assert set(ev.lines.loc[0, "categories"].split(";")) == {
        "sangong",
        "general_expenditure",
        "daily_public",
        "operating",
    }
    assert ev.lines.loc[0, "category_count"] == 4


def test_unmatched_line_is_unclassified_with_empty_label():
    membership = classify(table(line("A", 2024, 1, econ="30101", func="2010699")), RULES)
    labels, count = label_lines(membership)
    assert labels.iloc[0] == "" and count[0] == 0


def test_a_code_outside_every_selector_matches_nothing():
    assert categories_of(line("A", 2024, 1, econ=None, func="229", expense_type=None)) == [set()]


@pytest.mark.parametrize(
    "selector, expected",
    [
        ("all_of: [{econ_prefixes: ['302']}, {expense_types: [项目支出]}]", [False, True]),
        ("any_of: [{econ_codes: ['30201']}, {item_keywords: [会议]}]", [True, True]),
        ("econ_prefixes: ['302']\n      exclude: {item_keywords: [会议]}", [True, False]),
    ],
)
def test_any_of_all_of_exclude_combine(selector: str, expected: list[bool]):
    text = f"""
version: t
title: {{zh: 测试, en: test}}
compare: {{stage: budget, scopes: [government], government_label: {{zh: 全市合计, en: All}}}}
groups: [{{id: g, name: {{zh: 组, en: g}}, direction: decrease}}]
grading:
  materiality_yuan: 0
  below_materiality: white
  no_baseline: white
  missing_current: white
  empty_category: white
  prior_zero_increase: red
  directions:
    decrease: {{wrong_direction: red, bands: [{{max_shortfall_pp: null, level: yellow}}]}}
    no_decrease: {{wrong_direction: red, bands: [{{max_shortfall_pp: null, level: yellow}}]}}
categories:
  - id: c
    group: g
    name: {{zh: 类, en: c}}
    target_pct: 0
    select:
      {selector}
"""
    rules = parse_rules(text)
    cats = categories_of(
        line("A", 2024, 1, econ="30201", item="办公费"),
        line("A", 2024, 1, econ="30215", item="会议费", expense_type="项目支出"),
        rules=rules,
    )
    assert ["c" in c for c in cats] == expected


@pytest.mark.slow
def test_many_distinct_combinations_keep_each_line_s_answer():
    """The compiled SQL runs on the distinct combinations in parallel: every answer must come back to
    its own line, whatever order the engine returns rows in (300k distinct item names here)."""
    import numpy as np
    import pandas as pd

    from budget_guard.model.table import conform

    n = 300_000
    wanted = np.arange(n) % 7 == 3
    items = np.where(
        wanted,
        np.char.add("招商推介", np.arange(n).astype(str)),
        np.char.add("日常", np.arange(n).astype(str)),
    )
    frame = conform(
        pd.DataFrame(
            {"department": "商务局", "year": 2024, "econ_code": "30299", "item": items, "amount_fen": 1}
        )
    )
    membership = classify(frame, RULES)
    assert (membership["investment_attraction"].to_numpy() == wanted).all()
