"""The whole government's name comes from the data's own level unless the rules name it.

A county clerk signs for 全县合计, a district's for 全区合计, a city's for 全市合计; the shipped rules
set no label, so what the data say decides (engine/scope_label.py, docs/rules.md).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from budget_guard import evaluate, load_rules
from budget_guard.engine.scope_label import government_label, label_from_divisions, level_of_name
from budget_guard.model.rulebook import Text

REPO = Path(__file__).resolve().parent.parent


def _table(departments: list[str], divisions: list[str] | None = None) -> pd.DataFrame:
    """Two years of 三公经费 (30217) for each department, 10 % up: a red finding at every scope."""
    rows = []
    for i, name in enumerate(departments):
        for year, amount in ((2024, 1000_00), (2025, 1100_00)):
            row = {"department": name, "year": year, "func_code": "2010301", "econ_code": "30217"}
            row["amount_fen"] = amount
            if divisions is not None:
                row["division"] = divisions[i]
            rows.append(row)
    return pd.DataFrame(rows)


def _government(ev) -> set[str]:
    return set(ev.summary.loc[ev.summary["scope_type"] == "government", "scope"].astype(str))


def test_the_shipped_rules_leave_the_label_to_the_data():
    for path in (
        REPO / "rules" / "four_no_decrease.yaml",
        REPO / "budget_guard" / "rules" / "four_no_decrease.yaml",
    ):
        compare = yaml.safe_load(path.read_text(encoding="utf-8"))["compare"]
        assert "government_label" not in compare, path
    assert load_rules().compare.government_label is None


@pytest.mark.parametrize(
    ("departments", "label"),
    [
        (["青山县教育局", "青山县财政局", "青山县城市管理局"], "全县合计"),  # 城市 is no 市
        (["上海市普陀区财政局", "上海市普陀区规划和自然资源局"], "全区合计"),  # the most specific place
        (["苏州市教育局", "苏州市财政局"], "全市合计"),  # the 州 of 苏州 is no prefecture
        (["县教育局", "县财政局", "县市场监督管理局"], "全县合计"),  # a bare level word
        (["东湖区教育局", "东湖区经济开发区管委会"], "全区合计"),  # 开发区 is no district
        (["财政局", "教育局", "经济技术开发区管委会"], "全市合计"),  # nothing names a level
    ],
)
def test_department_names_give_the_level(departments, label):
    ev = evaluate(_table(departments), load_rules())
    assert ev.rules.compare.government_label.zh == label
    assert _government(ev) == {label}
    red = ev.findings[(ev.findings["scope_type"] == "government") & (ev.findings["category"] == "sangong")]
    assert list(red["scope"].astype(str)) == [label] and label in red["message_zh"].iloc[0]


def test_a_published_table_names_its_district():
    """A 部门决算 read from a file keeps the name of its title: 上海市普陀区财政局 → 全区合计."""
    ev = evaluate(_table(["上海市普陀区财政局"]), load_rules())
    assert ev.rules.compare.government_label.zh == "全区合计"
    assert ev.rules.compare.government_label.en == "Whole district"


@pytest.mark.parametrize(
    ("divisions", "label"),
    [
        (["东湖区"], "全区合计"),  # one 区划: the government itself
        (["南溪县"], "全县合计"),
        (["东湖区", "西山区", "南溪县"], "全市合计"),  # counties and districts: the city above them
        (["建德市", "桐庐县", "淳安县"], "全市合计"),  # a county-level city among counties
        (["杭州市", "宁波市"], "全省合计"),  # cities: the province above them
        (["杭州市本级", "上城区", "西湖区"], "全市合计"),  # the 本级 holds the others
        (["330100", "330102", "330106"], "全市合计"),  # GB/T 2260 codes under one city
        (["330100", "330200"], "全省合计"),  # two cities of one province
        (["330102 上城区", "330106 西湖区"], "全市合计"),
    ],
)
def test_divisions_name_the_government_above_them(divisions, label):
    names = [f"{d}·教育局" for d in divisions]
    ev = evaluate(_table(names, divisions), load_rules())
    assert ev.rules.compare.government_label.zh == label
    parents = ev.summary.loc[ev.summary["scope_type"] == "division", "parent"].astype(str)
    assert set(parents) == {label}  # each 区划 row sits under the named government
    if len(divisions) == 1:
        assert _government(ev) == {label}
        return
    # several 区划 are one government's only when the rules declare it: no total across them, and
    # the run names the 区划 it found
    assert _government(ev) == set()
    assert set(ev.summary.loc[ev.summary["scope_type"] == "division", "scope"].astype(str)) == set(divisions)
    (note,) = [n for n in ev.note_texts("zh") if "财政区划" in n]
    assert f"{len(divisions)}个财政区划" in note and all(d in note for d in divisions)
    declared = load_rules()
    declared = declared.model_copy(
        update={"compare": declared.compare.model_copy(update={"government_label": Text(zh=label, en="x")})}
    )
    assert _government(evaluate(_table(names, divisions), declared)) == {label}


def test_divisions_first_then_department_names():
    # departments say 东湖区, but the export's three 区划 are the city's counties and districts
    assert government_label(["东湖区教育局"], ["东湖区", "西山区", "南溪县"])[0] == "全市合计"
    # 区划 that name no level (two provinces' codes) leave it to the department names
    assert label_from_divisions(["330102", "320102"]) is None
    assert government_label(["青山县教育局"], ["330102", "320102"])[0] == "全县合计"
    assert level_of_name("青山县") is None and level_of_name("青山县", bare_place=True) == "县"


def test_the_rules_label_wins_over_the_data():
    rules = load_rules()
    named = type(rules).model_validate(
        {
            **rules.model_dump(),
            "compare": {
                **rules.compare.model_dump(),
                "government_label": {"zh": "本级合计", "en": "Own level"},
            },
        }
    )
    ev = evaluate(_table(["青山县教育局"], ["青山县"]), named)
    assert _government(ev) == {"本级合计"}


def test_a_countys_csv_reads_全县合计_in_the_cli_report(tmp_path: Path):
    csv = tmp_path / "county.csv"
    lines = ["部门,年度,数据口径,功能分类科目编码,经济分类科目编码,项目名称,金额（元）"]
    for dept in ("青山县教育局", "青山县财政局"):
        lines += [
            f"{dept},2024,预算数,2010301,30217,公务接待费,10000",
            f"{dept},2025,预算数,2010301,30217,公务接待费,12000",
        ]
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    run = subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", "check", str(csv), "--out", str(out), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert run.returncode == 1, run.stderr  # 三公经费 up: red
    assert "全县合计" in run.stdout and "全市合计" not in run.stdout
    report = (out / "budget-guard-report.json").read_text(encoding="utf-8")
    assert "全县合计" in report and "全市合计" not in report
