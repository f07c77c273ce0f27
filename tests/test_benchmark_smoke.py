"""The benchmark script still runs: every stage at 10k lines, one run each, no timing assertions.

Timings belong in the benchmark output (docs/performance.md), not in unit tests on a shared machine;
this only keeps ``python -m benchmarks.run`` from rotting as the stages it drives change.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks import run
from benchmarks.baseline import classify_rows
from benchmarks.stages import STAGES
from budget_guard import load_rules
from budget_guard.engine.classify import classify
from budget_guard.model.table import conform
from budget_guard.samples.city import sample_table


def test_baseline_classifier_agrees_with_the_engine():
    table = conform(sample_table())
    rules = load_rules()
    assert (classify_rows(table, rules).to_numpy() == classify(table, rules).to_numpy()).all()


@pytest.mark.slow
def test_quick_benchmark_run_measures_every_stage(tmp_path: Path, capsys):
    out = tmp_path / "results.json"
    args = ["--sizes", "10k", "--quick", "--timeout", "240"]
    code = run.main([*args, "--data-dir", str(tmp_path / "data"), "--out", str(out)])
    printed = capsys.readouterr().out
    document = json.loads(out.read_text(encoding="utf-8"))
    statuses = {r["stage"]: r["status"] for r in document["results"]}
    problems = {r["stage"]: r.get("note") for r in document["results"] if r["status"] != "ok"}
    assert code == 0, problems
    only_at_100k = {"dashboard_upload"}  # the upload target is at 100k lines
    assert statuses == {stage: "skipped" if stage in only_at_100k else "ok" for stage in STAGES}, problems
    on_the_sample = {"floor_sample", "check_sample", "dashboard_sample"}  # the 1,534-line sample city
    for result in document["results"]:
        if result["status"] == "skipped":
            continue
        if result["stage"] == "read_pdf":  # a 30-page PDF: rows are its pages
            assert result["rows"] == 30  # --quick records no breakdown (the pages are in it otherwise)
            continue
        assert result["rows"] == (1534 if result["stage"] in on_the_sample else 10_000)
        assert result["best_s"] > 0 and result["peak_rss_mib"] > 0
    baseline = next(r for r in document["results"] if r["stage"] == "baseline")
    assert baseline["extrapolated"] is False  # 10k lines fit in the sample: nothing to extrapolate
    assert {t["target"] for t in document["targets"]} and document["machine"]["cores"] >= 1
    assert "rows/s" in printed and "Targets" in printed


def test_the_benchmark_measures_a_stage_against_its_floor_in_seconds(tmp_path: Path, capsys):
    """The quick loop's guard of the benchmark: two stages (the floor and the engine) at 10k lines, each in
    its own process as every stage runs; the full sweep of every stage is the slow test above."""
    out = tmp_path / "results.json"
    args = ["--sizes", "10k", "--quick", "--stages", "floor,evaluate", "--timeout", "120"]
    code = run.main([*args, "--data-dir", str(tmp_path / "data"), "--out", str(out)])
    document = json.loads(out.read_text(encoding="utf-8"))
    results = {r["stage"]: r for r in document["results"]}
    assert code == 0 and set(results) == {"floor", "evaluate"}
    assert all(r["status"] == "ok" and r["rows"] == 10_000 and r["best_s"] > 0 for r in results.values())
    assert "Targets" in capsys.readouterr().out
