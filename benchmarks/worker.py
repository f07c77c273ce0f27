"""One stage at one size in a fresh process: ``python -m benchmarks.worker '<json spec>'``.

Prints one line ``BENCH-RESULT {json}`` on stdout. Setup (reading inputs) is not timed and its
memory is excluded from the stage's peak where the platform allows (see memory.py). The timed runs
share a time limit (``timeout_s``); a stage that exceeds it is interrupted and reported as a timeout
with whatever it measured so far (the CLI stage: the phases it reached).
"""

from __future__ import annotations

import gc
import json
import resource
import signal
import sys
import time
import traceback
from pathlib import Path

from . import memory
from .data import N_DEPARTMENTS, Inputs
from .stages import CHILD_PROCESS_STAGES, STAGES, Skip, StageTimeout

MARKER = "BENCH-RESULT "


def _children_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _on_alarm(signum, frame):  # noqa: ARG001 — signal handler signature
    raise StageTimeout


def measure(spec: dict) -> dict:
    name = spec["stage"]
    inputs = Inputs(
        rows=spec["rows"],
        parquet=Path(spec["parquet"]),
        csv=Path(spec["csv"]) if spec.get("csv") else None,
        xlsx=Path(spec["xlsx"]) if spec.get("xlsx") else None,
        departments=spec.get("departments", N_DEPARTMENTS),
    )
    result: dict = {"stage": name, "rows": inputs.rows, "departments": inputs.departments, "status": "ok"}
    try:
        stage = STAGES[name](inputs)
    except Skip as exc:
        return result | {"status": "skipped", "note": str(exc)}
    result["rows"] = stage.rows  # the sample-city stages measure their own file, not this size's
    in_child = name in CHILD_PROCESS_STAGES
    gc.collect()
    before = memory.rss_mib()
    exact_peak = memory.reset_peak()
    runs: list[float] = []
    cpu: list[float] = []
    spent = 0.0
    limit = float(spec.get("timeout_s") or 0)
    signal.signal(signal.SIGALRM, _on_alarm)
    try:
        while len(runs) < spec["repeat"] and (not runs or spent < spec["budget_s"]):
            if limit:
                signal.setitimer(signal.ITIMER_REAL, max(limit - spent, 0.01))
            start, start_cpu = time.perf_counter(), _children_cpu_s() if in_child else time.process_time()
            value = stage.run()
            elapsed = time.perf_counter() - start
            used_cpu = (_children_cpu_s() if in_child else time.process_time()) - start_cpu
            signal.setitimer(signal.ITIMER_REAL, 0)
            runs.append(elapsed * stage.scale)
            cpu.append(used_cpu * stage.scale)
            spent += elapsed
            del value
            gc.collect()
    except StageTimeout:
        signal.setitimer(signal.ITIMER_REAL, 0)
        stage.cleanup()
        return result | {
            "status": "timeout",
            "timeout_s": limit,
            "note": f"> {limit:g} s" + (f" (completed runs: {runs})" if runs else ""),
            "extra": stage.partial(),
        }
    peak = memory.peak_mib()
    extra = stage.extra() if spec.get("extra", True) else {}
    stage.cleanup()
    result |= {
        "runs_s": [round(r, 4) for r in runs],
        "best_s": round(min(runs), 4),
        "cpu_s": round(min(cpu), 4),
        "note": stage.note,
        "extrapolated": stage.scale != 1.0,
        "rss_before_mib": round(before, 1) if before is not None else None,
        "peak_rss_mib": round(peak, 1),
        "peak_is_lifetime": not exact_peak,
        "extra": extra | stage.partial(),
    }
    if in_child:  # the work happened in a child: its peak is the one that counts
        result["peak_rss_mib"] = round(memory.children_peak_mib(), 1)
        result["rss_before_mib"] = None
    return result


def main(argv: list[str] | None = None) -> int:
    spec = json.loads((argv or sys.argv[1:])[0])
    try:
        result = measure(spec)
    except Exception as exc:  # report, do not hide: the runner prints the message and goes on
        result = {
            "stage": spec.get("stage"),
            "rows": spec.get("rows"),
            "departments": spec.get("departments", N_DEPARTMENTS),
            "status": "error",
            "note": f"{type(exc).__name__}: {exc}"[:500],
            "traceback": traceback.format_exc()[-4000:],
        }
    print(MARKER + json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
