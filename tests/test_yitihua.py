"""预算管理一体化 exports: both header spellings, phases as stages, 政府经济分类 and 热点分类 selection, the sample."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from budget_guard import evaluate, load_rules, read_budget
from budget_guard.errors import RulesError
from budget_guard.model.rulebook import parse_rules, rules_to_yaml
from budget_guard.samples.yitihua import (
    YITIHUA_MANIFEST,
    expected_yitihua_findings,
    write_yitihua_sample,
    yitihua_rules,
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
    ev = evaluate(load.table, yitihua_rules())
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
    dept = evaluate(
        load.table, yitihua_rules(load_rules(REPO / "rules" / "examples" / "dept_econ_only.yaml"))
    )
    gov = evaluate(load.table, yitihua_rules(load_rules(REPO / "rules" / "examples" / "gov_econ_only.yaml")))
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
    ev = evaluate(load.table, yitihua_rules())
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
    ev = evaluate(load.table, yitihua_rules(parse_rules(text)))
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


# -- scopes 区划 → 部门 → 单位 ------------------------------------------------------------------------


def _lines(rows):
    return pd.DataFrame(
        rows,
        columns=["division", "department", "unit_name", "year", "econ_code", "gov_econ_code", "amount_fen"],
    )


def test_division_and_unit_scopes_compare_like_for_like():
    table = _lines(
        [
            ("甲区", "甲区商务局", "甲区商务局(本级)", 2023, "30217", "50206", 100_000_00),
            ("甲区", "甲区商务局", "甲区商务局(本级)", 2024, "30217", "50206", 90_000_00),
            # a second unit appears in 2024 only: no baseline of its own, not counted as an increase
            ("甲区", "甲区商务局", "甲区商务局执法大队", 2024, "30217", "50206", 50_000_00),
            # a department that only reported 2024: left out of the 区划's comparable basis
            ("甲区", "甲区教育局", "甲区教育局(本级)", 2024, "30217", "50206", 70_000_00),
        ]
    )
    ev = evaluate(table, load_rules())
    s = ev.summary[(ev.summary.category == "sangong") & (ev.summary.year == 2024)].set_index(
        ["scope_type", "scope"]
    )
    assert s.loc[("unit", "甲区商务局执法大队"), "reason"] == "no_baseline"
    assert s.loc[("unit", "甲区商务局(本级)"), "reason"] == "compliant"
    assert s.loc[("unit", "甲区商务局(本级)"), "parent"] == "甲区商务局"
    # the department grew (+40%) because a unit was added: graded as the department reported it
    assert s.loc[("department", "甲区商务局"), "level"] == "red"
    division = s.loc[("division", "甲区")]
    # one 区划 (甲区) is the government itself: 全区合计 (engine/scope_label.py)
    assert division["parent"] == "全区合计" and division["excluded_departments"] == 1
    assert int(division["basis_prev_amount_fen"]) == 100_000_00
    # it sent nothing for 2023: 不可比 (previous_year_missing), one completeness finding, never 达标
    assert s.loc[("department", "甲区教育局"), "reason"] == "previous_year_missing"
    assert s.loc[("department", "甲区教育局"), "state"] == "not_comparable"


def test_tables_without_division_or_unit_have_no_such_rows():
    from budget_guard.samples.city import sample_table

    ev = evaluate(sample_table(), load_rules())
    assert set(ev.summary.scope_type) == {"government", "department"}


def test_findings_name_their_source_rows_at_every_level(load):
    ev = evaluate(load.table, yitihua_rules())
    unit = ev.findings[(ev.findings.scope_type == "unit") & (ev.findings.category == "sangong")].iloc[0]
    behind = ev.lines_behind("unit", unit.scope, "sangong", [int(unit.year) - 1, int(unit.year)])
    assert unit.source_lines == len(behind) > 0
    assert set(behind["unit_name"].astype(str)) == {unit.scope}


# -- compare.baseline ---------------------------------------------------------------------------------


def _with_compare(**changes):
    rules = yitihua_rules()
    return rules.model_copy(update={"compare": rules.compare.model_copy(update=changes)})


def test_baseline_final_compares_this_budget_with_last_years_final_accounts(load):
    ev = evaluate(load.table, _with_compare(baseline="final"))
    assert ev.baseline_stage == "final" and set(ev.summary.baseline_stage) == {"final"}
    row = ev.summary[
        (ev.summary.scope == "东湖区财政局")
        & (ev.summary.category == "general_expenditure")
        & (ev.summary.year == 2024)
    ].iloc[0]
    lines = load.table
    mask = (lines.department == "东湖区财政局") & (lines.year == 2023) & (lines.stage == "final")
    member = ev.membership.loc[mask[mask].index, "general_expenditure"]
    assert int(row.prev_amount_fen) == int(lines.loc[member[member].index, "amount_fen"].sum())
    assert any("决算数" in text for text in ev.note_texts("zh"))
    # 2023 has no 2022 决算: not graded, never 达标
    assert not (ev.summary[ev.summary.year == 2023].level == "compliant").any()


def test_missing_baseline_stage_is_loud_and_never_compliant():
    from budget_guard.samples.city import sample_table

    ev = evaluate(sample_table(), _with_compare(baseline="adjusted"))
    assert "compliant" not in set(ev.summary.level.dropna())
    assert any("没有调整预算数" in text for text in ev.note_texts("zh"))


# -- 预算执行 --------------------------------------------------------------------------------------------


def test_planted_over_and_under_spending_is_found_exactly(load):
    from budget_guard.samples.yitihua import YITIHUA_EXECUTION_MANIFEST, expected_yitihua_execution

    ev = evaluate(load.table, yitihua_rules())
    found_execution = ev.execution_findings()
    got = {(r.scope_type, r.scope, r.category, int(r.year), r.level) for r in found_execution.itertuples()}
    assert got == expected_yitihua_execution()
    reasons = {
        (r.scope_type, r.scope, r.category, int(r.year)): r.reason for r in found_execution.itertuples()
    }
    for plant in YITIHUA_EXECUTION_MANIFEST:
        for f in plant["findings"]:
            assert reasons[(f["scope_type"], f["scope"], f["category"], f["year"])] == f["reason"], plant[
                "id"
            ]
    # 2025 is a budget year: nothing executed, so no execution row at all (not a 0 spent)
    assert 2025 not in set(ev.execution.year)


def test_execution_without_final_lines_is_no_data_not_compliant():
    table = _lines(
        [
            ("甲区", "甲局", "甲局(本级)", 2024, "30217", "50206", 100_000_00),
            ("甲区", "乙局", "乙局(本级)", 2024, "30217", "50206", 100_000_00),
        ]
    ).assign(stage="budget")
    final = table.iloc[[0]].assign(stage="final", amount_fen=120_000_00)
    ev = evaluate(pd.concat([table, final], ignore_index=True), load_rules())
    x = ev.execution[ev.execution.category == "sangong"].set_index(["scope_type", "scope"])
    assert x.loc[("department", "乙局"), "state"] == "no_data"
    assert x.loc[("department", "乙局"), "reason"] == "no_final"
    assert x.loc[("department", "甲局"), "level"] == "red"
    assert x.loc[("government", "全区合计"), "excluded_departments"] == 1
    assert x.loc[("government", "全区合计"), "final_fen"] == 120_000_00


def test_pefa_outturn_and_composition_variance(load):
    ev = evaluate(load.table, yitihua_rules())
    row = ev.pefa[(ev.pefa.scope == "东湖区卫生健康局") & (ev.pefa.year == 2023)].iloc[0]
    assert row.outturn_pct == pytest.approx(row.final_fen / row.budget_fen * 100)
    assert row.pi1_score == "D"  # 40% of its largest project unspent: outturn about 81%
    whole = ev.pefa[(ev.pefa.scope_type == "government") & (ev.pefa.year == 2024)].iloc[0]
    assert whole.pi1_score == "A" and whole.pi2_1_score == "A"


def test_execution_section_and_baseline_in_every_report(load, tmp_path: Path):
    from openpyxl import load_workbook

    from budget_guard.reports.html_report import render_html, render_markdown
    from budget_guard.reports.json_report import build_report
    from budget_guard.reports.xlsx_report import build_workbook

    ev = evaluate(load.table, _with_compare(baseline="final"))
    document = build_report(ev, load)
    assert document["baseline"]["stage"] == "final"
    assert "上年决算数" in document["baseline"]["text"]["zh"]
    found = {(f["scope"], f["category"], f["level"]) for f in document["execution"]["findings"]}
    assert ("西山区商务局", "sangong", "red") in found and (
        "东湖区卫生健康局",
        "livelihood",
        "yellow",
    ) in found
    assert document["execution"]["pefa"] and document["execution"]["against"] == "budget"

    html = render_html(ev, load)
    assert "预算执行：决算与预算对比 (7)" in html and "112.00%" in html and "上年决算数" in html
    markdown = render_markdown(ev, load)
    assert "## 预算执行：决算与预算对比 (7)" in markdown and "PEFA" in markdown
    assert "东湖区（区划合计）" in markdown

    path = tmp_path / "report.xlsx"
    path.write_bytes(build_workbook(ev, load))
    build_workbook(ev, load, "en")  # sheet names are valid in both languages
    book = load_workbook(path, read_only=True)
    sheet = book["预算执行"]
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert any("西山区商务局" in row and "红色（督办）" in " ".join(map(str, row)) for row in rows)
    overview = [row for row in book[book.sheetnames[0]].iter_rows(values_only=True) if row and row[0]]
    assert any(row[0] == "比较基数" and "上年决算数" in str(row[1]) for row in overview)
