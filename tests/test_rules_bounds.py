"""Rules values are bounded where they are validated (issue #25): a rules upload cannot exhaust memory,
and the message names the line of the rules file."""

from __future__ import annotations

import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from budget_guard.errors import RulesError
from budget_guard.model.rulebook import MAX_CATEGORIES, MAX_TEXT_CHARS, parse_rules

REPO = Path(__file__).resolve().parent.parent
RULES = (REPO / "budget_guard" / "rules" / "four_no_decrease.yaml").read_text(encoding="utf-8")
NUMBER_LINE = re.search(r"^\s*number_format:.*$", RULES, re.M).group()
NUMBER_LINE_NO = RULES[: RULES.index(NUMBER_LINE)].count("\n") + 1


def with_number_format(fmt: str) -> str:
    return RULES.replace(NUMBER_LINE, f"  number_format: {fmt}")


@pytest.mark.parametrize("width", ["999999999999999999", "400000000", "13"])
def test_a_huge_case_number_width_is_refused_at_its_line_without_building_it(width):
    text = with_number_format(f'"督〔{{year}}〕{{seq:{width}}}号"')
    tracemalloc.start()
    with pytest.raises(RulesError) as raised:
        parse_rules(text, "upload.yaml")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 50 * 1024 * 1024  # the old check built a string as wide as the width
    place, zh, en = raised.value.problems[0]
    assert place.line == NUMBER_LINE_NO
    assert "宽度" in zh and "上限12" in zh and "limit of 12" in en


def test_a_nested_or_unknown_field_in_the_case_number_is_refused():
    for fmt in ('"督{seq:{year}}"', '"督{seq}{other}"', '"督{seq!r:>9999}"'):
        with pytest.raises(RulesError) as raised:
            parse_rules(with_number_format(fmt), "upload.yaml")
        assert raised.value.problems[0][0].line == NUMBER_LINE_NO


def test_the_usual_case_number_formats_pass():
    for fmt in ('"督〔{year}〕{seq:04d}号"', '"{year}-{seq:>6}"', '"D{seq}"'):
        assert parse_rules(with_number_format(fmt), "ok.yaml").supervision is not None


def test_long_texts_and_many_categories_are_refused_with_the_line():
    version_line = RULES[: RULES.index("version:")].count("\n") + 1
    text = RULES.replace('version: "2025.1"', f'version: "{"9" * 100}"', 1)
    with pytest.raises(RulesError) as raised:
        parse_rules(text, "upload.yaml")
    place, zh, en = raised.value.problems[0]
    assert place.line == version_line and "过长" in zh and "limit 64" in en

    title = RULES.replace("zh: 过紧日子与四个只增不减支出护栏", "zh: " + "长" * (MAX_TEXT_CHARS + 1), 1)
    with pytest.raises(RulesError) as raised:
        parse_rules(title, "upload.yaml")
    assert "过长" in raised.value.problems[0][1] and raised.value.problems[0][0].line


def test_too_many_categories_are_refused():
    import yaml

    data = yaml.safe_load(RULES)
    first = data["categories"][0]
    data["categories"] = [{**first, "id": f"c{i}"} for i in range(MAX_CATEGORIES + 1)]
    dumper = type("NoAliases", (yaml.SafeDumper,), {"ignore_aliases": lambda self, data: True})
    with pytest.raises(RulesError) as raised:
        parse_rules(yaml.dump(data, Dumper=dumper, allow_unicode=True), "upload.yaml")
    assert any("项数过多" in zh for _, zh, _ in raised.value.problems)


def test_the_cli_names_the_line_and_exits_2_without_a_traceback(tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(with_number_format('"{seq:99999999999999999999}"'), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", "rules", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert f"第{NUMBER_LINE_NO}行" in result.stderr
