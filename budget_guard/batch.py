"""Unattended runs: check a set of files, or process every new file of an inbox, with a lock and a ledger.

- ``run_check``: read → evaluate → write reports, for ``budget-guard check``.
- ``run_batch``: every file of an inbox not yet processed (by content hash, so re-running is
  idempotent) is checked on its own into ``OUT/<name>-<hash>/``; one bad file never stops the
  others. An ``fcntl.flock`` on ``<state>.lock`` (non-blocking) makes an overlapping second run
  stop at once with ``BatchLocked``. A file is recorded in the ledger only after its reports are
  in place, so a killed run simply redoes that file next time.
- ``Ledger``: SQLite (stdlib) record of runs and of every input processed (hash, size, mtime,
  time, outcome), which ``budget-guard history`` lists for audits.

Progress is reported through a callback (event name, values); the CLI decides how to show it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import socket
import sqlite3
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import __version__
from .engine.evaluate import Evaluation, evaluate
from .engine.states import OUTCOME_INPUT_FAILED, OUTCOME_NOTHING_COMPARED
from .errors import BudgetGuardError, InputError, Place
from .inbox import LEDGER_MISSING, VANISHED, WAITING, Entry, Note, earlier_reports, scan_inbox
from .ingest.result import LoadResult
from .ingest.sources import Source, display_name, read_path
from .limits import DEFAULT_LIMITS, Limits
from .outcome import RunOutcome, input_failed_text, load_error_text, run_outcome, unreadable_files
from .reports import DEFAULT_FORMATS, write_reports
from .rulebook import LEVEL_ORDER, Level, Rules
from .safety import remove_stale_temps, safe_filename
from .table import DEPARTMENT

if TYPE_CHECKING:
    from .cases import Clock, RunChanges

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_LOCKED = 3
EXIT_INTERNAL = 4
EXIT_NOTHING_COMPARED = 5  # every input read, but no cell compared like for like: never a sign-off
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_TERMINATED = 143  # SIGTERM (systemd stop, Airflow task kill): 128 + 15
LEDGER_BUSY_SECONDS = 30.0  # how long a write waits for another process's read transaction


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so a run unwinds like Ctrl-C: run marked, temp files removed."""


class LedgerError(InputError):
    """The ledger cannot be used (busy, read-only, full disk, damaged): exit 2 with advice that fits."""


class StorageError(InputError):
    """The reports cannot be written (disk full, read-only folder): exit 2; the file is redone next run."""


_LEDGER_ADVICE = {
    "busy": (
        "运行记录文件正被另一个进程占用（例如打开的数据库查看程序）",
        "the ledger is held by another process (an open sqlite3 shell, for instance)",
        "关闭该进程后重新运行即可，未处理的文件下次会处理，不需要恢复备份",
        "close it and run again; unprocessed files are picked up next run, no restore needed",
    ),
    "readonly": (
        "运行记录文件或其所在文件夹是只读的",
        "the ledger or its folder is read-only",
        "给 budget-guard 用户写权限，或用 --state 指定可写的文件；只读时仍可用 budget-guard history 查看",
        "give the budget-guard user write access or pass a writable --state; budget-guard history still reads it",
    ),
    "full": (
        "磁盘已满，无法写入运行记录",
        "the disk is full; the ledger cannot be written",
        "清理磁盘空间后重新运行，未记录的文件下次会重新处理",
        "free disk space and run again; files not recorded are processed next run",
    ),
    "damaged": (
        "运行记录文件已损坏或不是 SQLite 数据库",
        "the ledger is damaged or not an SQLite database",
        "从备份恢复它，或把它移走（将新建运行记录，所有文件重新处理）",
        "restore it from a backup, or move it aside (a new ledger is created and every file is processed again)",
    ),
}


def ledger_error(exc: sqlite3.Error | OSError, path: Path) -> LedgerError:
    """One line that says what happened to the ledger and the fix that fits (waiting is not restoring)."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        kind = "busy"
    elif "readonly" in text or "read-only" in text or "permission" in text or "unable to open" in text:
        kind = "readonly"
    elif "full" in text or getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT):
        kind = "full"
    else:
        kind = "damaged"
    zh, en, hint_zh, hint_en = _LEDGER_ADVICE[kind]
    return LedgerError(
        f"{zh}（{exc}）", f"{en} ({exc})", Place(file=display_name(str(path))), hint_zh, hint_en
    )


_STORAGE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO)

# Levels a run can be told to fail on; "none" never fails on findings (only on unreadable input).
FAIL_LEVELS: tuple[str, ...] = (Level.red.value, Level.yellow.value, Level.white.value, "none")
DEFAULT_FAIL_ON = Level.red.value
INPUT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
DEFAULT_STATE_NAME = "budget-guard-ledger.sqlite"
LOCK_SUFFIX = ".lock"
SCHEMA_USER_VERSION = 1
_HASH_CHUNK = 1 << 20

# file outcomes in the ledger
PROCESSED = "processed"  # read and reported (whatever the findings)
FAILED = "failed"  # the file could not be read (user error; not retried until its content changes)
ERROR = "error"  # budget-guard itself failed on it (a bug; retried on the next run)
NO_NEW_FILES = "no_new_files"  # batch outcome: nothing new in the inbox
NOTHING_COMPARED = (
    "nothing_compared"  # read, but no cell compared like for like (one year only, stage absent)
)
SKIPPED = "skipped"  # already processed in an earlier run (not stored per file)

Progress = Callable[[str, dict[str, Any]], None]


def _no_progress(event: str, values: dict[str, Any]) -> None:
    return None


class BatchLocked(BudgetGuardError):
    """Another batch run holds the lock on the same ledger."""

    def __init__(self, lock_path: Path, holder: str = "") -> None:
        detail = f" ({holder})" if holder else ""
        super().__init__(
            f"另一个 budget-guard batch 正在运行{detail}，本次不处理，直接退出",
            f"another budget-guard batch run is in progress{detail}; nothing done, exiting",
            Place(file=str(lock_path)),
        )
        self.lock_path = lock_path


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _is_candidate(path: Path) -> bool:
    """Spreadsheets only; skip hidden files, our temp files and Excel's ``~$`` owner files."""
    name = path.name
    return path.is_file() and not name.startswith((".", "~$")) and path.suffix.lower() in INPUT_SUFFIXES


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
            raise InputError(
                "文件或文件夹不存在",
                "file or folder not found",
                Place(file=str(path)),
                hint_zh="请检查路径",
                hint_en="check the path",
            )
    unique: dict[Path, Path] = {}
    for p in found:  # one entry per file, under the name the user gave (not a link's target)
        unique.setdefault(p.resolve(), p)
    return list(unique.values())


def exit_code_for(worst_level: str, fail_on: str) -> int:
    """1 when the worst finding is at or above the fail level, else 0 (for a run that compared something)."""
    if fail_on == "none":
        return EXIT_OK
    rank = {lv.value: lv.rank for lv in LEVEL_ORDER}
    if worst_level not in rank:
        raise ValueError(f"not a graded level: {worst_level!r}")
    return EXIT_FINDINGS if rank[worst_level] >= rank[fail_on] else EXIT_OK


def refuse_other_departments(load: LoadResult, department: str | None) -> None:
    """``--department X`` names the department of tables that do not state one; a table that states
    other departments is not silently checked as if it were X's (nor silently cut down to X)."""
    if not department or load.table.empty:
        return
    stated = sorted(set(load.table[DEPARTMENT].astype(str)) - {department})
    if stated:
        shown = "、".join(stated[:5]) + ("等" if len(stated) > 5 else "")
        raise InputError(
            f"表中已注明部门（{shown}），与 --department {department} 不符，未做检查",
            f"the table states its own department(s) ({', '.join(stated[:5])}), not --department {department}; "
            "nothing was checked",
            hint_zh="--department 只用于未注明部门的表；只检查某个部门时，请只提供该部门的文件，或去掉 --department",
            hint_en="--department only names tables that do not state a department; to check one department, "
            "pass only its files, or drop --department",
        )


def load_error_hints(load: LoadResult, lang: str) -> str:
    """How to fix each unreadable file's problems, once per kind of problem ('；'-joined)."""
    names = {n for f in unreadable_files(load) for n in (f.name, f.path)}
    hints = dict.fromkeys(p.hint(lang) for p in load.errors if p.file in names)
    return ("；" if lang == "zh" else "; ").join(h for h in hints if h)


# -- check ------------------------------------------------------------------------------------------


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
            "findings": int(len(self.evaluation.findings)),
            "lines": int(self.evaluation.line_count),
            "rejected_rows": int(len(self.load.rejected)),
            "files": totals["files"],
            "files_failed": len(unreadable_files(self.load)),
            "balanced": self.evaluation.balanced,
            "clean_total": self.evaluation.clean_total,
            "rules": {"version": self.evaluation.rules.version, "sha256": self.evaluation.rules.sha256},
            "reports": {k: str(v) for k, v in self.reports.items()},
            "message": self.message,
            **({"cases": self.cases.as_record(), "run_id": self.run_id} if self.cases is not None else {}),
        }


def _read(paths: Sequence[Path], **options: Any) -> LoadResult:
    from .ingest import read_budget  # the ingest stage (imported here so a broken reader is a per-file error)

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
    writes them) in that engine instead of spreadsheets in memory (``scaleout.py``).

    Raises ``InputError`` when nothing at all could be read (``require_readable``); when only
    some files fail, the reports are written and the exit code is 2. ``sources`` are inputs already
    read (batch hashes exactly the bytes it hands over); ``limits`` bound what one file may cost.
    With ``ledger_path`` the run is recorded in that ledger and updates its 挂牌督办 cases (docs/cases.md).
    """
    if ledger_path is not None:
        from .cases import supervision_of

        supervision_of(rules)
    if engine != "pandas":
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
        raise InputError(
            "没有找到可读取的表格文件（.csv .xlsx .xls）",
            "no spreadsheet files found (.csv .xlsx .xls)",
            Place(file=", ".join(str(p) for p in paths)),
        )
    progress("read_start", {"files": len(files)})
    load = _read(files, department=department, year=year, stage=stage, limits=limits, aliases=aliases)
    progress("read_done", {"lines": len(load.table), "rejected": len(load.rejected), "files": len(files)})
    refuse_other_departments(load, department)
    unreadable = unreadable_files(load)
    if require_readable and len(unreadable) == len(load.files):
        raise InputError(
            input_failed_text(load, "zh"),
            input_failed_text(load, "en"),
            hint_zh=load_error_hints(load, "zh"),
            hint_en=load_error_hints(load, "en"),
        )
    progress("evaluate", {})
    evaluation = evaluate(load.table, rules, stage)
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
    from .cases import CaseStore, current_clock, write_open_cases

    store = CaseStore(ledger_path, clock=clock or current_clock())
    reports = {**reports, **write_open_cases(store, out_dir, formats, lang, rules=evaluation.rules)}
    return CheckOutcome(
        load, evaluation, reports, code, fail_on, message, run=run, cases=changes, run_id=run_id
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
    from .scaleout import evaluate_tables

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
    from .cases import CaseStore, current_clock, write_open_cases

    store = CaseStore(ledger_path, clock=clock or current_clock())
    reports = {**reports, **write_open_cases(store, out_dir, formats, lang, rules=evaluation.rules)}
    return CheckOutcome(
        load, evaluation, reports, code, fail_on, message, run=run, cases=changes, run_id=run_id
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
    from .cases import CaseStore, current_clock, not_confirmed_run, track_evaluation

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


# -- lock -------------------------------------------------------------------------------------------


@contextlib.contextmanager
def batch_lock(lock_path: str | Path) -> Iterator[Path]:
    """Hold an exclusive, non-blocking ``flock`` on ``lock_path`` for the duration of a run.

    The file is never deleted (deleting a lock file lets a third run lock a different inode);
    it holds the holder's pid and host for the message a second run prints.
    """
    path = Path(lock_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
            raise BatchLocked(path, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} on {socket.gethostname()} since {now_utc()}\n".encode(), 0)
        yield path
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def lock_is_held(lock_path: str | Path) -> bool:
    """True if a running batch holds the lock (used by ``history`` to tell running from interrupted)."""
    path = Path(lock_path)
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


# -- ledger -----------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL,            -- running | ok | findings | failed | error (interrupted if still running)
    exit_code INTEGER,
    inbox TEXT,
    out_dir TEXT,
    rules_version TEXT,
    rules_sha256 TEXT,
    files_new INTEGER DEFAULT 0,
    files_failed INTEGER DEFAULT 0,
    files_skipped INTEGER DEFAULT 0,
    worst_level TEXT,
    host TEXT,
    pid INTEGER,
    version TEXT
);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    sha256 TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime TEXT,
    processed_at TEXT NOT NULL,
    status TEXT NOT NULL,            -- processed | failed | error
    worst_level TEXT,
    findings INTEGER,
    red INTEGER,
    yellow INTEGER,
    white INTEGER,
    lines INTEGER,
    rejected INTEGER,
    report_dir TEXT,
    message TEXT
);
CREATE INDEX IF NOT EXISTS files_by_hash ON files(sha256);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,              -- symlink-outside | not-regular | not-settled | vanished | ledger-missing
    name TEXT,
    message_zh TEXT,
    message_en TEXT
);
"""


@dataclass(frozen=True)
class FileOutcome:
    """One inbox file in one run (also one row of the ledger's ``files`` table)."""

    sha256: str
    name: str
    path: str
    size: int
    mtime: str
    processed_at: str
    status: str
    worst_level: str | None = None
    findings: int | None = None
    red: int | None = None
    yellow: int | None = None
    white: int | None = None
    lines: int | None = None
    rejected: int | None = None
    report_dir: str | None = None
    message: str = ""
    exit_code: int = EXIT_OK

    def as_record(self) -> dict[str, Any]:
        return asdict(self)


class Ledger:
    """The SQLite record of batch runs and processed inputs. One short transaction per write.

    Every SQLite or OS error becomes a ``LedgerError`` (exit 2, one line, the advice that fits);
    ``readonly`` opens an existing ledger without writing anything (``history``).
    """

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly:
            with self._tx() as db:
                db.execute("SELECT count(*) FROM runs").fetchone()
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ledger_error(exc, self.path) from None
        with self._tx() as db:
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_USER_VERSION}")

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            uri = f"file:{quote(str(self.path.resolve()))}?mode=ro"
            db = sqlite3.connect(uri, uri=True, timeout=LEDGER_BUSY_SECONDS)
        else:
            db = sqlite3.connect(self.path, timeout=LEDGER_BUSY_SECONDS)
        db.row_factory = sqlite3.Row
        return db

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        try:
            db = self._connect()
            try:
                with db:
                    yield db
            finally:
                db.close()
        except (sqlite3.Error, OSError) as exc:
            raise ledger_error(exc, self.path) from None

    def record_notes(self, run_id: int, notes: Iterable[Note]) -> None:
        rows = [(run_id, now_utc(), n.kind, n.name, n.message("zh"), n.message("en")) for n in notes]
        if not rows:
            return
        with self._tx() as db:
            db.executemany(
                "INSERT INTO notes (run_id, at, kind, name, message_zh, message_en) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )

    def notes(self, run_id: int) -> list[dict[str, Any]]:
        with self._tx() as db:
            has = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='notes'").fetchone()
            if not has:
                return []
            rows = db.execute("SELECT * FROM notes WHERE run_id=? ORDER BY id", (run_id,))
            return [dict(r) for r in rows]

    def start_run(self, inbox: str, out_dir: str, rules: Rules) -> int:
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO runs (started_at, status, inbox, out_dir, rules_version, rules_sha256, host, pid, version)"
                " VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?)",
                (
                    now_utc(),
                    inbox,
                    out_dir,
                    rules.version,
                    rules.sha256,
                    socket.gethostname(),
                    os.getpid(),
                    __version__,
                ),
            )
            return int(cur.lastrowid)

    def finish_run(
        self,
        run_id: int,
        *,
        status: str,
        exit_code: int,
        new: int,
        failed: int,
        skipped: int,
        worst_level: str | None,
    ) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE runs SET finished_at=?, status=?, exit_code=?, files_new=?, files_failed=?, files_skipped=?,"
                " worst_level=? WHERE id=?",
                (now_utc(), status, exit_code, new, failed, skipped, worst_level, run_id),
            )

    def record_file(self, run_id: int, outcome: FileOutcome) -> None:
        record = outcome.as_record()
        record.pop("exit_code")
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        with self._tx() as db:
            db.execute(
                f"INSERT INTO files (run_id, {columns}) VALUES (?, {marks})", (run_id, *record.values())
            )

    def done_hashes(self) -> set[str]:
        """Content hashes that need no new run: processed, or unreadable (until the content changes)."""
        with self._tx() as db:
            rows = db.execute("SELECT DISTINCT sha256 FROM files WHERE status IN (?, ?)", (PROCESSED, FAILED))
            return {r[0] for r in rows}

    def runs(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self._tx() as db:
            sql = "SELECT * FROM runs ORDER BY id DESC" + (" LIMIT ?" if limit else "")
            return [dict(r) for r in db.execute(sql, (limit,) if limit else ())]

    def files(self, run_id: int | None = None) -> list[dict[str, Any]]:
        with self._tx() as db:
            if run_id is None:
                rows = db.execute("SELECT * FROM files ORDER BY id")
            else:
                rows = db.execute("SELECT * FROM files WHERE run_id=? ORDER BY id", (run_id,))
            return [dict(r) for r in rows]


def open_ledger(path: str | Path) -> Ledger:
    """An existing ledger for reading (opened read-only: works on a read-only file or folder);
    a missing file is a user error, not a new empty ledger."""
    if not Path(path).is_file():
        raise InputError(
            "找不到运行记录文件",
            "ledger file not found",
            Place(file=str(path)),
            hint_zh="用 --state 指定 batch 使用的文件",
            hint_en="pass the --state file batch used",
        )
    return Ledger(path, readonly=True)


def run_history(path: str | Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Runs newest first; a run still marked running whose lock is free was interrupted (killed)."""
    ledger = open_ledger(path)
    held = lock_is_held(lock_path_for(path))
    runs = ledger.runs(limit)
    for run in runs:
        if run["status"] == "running" and not held:
            run["status"] = "interrupted"
    return runs


def lock_path_for(state_path: str | Path) -> Path:
    state = Path(state_path)
    return state.with_name(state.name + LOCK_SUFFIX)


# -- batch ------------------------------------------------------------------------------------------


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

    @property
    def failed(self) -> int:
        """Files that could not be read or that compared nothing (no sign-off for them)."""
        return sum(f.status != PROCESSED for f in self.files)

    @property
    def outcome(self) -> str:
        """The run's outcome (engine/states.py OUTCOMES), or ``no_new_files`` when the inbox had none."""
        if any(f.status in (FAILED, ERROR) for f in self.files):
            return OUTCOME_INPUT_FAILED
        if any(f.status == NOTHING_COMPARED for f in self.files):
            return OUTCOME_NOTHING_COMPARED
        if not self.files:
            return NO_NEW_FILES
        return _worst([f.worst_level for f in self.files if f.worst_level]) or OUTCOME_NOTHING_COMPARED

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
        }


def report_dir_name(name: str, sha256: str) -> str:
    """``<safe file stem>-<first 12 hex of the hash>``: unique per content, readable per department."""
    stem = safe_filename(Path(name).stem, default="input", max_bytes=80)
    return f"{stem}-{sha256[:12]}"


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
    base = {
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
            raise StorageError(
                f"无法写入报告（{exc.strerror or exc}）",
                f"cannot write the reports ({exc.strerror or exc})",
                Place(file=where),
                "清理磁盘空间或检查 --out 文件夹的写权限后重新运行；本文件下次会重新处理",
                "free disk space or check write access to --out, then run again; this file is redone next run",
            ) from None
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
        from .cases.policy import red_messages

        reds.extend((entry.name, zh, en) for zh, en in red_messages(ev))
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


def _hash_entries(entries: list[Entry], notes: list[Note]) -> list[tuple[Entry, str]]:
    """First pass: the content hash of every settled file (streamed, nothing kept in memory)."""
    hashed = []
    for entry in entries:
        try:
            hashed.append((entry, file_sha256(entry.path)))
        except FileNotFoundError:
            notes.append(Note(VANISHED, entry.name))
        except OSError as exc:
            notes.append(Note("not-regular", entry.name, display_name(exc.strerror or str(exc))))
    return hashed


def _read_entry(entry: Entry, limits: Limits) -> tuple[Source | None, str | None, Note | None]:
    """The bytes to check and their hash, or the note why not (vanished, still being written)."""
    source = read_path(entry.path, limits.max_file_bytes)
    codes = {p.code for p in source.problems}
    if "file-not-found" in codes:
        return None, None, Note(VANISHED, entry.name)
    try:
        info = entry.path.stat()
    except FileNotFoundError:
        info = None  # deleted after we read it: the bytes we hold are what we check
    if info is not None and (info.st_size, info.st_mtime) != (entry.size, entry.mtime):
        return None, None, Note(WAITING, entry.name, f"{limits.settle_seconds:g}")
    if source.data is None:  # too large, not regular: a failed file, recorded by its streamed hash
        try:
            return source, file_sha256(entry.path), None
        except OSError:
            return None, None, Note(VANISHED, entry.name)
    return source, hashlib.sha256(source.data).hexdigest(), None


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
        raise InputError("收件文件夹不存在", "inbox folder not found", Place(file=display_name(str(inbox))))
    state = Path(state_path) if state_path else out / DEFAULT_STATE_NAME
    formats = tuple(formats)
    if track_cases:
        from .cases import supervision_of

        supervision_of(rules)  # no supervision section: say so before any file is read
    lock = lock_path_for(state)
    had_lock = lock.exists() and lock.stat().st_size > 0
    with batch_lock(lock):
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StorageError(
                f"无法创建输出文件夹（{exc.strerror or exc}）",
                f"cannot create the output folder ({exc.strerror or exc})",
                Place(file=display_name(str(out))),
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
            for entry, sha in _hash_entries(entries, notes):
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
                source, sha, note = _read_entry(entry, limits)
                if note is not None:
                    notes.append(note)
                    continue
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
            case_reports = _write_case_sheet(state, out, formats, lang, clock, rules) if track_cases else None
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
) -> dict[str, Path]:
    from .cases import CaseStore, current_clock, write_open_cases

    return write_open_cases(CaseStore(state, clock=clock or current_clock()), out, formats, lang, rules=rules)


def _case_tracker(
    state: Path, run_id: int, rules: Rules, clock: Clock | None
) -> tuple[Callable[[Path, CheckOutcome], None], Callable[[str], None], Callable[[], RunChanges]]:
    """Per-file callbacks that update the cases (a file checked, a file failed), and one that sweeps
    the ladder and says what changed. A failed file's cases (those last found in a file of that name)
    are told why they could not be confirmed."""
    from .cases import CaseStore, RunChanges, current_clock, finish_run, not_confirmed_run, track_evaluation

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


def _exit_precedence(code: int) -> int:
    """Which exit code wins when files disagree: internal error > unreadable input > nothing compared
    > findings > ok (a file that compared nothing is no sign-off, whatever the others found)."""
    return {EXIT_OK: 0, EXIT_FINDINGS: 1, EXIT_NOTHING_COMPARED: 2, EXIT_INPUT: 3, EXIT_INTERNAL: 4}.get(
        code, 4
    )


def _worst(levels: list[str]) -> str | None:
    if not levels:
        return None
    rank = {lv.value: lv.rank for lv in LEVEL_ORDER}
    return max(levels, key=rank.__getitem__)
