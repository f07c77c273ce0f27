"""The cluster recipe of README "Large data" / docs/engines.md, run as written in local mode:
``spark-submit --master … "$(python -m budget_guard.spark_submit --path)" check … --engine spark``.
Under spark-submit the submit's master is used, whatever --spark-master says."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.spark, pytest.mark.slow]


def test_spark_submit_runs_the_check_with_the_submits_master(tmp_path):
    pytest.importorskip("pyspark")
    submit = shutil.which("spark-submit")
    if submit is None or shutil.which("java") is None:
        pytest.skip("needs spark-submit (pip install pyspark) and Java 17")
    pd.DataFrame(
        {
            "department": ["教育局"] * 4,
            "year": [2024, 2024, 2025, 2025],
            "func_code": ["2050101"] * 4,
            "econ_code": ["30201"] * 4,
            "amount_fen": [100_00, 200_00, 300_00, 400_00],
        }
    ).to_parquet(tmp_path / "lines.parquet", index=False)
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYSPARK_PYTHON": sys.executable}
    script = subprocess.run(
        [sys.executable, "-m", "budget_guard.spark_submit", "--path"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(script).is_file()
    run = subprocess.run(
        [submit, "--master", "local[1]", script, "check", "lines.parquet", "--engine", "spark"]
        # a master that does not exist: ignored under spark-submit, or the run could not start
        + ["--spark-master", "spark://nowhere.invalid:7077", "--out", "out", "--format", "json", "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode in (0, 1), run.stderr[-3000:]
    record = json.loads(run.stdout.strip().splitlines()[-1])
    assert record["lines"] == 4 and record["balanced"] is True
    report = json.loads((tmp_path / "out" / "budget-guard-report.json").read_text(encoding="utf-8"))
    assert report["outcome"]["lines"] == 4
