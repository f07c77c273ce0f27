"""docs/cli.md stays true: every JSON key and exit code documented, the cron line and systemd units work."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from budget_guard import evaluate, load_rules
from budget_guard.ingest.load_result import LoadResult
from budget_guard.reports.json_report import build_report
from budget_guard.runs import exit_codes
from budget_guard.samples.city import write_sample

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
INSTALLED = "/opt/budget-guard/bin/budget-guard"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.S)


def test_every_top_level_json_key_is_documented():
    table = pd.DataFrame(
        {
            "department": ["财政局"] * 2,
            "year": [2024, 2025],
            "econ_code": ["30217"] * 2,
            "amount_fen": [100, 90],
        }
    )
    document = build_report(evaluate(table, load_rules()), LoadResult())
    missing = [key for key in document if f"`{key}`" not in DOC]
    assert missing == []
    assert f'`schema_version` "{document["schema_version"]}"' in DOC


def test_every_exit_code_is_documented():
    codes = [
        exit_codes.EXIT_OK,
        exit_codes.EXIT_FINDINGS,
        exit_codes.EXIT_INPUT,
        exit_codes.EXIT_LOCKED,
        exit_codes.EXIT_INTERNAL,
        exit_codes.EXIT_INTERRUPTED,
        exit_codes.EXIT_TERMINATED,
    ]
    assert all(f"\n| {code} |" in DOC for code in codes)


@pytest.mark.slow
def test_the_cron_line_runs_as_written(tmp_path):
    (line,) = [ln for block in _blocks("cron") for ln in block.splitlines() if ln.strip()]
    fields = line.split(None, 5)
    assert len(fields) == 6 and fields[5].startswith(INSTALLED)
    # Same command, with the install and data paths moved into the test's folder.
    write_sample(tmp_path / "sample")
    srv = tmp_path / "srv"
    (srv / "inbox").mkdir(parents=True)
    shutil.copy(tmp_path / "sample" / "csv" / "city_budget_2021_2025.csv", srv / "inbox")
    settled = time.time() - 3600  # dropped an hour ago: past the settle interval a real run waits for
    os.utime(srv / "inbox" / "city_budget_2021_2025.csv", (settled, settled))
    command = (
        fields[5]
        .replace("/srv/budget-guard", str(srv))
        .replace(INSTALLED, f"{shlex.quote(sys.executable)} -m budget_guard.cli")
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}  # cron's bare environment
    first = subprocess.run(["sh", "-c", command], env=env, cwd=tmp_path, timeout=300)
    second = subprocess.run(["sh", "-c", command], env=env, cwd=tmp_path, timeout=300)
    assert (first.returncode, second.returncode) == (1, 0)  # red findings, then nothing new
    log = (srv / "batch.log").read_text(encoding="utf-8")
    assert "Traceback" not in log and log.count("\n") >= 3
    assert (srv / "reports" / "budget-guard-ledger.sqlite").is_file()
    assert sorted(p.name for p in (srv / "reports").iterdir() if p.is_dir())[0].startswith(
        "city_budget_2021_2025-"
    )


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_systemd_units_verify(tmp_path):
    service, timer = _blocks("ini")
    assert "ExecStart=" + INSTALLED in service and "OnCalendar=" in timer
    # verify checks that ExecStart's program exists; point it at one that does.
    program = tmp_path / "budget-guard"
    program.write_text("#!/bin/sh\n", encoding="utf-8")
    program.chmod(0o755)
    (tmp_path / "budget-guard.service").write_text(service.replace(INSTALLED, str(program)), encoding="utf-8")
    (tmp_path / "budget-guard.timer").write_text(timer, encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", "budget-guard.service", "budget-guard.timer"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    assert result.returncode == 0, result.stderr
    assert "budget-guard.service" not in result.stderr and "budget-guard.timer" not in result.stderr
    calendar = subprocess.run(["systemd-analyze", "calendar", "*:0/30"], capture_output=True, text=True)
    assert calendar.returncode == 0
