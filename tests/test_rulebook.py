"""The rules file: the default loads, and every kind of typo fails with the line that holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from budget_guard import RulesError, load_rules, parse_rules
from budget_guard.model.rulebook import DEFAULT_RULES_PATH, PACKAGED_RULES_PATH, Direction, rules_to_yaml

TEXT = DEFAULT_RULES_PATH.read_text(encoding="utf-8")


def line_of(fragment: str, text: str = TEXT) -> int:
    """1-based line of the first occurrence of ``fragment`` in the default rules text."""
    return text[: text.index(fragment)].count("\n") + 1


def errors_for(text: str) -> RulesError:
    with pytest.raises(RulesError) as info:
        parse_rules(text, "edited.yaml")
    return info.value


def test_default_rules_cover_both_guardrails():
    rules = load_rules()
    ids = {c.id for c in rules.categories}
    assert {"sangong", "general_expenditure", "daily_public", "operating"} <= ids
    assert {"deepen_reform", "investment_attraction", "enterprise_support", "livelihood"} <= ids
    assert rules.direction_of(rules.category("sangong")) is Direction.decrease
    assert rules.direction_of(rules.category("livelihood")) is Direction.no_decrease
    either = rules.category("sangong").select.any_of
    assert either[0].econ_codes == ["30212", "30217", "30231", "31013"]
    assert either[1].gov_econ_codes == ["50207", "50206", "50208", "50303"]
    assert rules.compare.stage == "budget"
    assert len(rules.sha256) == 64


def test_packaged_rules_are_the_repository_rules():
    assert PACKAGED_RULES_PATH.read_bytes() == DEFAULT_RULES_PATH.read_bytes()


def test_unknown_key_names_its_line():
    bad = TEXT.replace('econ_prefixes: ["311", "312"]', 'econ_prefixs: ["311", "312"]')
    err = errors_for(bad)
    place, zh, en = err.problems[0]
    assert place.line == line_of('econ_prefixs: ["311"', bad)
    assert "econ_prefixs" in zh and "unknown key" in en
    assert f"第{place.line}行" in err.message("zh")


def test_bad_code_names_its_line():
    bad = TEXT.replace('- "30213"   # 维修（护）费', '- "3021X"   # 维修（护）费')
    place, zh, _ = errors_for(bad).problems[0]
    assert place.line == line_of('econ_codes:\n        - "30201"', bad)
    assert "3021X" in zh


def test_negative_rate_names_its_line():
    bad = TEXT.replace("target_pct: 5", "target_pct: -5")
    place, zh, en = errors_for(bad).problems[0]
    assert place.line == line_of("target_pct: -5", bad)
    assert place.key == "categories.1.target_pct"
    assert "should be ≥ 0, not -5" in en and "应不小于 0，实际为 -5" in zh


def test_unknown_level_names_its_line():
    bad = TEXT.replace("prior_zero_increase: red", "prior_zero_increase: crimson")
    place, zh, _ = errors_for(bad).problems[0]
    assert place.line == line_of("prior_zero_increase: crimson", bad)
    assert "crimson" in zh


def test_several_problems_are_all_reported_in_line_order():
    bad = TEXT.replace("target_pct: 5", "target_pct: -5").replace("stage: budget ", "stage: plan ")
    problems = errors_for(bad).problems
    assert [p.line for p, _, _ in problems] == sorted(p.line for p, _, _ in problems)
    assert len(problems) == 2


def test_duplicate_key_is_an_error_not_silently_the_last_one():
    bad = TEXT.replace("    target_pct: 5\n", "    target_pct: 5\n    target_pct: 10\n")
    place, zh, en = errors_for(bad).problems[0]
    assert place.line == line_of("target_pct: 10", bad)
    assert "duplicate" in en and "重复" in zh


def test_yaml_syntax_error_has_a_line():
    bad = TEXT.replace('version: "2025.1"', 'version: ["2025.1"')
    place, zh, _ = errors_for(bad).problems[0]
    assert place.line is not None and "YAML" in zh


def test_category_must_name_an_existing_group():
    bad = TEXT.replace(
        "group: four_no_decrease\n    name: {zh: 招商引资", "group: four_no_increase\n    name: {zh: 招商引资"
    )
    assert "four_no_increase" in errors_for(bad).message("en")


def test_bands_must_end_with_an_open_band():
    bad = TEXT.replace(
        "- {max_shortfall_pp: null, level: yellow}  # any larger",
        "- {max_shortfall_pp: 50, level: yellow}  # any larger",
    )
    assert "null" in errors_for(bad).message("en")


def test_empty_selector_is_rejected():
    start = TEXT.index('    select:\n      any_of:\n        - econ_codes: ["30212"')
    end = TEXT.index("\n\n", start)
    bad = TEXT[:start] + "    select: {}" + TEXT[end:]
    assert "selector has no condition" in errors_for(bad).message("en")


def test_python_object_tags_are_not_executed():
    with pytest.raises(RulesError):
        parse_rules("!!python/object/apply:os.system ['echo hacked']\n", "evil.yaml")


def test_missing_file_is_a_rules_error(tmp_path: Path):
    with pytest.raises(RulesError) as info:
        load_rules(tmp_path / "nope.yaml")
    assert "not found" in info.value.message("en")


def test_round_trip_through_yaml_keeps_the_rules():
    rules = load_rules()
    again = parse_rules(rules_to_yaml(rules))
    assert again.categories == rules.categories
    assert again.grading == rules.grading


def test_a_quoted_number_is_rejected_not_coerced():
    bad = TEXT.replace("target_pct: 5", 'target_pct: "5"')
    place, zh, en = errors_for(bad).problems[0]
    assert place.line == line_of('target_pct: "5"', bad)
    assert "应为数字" in zh and "不要加引号" in zh and "without quotes" in en


def test_an_unquoted_code_list_says_quote_the_codes():
    bad = TEXT.replace('econ_codes: ["30212", "30217", "30231", "31013"]', "econ_codes: [30212, 30217]")
    place, zh, en = errors_for(bad).problems[0]
    assert place.line == line_of("econ_codes: [30212, 30217]", bad)
    assert "没有加引号" in zh and '"30212"' in zh and "not quoted" in en
    assert "格式不对" not in zh


def test_an_unknown_stage_lists_the_allowed_values_in_chinese():
    bad = TEXT.replace("stage: budget ", "stage: plan ")
    _, zh, _ = errors_for(bad).problems[0]
    assert zh == '取值"plan"无效，应为"budget"、"adjusted"或"final"之一'
