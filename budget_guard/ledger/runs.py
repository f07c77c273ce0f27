"""The runs and files tables of the ledger: what every batch run read, and what became of each file."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from budget_guard import __version__
from budget_guard import messages as msg
from budget_guard.clock import utc_text as now_utc
from budget_guard.errors import InputError, Place, required
from budget_guard.ingest.files.sources import display_name
from budget_guard.ledger.db import RUNS_SCHEMA_VERSION, migrate_runs, runs_version
from budget_guard.ledger.rows import connect_readonly
from budget_guard.model.rulebook import Rules
from budget_guard.runs.exit_codes import EXIT_OK
from budget_guard.runs.inbox import (
    Note,
)

LEDGER_BUSY_SECONDS = 30.0  # how long a write waits for another process's read transaction


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


DEFAULT_STATE_NAME = "budget-guard-ledger.sqlite"




# file outcomes in the ledger
PROCESSED = "processed"  # read and reported (whatever the findings)


FAILED = "failed"  # the file could not be read (user error; not retried until its content changes)


ERROR = "error"  # budget-guard itself failed on it (a bug; retried on the next run)


NO_NEW_FILES = "no_new_files"  # batch outcome: nothing new in the inbox


NOTHING_COMPARED = (
    "nothing_compared"  # read, but no cell compared like for like (one year only, stage absent)
)


SKIPPED = "skipped"  # already processed in an earlier run (not stored per file)




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
                self._refuse_newer(db)
                db.execute("SELECT count(*) FROM runs").fetchone()
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ledger_error(exc, self.path) from None
        with self._tx() as db:
            self._refuse_newer(db)  # a newer budget-guard's ledger is never reset to our version
            migrate_runs(db)

    def _refuse_newer(self, db: sqlite3.Connection) -> None:
        version = runs_version(db)
        if version > RUNS_SCHEMA_VERSION:
            raise LedgerError(
                msg.t("ledger.too_new", "zh", version=version, known=RUNS_SCHEMA_VERSION),
                msg.t("ledger.too_new", "en", version=version, known=RUNS_SCHEMA_VERSION),
                Place(file=display_name(str(self.path))),
                msg.t("ledger.too_new_hint", "zh"),
                msg.t("ledger.too_new_hint", "en"),
            )

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:  # on a read-only mount a WAL ledger is read as the snapshot on the disk
            db = connect_readonly(self.path, LEDGER_BUSY_SECONDS)
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
            return required(cur.lastrowid, "the row id of the INSERT")

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
        """Content hashes that need no new run: processed, read but nothing compared (a one-year table: its
        outcome is recorded), or unreadable — until the content changes."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT DISTINCT sha256 FROM files WHERE status IN (?, ?, ?)",
                (PROCESSED, FAILED, NOTHING_COMPARED),
            )
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
        raise InputError.from_key("ledger.missing", Place(file=str(path)), option="--state")
    return Ledger(path, readonly=True)
