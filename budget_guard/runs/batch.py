"""``run_batch``: process every new file of an inbox, each checked on its own, under a lock.

A file not yet processed (by content hash, so re-running is idempotent) is checked with
``runs.check.run_check`` into ``OUT/<name>-<hash>/``; one bad file never stops the others. The
lock (``runs.lock``) makes an overlapping second run stop at once with ``BatchLocked``. A file is
recorded in the ledger (``ledger.runs``) only after its reports are in place, so a killed run
simply redoes that file next time.

Progress is reported through a callback (event name, values); the CLI decides how to show it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

from budget_guard.engine.states import OUTCOME_INPUT_FAILED, OUTCOME_NOTHING_COMPARED
from budget_guard.errors import BudgetGuardError, InputError, Place
from budget_guard.ingest.files.sources import Source, display_name, read_descriptor
from budget_guard.ledger.runs import (
    _STORAGE_ERRNOS,
    DEFAULT_STATE_NAME,
    ERROR,
    FAILED,
    NO_NEW_FILES,
    NOTHING_COMPARED,
    PROCESSED,
    FileOutcome,
    Ledger,
    StorageError,
    now_utc,
    open_ledger,
)
from budget_guard.model.limits import DEFAULT_LIMITS, Limits
from budget_guard.model.rulebook import Level, Rules
from budget_guard.outputs.files import remove_stale_temps, safe_filename
from budget_guard.reports import DEFAULT_FORMATS
from budget_guard.runs.check import _HASH_CHUNK, CheckOutcome, Progress, _no_progress, run_check
from budget_guard.runs.exit_codes import (
    DEFAULT_FAIL_ON,
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_NOTHING_COMPARED,
    EXIT_OK,
    EXIT_TERMINATED,
    Terminated,
    _exit_precedence,
    _worst,
)
from budget_guard.runs.inbox import (
    LEDGER_MISSING,
    VANISHED,
    WAITING,
    Entry,
    EntryRefused,
    Note,
    earlier_reports,
    open_entry,
    scan_inbox,
)
from budget_guard.runs.lock import batch_lock, lock_is_held, lock_path_for
from budget_guard.runs.outcome import (
    run_outcome,
)

if TYPE_CHECKING:
    from budget_guard.cases import Clock, RunChanges


@dataclass(frozen=True)
class BatchOutcome:
    run_id: int
    files: tuple[FileOutcome, ...]
    skipped: int
    exit_code: int
    state_path: Path
    removed_temps: int = 0
    notes: tuple[Note, ...] = ()
    red_findings: tuple[tuple[str, str, str], ...] = ()  # (file name, message zh, message en)
    cases: RunChanges | None = None  # what this run did to the 挂牌督办 cases (batch --ledger)
    case_reports: dict[str, Path] | None = None  # the 督办单 of the open cases, OUT/督办单.*
    bad_rows: tuple[Any, ...] = ()  # damaged case-ledger rows skipped (ledger/rows.py BadRow)

    @property
    def failed(self) -> int:
        """Files that could not be read or that compared nothing (no sign-off for them)."""
        return sum(f.status != PROCESSED for f in self.files)

    @property
    def outcome(self) -> str:
        """The run's outcome (engine/states.py OUTCOMES), or ``no_new_files`` when the inbox had none.

        Ranked like the exit code: unreadable input, then findings at or above ``--fail-on`` (red),
        then a file that compared nothing, then the worst level."""
        if any(f.status in (FAILED, ERROR) for f in self.files):
            return OUTCOME_INPUT_FAILED
        worst = _worst([f.worst_level for f in self.files if f.worst_level])
        if any(f.exit_code == EXIT_FINDINGS for f in self.files) and worst:
            return worst
        if any(f.status == NOTHING_COMPARED for f in self.files):
            return OUTCOME_NOTHING_COMPARED
        if not self.files:
            return NO_NEW_FILES
        return worst or OUTCOME_NOTHING_COMPARED

    def as_record(self) -> dict[str, Any]:
        return {
            "command": "batch",
            "run_id": self.run_id,
            "exit_code": self.exit_code,
            "outcome": self.outcome,
            "processed": len(self.files),
            "failed": self.failed,
            "skipped": self.skipped,
            "state": str(self.state_path),
            "removed_temp_files": self.removed_temps,
            "files": [f.as_record() for f in self.files],
            "notes": [n.as_record() for n in self.notes],
            **({"cases": self.cases.as_record()} if self.cases is not None else {}),
            **(
                {"case_reports": {k: str(v) for k, v in self.case_reports.items()}}
                if self.case_reports
                else {}
            ),
            **({"ledger_bad_rows": [b.as_record() for b in self.bad_rows]} if self.bad_rows else {}),
        }


def report_dir_name(name: str, sha256: str) -> str:
    """``<safe file stem>-<first 12 hex of the hash>``: unique per content, readable per department."""
    stem = safe_filename(Path(name).stem, default="input", max_bytes=80)
    return f"{stem}-{sha256[:12]}"


class _FileIdentity(TypedDict):
    """The ``FileOutcome`` fields that say which file it is, whatever became of it."""

    sha256: str
    name: str
    path: str
    size: int
    mtime: str


def _process_file(
    entry: Entry,
    source: Source,
    sha: str,
    rules: Rules,
    out_dir: Path,
    *,
    formats: tuple[str, ...],
    lang: str,
    fail_on: str,
    stage: str | None,
    limits: Limits,
    department: str | None = None,
    year: int | None = None,
    reds: list[tuple[str, str, str]] | None = None,
    on_check: Callable[[Path, CheckOutcome], None] | None = None,
) -> FileOutcome:
    """Check one file's bytes (already read and hashed) into its own report folder."""
    base: _FileIdentity = {
        "sha256": sha,
        "name": entry.name,
        "path": display_name(str(entry.path)),
        "size": len(source.data) if source.data is not None else entry.size,
        "mtime": datetime.fromtimestamp(entry.mtime, UTC).isoformat(timespec="seconds"),
    }
    report_dir = out_dir / report_dir_name(entry.name.replace("\\", "_"), sha)
    try:
        check = run_check(
            [entry.path],
            rules,
            report_dir,
            formats=formats,
            lang=lang,
            fail_on=fail_on,
            stage=stage,
            department=department,
            year=year,
            require_readable=False,
            sources=[source],
            limits=limits,
        )
    except BudgetGuardError as exc:
        return FileOutcome(
            **base, processed_at=now_utc(), status=FAILED, message=exc.message(lang), exit_code=EXIT_INPUT
        )
    except OSError as exc:
        if exc.errno in _STORAGE_ERRNOS:  # the disk, not the file: stop the run, redo the file next time
            where = display_name(str(exc.filename or report_dir))
            raise StorageError.from_key("output.cannot_write", Place(file=where), reason=exc.strerror or exc) from None
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return FileOutcome(
            **base, processed_at=now_utc(), status=ERROR, message=detail, exit_code=EXIT_INTERNAL
        )
    except Exception as exc:  # noqa: BLE001 — one bad file must never stop the others
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return FileOutcome(
            **base, processed_at=now_utc(), status=ERROR, message=detail, exit_code=EXIT_INTERNAL
        )
    ev = check.evaluation
    counts = ev.level_counts()
    run = check.run or run_outcome(ev, check.load)
    status = FAILED if run.failed_files else (PROCESSED if run.compared else NOTHING_COMPARED)
    if reds is not None:
        from budget_guard.cases.policy import red_messages

        reds.extend((entry.name, zh, en) for zh, en in red_messages(ev))  # with why no case, where so
    if status == PROCESSED and on_check is not None:
        on_check(Path(entry.name), check)  # before the file is recorded: a run killed here redoes the file
    return FileOutcome(
        **base,
        processed_at=now_utc(),
        status=status,
        worst_level=ev.worst_level() if status == PROCESSED else None,
        findings=int(len(ev.findings)),
        red=counts[Level.red.value],
        yellow=counts[Level.yellow.value],
        white=counts[Level.white.value],
        lines=int(ev.line_count),
        rejected=int(len(check.load.rejected)),
        report_dir=report_dir.name,
        message=check.message,
        exit_code=check.exit_code,
    )


def _clean_temps(out_dir: Path) -> int:
    removed = remove_stale_temps(out_dir)
    if out_dir.is_dir():
        for child in out_dir.iterdir():
            if child.is_dir() and not child.name.startswith("."):
                removed += remove_stale_temps(child)
    return len(removed)


def _descriptor_sha256(fd: int) -> str:
    digest = hashlib.sha256()
    os.lseek(fd, 0, os.SEEK_SET)
    for chunk in iter(lambda: os.read(fd, _HASH_CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def _hash_entries(
    entries: list[Entry], notes: list[Note], inbox: Path, follow_symlinks: bool
) -> list[tuple[Entry, str]]:
    """First pass: the content hash of every settled file (streamed, nothing kept in memory), each
    read through ``open_entry`` (the refusal of outside files decided on the descriptor)."""
    hashed = []
    for entry in entries:
        try:
            fd = open_entry(entry, inbox, follow_symlinks=follow_symlinks)
            try:
                hashed.append((entry, _descriptor_sha256(fd)))
            finally:
                os.close(fd)
        except EntryRefused as refused:
            notes.append(refused.note)
        except FileNotFoundError:
            notes.append(Note(VANISHED, entry.name))
        except OSError as exc:
            notes.append(Note("not-regular", entry.name, display_name(exc.strerror or str(exc))))
    return hashed


def _read_entry(
    entry: Entry, limits: Limits, inbox: Path, follow_symlinks: bool = False
) -> tuple[Source, str] | Note:
    """The bytes to check and their hash, or the note why not (vanished, still being written,
    refused: the file opened is not the one listed)."""
    try:
        fd = open_entry(entry, inbox, follow_symlinks=follow_symlinks)
    except EntryRefused as refused:
        return refused.note
    except FileNotFoundError:
        return Note(VANISHED, entry.name)
    except OSError as exc:
        return Note("not-regular", entry.name, display_name(exc.strerror or str(exc)))
    try:
        source = read_descriptor(
            fd, display_name(entry.path.name), display_name(str(entry.path)), limits.max_file_bytes
        )
        info = os.fstat(fd)
        if (info.st_size, info.st_mtime) != (entry.size, entry.mtime):
            return Note(WAITING, entry.name, f"{limits.settle_seconds:g}")
        if source.data is None:  # too large, not regular: a failed file, recorded by its streamed hash
            return source, _descriptor_sha256(fd)
    except OSError:
        return Note(VANISHED, entry.name)
    finally:
        os.close(fd)
    return source, hashlib.sha256(source.data).hexdigest()


def run_batch(
    inbox: str | Path,
    out_dir: str | Path,
    rules: Rules,
    *,
    state_path: str | Path | None = None,
    formats: Iterable[str] = DEFAULT_FORMATS,
    lang: str = "zh",
    fail_on: str = DEFAULT_FAIL_ON,
    stage: str | None = None,
    reprocess: bool = False,
    progress: Progress = _no_progress,
    limits: Limits = DEFAULT_LIMITS,
    follow_symlinks: bool = False,
    department: str | None = None,
    year: int | None = None,
    track_cases: bool = False,
    clock: Clock | None = None,
) -> BatchOutcome:
    """Process every new, settled file of ``inbox`` under the lock; raises ``BatchLocked`` if another run holds it.

    Each file's bytes are read once, hashed and checked (the ledger's hash is of the bytes parsed).
    A file deleted mid-run is skipped with a note; a ledger or disk fault stops the run with a
    ``LedgerError``/``StorageError`` (exit 2); SIGINT/SIGTERM mark the run interrupted and remove temps.
    With ``track_cases`` each readable file's evaluation updates the 挂牌督办 cases in the same
    SQLite ledger (docs/cases.md), in one short transaction per file.
    """
    inbox, out = Path(inbox), Path(out_dir)
    if not inbox.is_dir():
        raise InputError.from_key("input.inbox_missing", Place(file=display_name(str(inbox))))
    if out.resolve().is_relative_to(inbox.resolve()):  # its own reports would be read back as inputs
        raise InputError.from_key("input.out_inside_inbox", Place(file=display_name(str(out))))
    state = Path(state_path) if state_path else out / DEFAULT_STATE_NAME
    formats = tuple(formats)
    if track_cases:
        from budget_guard.cases import supervision_of

        supervision_of(rules)  # no supervision section: say so before any file is read
    lock = lock_path_for(state)
    had_lock = lock.exists() and lock.stat().st_size > 0
    with batch_lock(lock):
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError.from_key(
                "output.cannot_create", Place(file=display_name(str(out))), reason=exc.strerror or exc
            ) from None
        removed = _clean_temps(out)
        notes: list[Note] = []
        if not state.exists():
            earlier = earlier_reports(out)
            if earlier or had_lock:
                notes.append(Note(LEDGER_MISSING, "", str(earlier)))
                progress("ledger_missing", {"message": notes[-1].message(lang)})
        ledger = Ledger(state)
        run_id = ledger.start_run(display_name(str(inbox.resolve())), display_name(str(out.resolve())), rules)
        outcomes: list[FileOutcome] = []
        skipped = 0
        try:
            entries, inbox_notes = scan_inbox(
                inbox, settle_seconds=limits.settle_seconds, follow_symlinks=follow_symlinks
            )
            notes.extend(inbox_notes)
            done = set() if reprocess else ledger.done_hashes()
            todo: list[tuple[Entry, str]] = []
            for entry, sha in _hash_entries(entries, notes, inbox, follow_symlinks):
                if sha in done:
                    skipped += 1
                    continue
                done.add(sha)  # the same content twice in one inbox is processed once
                todo.append((entry, sha))
            progress("batch_start", {"new": len(todo), "skipped": skipped, "run_id": run_id})
            on_check, on_failed, changes = (
                _case_tracker(state, run_id, rules, clock) if track_cases else (None, None, None)
            )
            reds: list[tuple[str, str, str]] = []
            for index, (entry, listed_sha) in enumerate(todo, start=1):
                read = _read_entry(entry, limits, inbox, follow_symlinks)
                if isinstance(read, Note):
                    notes.append(read)
                    continue
                source, sha = read
                if sha != listed_sha and sha in done:  # changed since listing, into content already seen
                    skipped += 1
                    continue
                done.add(sha)
                outcome = _process_file(
                    entry,
                    source,
                    sha,
                    rules,
                    out,
                    formats=formats,
                    lang=lang,
                    fail_on=fail_on,
                    stage=stage,
                    limits=limits,
                    department=department,
                    year=year,
                    reds=reds,
                    on_check=on_check,
                )
                if on_failed is not None and outcome.status in (FAILED, ERROR):
                    on_failed(entry.name)
                ledger.record_file(run_id, outcome)
                outcomes.append(outcome)
                progress(
                    "file_done",
                    {
                        "index": index,
                        "total": len(todo),
                        "name": entry.name,
                        "status": outcome.status,
                        "worst_level": outcome.worst_level,
                        "lines": outcome.lines,
                        "message": outcome.message,
                    },
                )
            codes = [o.exit_code for o in outcomes] + [EXIT_INPUT for n in notes if n.refused]
            code = max(codes, default=EXIT_OK, key=_exit_precedence)
            worst = _worst([o.worst_level for o in outcomes if o.worst_level])
            status = {
                EXIT_OK: "ok",
                EXIT_FINDINGS: "findings",
                EXIT_INPUT: "failed",
                EXIT_NOTHING_COMPARED: NOTHING_COMPARED,
            }.get(code, "error")
            failed = sum(o.status != PROCESSED for o in outcomes) + sum(n.refused for n in notes)
            case_changes = changes() if changes else None  # the ladder once, after every file was seen
            case_reports, bad_rows = (
                _write_case_sheet(state, out, formats, lang, clock, rules) if track_cases else (None, ())
            )
            ledger.record_notes(run_id, notes)
            ledger.finish_run(
                run_id,
                status=status,
                exit_code=code,
                new=len(outcomes),
                failed=failed,
                skipped=skipped,
                worst_level=worst,
            )
        except KeyboardInterrupt as exc:
            code = EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED
            _close_run(ledger, run_id, "interrupted", code, outcomes, skipped, notes)
            with contextlib.suppress(OSError):
                _clean_temps(out)
            raise
        except BudgetGuardError:
            _close_run(ledger, run_id, "failed", EXIT_INPUT, outcomes, skipped, notes)
            raise
    return BatchOutcome(
        run_id,
        tuple(outcomes),
        skipped,
        code,
        state,
        removed,
        notes=tuple(notes),
        red_findings=tuple(reds),
        cases=case_changes,
        case_reports=case_reports,
        bad_rows=bad_rows,
    )


def _close_run(
    ledger: Ledger,
    run_id: int,
    status: str,
    code: int,
    outcomes: list[FileOutcome],
    skipped: int,
    notes: list[Note],
) -> None:
    """Best effort: the run's end in the ledger, when the ledger itself still works."""
    with contextlib.suppress(BudgetGuardError, KeyboardInterrupt):
        ledger.record_notes(run_id, notes)
        ledger.finish_run(
            run_id,
            status=status,
            exit_code=code,
            new=len(outcomes),
            failed=sum(o.status != PROCESSED for o in outcomes),
            skipped=skipped,
            worst_level=_worst([o.worst_level for o in outcomes if o.worst_level]),
        )


def _write_case_sheet(
    state: Path, out: Path, formats: tuple[str, ...], lang: str, clock: Clock | None, rules: Rules
) -> tuple[dict[str, Path], tuple[Any, ...]]:
    """The 督办单 of the open cases, and the damaged ledger rows left out of it (to be reported)."""
    from budget_guard.cases import CaseStore, current_clock, write_open_cases

    store = CaseStore(state, clock=clock or current_clock())
    return write_open_cases(store, out, formats, lang, rules=rules), tuple(store.bad_rows)


def _case_tracker(
    state: Path, run_id: int, rules: Rules, clock: Clock | None
) -> tuple[Callable[[Path, CheckOutcome], None], Callable[[str], None], Callable[[], RunChanges]]:
    """Per-file callbacks that update the cases (a file checked, a file failed), and one that sweeps
    the ladder and says what changed. A failed file's cases (those last found in a file of that name)
    are told why they could not be confirmed."""
    from budget_guard.cases import (
        CaseStore,
        RunChanges,
        current_clock,
        finish_run,
        not_confirmed_run,
        track_evaluation,
    )

    store = CaseStore(state, clock=clock or current_clock())
    total: list[RunChanges] = [RunChanges()]

    def on_check(path: Path, check: CheckOutcome) -> None:
        changes = track_evaluation(store, check.evaluation, run_id=run_id, file=path.name, sweep=False)
        total[0] = total[0].merge(changes)

    def on_failed(name: str) -> None:
        changes = not_confirmed_run(store, run_id=run_id, file=name, failed=[name], last_file=name)
        total[0] = total[0].merge(changes)

    def finish() -> RunChanges:
        return total[0].merge(finish_run(store, rules, run_id))

    return on_check, on_failed, finish


def run_history(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Runs newest first; a run still marked running whose lock is free was interrupted (killed)."""
    ledger = open_ledger(path)
    held = lock_is_held(lock_path_for(path))
    runs = ledger.runs(limit)
    for run in runs:
        if run["status"] == "running" and not held:
            run["status"] = "interrupted"
    return runs
