"""The sample city: every planted violation is found at its level, and nothing else is."""

from __future__ import annotations

import json
from pathlib import Path

from budget_guard import evaluate, load_rules
from budget_guard.samples.city import MANIFEST, expected_findings, sample_table, synthetic_table, write_sample

REPO = Path(__file__).resolve().parent.parent


def found(ev) -> set[tuple[str, str, int, str]]:
    return {(r.scope, r.category, int(r.year), r.level) for r in ev.findings.itertuples()}


def test_planted_violations_are_found_exactly():
    ev = evaluate(sample_table(), load_rules())
    assert found(ev) == expected_findings()


def test_every_level_is_planted_and_only_planted_findings_are_red():
    levels = {f["level"] for v in MANIFEST for f in v["findings"]}
    assert levels == {"white", "yellow", "red"}
    ev = evaluate(sample_table(), load_rules())
    red = {(r.scope, r.category, int(r.year)) for r in ev.findings.itertuples() if r.level == "red"}
    assert red == {(s, c, y) for s, c, y, lv in expected_findings() if lv == "red"}


def test_reasons_match_the_manifest():
    ev = evaluate(sample_table(), load_rules())
    reasons = {(r.scope, r.category, int(r.year)): r.reason for r in ev.findings.itertuples()}
    for violation in MANIFEST:
        for f in violation["findings"]:
            assert reasons[(f["scope"], f["category"], f["year"])] == f["reason"], violation["id"]


def test_sample_covers_five_years_and_the_policy_departments():
    t = sample_table()
    assert sorted(t.year.unique()) == [2021, 2022, 2023, 2024, 2025]
    assert {
        "财政局",
        "发展和改革局",
        "商务局",
        "工业和信息化局",
        "教育局",
        "卫生健康局",
        "人力资源和社会保障局",
        "住房和城乡建设局",
        "农业农村局",
        "经济技术开发区管委会",
    } <= set(t.department)


def test_committed_sample_data_is_what_the_generator_writes(tmp_path: Path):
    write_sample(tmp_path)
    for rel in ("csv/city_budget_2021_2025.csv", "manifest.json"):
        assert (tmp_path / rel).read_bytes() == (REPO / "sample_data" / rel).read_bytes(), rel
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert {v["id"] for v in manifest["violations"]} == {v["id"] for v in MANIFEST}


def test_synthetic_table_is_canonical_and_reproducible():
    a = synthetic_table(5_000, n_departments=20)
    b = synthetic_table(5_000, n_departments=20)
    assert len(a) == 5_000 and a.amount_fen.sum() == b.amount_fen.sum()
    assert a.department.nunique() <= 20
    ev = evaluate(a, load_rules())
    assert ev.balanced


def test_published_sample_reads_with_no_red_and_every_row_accounted():
    """The 财政局 has no planted violation; read from its published workbooks it must not get one."""
    from budget_guard import read_budget

    load = read_budget([REPO / "sample_data" / "published"])
    assert load.errors == [] and load.all_rows_accounted
    assert {s.layout for f in load.files for s in f.sheets} == {
        "published",
        "side-by-side",
        "sangong",
        "wide",
    }
    ev = evaluate(load.table, load_rules())
    assert "red" not in set(ev.findings.level) and "yellow" not in set(ev.findings.level)
    compared = ev.summary[(ev.summary.scope == "财政局") & (ev.summary.year == 2025)]
    assert set(compared.level) == {"compliant"}
