"""Reds that open no case say why (rules' supervision.open_years / open_levels), in every report and the console."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from budget_guard.cases.policy import case_policy, red_messages
from budget_guard.engine.evaluate import evaluate
from budget_guard.model.rulebook import load_rules
from tests.builders import line, rules_with, table

RULES = load_rules()


def sangong(department: str, by_year: dict[int, float]) -> list[dict]:
    return [line(department, y, v, econ="30217", item="公务接待费") for y, v in by_year.items()]


def lines():
    # 甲局: red in 2024 (up on 2023), cut in 2025 (compliant). 乙局: red in 2025 (the latest year).
    return table(
        *sangong("甲局", {2023: 10_000, 2024: 12_000, 2025: 9_000}),
        *sangong("乙局", {2023: 10_000, 2024: 10_000, 2025: 15_000}),
    )


def test_an_older_red_says_the_latest_year_is_compliant_so_no_case():
    ev = evaluate(lines(), RULES)
    policy = case_policy(ev, "zh")
    assert policy[("department", "甲局", "sangong", 2024)] == "2024年红色：2025年已达标，不再立案"
    assert policy[("department", "乙局", "sangong", 2025)] == "立案督办"
    assert (
        case_policy(ev, "en")[("department", "甲局", "sangong", 2024)]
        == "2024 red: compliant in 2025, so no case"
    )
    reds = dict(red_messages(ev))
    assert any(zh.endswith("（2024年红色：2025年已达标，不再立案）") for zh in reds)
    assert not any("乙局" in zh and "不再立案" in zh for zh in reds)


def test_open_years_all_opens_every_year_and_a_level_left_out_says_so():
    ev = evaluate(
        lines(), rules_with(**{"supervision.open_years": "all", "supervision.open_levels": ["yellow"]})
    )
    text = case_policy(ev, "zh")[("department", "甲局", "sangong", 2024)]
    assert text == "2024年红色：规则的立案等级不含该等级，不立案"


def test_every_report_and_the_console_carry_the_reason(tmp_path, capsys):
    from budget_guard.cli import main

    csv = tmp_path / "sangong.csv"
    rows = [
        f"{d},{y},预算数,2010101,30217,公务接待费,基本支出,{v}\n"
        for d, by_year in (
            ("甲局", {2023: 10000, 2024: 12000, 2025: 9000}),
            ("乙局", {2024: 10000, 2025: 15000}),
        )
        for y, v in by_year.items()
    ]
    csv.write_text(
        "部门,年度,数据口径,功能分类科目编码,经济分类科目编码,项目名称,支出类型,金额（元）\n" + "".join(rows),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    main(["check", str(csv), "--out", str(out), "--format", "xlsx,html,md,json"])
    console = capsys.readouterr().out
    reason = "2024年红色：2025年已达标，不再立案"
    assert f"（{reason}）" in console
    assert reason in (out / "budget-guard-report.md").read_text(encoding="utf-8")
    assert reason in (out / "budget-guard-report.html").read_text(encoding="utf-8")
    findings = json.loads((out / "budget-guard-report.json").read_text(encoding="utf-8"))["findings"]
    policies = {(f["scope"], f["year"]): f["case_policy"] for f in findings if f["category"] == "sangong"}
    assert policies[("甲局", 2024)] == {
        "opens_case": False,
        "zh": reason,
        "en": "2024 red: compliant in 2025, so no case",
    }
    assert policies[("乙局", 2025)]["opens_case"] is True
    sheet = load_workbook(out / "budget-guard-report.xlsx")["红色督办"]
    header = [c.value for c in sheet[1]]
    assert header[-1] == "督办立案"
    assert reason in [row[-1] for row in sheet.iter_rows(min_row=2, values_only=True)]
