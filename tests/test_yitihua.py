"""预算管理一体化 exports: both header spellings, phases as stages, 政府经济分类 and 热点分类 selection, the sample."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from budget_guard import evaluate, load_rules, read_budget
from budget_guard.errors import RulesError
from budget_guard.rulebook import parse_rules, rules_to_yaml
from budget_guard.sample_yitihua import (
    YITIHUA_MANIFEST,
    expected_yitihua_findings,
    write_yitihua_sample,
    yitihua_table,
)

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "sample_data" / "yitihua"
KEY = ["division", "unit_name", "year", "stage", "econ_code", "gov_econ_code", "project"]


def found(ev) -> set[tuple[str, str, str, int, str]]:
    return {(r.scope_type, r.scope, r.category, int(r.year), r.level) for r in ev.findings.itertuples()}


@pytest.fixture(scope="module")
def load():
    return read_budget([SAMPLE])


def test_sample_files_read_as_yitihua_with_every_row_accounted(load):
    assert load.errors == [] and load.all_rows_accounted
    assert {s.layout for f in load.files for s in f.sheets} == {"yitihua"}
    # one row gives one line per phase: budget, adjusted and (2023, 2024) final
    stages = load.table.groupby("year", observed=True)["stage"].agg(lambda s: sorted(set(s)))
    assert stages.to_dict() == {
        2023: ["adjusted", "budget", "final"],
        2024: ["adjusted", "budget", "final"],
        2025: ["adjusted", "budget"],
    }


def test_read_lines_equal_the_generated_table_to_the_fen(load):
    expected = yitihua_table()
    got = load.table.astype({c: "string" for c in KEY[:2] + KEY[3:]})
    want = expected.astype({c: "string" for c in KEY[:2] + KEY[3:]})
    a = got.groupby(KEY, dropna=False)["amount_fen"].sum()
    b = want.groupby(KEY, dropna=False)["amount_fen"].sum()
    pd.testing.assert_series_equal(a.sort_index(), b.sort_index())
    for column in (
        "department",
        "department_code",
        "hot_topic",
        "project_category",
        "expense_type",
        "fund_type",
    ):
        assert set(load.table[column].dropna().astype(str)) == set(expected[column].dropna().astype(str)), (
            column
        )


def test_empty_execution_column_is_not_read_as_zero_spending(load):
    assert not ((load.table["year"] == 2025) & (load.table["stage"] == "final")).any()
    ignored = [p for p in load.problems if p.code == "column-ignored" and "2025" in (p.file or "")]
    assert [p.details["value"] for p in ignored] == ["支出数（元）"]


def test_department_from_unit_code_prefix_and_first_unit_name(load):
    units = load.table.drop_duplicates("unit_name")[
        ["unit_name", "unit_code", "department", "department_code"]
    ]
    row = units[units["unit_name"] == "东湖区商务局综合执法大队"].iloc[0]
    assert row["department"] == "东湖区商务局" and row["department_code"] == "990101103"


def test_planted_deviations_are_found_exactly(load):
    ev = evaluate(load.table, load_rules())
    assert found(ev) == expected_yitihua_findings()
    reasons = {(r.scope_type, r.scope, r.category, int(r.year)): r.reason for r in ev.findings.itertuples()}
    for violation in YITIHUA_MANIFEST:
        for f in violation["findings"]:
            assert reasons[(f["scope_type"], f["scope"], f["category"], f["year"])] == f["reason"], violation[
                "id"
            ]


def test_committed_sample_is_what_the_generator_writes(tmp_path: Path):
    write_yitihua_sample(tmp_path)
    for name in ("yitihua_2023.csv", "manifest.json"):
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), name
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert {v["id"] for v in manifest["violations"]} == {v["id"] for v in YITIHUA_MANIFEST}


def test_gov_only_and_dept_only_rules_give_the_same_findings(load):
    dept = evaluate(load.table, load_rules(REPO / "rules" / "examples" / "dept_econ_only.yaml"))
    gov = evaluate(load.table, load_rules(REPO / "rules" / "examples" / "gov_econ_only.yaml"))
    cols = ["scope_type", "scope", "category", "year", "level", "reason", "amount_fen", "prev_amount_fen"]
    assert len(dept.findings) >= 3
    pd.testing.assert_frame_equal(dept.findings[cols], gov.findings[cols])
    pd.testing.assert_frame_equal(
        dept.summary[cols].reset_index(drop=True), gov.summary[cols].reset_index(drop=True)
    )


def test_a_line_with_both_codes_counts_once():
    table = pd.DataFrame(
        {
            "department": ["甲局", "甲局"],
            "year": [2024, 2024],
            "econ_code": ["30217", None],
            "gov_econ_code": ["50206", "50206"],
            "amount_fen": [100_00, 50_00],
        }
    )
    ev = evaluate(table, load_rules())
    sangong = ev.summary[(ev.summary.category == "sangong") & (ev.summary.scope_type == "department")]
    assert int(sangong["amount_fen"].iloc[0]) == 150_00
    assert ev.balanced


def test_gov_econ_code_out_of_range_is_rejected_with_its_place(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text(
        "AGENCY_CODE,AGENCY_NAME,FISCAL_YEAR,EXP_FUNC_CODE,GOV_BGT_ECO_CODE,REPLY_AMT\n"
        "101001,甲局,2024,2010601,30217,100\n"
        "101001,甲局,2024,2010601,50206,100\n",
        encoding="utf-8",
    )
    load = read_budget([path])
    bad = [p for p in load.problems if p.code == "code-malformed"]
    assert [(p.row, p.column) for p in bad] == [(2, "GOV_BGT_ECO_CODE")]
    assert load.table["gov_econ_code"].astype(str).tolist() == ["50206"]


def test_a_project_is_tagged_by_its_hot_topic_alone(load):
    ev = evaluate(load.table, load_rules())
    pilot = ev.lines[ev.lines["project"] == "“县管校聘”管理试点"]
    assert len(pilot) and (ev.membership.loc[pilot.index, "deepen_reform"]).all()
    without_tags = load_rules().model_copy(update={"data_tags": []})
    ev2 = evaluate(load.table, without_tags)
    assert not ev2.membership.loc[pilot.index, "deepen_reform"].any()


def test_data_tags_by_code_map_a_bureaus_own_taxonomy(load):
    text = (REPO / "rules" / "four_no_decrease.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  - {tag: 招商引资, column: hot_topic, keywords: [招商]}",
        '  - {tag: 招商引资, column: hot_topic, codes: ["0201"]}',
    )
    ev = evaluate(load.table, parse_rules(text))
    assert found(ev) == expected_yitihua_findings()


def test_data_tag_errors_name_the_line():
    text = (REPO / "rules" / "four_no_decrease.yaml").read_text(encoding="utf-8")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "{tag: 招商引资" in t)
    bad = text.replace("{tag: 招商引资, column: hot_topic,", "{tag: 招商引资, column: topic,")
    with pytest.raises(RulesError) as err:
        parse_rules(bad)
    assert err.value.problems[0][0].line == line
    bad = text.replace('econ_codes: ["30212", "30217", "30231", "31013"]', 'gov_econ_codes: ["30212"]')
    with pytest.raises(RulesError):
        parse_rules(bad)


def test_rules_with_new_keys_round_trip():
    rules = load_rules()
    again = parse_rules(rules_to_yaml(rules))
    assert again.data_tags == rules.data_tags and again.categories == rules.categories
