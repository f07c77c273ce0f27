"""Great Expectations: the data contract and the guardrails as suites, one checkpoint run shared by all tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from budget_guard import evaluate, load_rules
from budget_guard.reports.expectations import CONTRACT_SUITE, GUARDRAIL_SUITE, run_expectations
from budget_guard.samples.city import sample_table

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ge_run(tmp_path_factory):
    """The sample city plus three bad lines: a malformed economic code, a line entered twice, a negative amount."""
    table = sample_table()
    extra = table.iloc[[0, 1, 2]].copy()
    for col in ("econ_code", "item"):
        extra[col] = extra[col].astype(object)
    extra.iloc[0, extra.columns.get_loc("econ_code")] = "30A17"
    extra.iloc[2, extra.columns.get_loc("amount_fen")] = -500
    table = pd.concat([table.astype({"econ_code": object, "item": object}), extra], ignore_index=True)
    evaluation = evaluate(table, load_rules())
    out = tmp_path_factory.mktemp("ge")
    return out, run_expectations(evaluation, out)


def _suite(outcome, name):
    return next(s for s in outcome.suites if s.name == name)


@pytest.mark.slow
def test_checkpoint_runs_both_suites(ge_run):
    _, outcome = ge_run
    assert {s.name for s in outcome.suites} == {CONTRACT_SUITE, GUARDRAIL_SUITE}
    stats = outcome.statistics
    assert (
        stats["evaluated_expectations"]
        == stats["successful_expectations"] + stats["unsuccessful_expectations"]
    )
    assert outcome.success is False


@pytest.mark.slow
def test_contract_catches_bad_codes_and_warns_on_duplicates(ge_run):
    _, outcome = ge_run
    failed = {(f["type"], f["column"]): f for f in _suite(outcome, CONTRACT_SUITE).failed}
    regex = failed[("expect_column_values_to_match_regex", "econ_code")]
    assert regex["severity"] == "critical" and regex["unexpected_count"] == 1
    duplicates = failed[("expect_column_sum_to_be_between", "duplicate_lines")]
    assert duplicates["severity"] == "warning"
    # one negative amount among 1,500 lines is within the 1 % allowed: not a failure
    assert ("expect_column_sum_to_be_between", "negative_lines") not in failed


@pytest.mark.slow
def test_contract_runs_on_the_line_profile_not_on_every_line(ge_run):
    """A profile row per department × year × stage × codes × expense type: its lines add up to the table."""
    from budget_guard.reports.expectations import contract_frame

    table = sample_table().astype({"item": object})
    single = contract_frame(evaluate(table, load_rules()))
    # three times the lines with the same codes (other item names): three times the lines, same profile
    copies = [table.assign(item=table["item"] + suffix) for suffix in ("", "（一）", "（二）")]
    copies.append(table.iloc[[5]])  # and one line entered twice
    lines = pd.concat(copies, ignore_index=True)
    profile = contract_frame(evaluate(lines, load_rules()))
    assert int(profile["lines"].sum()) == len(lines) == 3 * len(table) + 1
    assert len(profile) == len(single)
    assert int(profile["duplicate_lines"].sum()) == 2  # the line and its copy
    assert int(profile["negative_lines"].sum()) == int((lines["amount_fen"] < 0).sum())


@pytest.mark.slow
def test_guardrails_come_from_the_rules_file(ge_run):
    _, outcome = ge_run
    failed = _suite(outcome, GUARDRAIL_SUITE).failed
    missed = {(f["meta"]["category"], f["meta"]["year"]) for f in failed}
    assert ("sangong", 2024) in missed  # planted: 商务局 raised 三公经费 20% in 2024
    assert ("livelihood", 2023) in missed  # planted: 教育局 cut 改善民生 in 2023
    sangong = next(
        f for f in failed if f["meta"] == {"category": "sangong", "year": 2024, "group": "tight_budget"}
    )
    assert sangong["kwargs"]["max_value"] == 0 and "min_value" not in sangong["kwargs"]


@pytest.mark.slow
def test_data_docs_are_built_into_out(ge_run):
    out, outcome = ge_run
    assert outcome.data_docs_index == "data_docs/index.html"
    index = out / outcome.data_docs_index
    assert index.is_file()
    pages = list((out / "data_docs" / "validations").rglob("*.html"))
    assert len(pages) == 2
    assert [p.name for p in out.iterdir()] == ["data_docs"]  # no temp folder left behind


@pytest.mark.slow
def test_outcome_is_strict_json(ge_run):
    _, outcome = ge_run
    record = json.loads(json.dumps(outcome.as_record(), allow_nan=False))
    assert record["critical_failures"] >= 3
    assert record["gx_version"].startswith("1.")


@pytest.mark.slow
def test_analytics_are_off(ge_run):
    assert os.environ["GX_ANALYTICS_ENABLED"] == "false"


@pytest.mark.slow
def test_importing_the_package_does_not_import_great_expectations():
    code = "import sys, budget_guard, budget_guard.cli, budget_guard.runs.batch; print('great_expectations' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.strip() == "False"
