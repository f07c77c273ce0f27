"""One check: read the inputs, evaluate, write the reports, track cases; the exit code from the outcome."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from budget_guard.engine.backends import DEFAULT_ENGINE
from budget_guard.engine.evaluate import Evaluation, evaluate
from budget_guard.errors import InputError, Place
from budget_guard.ingest.files.sources import FOLDER_SUFFIXES, Source, no_tables_error
from budget_guard.ingest.load_result import LoadResult
from budget_guard.ledger.runs import NOTHING_COMPARED, Ledger
from budget_guard.model.limits import Limits
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import DEPARTMENT
from budget_guard.reports import DEFAULT_FORMATS, write_reports
from budget_guard.runs.exit_codes import (
    DEFAULT_FAIL_ON,
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_NOTHING_COMPARED,
    EXIT_OK,
    exit_code_for,
)
from budget_guard.runs.outcome import (
    RunOutcome,
    input_failed_text,
    load_error_text,
    run_outcome,
    unreadable_files,
)

if TYPE_CHECKING:
    from budget_guard.cases import Clock, RunChanges


_HASH_CHUNK = 1 << 20


Progress = Callable[[str, dict[str, Any]], None]


def _no_progress(event: str, values: dict[str, Any]) -> None:
    return None


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_candidate(path: Path) -> bool:
    """Spreadsheets only; skip hidden files, our temp files and Excel's ``~$`` owner files."""
    name = path.name
    return path.is_file() and not name.startswith((".", "~$")) and path.suffix.lower() in FOLDER_SUFFIXES


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly (any suffix: ingest reports unsupported ones) plus spreadsheets in folders.

    Folders are searched recursively, in sorted order, so runs are reproducible.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if _is_candidate(p)))
        elif path.exists():
            found.append(path)
        else:
            raise InputError.from_key("input.path_missing", Place(file=str(path)))
    unique: dict[Path, Path] = {}
    for p in found:  # one entry per file, under the name the user gave (not a link's target)
        unique.setdefault(p.resolve(), p)
    return list(unique.values())


def refuse_other_departments(load: LoadResult, department: str | None) -> None:
    """``--department X`` names the department of tables that do not state one; a table that states
    other departments is not silently checked as if it were X's (nor silently cut down to X)."""
    if not department or load.table.empty:
        return
    stated = sorted(set(load.table[DEPARTMENT].astype(str)) - {department})
    if stated:
        shown = "、".join(stated[:5]) + ("等" if len(stated) > 5 else "")
        raise InputError.from_key("input.other_department", stated=shown, department=department)


def load_error_hints(load: LoadResult, lang: str) -> str:
    """How to fix each unreadable file's problems, once per kind of problem ('；'-joined)."""
    names = {n for f in unreadable_files(load) for n in (f.name, f.path)}
    hints = dict.fromkeys(p.hint(lang) for p in load.errors if p.file in names)
    return ("；" if lang == "zh" else "; ").join(h for h in hints if h)


@dataclass(frozen=True)
class CheckOutcome:
    """One check: what was read, what was found, where the reports are, and the exit code."""

    load: LoadResult
    evaluation: Evaluation
    reports: dict[str, Path]
    exit_code: int
    fail_on: str
    message: str = ""
    run: RunOutcome | None = None
    cases: RunChanges | None = None  # what this run did to the 挂牌督办 cases (check --ledger)
    run_id: int | None = None
    bad_rows: tuple[Any, ...] = ()  # damaged ledger rows skipped (ledger/rows.py BadRow)

    def as_record(self) -> dict[str, Any]:
        totals = self.load.totals()
        run = self.run or run_outcome(self.evaluation, self.load)
        return {
            "command": "check",
            "exit_code": self.exit_code,
            "outcome": run.outcome,
            "headline": run.headline_zh,
            "fail_on": self.fail_on,
            "worst_level": self.evaluation.worst_level(),
            "state_counts": self.evaluation.state_counts(),
            "level_counts": self.evaluation.level_counts(),
            "finding_counts": self.evaluation.finding_counts(),
            "findings": int(len(self.evaluation.findings)),
            "lines": int(self.evaluation.line_count),
            "rejected_rows": int(len(self.load.rejected)),
            "files": totals["files"],
            "files_failed": len(unreadable_files(self.load)),
            "balanced": self.evaluation.balanced,
            "clean_total": self.evaluation.clean_total,
            "rules": {"version": self.evaluation.rules.version, "sha256": self.evaluation.rules.sha256},
            # per department-year-stage of a published set: the total, the relations checked and failed
            "relations": relations_record(self.load.published_sets),
            "reports": {k: str(v) for k, v in self.reports.items()},
            "message": self.message,
            **({"cases": self.cases.as_record(), "run_id": self.run_id} if self.cases is not None else {}),
            **({"ledger_bad_rows": [b.as_record() for b in self.bad_rows]} if self.bad_rows else {}),
        }


def relations_record(sets: list) -> list[dict]:
    from budget_guard.ingest.settle.published_set import relations_record as record

    return record(sets)


def _read(paths: Sequence[Path], **options: Any) -> LoadResult:
    from budget_guard.ingest import read_budget

    return read_budget(list(paths), **{k: v for k, v in options.items() if v is not None})


def _exit_and_message(run: Any, load: Any, lang: str, fail_on: str) -> tuple[int, str]:
    """One exit code and error line for every engine: failed input before nothing compared before
    the findings' level (never 0 when a file failed or nothing was compared)."""
    if run.failed_files:
        return EXIT_INPUT, load_error_text(load, lang)
    if not run.compared:
        return EXIT_NOTHING_COMPARED, run.headline(lang)
    return exit_code_for(run.outcome, fail_on), ""


def run_check(
    paths: Sequence[str | Path],
    rules: Rules,
    out_dir: str | Path,
    *,
    formats: Iterable[str] = DEFAULT_FORMATS,
    lang: str = "zh",
    fail_on: str = DEFAULT_FAIL_ON,
    stage: str | None = None,
    department: str | None = None,
    year: int | None = None,
    stem: str | None = None,
    progress: Progress = _no_progress,
    require_readable: bool = True,
    sources: Sequence[Source] | None = None,
    limits: Limits | None = None,
    aliases: str | Path | None = None,
    ledger_path: str | Path | None = None,
    clock: Clock | None = None,
    engine: str = "pandas",
    spark_master: str | None = None,
    spark_table: str | None = None,
) -> CheckOutcome:
    """Read the files, evaluate, write the reports; the exit code follows docs/cli.md.

    ``engine`` ``duckdb`` / ``spark`` reads canonical Parquet/CSV tables (``budget-guard convert``
    writes them) in that engine instead of spreadsheets in memory (``runs/large_data.py``).

    Raises ``InputError`` when nothing at all could be read (``require_readable``); when only
    some files fail, the reports are written and the exit code is 2. ``sources`` are inputs already
    read (batch hashes exactly the bytes it hands over); ``limits`` bound what one file may cost.
    With ``ledger_path`` the run is recorded in that ledger and updates its 挂牌督办 cases (docs/cases.md).
    """
    if ledger_path is not None:
        from budget_guard.cases import supervision_of

        supervision_of(rules)
    if engine != DEFAULT_ENGINE:
        return _run_engine_check(
            paths,
            rules,
            out_dir,
            formats,
            lang,
            fail_on,
            stage,
            stem,
            progress,
            ledger_path,
            clock,
            engine=engine,
            spark_master=spark_master,
            spark_table=spark_table,
        )
    files: list[Any] = list(sources) if sources is not None else collect_inputs(paths)
    if not files:
        raise no_tables_error(paths)
    progress("read_start", {"files": len(files)})
    load = _read(
        files,
        department=department,
        year=year,
        stage=stage,
        limits=limits,
        aliases=aliases,
        sources=rules.sources,  # which published table measures the money (rules `sources`)
        disclosure=rules.disclosure,  # the tables each 公开 must contain (rules `disclosure`)
    )
    progress("read_done", {"lines": len(load.table), "rejected": len(load.rejected), "files": len(files)})
    refuse_other_departments(load, department)
    unreadable = unreadable_files(load)
    nothing_read = not any(f.status == "ok" and not f.unreadable for f in load.files)
    if require_readable and len(unreadable) == len(load.files) and nothing_read:
        raise InputError(
            input_failed_text(load, "zh"),
            input_failed_text(load, "en"),
            hint_zh=load_error_hints(load, "zh"),
            hint_en=load_error_hints(load, "en"),
        )
    progress("evaluate", {})
    evaluation = evaluate(load.table, rules, stage, published_sets=load.published_sets)
    formats = tuple(formats)
    if len(load.table) == 0:
        formats = tuple(f for f in formats if f != "ge")
    if "ge" in formats:
        progress("ge", {})
    progress("write", {"formats": ",".join(formats)})
    options: dict[str, Any] = {"stem": stem} if stem else {}
    reports = write_reports(evaluation, load, out_dir, formats, lang, **options)
    run = run_outcome(evaluation, load)
    code, message = _exit_and_message(run, load, lang, fail_on)
    if ledger_path is None:
        return CheckOutcome(load, evaluation, reports, code, fail_on, message, run=run)
    run_id, changes = _track_check(
        ledger_path, files, out_dir, evaluation, tuple(run.failed_files), code, clock
    )
    from budget_guard.cases import CaseStore, current_clock, write_open_cases

    store = CaseStore(ledger_path, clock=clock or current_clock())
    reports = {**reports, **write_open_cases(store, out_dir, formats, lang, rules=evaluation.rules)}
    return CheckOutcome(
        load,
        evaluation,
        reports,
        code,
        fail_on,
        message,
        run=run,
        cases=changes,
        run_id=run_id,
        bad_rows=tuple(store.bad_rows),
    )


def _run_engine_check(
    paths: Sequence[str | Path],
    rules: Rules,
    out_dir: str | Path,
    formats: Iterable[str],
    lang: str,
    fail_on: str,
    stage: str | None,
    stem: str | None,
    progress: Progress,
    ledger_path: str | Path | None,
    clock: Clock | None,
    **engine: Any,
) -> CheckOutcome:
    """``check --engine duckdb|spark``: the lines stay in the engine; the reports are the same."""
    from budget_guard.runs.large_data import evaluate_tables

    formats = tuple(formats)  # --ge too: GE validates the line profile the engine computes in SQL
    progress("read_start", {"files": len(paths)})
    progress("evaluate", {})
    load, evaluation = evaluate_tables(paths, rules, stage=stage, **engine)
    progress("read_done", {"lines": evaluation.line_count, "rejected": 0, "files": len(load.files)})
    progress("write", {"formats": ",".join(formats)})
    options: dict[str, Any] = {"stem": stem} if stem else {}
    reports = write_reports(evaluation, load, out_dir, formats, lang, **options)
    run = run_outcome(evaluation, load)  # the same outcome and exit codes as the pandas path
    code, message = _exit_and_message(run, load, lang, fail_on)
    if ledger_path is None:
        return CheckOutcome(load, evaluation, reports, code, fail_on, message, run=run)
    files = [Path(f.path) for f in load.files if f.path and Path(f.path).exists()]
    run_id, changes = _track_check(ledger_path, files, out_dir, evaluation, (), code, clock)
    from budget_guard.cases import CaseStore, current_clock, write_open_cases

    store = CaseStore(ledger_path, clock=clock or current_clock())
    reports = {**reports, **write_open_cases(store, out_dir, formats, lang, rules=evaluation.rules)}
    return CheckOutcome(
        load,
        evaluation,
        reports,
        code,
        fail_on,
        message,
        run=run,
        cases=changes,
        run_id=run_id,
        bad_rows=tuple(store.bad_rows),
    )


def _track_check(
    ledger_path: str | Path,
    files: Sequence[Path],
    out_dir: str | Path,
    evaluation: Evaluation,
    unreadable: tuple[str, ...],
    code: int,
    clock: Clock | None,
) -> tuple[int, RunChanges]:
    """Record a check as a run of the ledger and update the cases from its evaluation.

    A check with an unreadable file updates no case: a department whose file failed would
    otherwise look smaller, and a smaller figure must never mark a case 已整改.
    """
    from budget_guard.cases import CaseStore, current_clock, not_confirmed_run, track_evaluation

    ledger = Ledger(ledger_path)
    store = CaseStore(ledger_path, clock=clock or current_clock())
    inputs = ", ".join(str(p) for p in files)
    run_id = ledger.start_run(inputs, str(Path(out_dir).resolve()), evaluation.rules)
    names = ", ".join(p.name for p in files)
    if unreadable:  # no case is updated; each waiting case is told why it could not be confirmed
        changes = not_confirmed_run(store, run_id=run_id, file=names, failed=unreadable)
    else:
        changes = track_evaluation(store, evaluation, run_id=run_id, file=names)
    status = {
        EXIT_OK: "ok",
        EXIT_FINDINGS: "findings",
        EXIT_INPUT: "failed",
        EXIT_NOTHING_COMPARED: NOTHING_COMPARED,
    }.get(code, "error")
    ledger.finish_run(
        run_id,
        status=status,
        exit_code=code,
        new=len(files),
        failed=len(unreadable),
        skipped=0,
        worst_level=evaluation.worst_level(),
    )
    return run_id, changes
