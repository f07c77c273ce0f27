"""Benchmark of the engines at scale: ``python -m benchmarks.scale --sizes 1m,10m,100m``.

For each size a generated table with every selector kind (``scale_data.py``) is written once to
Parquet in chunks (cached in --data-dir), then each engine runs the whole check in its own process
(``budget-guard check FILE --engine E --format json``: read, classify, sum, grade, findings with
sources, unclassified list, reports) and reports wall time and peak memory (RSS of the process;
for Spark the JVM's too). pandas runs the same evaluation in memory as the reference.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .data import parse_size, size_label
from .scale_data import write_scale_parquet

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "benchmarks" / "results" / "scale.json"
ENGINES = ("pandas", "duckdb", "spark")
SPARK_MAX = 10_000_000  # local Spark on 2 cores: 10M is the size
PANDAS_MAX = 10_000_000


def dataset(rows: int, data_dir: Path) -> Path:
    path = data_dir / f"scale-{size_label(rows)}.parquet"
    if not path.exists():
        start = time.perf_counter()
        write_scale_parquet(path.with_suffix(".tmp"), rows)
        path.with_suffix(".tmp").rename(path)
        print(f"  wrote {path} in {time.perf_counter() - start:.0f} s", flush=True)
    return path


_CHILD = """
import json, resource, sys, time, tempfile
engine, path = sys.argv[1], sys.argv[2]
start = time.perf_counter()
if engine == "pandas":
    import pandas as pd
    from budget_guard import evaluate, load_rules
    ev = evaluate(pd.read_parquet(path), load_rules())
    code, lines, findings = 0, ev.line_count, len(ev.findings)
else:
    from budget_guard.cli import main
    out = tempfile.mkdtemp()
    args = ["check", path, "--engine", engine, "--format", "json", "--out", out, "--json", "--fail-on", "none"]
    if engine == "spark":
        args += ["--spark-master", "local[2]"]
    code = main(args)
    report = json.load(open(out + "/budget-guard-report.json", encoding="utf-8"))
    lines, findings = report["outcome"]["lines"], report["outcome"]["findings"]
wall = time.perf_counter() - start
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
# Spark's JVM is still running here (it stops at exit), so rusage has not seen it: its peak (VmHWM)
import glob, os
for stat in glob.glob("/proc/[0-9]*/stat"):
    try:
        if int(open(stat).read().rsplit(")", 1)[1].split()[1]) != os.getpid():
            continue
        for row in open(stat[:-4] + "status"):
            if row.startswith("VmHWM:"):
                children = max(children, int(row.split()[1]) / 1024)
    except (OSError, ValueError, IndexError):
        pass
print(json.dumps({"exit": code, "wall_s": round(wall, 1), "peak_mib": round(own), "child_peak_mib": round(children),
                  "lines": lines, "findings": findings}))
"""


def run_engine(engine: str, path: Path, timeout: float) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, engine, str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "timeout_s": timeout}
    if done.returncode != 0 or not done.stdout.strip():
        return {"status": "error", "stderr": done.stderr[-2000:]}
    return {"status": "ok", **json.loads(done.stdout.strip().splitlines()[-1])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m,10m")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "budget-guard-scale")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for rows in [parse_size(s) for s in args.sizes.split(",")]:
        print(f"{size_label(rows)}:", flush=True)
        path = dataset(rows, args.data_dir)
        for engine in args.engines.split(","):
            if (engine == "spark" and rows > SPARK_MAX) or (engine == "pandas" and rows > PANDAS_MAX):
                continue
            result = {"engine": engine, "rows": rows, **run_engine(engine, path, args.timeout)}
            if result.get("wall_s"):
                result["s_per_10m"] = round(result["wall_s"] * 10_000_000 / rows, 1)
            print("  " + json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
    document = {
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
            "python": platform.python_version(),
            "note": "shared by eight engineers at the time of the run (load average above the core count)",
            "load_average": os.getloadavg(),
        },
        "generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "results": results,
    }
    if args.out.exists():
        old = json.loads(args.out.read_text(encoding="utf-8"))
        keep = [
            r
            for r in old.get("results", [])
            if (r["engine"], r["rows"]) not in {(x["engine"], x["rows"]) for x in results}
        ]
        document["results"] = keep + results
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
