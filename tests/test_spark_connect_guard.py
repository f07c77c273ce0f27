"""pyspark must not end a check silently: without grpc, ``python -c`` made pandera's import of
``pyspark.sql.connect`` call ``sys.exit(0)`` (pyspark took it for its doctest run), so a Spark
check run from an embedded interpreter stopped with exit 0, no summary line and no report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

_PROGRAM = """
from budget_guard.engine.backends.spark_contract import _import_pandera_pyspark, spark_schema
_import_pandera_pyspark()
import pandera.backends.pyspark.decorators  # imported by pandera when it validates
spark_schema()
print("still running")
"""


@pytest.mark.spark
def test_pandera_pyspark_import_does_not_exit_the_process_under_python_c():
    pytest.importorskip("pyspark")
    pytest.importorskip("pandera.api.pyspark")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM], capture_output=True, text=True, env=env, timeout=300, cwd=REPO
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "still running", done.stderr[-2000:]
