"""The measured stages. Each is ``setup(inputs) -> Stage``: setup is not timed, ``Stage.run`` is.

A stage runs in its own worker process (``benchmarks.worker``) so that its peak memory is its own
and one stage's caches or garbage do not flatter or burden the next.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .data import Inputs

REPO = Path(__file__).resolve().parent.parent
AMOUNT_HEADER = "金额（元）"
DEPARTMENT_HEADER = "部门"
YEAR_HEADER = "年度"
BASELINE_SAMPLE = 20_000


@dataclass
class Stage:
    """What a worker times: ``run`` (repeated), ``extra`` (once, after the runs) and facts for the table."""

    run: Callable[[], Any]
    rows: int
    note: str = ""
    extra: Callable[[], dict[str, Any]] = field(default=lambda: {})
    scale: float = 1.0  # the measured time × scale is reported (extrapolation from a sample)
    cleanup: Callable[[], None] = field(default=lambda: None)
    partial: Callable[[], dict[str, Any]] = field(default=lambda: {})  # facts kept even on a timeout


class StageTimeout(BaseException):
    """The stage's runs took longer than the worker's time limit.

    A BaseException, so that libraries which catch ``Exception`` around user code (Great
    Expectations does, per expectation) cannot swallow it.
    """


def env() -> dict[str, str]:
    """The environment for child processes: the repository importable, no user site surprises."""
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), out.get("PYTHONPATH", "")) if p)
    return out


def _canonical(inputs: Inputs) -> pd.DataFrame:
    return pd.read_parquet(inputs.parquet)


def _rules():
    from budget_guard import load_rules

    return load_rules()


# -- reference points -----------------------------------------------------------------------------


def _need_csv(inputs: Inputs) -> None:
    if inputs.csv is None:
        raise Skip("no CSV at this size (--csv-max)")


def floor(inputs: Inputs) -> Stage:
    """Just read the CSV with pandas and do one groupby-sum: nothing can be much faster than this."""
    _need_csv(inputs)

    def run() -> pd.Series:
        frame = pd.read_csv(inputs.csv)
        return frame.groupby(DEPARTMENT_HEADER)[AMOUNT_HEADER].sum()

    return Stage(run, inputs.rows, "pd.read_csv + one groupby-sum")


FLOOR_SCRIPT = (
    "import sys, pandas as pd; "
    f"pd.read_csv(sys.argv[1]).groupby({DEPARTMENT_HEADER!r})[{AMOUNT_HEADER!r}].sum()"
)


def floor_process(inputs: Inputs) -> Stage:
    """The floor as a fresh process (interpreter + pandas import included), to compare with the CLI."""
    _need_csv(inputs)

    def run() -> None:
        subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, str(inputs.csv)], check=True, env=env())

    return Stage(run, inputs.rows, "the floor as a new python process (wall)")


ARROW_FLOOR_SCRIPT = (
    "import sys, pandas as pd; "
    f"pd.read_csv(sys.argv[1], engine='pyarrow').groupby([{DEPARTMENT_HEADER!r}, {YEAR_HEADER!r}])"
    f"[{AMOUNT_HEADER!r}].sum()"
)


def floor_arrow(inputs: Inputs) -> Stage:
    """The floor of issue #26 as a fresh process: pandas reads the CSV with its pyarrow engine and
    sums by department × year (the reference of the province-shape targets)."""
    _need_csv(inputs)

    def run() -> None:
        subprocess.run([sys.executable, "-c", ARROW_FLOOR_SCRIPT, str(inputs.csv)], check=True, env=env())

    return Stage(run, inputs.rows, "pd.read_csv(engine='pyarrow') + sum by department × year, new process")


def _startup(arguments: list[str], note: str) -> Callable[[Inputs], Stage]:
    """A command that reads no budget table, as a new process (its time is the start-up cost)."""

    def setup(inputs: Inputs) -> Stage:
        command = [sys.executable, "-m", "budget_guard.cli", *arguments]

        def run() -> None:
            subprocess.run(command, check=True, env=env(), stdout=subprocess.DEVNULL)

        return Stage(run, inputs.rows, note + " (independent of the input)")

    return setup


def startup_python(inputs: Inputs) -> Stage:
    """``python -c pass``: the interpreter's own start, the floor of any command's start-up."""

    def run() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True, env=env())

    return Stage(run, inputs.rows, "python -c pass, new process (the floor of a command's start)")


startup_help = _startup(["--help"], "budget-guard --help, new process")
startup_rules_check = _startup(
    ["rules", "check", str(REPO / "rules" / "four_no_decrease.yaml")], "budget-guard rules check, new process"
)


def baseline(inputs: Inputs) -> Stage:
    """Per-row Python loop over the rules (benchmarks/baseline.py) on a sample, scaled to all rows."""
    from budget_guard.engine.classify import classify

    from .baseline import classify_rows

    table = _canonical(inputs)
    rules = _rules()
    k = min(len(table), BASELINE_SAMPLE)
    positions = np.sort(np.random.default_rng(0).choice(len(table), size=k, replace=False))
    sample = table.iloc[positions]

    def extra() -> dict[str, Any]:
        engine = classify(table, rules).iloc[positions]
        same = bool((classify_rows(sample, rules).to_numpy() == engine.to_numpy()).all())
        return {"sample_rows": k, "agrees_with_engine": same}

    note = "per-row Python loop" + (f"; timed on {k:,} rows, ×{len(table) / k:.0f}" if k < len(table) else "")
    return Stage(lambda: classify_rows(sample, rules), len(table), note, extra, scale=len(table) / k)


# -- reading --------------------------------------------------------------------------------------


def _read_budget(path: Path, rows: int) -> Stage:
    from budget_guard.ingest import read_budget

    def run():
        load = read_budget(path)
        if len(load.table) != rows:
            raise AssertionError(f"read {len(load.table)} lines, expected {rows}")
        return load

    return Stage(run, rows, "ingest.read_budget")


def read_csv(inputs: Inputs) -> Stage:
    _need_csv(inputs)
    return _read_budget(inputs.csv, inputs.rows)


def read_xlsx(inputs: Inputs) -> Stage:
    if inputs.xlsx is None:
        raise Skip("no XLSX at this size (--xlsx-max)")
    return _read_budget(inputs.xlsx, inputs.rows)


def read_parquet(inputs: Inputs) -> Stage:
    from budget_guard.model.table import conform

    return Stage(lambda: conform(pd.read_parquet(inputs.parquet)), inputs.rows, "pd.read_parquet + conform")


def validate(inputs: Inputs) -> Stage:
    from budget_guard.model.table import validate as validate_table

    table = _canonical(inputs)
    return Stage(lambda: validate_table(table), inputs.rows, "pandera SCHEMA, lazy")


# -- the engine -----------------------------------------------------------------------------------


def evaluate(inputs: Inputs) -> Stage:
    from budget_guard import evaluate as evaluate_table

    table = _canonical(inputs)
    rules = _rules()

    def extra() -> dict[str, Any]:
        ev = evaluate_table(table, rules)
        levels = ev.findings["level"].value_counts().to_dict() if len(ev.findings) else {}
        return {
            "findings": int(len(ev.findings)),
            "levels": {str(k): int(v) for k, v in levels.items()},
            "summary_rows": int(len(ev.summary)),
            "unclassified_lines": int(len(ev.unclassified)),
            "balanced": ev.balanced,
            "steps_s": _evaluate_steps(table, rules),
        }

    return Stage(
        lambda: evaluate_table(table, rules),
        inputs.rows,
        "default rules",
        extra,
    )


def _evaluate_steps(table: pd.DataFrame, rules, repeat: int = 3) -> dict[str, float]:
    """Best-of times of the steps ``evaluate`` composes (a breakdown, not a second measurement)."""
    from budget_guard.engine.backends.pandas_backend import line_summary
    from budget_guard.engine.classify import classify_distinct
    from budget_guard.engine.evaluate import compare_years
    from budget_guard.engine.execution import pefa, pefa_sums
    from budget_guard.engine.findings import build_findings
    from budget_guard.engine.grade import grade
    from budget_guard.engine.lineage import SourceIndex
    from budget_guard.engine.reconcile import reconcile
    from budget_guard.engine.scope_label import with_government_label

    stage = rules.compare.stage
    times: dict[str, float] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        best, value = float("inf"), None
        for _ in range(repeat):
            start = time.perf_counter()
            value = fn()
            best = min(best, time.perf_counter() - start)
        times[name] = round(best, 4)
        return value

    timed("classify (distinct combinations)", lambda: classify_distinct(table, rules))
    half = timed("line_half (classify + group sums)", lambda: line_summary(table, rules))
    lines = table.assign(categories=half.labels.to_numpy(), category_count=half.category_count)
    seam = half.summary
    rules = with_government_label(rules, seam.cells.get("department", []), seam.cells.get("division", []))
    summary = timed("compare+grade", lambda: grade(compare_years(seam, rules, stage), rules))
    timed(
        "findings (with source rows)",
        lambda: build_findings(summary, rules, SourceIndex(lines, half.membership, stage)),
    )
    timed("unclassified list", lambda: lines.loc[half.category_count == 0])
    timed("reconcile", lambda: reconcile(seam))
    timed("pefa", lambda: pefa(pefa_sums(lines), rules))
    return times


def dashboard_filter(inputs: Inputs) -> Stage:
    """A filter change on the dashboard: the cached evaluation is re-sliced, nothing is recomputed."""
    from budget_guard import evaluate as evaluate_table

    ev = evaluate_table(_canonical(inputs), _rules())
    run, note = _dashboard_run(ev)
    return Stage(run, inputs.rows, note)


def _dashboard_run(ev) -> tuple[Callable[[], Any], str]:
    departments = sorted(set(ev.summary.loc[ev.summary["scope_type"] == "department", "scope"]))
    year = int(ev.summary["year"].max())
    department = departments[len(departments) // 2] if departments else None
    try:
        from budget_guard.dashboard import views
    except ImportError:
        views = None
    if views is not None and hasattr(views, "filter_findings") and hasattr(views, "FindingFilter"):
        return _dashboard_views_run(ev, views, department, year)
    return _pandas_filter_run(ev, department, year), "pandas filter on a cached Evaluation (no dashboard)"


def _pandas_filter_run(ev, department: str | None, year: int) -> Callable[[], Any]:
    from budget_guard.model.table import DEPARTMENT, YEAR

    def run():
        summary = ev.summary[(ev.summary["scope"] == department) & (ev.summary["year"] == year)]
        findings = ev.findings[(ev.findings["scope"] == department) & (ev.findings["year"] == year)]
        lines = ev.lines[
            (ev.lines[DEPARTMENT] == department).to_numpy() & (ev.lines[YEAR] == year).to_numpy()
        ]
        return summary, findings, lines

    return run


def _dashboard_views_run(ev, views, department: str | None, year: int) -> tuple[Callable[[], Any], str]:
    """What the page recomputes when the analyst picks another department and year: the dashboard's
    own view functions on a cached evaluation and findings table (no read, no evaluate)."""
    import inspect

    lang = "zh"
    findings = views.findings_table(ev, lang)
    fields = set(inspect.signature(views.FindingFilter).parameters)
    wanted = {"scopes": (department,), "years": (year,)}
    chosen = views.FindingFilter(**{k: v for k, v in wanted.items() if k in fields})
    scope = next((s for s in views.scope_options(ev) if s[1] == department), views.government_scope(ev))
    category = ev.rules.categories[0].id
    steps: list[Callable[[], Any]] = [lambda: views.filter_findings(findings, chosen)]
    optional = {
        "matrix_cells": lambda: views.matrix_cells(ev, scope, lang),
        "trend_points": lambda: views.trend_points(ev, scope, lang),
        "department_table": lambda: views.department_table(ev, year, lang),
        "group_headlines": lambda: views.group_headlines(ev, lang),
        "source_lines": lambda: views.source_lines(ev, scope, category, year, lang),
    }
    used = [name for name in optional if hasattr(views, name)]
    steps += [optional[name] for name in used]

    def run():
        return [step() for step in steps]

    return run, "dashboard views from a cached Evaluation: filter_findings, " + ", ".join(used)


# -- reports --------------------------------------------------------------------------------------


def _report(inputs: Inputs, formats: list[str], note: str) -> Stage:
    from budget_guard import evaluate as evaluate_table
    from budget_guard.ingest.load_result import LoadResult
    from budget_guard.reports import write_reports

    table = _canonical(inputs)
    ev = evaluate_table(table, _rules())
    load = LoadResult(table=table)
    folder = tempfile.TemporaryDirectory(prefix="bg-bench-report-")
    written: dict[str, Path] = {}

    def run():
        written.update(write_reports(ev, load, folder.name, formats))

    def extra() -> dict[str, Any]:
        return {"bytes": {k: Path(v).stat().st_size for k, v in written.items() if Path(v).is_file()}}

    return Stage(run, inputs.rows, note, extra, cleanup=folder.cleanup)


def report_json(inputs: Inputs) -> Stage:
    return _report(inputs, ["json"], "write_reports json")


def report_xlsx(inputs: Inputs) -> Stage:
    return _report(inputs, ["xlsx"], "write_reports xlsx (督办单)")


def great_expectations(inputs: Inputs) -> Stage:
    from budget_guard import evaluate as evaluate_table
    from budget_guard.reports.expectations import run_expectations

    ev = evaluate_table(_canonical(inputs), _rules())
    start = time.perf_counter()
    import great_expectations  # noqa: F401  (import cost reported apart: it is paid once per process)

    import_s = time.perf_counter() - start
    folder = tempfile.TemporaryDirectory(prefix="bg-bench-ge-")
    return Stage(
        lambda: run_expectations(ev, Path(folder.name)),
        inputs.rows,
        f"checkpoint + Data Docs; GE import {import_s:.1f} s apart",
        lambda: {"import_s": round(import_s, 2)},
        cleanup=folder.cleanup,
    )


# -- end to end -----------------------------------------------------------------------------------


# progress event of the CLI → the phase that starts with it
CLI_PHASES = {
    "read_start": "read",
    "read_done": "evaluate",
    "evaluate": "evaluate",
    "ge": "ge",
    "write": "write",
}


SAMPLE_CSV = REPO / "sample_data" / "csv" / "city_budget_2021_2025.csv"
SAMPLE_ROWS = 1534
SAMPLE_AT_MOST = 10_000  # the sample-city stages run once per benchmark run, at its smallest size


def _cli_stage(csv: Path, rows: int, options: list[str], note: str) -> Stage:
    """``budget-guard check FILE …`` as a user runs it: a new process.

    The CLI's JSON-lines progress on stderr is timestamped, so the result says how long the process
    took to start, read, evaluate and write, even when it is stopped at the time limit. ``extra``
    reports the bytes of every file the run wrote (the report size target).
    """
    folder = tempfile.TemporaryDirectory(prefix="bg-bench-cli-")
    command = [sys.executable, "-m", "budget_guard.cli", "check", str(csv), *options]
    command += ["--out", folder.name, "--fail-on", "none", "--progress", "jsonl"]
    runs: list[dict[str, Any]] = []

    def run() -> None:
        phases: dict[str, Any] = {}
        runs.append(phases)
        current, last = "start", time.perf_counter()

        def close(now: float) -> None:
            phases[current] = round(phases.get(current, 0.0) + now - last, 3)

        child = subprocess.Popen(
            command, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )
        tail: list[str] = []
        try:
            for line in child.stderr:
                event = _event(line)
                if event in CLI_PHASES:
                    now = time.perf_counter()
                    close(now)
                    current, last = CLI_PHASES[event], now
                elif event is None:
                    tail = (tail + [line])[-20:]
            code = child.wait()
        except BaseException:  # the time limit (or Ctrl-C): stop the CLI, keep what it reached
            child.kill()
            child.wait()
            close(time.perf_counter())
            phases["stopped_in"] = current
            raise
        close(time.perf_counter())
        if code != 0:
            raise RuntimeError(f"exit {code}: {''.join(tail).strip()[-2000:]}")

    def partial() -> dict[str, Any]:
        finished = [r for r in runs if "stopped_in" not in r]
        best = min(finished, key=lambda r: sum(r.values())) if finished else (runs[-1] if runs else {})
        return {"phases_s": best}

    def extra() -> dict[str, Any]:
        out = Path(folder.name)
        files = {p.relative_to(out).as_posix(): p.stat().st_size for p in out.rglob("*") if p.is_file()}
        top = {name: size for name, size in files.items() if "/" not in name}
        return {"bytes": top, "data_docs_bytes": sum(v for k, v in files.items() if "/" in k)}

    return Stage(run, rows, note, extra=extra, cleanup=folder.cleanup, partial=partial)


def check_cli(inputs: Inputs) -> Stage:
    """``budget-guard check FILE`` with its default outputs (JSON, 督办单, HTML, Markdown, lists)."""
    _need_csv(inputs)
    return _cli_stage(inputs.csv, inputs.rows, [], "budget-guard check (default outputs), new process")


def check_json(inputs: Inputs) -> Stage:
    _need_csv(inputs)
    return _cli_stage(inputs.csv, inputs.rows, ["--format", "json"], "budget-guard check --format json")


def check_ge(inputs: Inputs) -> Stage:
    _need_csv(inputs)
    return _cli_stage(inputs.csv, inputs.rows, ["--ge"], "budget-guard check --ge (default outputs + GE)")


def _need_sample(inputs: Inputs) -> None:
    if inputs.rows > SAMPLE_AT_MOST:
        raise Skip(f"the sample city runs once, at sizes up to {SAMPLE_AT_MOST:,}")


def floor_sample(inputs: Inputs) -> Stage:
    """The floor process on the 1,534-line sample city CSV (the reference for ``check_sample``)."""
    _need_sample(inputs)

    def run() -> None:
        subprocess.run([sys.executable, "-c", SAMPLE_FLOOR_SCRIPT, str(SAMPLE_CSV)], check=True, env=env())

    return Stage(run, SAMPLE_ROWS, "sample city CSV: pandas read + one groupby-sum, new process")


SAMPLE_FLOOR_SCRIPT = "import sys, pandas as pd; pd.read_csv(sys.argv[1]).groupby('部门')['金额（元）'].sum()"


def check_sample(inputs: Inputs) -> Stage:
    _need_sample(inputs)
    return _cli_stage(SAMPLE_CSV, SAMPLE_ROWS, [], "budget-guard check on the sample city (defaults)")


# -- peers ------------------------------------------------------------------------------------------
#
# ``evaluate`` does more than sum three categories: every category of the rules with its coverage,
# the reconciliation sums, the group keys of the seam (stage × department × 区划 × 单位 × year ×
# layout), then the summary half, the source rows of every finding, the unclassified list and PEFA.
# So the peers that ``evaluate`` is compared with do the whole line-level half — the seam's group
# sums (the seam's per-category columns + ``seam.TOTAL_COLUMNS``), for every category of the default rules —
# and ``line_half`` times the pandas engine's line-level half on the same job (like for like). The
# three-category peers of the issue are kept as ``peer3_polars`` / ``peer3_duckdb``.

SEAM_KEYS = ("stage", "department", "division", "unit_name", "year", "source_layout")


def line_half(inputs: Inputs) -> Stage:
    """The pandas engine's line-level half alone (``pandas_backend.line_summary``): the peers' job,
    plus the per-line membership and labels the pandas engine keeps for reports and drill-down."""
    from budget_guard.engine.backends.pandas_backend import line_summary

    table = _canonical(inputs)
    rules = _rules()
    line_summary(table.head(1000), rules)  # compile the selectors outside the timing
    return Stage(
        lambda: line_summary(table, rules),
        inputs.rows,
        "pandas line-level half: every category + coverage + reconciliation sums (the peers' job)",
    )


def peer_polars(inputs: Inputs) -> Stage:
    """Polars doing the line-level half: the compiled selectors on the distinct code combinations
    (in DuckDB, as the pandas engine does: a few thousand rows), joined back to the lines in
    Polars, then one ``group_by`` with every category's amount, lines and covered lines and the
    reconciliation sums."""
    import duckdb
    import polars as pl

    from budget_guard.engine.seam import (
        AMOUNT_PREFIX,
        CATEGORY_SUM_FEN,
        CLASSIFIED_FEN,
        CLASSIFIED_LINES,
        COVERED_PREFIX,
        INPUT_FEN,
        INPUT_LINES,
        LINES_PREFIX,
        MULTI_CATEGORY_LINES,
        UNCLASSIFIED_FEN,
        UNCLASSIFIED_LINES,
    )
    from budget_guard.engine.selectors import compile_rules

    rules_sql = compile_rules(_rules())
    selected = list(rules_sql.columns)
    k = len(rules_sql.ids)
    canonical = _canonical(inputs)
    columns = list(dict.fromkeys([*SEAM_KEYS, *selected, "amount_fen"]))
    # text as Enum columns: Polars' categorical codes (0…n-1 per column), as the pandas engine's
    frame = pl.from_pandas(canonical[columns])
    frame = frame.with_columns(
        pl.col(c).cast(pl.String).cast(pl.Enum([str(v) for v in canonical[c].cat.categories]))
        for c in columns
        if isinstance(canonical[c].dtype, pd.CategoricalDtype)
    )
    del canonical
    radices = [len(frame.schema[c].categories) + 1 for c in selected]
    query = rules_sql.select_sql("distinct_lines", "duckdb", keep=tuple(selected))
    connection = duckdb.connect()
    member = [rules_sql.member_alias(i) for i in range(k)]
    cover = [rules_sql.cover_alias(i) for i in range(k)]

    def run() -> Any:
        key = pl.lit(0, dtype=pl.Int64)
        for c, radix in zip(selected, radices, strict=True):  # one integer per code combination
            key = key * radix + (pl.col(c).to_physical().cast(pl.Int64).fill_null(-1) + 1)
        # lines → (seam keys × code combination) sums first: the selectors' answer is per combination
        a = pl.col("amount_fen")
        per_combo = frame.group_by([*SEAM_KEYS, key.alias("combo")]).agg(
            a.sum().alias("a"), pl.len().alias("l"), *[pl.col(c).first() for c in selected]
        )
        distinct = per_combo.select(["combo", *selected]).unique(subset="combo")
        text = distinct.with_columns(pl.col(c).cast(pl.String) for c in selected).to_arrow()
        connection.register("distinct_lines", text)
        flags = pl.from_arrow(connection.sql(query.replace("SELECT ", "SELECT combo, ", 1)).to_arrow_table())
        connection.unregister("distinct_lines")
        flags = flags.select(["combo", *[pl.col(c).cast(pl.Boolean) for c in member + cover]])
        sums = per_combo.join(flags, on="combo", how="left").with_columns(
            pl.sum_horizontal(member).alias("n")
        )
        s_a, s_l, n = pl.col("a"), pl.col("l"), pl.col("n")
        aggregations = [
            s_a.sum().alias(INPUT_FEN),
            s_l.sum().alias(INPUT_LINES),
            s_a.filter(n > 0).sum().alias(CLASSIFIED_FEN),
            s_a.filter(n == 0).sum().alias(UNCLASSIFIED_FEN),
            (s_a * n).sum().alias(CATEGORY_SUM_FEN),
            s_l.filter(n > 0).sum().alias(CLASSIFIED_LINES),
            s_l.filter(n == 0).sum().alias(UNCLASSIFIED_LINES),
            s_l.filter(n > 1).sum().alias(MULTI_CATEGORY_LINES),
        ]
        for i in range(k):
            m = pl.col(member[i])
            aggregations += [
                s_a.filter(m).sum().alias(f"{AMOUNT_PREFIX}{i}"),
                s_l.filter(m).sum().alias(f"{LINES_PREFIX}{i}"),
                s_l.filter(pl.col(cover[i])).sum().alias(f"{COVERED_PREFIX}{i}"),
            ]
        return sums.group_by(list(SEAM_KEYS)).agg(aggregations)

    return Stage(
        run,
        inputs.rows,
        "Polars: line-level half (every category + coverage + reconciliation sums by the seam's keys)",
        cleanup=connection.close,
    )


def peer_duckdb(inputs: Inputs) -> Stage:
    """DuckDB doing the line-level half: the DuckDB engine's own group-sum query (``sql.group_sums_select``,
    the compiled selectors on every line) over the in-memory table."""
    import duckdb

    from budget_guard.engine.backends.sql import group_sums_select
    from budget_guard.engine.selectors import compile_rules

    rules_sql = compile_rules(_rules())
    columns = list(dict.fromkeys([*SEAM_KEYS, *rules_sql.columns, "amount_fen"]))
    table = _canonical(inputs)[columns]
    sql = group_sums_select(rules_sql, "lines").sql(dialect="duckdb")
    connection = duckdb.connect()
    connection.register("lines", table)

    def run() -> Any:
        return connection.execute(sql).df()

    return Stage(
        run,
        inputs.rows,
        "DuckDB SQL: line-level half (the DuckDB engine's group-sum query over the in-memory table)",
        cleanup=connection.close,
    )


# -- the first peers: three categories in Polars and DuckDB --------------------------------------

# Three categories of the default rules, by their selectors: 三公经费 (four economic codes), 日常公用经费
# (economic classes 302/310 within 基本支出), 改善民生 (functional classes 205/208/210/221).
PEER_SANGONG = ("30212", "30217", "30231", "31013")
PEER_PUBLIC_PREFIXES = ("302", "310")
PEER_LIVELIHOOD_PREFIXES = ("205", "208", "210", "221")
BASIC = "基本支出"


def _member(series: pd.Series, test: Callable[[str], bool]) -> np.ndarray:
    """Per-line membership from a test run once per category of a categorical column."""
    cats = series.cat
    hit = np.array([bool(test(str(c))) for c in cats.categories] + [False])
    return hit[cats.codes.to_numpy()]  # code -1 (missing) picks the trailing False


def peer3_polars(inputs: Inputs) -> Stage:
    """Polars on categorical codes: the three categories summed by department × year, and the
    government scope on the comparable basis (departments present in both years)."""
    import polars as pl

    table = _canonical(inputs)

    def run() -> Any:
        econ, func = table["econ_code"], table["func_code"]
        basic = (table["expense_type"] == BASIC).to_numpy()
        masks = {
            "sangong": _member(econ, lambda c: c in PEER_SANGONG),
            "daily_public": _member(econ, lambda c: c[:3] in PEER_PUBLIC_PREFIXES) & basic,
            "livelihood": _member(func, lambda c: c[:3] in PEER_LIVELIHOOD_PREFIXES),
        }
        frame = pl.DataFrame(
            {
                "d": table["department"].cat.codes.to_numpy(),
                "y": table["year"].to_numpy(),
                "a": table["amount_fen"].to_numpy(),
                **masks,
            }
        )
        sums = frame.group_by(["d", "y"]).agg([(pl.col("a") * pl.col(k)).sum().alias(k) for k in masks])
        prev = sums.with_columns(pl.col("y") + 1).rename({k: f"{k}_prev" for k in masks})
        basis = sums.join(prev, on=["d", "y"], how="inner")
        government = basis.group_by("y").agg(pl.all().exclude(["d", "y"]).sum())
        return sums, government

    return Stage(
        run, inputs.rows, "Polars on categorical codes: 3 categories, departments + comparable government"
    )


def peer3_duckdb(inputs: Inputs) -> Stage:
    """DuckDB SQL over the in-memory table: the same three categories and comparable government scope."""
    import duckdb

    table = _canonical(inputs)[["department", "year", "econ_code", "func_code", "expense_type", "amount_fen"]]
    sangong = ", ".join(f"'{c}'" for c in PEER_SANGONG)
    public = ", ".join(f"'{c}'" for c in PEER_PUBLIC_PREFIXES)
    livelihood = ", ".join(f"'{c}'" for c in PEER_LIVELIHOOD_PREFIXES)
    sql = f"""
        WITH sums AS (
            SELECT department, year,
                   SUM(CASE WHEN econ_code::VARCHAR IN ({sangong}) THEN amount_fen ELSE 0 END) AS sangong,
                   SUM(CASE WHEN left(econ_code::VARCHAR, 3) IN ({public}) AND expense_type::VARCHAR = '{BASIC}'
                            THEN amount_fen ELSE 0 END) AS daily_public,
                   SUM(CASE WHEN left(func_code::VARCHAR, 3) IN ({livelihood}) THEN amount_fen ELSE 0 END)
                       AS livelihood
            FROM lines GROUP BY department, year
        )
        SELECT c.year, SUM(c.sangong), SUM(p.sangong), SUM(c.daily_public), SUM(p.daily_public),
               SUM(c.livelihood), SUM(p.livelihood)
        FROM sums c JOIN sums p ON p.department = c.department AND p.year = c.year - 1
        GROUP BY c.year
    """
    connection = duckdb.connect()
    connection.register("lines", table)

    def run() -> Any:
        return connection.execute(sql).fetchall()

    return Stage(
        run,
        inputs.rows,
        "DuckDB SQL: 3 categories, departments + comparable government",
        cleanup=connection.close,
    )


# -- the dashboard through Streamlit's AppTest ------------------------------------------------------


def _app_test():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(REPO / "app.py"), default_timeout=600)


def dashboard_sample(inputs: Inputs) -> Stage:
    """The sample button to the rendered page (matrix included), warm: the caches already hold the
    sample's evaluation from a first click, as on a running dashboard."""
    _need_sample(inputs)
    warm = _app_test().run()
    warm.button(key="sample").click().run()

    def run() -> None:
        at = _app_test().run()
        at.button(key="sample").click().run()
        if at.exception:
            raise RuntimeError(str(at.exception[0].message))

    return Stage(run, SAMPLE_ROWS, "AppTest: sample button → page with the matrix, warm caches")


def dashboard_upload(inputs: Inputs) -> Stage:
    """An uploaded CSV to the rendered page, cold: Streamlit's caches are cleared before each run."""
    _need_csv(inputs)
    if inputs.rows != 100_000:
        raise Skip("the upload target is at 100k lines")
    import streamlit as st

    data = inputs.csv.read_bytes()

    def run() -> None:
        st.cache_data.clear()
        st.cache_resource.clear()
        at = _app_test().run()
        at.file_uploader(key="uploads").set_value((inputs.csv.name, data, "text/csv")).run()
        if at.exception:
            raise RuntimeError(str(at.exception[0].message))

    return Stage(run, inputs.rows, "AppTest: upload the CSV → page with the matrix, cold caches")


def _event(line: str) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    return record.get("event") if isinstance(record, dict) else None


class Skip(Exception):
    """The stage does not apply at this size."""


def engine_duckdb(inputs: Inputs) -> Stage:
    """The DuckDB engine over the Parquet file in place: sums, grading, findings with sources, unclassified."""
    from budget_guard.engine.backends import duckdb_backend
    from budget_guard.engine.backends.sql_engine import evaluate_lines

    rules = _rules()

    def extra() -> dict[str, Any]:
        from budget_guard import evaluate as evaluate_table

        ev = evaluate_lines(duckdb_backend.open_lines([inputs.parquet], rules))
        same = ev.findings.equals(evaluate_table(_canonical(inputs), rules).findings)
        return {"findings_equal_pandas": bool(same)}

    return Stage(
        lambda: evaluate_lines(duckdb_backend.open_lines([inputs.parquet], rules)),
        inputs.rows,
        "--engine duckdb on the Parquet (Spark and 100M: python -m benchmarks.scale)",
        extra,
    )


PDF_PAGES = 30


def read_pdf(inputs: Inputs) -> Stage:
    """``read_budget`` on a 30-page published 部门决算 PDF (cover, 目录, ruled tables, narrative): the
    PDF reader (pdfplumber, the number proof per table) and the published-table layouts. Runs once,
    at the smallest size; the real shared PDFs are timed too when present."""
    _need_sample(inputs)
    from budget_guard.ingest import read_budget
    from budget_guard.ingest.pdf import read_pdf as read_pages

    from .pdf_data import PAGES, published_pdf, real_pdfs

    data = published_pdf()
    name = "示例区财政局2024年度部门决算.pdf"

    def run():
        return read_budget([(name, data)])

    def extra() -> dict[str, Any]:
        started, cpu = time.perf_counter(), time.process_time()
        document = read_pages(data, name)
        out: dict[str, Any] = {
            "pages": document.pages,
            "tables": len(document.tables),
            "pdf_only_s": round(time.perf_counter() - started, 3),
            "pdf_only_cpu_s": round(time.process_time() - cpu, 3),
            "per_page_ms_mean": round(1000 * sum(document.page_seconds) / max(document.pages, 1), 1),
            "per_page_ms_max": round(1000 * max(document.page_seconds, default=0.0), 1),
        }
        for path in real_pdfs()[:2]:  # two real documents: the smoke run stays short
            started, cpu = time.perf_counter(), time.process_time()
            result = read_budget(path)
            out.setdefault("real", []).append(
                {
                    "file": path.name,
                    "tables_read": sum(s.outcome == "read" for f in result.files for s in f.sheets),
                    "read_budget_s": round(time.perf_counter() - started, 3),
                    "read_budget_cpu_s": round(time.process_time() - cpu, 3),
                }
            )
        return out

    assert PAGES == PDF_PAGES
    return Stage(run, PDF_PAGES, "read_budget on a 30-page 公开 PDF (rows = pages)", extra=extra)


STAGES: dict[str, Callable[[Inputs], Stage]] = {
    "floor": floor,
    "floor_process": floor_process,
    "floor_arrow": floor_arrow,
    "read_csv": read_csv,
    "read_xlsx": read_xlsx,
    "read_parquet": read_parquet,
    "validate": validate,
    "baseline": baseline,
    "evaluate": evaluate,
    "dashboard_filter": dashboard_filter,
    "report_json": report_json,
    "report_xlsx": report_xlsx,
    "great_expectations": great_expectations,
    "check_cli": check_cli,
    "check_json": check_json,
    "check_ge": check_ge,
    "floor_sample": floor_sample,
    "check_sample": check_sample,
    "line_half": line_half,
    "peer_polars": peer_polars,
    "peer_duckdb": peer_duckdb,
    "peer3_polars": peer3_polars,
    "peer3_duckdb": peer3_duckdb,
    "dashboard_sample": dashboard_sample,
    "dashboard_upload": dashboard_upload,
    "engine_duckdb": engine_duckdb,
    "read_pdf": read_pdf,
    "startup_python": startup_python,
    "startup_help": startup_help,
    "startup_rules_check": startup_rules_check,
}
# ``--departments`` (a province's shape) runs these unless --stages says otherwise: issue #26's targets.
PROVINCE_STAGES = (
    "floor_arrow",
    "read_csv",
    "evaluate",
    "report_json",
    "report_xlsx",
    "check_json",
    "check_cli",
    "check_ge",
    "startup_python",
    "startup_help",
    "startup_rules_check",
)
# Above --csv-max (10m) only these run unless --stages says otherwise: the memory target is evaluate's.
LARGE_STAGES = (
    "read_parquet",
    "baseline",
    "evaluate",
    "dashboard_filter",
    "line_half",
    "peer_polars",
    "peer_duckdb",
    "peer3_polars",
    "peer3_duckdb",
    "engine_duckdb",
)
# Stages whose memory is a child process's (the worker reports the child's peak instead of its own).
CHILD_PROCESS_STAGES = frozenset(
    {
        "floor_process",
        "floor_arrow",
        "check_cli",
        "check_json",
        "check_ge",
        "floor_sample",
        "check_sample",
        "startup_python",
        "startup_help",
        "startup_rules_check",
    }
)
