"""The cases tables in the batch ledger's SQLite file: schema, migrations, and short transactions.

Tables (docs/cases.md): ``cases`` (one row per case, its current state), ``case_events`` (the
history, append-only: triggers refuse UPDATE and DELETE), ``cases_schema`` (the version of these
tables, apart from batch's ``PRAGMA user_version``). The file is put in WAL mode with a busy
timeout and every write is one ``BEGIN IMMEDIATE`` transaction, so ``cases note`` from a second
process while ``batch`` runs waits its turn instead of failing, and neither write is lost.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from budget_guard.cases.actor import Actor
from budget_guard.cases.escalation import escalate
from budget_guard.cases.identity import CaseKey, Observation
from budget_guard.cases.lifecycle import (
    NOT_RECTIFIED,
    Case,
    Event,
    RunContext,
    add_note,
    close_case,
    not_confirmed,
    observe,
    open_case,
)
from budget_guard.clock import Clock, beijing, system_clock, to_text
from budget_guard.errors import BudgetGuardError, InputError, Place, required
from budget_guard.ledger.db import CASES_SCHEMA_VERSION, cases_version, migrate_cases
from budget_guard.ledger.rows import (
    BadRow,
    case_row_problem,
    connect_readonly,
    event_details,
    event_row_problem,
    is_time,
    writable,
)
from budget_guard.model.rulebook import Supervision

BUSY_TIMEOUT_S = 60  # a batch's per-file transaction is short; a note waits at most this long

MAX_CASE_LINES = 500  # lines kept per record; the count says when there were more


class CasesSchemaTooNew(InputError):
    pass


@dataclass(frozen=True)
class RunChanges:
    """What one run did to the cases (printed by check/batch and counted in ``--json``)."""

    opened: tuple[str, ...] = ()
    seen: tuple[str, ...] = ()
    escalated: tuple[str, ...] = ()
    listed: tuple[str, ...] = ()
    rectified: tuple[str, ...] = ()
    reopened: tuple[str, ...] = ()
    not_rectified: tuple[str, ...] = ()  # 未能确认整改 (无数据, 不可比, no line, a file failed)
    rerun: tuple[str, ...] = ()  # found again in the same data as before: counted nothing, changed nothing

    def counts(self) -> dict[str, int]:
        return {name: len(values) for name, values in asdict(self).items()}

    def merge(self, other: RunChanges) -> RunChanges:
        return RunChanges(**{k: tuple(v) + tuple(getattr(other, k)) for k, v in asdict(self).items()})

    def as_record(self) -> dict[str, Any]:
        return {"counts": self.counts(), **{k: list(v) for k, v in asdict(self).items()}}


def _v2(row: sqlite3.Row, column: str, default: Any) -> Any:
    return row[column] if column in row.keys() else default  # noqa: SIM118 (a Row iterates its values)


def _case_from_row(row: sqlite3.Row) -> Case:
    return Case(
        key=CaseKey(row["scope_type"], row["scope"], row["category"], int(row["year"]), row["stage"]),
        number=row["number"],
        state=row["state"],
        level=row["level"],
        rectification=row["rectification"],
        found_at=row["found_at"],
        level_since=row["level_since"],
        deadline_at=row["deadline_at"],
        consecutive_runs=int(row["consecutive_runs"]),
        last_seen_at=row["last_seen_at"],
        last_run_id=row["last_run_id"],
        last_file=row["last_file"],
        message_zh=row["message_zh"],
        message_en=row["message_en"],
        sources=row["sources"],
        source_lines=int(row["source_lines"]),
        amount_fen=row["amount_fen"],
        prev_amount_fen=row["prev_amount_fen"],
        departments=tuple(json.loads(row["departments"])),
        category_zh=row["category_zh"],
        category_en=row["category_en"],
        rectification_zh=row["rectification_zh"],
        rectification_en=row["rectification_en"],
        note=row["note"],
        updated_at=row["updated_at"],
        # version-2 columns: a version-1 ledger read without migrating (read-only) has none of them
        counted_hash=_v2(row, "counted_hash", ""),
        gap_fen=_v2(row, "gap_fen", None),
        direction=_v2(row, "direction", ""),
        id=int(row["id"]),
    )


_CASE_COLUMNS = (
    "case_key, number, scope_type, scope, category, year, stage, state, level, rectification, found_at,"
    " level_since, deadline_at, consecutive_runs, last_seen_at, last_run_id, last_file, message_zh,"
    " message_en, sources, source_lines, amount_fen, prev_amount_fen, departments, category_zh, category_en, rectification_zh,"
    " rectification_en, note, updated_at, counted_hash, gap_fen, direction"
)


def _case_values(case: Case) -> tuple:
    k = case.key
    return (
        k.text(),
        case.number,
        k.scope_type,
        k.scope,
        k.category,
        k.year,
        k.stage,
        case.state,
        case.level,
        case.rectification,
        case.found_at,
        case.level_since,
        case.deadline_at,
        case.consecutive_runs,
        case.last_seen_at,
        case.last_run_id,
        case.last_file,
        case.message_zh,
        case.message_en,
        case.sources,
        case.source_lines,
        case.amount_fen,
        case.prev_amount_fen,
        json.dumps(list(case.departments), ensure_ascii=False),
        case.category_zh,
        case.category_en,
        case.rectification_zh,
        case.rectification_en,
        case.note,
        case.updated_at,
        case.counted_hash,
        case.gap_fen,
        case.direction,
    )


class CaseStore:
    """Cases in one SQLite file (normally the batch ledger). Every method is one short transaction."""

    def __init__(
        self, path: str | Path, *, create: bool = True, clock: Clock = system_clock, readonly: bool = False
    ) -> None:
        self.path = Path(path)
        self.clock = clock
        self.bad_rows: list[
            BadRow
        ] = []  # rows set aside by the last read (ledger/rows.py), for the caller to report
        if not create and not self.path.is_file():
            raise InputError.from_key("ledger.missing", Place(file=str(self.path)), option="--ledger")
        # readers (cases list/show/export, the dashboard) never write: no journal-mode switch, no migration
        self.readonly = readonly or (self.path.is_file() and not writable(self.path))
        if not self.readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._check_version() if self.readonly else self._migrate()
        except sqlite3.DatabaseError as exc:
            raise InputError.from_key("ledger.not_sqlite", Place(file=str(self.path)), detail=exc) from None

    # -- connection ---------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        if self.readonly:
            db = connect_readonly(self.path, BUSY_TIMEOUT_S)
        else:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        return db

    def _check_version(self) -> None:
        with self._read() as db:
            self._refuse_newer(cases_version(db))

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE``: take the write lock before reading, so a read-modify-write never races."""
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")
        finally:
            db.close()

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        db = self._connect()
        try:
            yield db
        finally:
            db.close()

    def schema_version(self) -> int:
        with self._read() as db:
            return cases_version(db)

    def _migrate(self) -> None:
        db = self._connect()
        try:
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                db.execute("PRAGMA journal_mode = WAL")
        finally:
            db.close()
        with self._write() as db:
            self._refuse_newer(cases_version(db))
            migrate_cases(db, to_text(self.clock()))

    def _refuse_newer(self, version: int) -> None:
        if version > CASES_SCHEMA_VERSION:
            raise CasesSchemaTooNew.from_key(
                "ledger.cases_too_new", Place(file=str(self.path)), version=version, known=CASES_SCHEMA_VERSION
            )

    # -- writes -------------------------------------------------------------------------------------

    def apply_run(
        self,
        observations: Iterable[Observation],
        supervision: Supervision,
        ctx: RunContext,
        *,
        open_years: Callable[[Observation], bool] = lambda obs: True,
        now: datetime | None = None,
        sweep: bool = True,
        present: Callable[[CaseKey], bool] | None = None,
        lines_for: Callable[[CaseKey], list[dict[str, Any]]] | None = None,
    ) -> RunChanges:
        """One run's (one file's) cells: open, follow, rectify cases, then sweep the ladder. One transaction.

        A batch passes ``sweep=False`` for each file and sweeps once after the last one, so a
        department's resubmission later in the same run is seen before its case is escalated.
        ``present(key)`` says whether this run sent lines of the case's scope and stage: a waiting
        case of such a scope whose cell the run does not grade at all (its lines deleted) gets a
        history event saying it could not be confirmed. ``lines_for(key)`` gives the lines behind a
        cell, recorded with the events that rest on them (opened, found in new data, rectified).
        """
        now = now or self.clock()
        wanted = {lv.value for lv in supervision.open_levels}
        changes: dict[str, list[str]] = {k: [] for k in RunChanges.__dataclass_fields__}
        observations = list(observations)
        with self._write() as db:
            _record_cells(db, observations, ctx, now)
            existing, damaged = self._sound_cases(db)
            said_not_rectified: set[str] = set(_not_rectified_this_run(db, ctx.run_id))
            seen_keys: set[str] = set()
            for obs in observations:
                key = obs.key.text()
                seen_keys.add(key)
                if key in damaged:  # a damaged row is reported and left as it is, never overwritten
                    continue
                case = existing.get(key)
                if case is None:
                    if not (obs.is_finding and obs.state in wanted and open_years(obs)):
                        continue
                    number = _next_number(db, supervision, now)
                    case, events = open_case(obs, number, now, supervision, ctx)
                    case = _insert(db, case)
                    existing[key] = case
                    _append(db, case, events)
                    _record_lines(db, case, events, ctx, now, lines_for)
                    changes["opened"].append(case.number)
                    continue
                updated, events = observe(case, obs, now, supervision, ctx)
                if any(e.kind == NOT_RECTIFIED for e in events):
                    if key in said_not_rectified:
                        continue
                    said_not_rectified.add(key)
                _store(db, updated, events)
                existing[key] = updated
                _record_lines(db, updated, events, ctx, now, lines_for)
                for event in events:
                    if event.kind == "seen" and event.details.get("same_input"):
                        changes["rerun"].append(case.number)
                        continue
                    bucket = {
                        "rectified": "rectified",
                        "reopened": "reopened",
                        "seen": "seen",
                        "not_rectified": "not_rectified",
                        "level_raised": "escalated",
                    }.get(event.kind)
                    if bucket:
                        changes[bucket].append(case.number)
            for key, case in list(existing.items()) if present else ():
                # A waiting case of a scope this run sent, whose cell the run did not grade at all.
                if key in seen_keys or key in said_not_rectified or present is None or not present(case.key):
                    continue
                events = not_confirmed(case, "no_data", now, ctx, reason="no_lines")
                if events:
                    _append(db, case, events)
                    said_not_rectified.add(key)
                    changes["not_rectified"].append(case.number)
            for key, case in list(existing.items()) if sweep else ():
                updated, events = escalate(case, now, supervision, ctx.actor, ctx.run_id)
                if events:
                    _store(db, updated, events)
                    existing[key] = updated
                    for event in events:
                        changes["listed" if event.kind == "listed" else "escalated"].append(case.number)
        return RunChanges(**{k: tuple(dict.fromkeys(v)) for k, v in changes.items()})

    def not_confirmed_run(
        self,
        ctx: RunContext,
        why: str,
        *,
        files: Iterable[str] = (),
        now: datetime | None = None,
        last_file: str | None = None,
    ) -> RunChanges:
        """A run that cannot confirm waiting cases (a file failed): each gets a history event saying why.

        ``files``: the files that failed (named in the event). ``last_file``: only the cases last found
        in that file (a batch, where one department's file failed). Once per run and case.
        """
        now = now or self.clock()
        numbers: list[str] = []
        with self._write() as db:
            said = set(_not_rectified_this_run(db, ctx.run_id))
            for row in db.execute("SELECT * FROM cases").fetchall():
                case = _case_from_row(row)
                if case.key.text() in said or (last_file is not None and case.last_file != last_file):
                    continue
                events = not_confirmed(case, why, now, ctx, failed_files=sorted(set(files)))
                if events:
                    _append(db, case, events)
                    numbers.append(case.number)
        return RunChanges(not_rectified=tuple(numbers))

    def sweep(
        self,
        supervision: Supervision,
        actor: Actor,
        *,
        now: datetime | None = None,
        run_id: int | None = None,
    ) -> RunChanges:
        """Apply the ladder to every active case (end of a batch run, or ``cases sweep`` from cron)."""
        now = now or self.clock()
        escalated: list[str] = []
        listed: list[str] = []
        with self._write() as db:
            for case in self._sound_cases(db)[0].values():
                updated, events = escalate(case, now, supervision, actor, run_id)
                if events:
                    _store(db, updated, events)
                    (listed if updated.state == "listed" else escalated).append(case.number)
        return RunChanges(escalated=tuple(escalated), listed=tuple(listed))

    def note(self, number: str, text: str, actor: Actor, *, now: datetime | None = None) -> Case:
        now = now or self.clock()
        with self._write() as db:
            case = _by_number(db, number)
            updated, events = add_note(case, text, actor, now)
            _store(db, updated, events)
            return updated

    def close(self, number: str, reason: str, actor: Actor, *, now: datetime | None = None) -> Case:
        now = now or self.clock()
        with self._write() as db:
            case = _by_number(db, number)
            updated, events = close_case(case, reason, actor, now)
            _store(db, updated, events)
            return updated

    # -- reads --------------------------------------------------------------------------------------

    def cases(self) -> list[Case]:
        with self._read() as db:
            return list(self._sound_cases(db)[0].values())

    def _sound_cases(self, db: sqlite3.Connection) -> tuple[dict[str, Case], set[str]]:
        """Every case row that validates, by key (in id order); the keys of the damaged ones (each one
        recorded in ``bad_rows``)."""
        self.bad_rows = []
        sound: dict[str, Case] = {}
        damaged: set[str] = set()
        if not _has_cases(db):
            return sound, damaged
        for row in db.execute("SELECT * FROM cases ORDER BY id"):
            problem = case_row_problem(row)
            if problem is None:
                sound[row["case_key"]] = _case_from_row(row)
            else:
                self.bad_rows.append(problem)
                damaged.add(str(row["case_key"]))
        return sound, damaged

    def case(self, number: str) -> Case:
        with self._read() as db:
            return _by_number(db, number)

    def history(self, number: str) -> list[dict[str, Any]]:
        with self._read() as db:
            case = _by_number(db, number)
            rows = db.execute("SELECT * FROM case_events WHERE case_id=? ORDER BY id", (case.id,))
            return self._sound_events(rows, case.number)

    def lines(self, number: str) -> list[dict[str, Any]]:
        """The lines behind a case as recorded by each run that found or rectified it (oldest first)."""
        with self._read() as db:
            case = _by_number(db, number)
            if not _has_table(db, "case_lines"):  # a version-1 ledger read without migrating
                return []
            rows = db.execute("SELECT * FROM case_lines WHERE case_id=? ORDER BY id", (case.id,))
            return [{**dict(r), "lines": json.loads(r["lines"])} for r in rows]

    def run_cells(self) -> list[dict[str, Any]]:
        """Every recorded cell of every run (oldest first): the basis of ``cases changes``."""
        with self._read() as db:
            if not _has_table(db, "run_cells"):  # a version-1 ledger read without migrating
                return []
            return [dict(r) for r in db.execute("SELECT * FROM run_cells ORDER BY run_id, id")]

    def case_events_by_run(self) -> list[dict[str, Any]]:
        """Every history event with its case's number and key fields (for ``cases changes``)."""
        with self._read() as db:
            rows = db.execute(
                "SELECT e.*, c.number, c.scope_type, c.scope, c.category, c.year, c.stage"
                " FROM case_events e JOIN cases c ON c.id = e.case_id ORDER BY e.id"
            )
            return [_event_record(r) for r in rows]

    def all_events(self) -> dict[int, list[dict[str, Any]]]:
        with self._read() as db:
            out: dict[int, list[dict[str, Any]]] = {}
            if not _has_cases(db):
                return out
            for r in db.execute("SELECT * FROM case_events ORDER BY id"):
                if isinstance(r["case_id"], int):
                    out.setdefault(r["case_id"], []).extend(self._sound_events([r]))
            return out

    def _sound_events(self, rows: Iterable[sqlite3.Row], number: str = "") -> list[dict[str, Any]]:
        """History rows the 督办单 can show; a damaged one is recorded in ``bad_rows`` and skipped."""
        out = []
        for row in rows:
            problem = event_row_problem(row, number)
            if problem is None:
                out.append(_event_record(row))
            elif problem not in self.bad_rows:
                self.bad_rows.append(problem)
        return out


def _has_cases(db: sqlite3.Connection) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='cases'").fetchone() is not None
    )


def _has_table(db: sqlite3.Connection, name: str) -> bool:
    return (
        db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone()
        is not None
    )


def _next_number(db: sqlite3.Connection, supervision: Supervision, now: datetime) -> str:
    """The next 督办编号 of the (Beijing) year the case is found in."""
    year = beijing(now).year
    found = [beijing(r[0]).year for r in db.execute("SELECT found_at FROM cases") if is_time(r[0])]
    seq = sum(y == year for y in found) + 1
    number = supervision.number_format.format(year=year, seq=seq)
    while db.execute("SELECT 1 FROM cases WHERE number=?", (number,)).fetchone():
        seq += 1
        number = supervision.number_format.format(year=year, seq=seq)
    return number


def _insert(db: sqlite3.Connection, case: Case) -> Case:
    marks = ", ".join("?" for _ in _CASE_COLUMNS.split(","))
    cur = db.execute(f"INSERT INTO cases ({_CASE_COLUMNS}) VALUES ({marks})", _case_values(case))
    return Case(**{**case.__dict__, "id": required(cur.lastrowid, "the row id of the INSERT")})


def _store(db: sqlite3.Connection, case: Case, events: list[Event]) -> None:
    if not events:
        return
    columns = [c.strip() for c in _CASE_COLUMNS.split(",")]
    assignments = ", ".join(f"{c}=?" for c in columns)
    db.execute(f"UPDATE cases SET {assignments} WHERE id=?", (*_case_values(case), case.id))
    _append(db, case, events)


def _append(db: sqlite3.Connection, case: Case, events: list[Event]) -> None:
    for e in events:
        db.execute(
            "INSERT INTO case_events (case_id, at, kind, from_state, to_state, from_level, to_level, actor,"
            " actor_kind, run_id, file, reason, details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                case.id,
                e.at,
                e.kind,
                e.from_state,
                e.to_state,
                e.from_level,
                e.to_level,
                e.actor.name,
                e.actor.kind,
                e.run_id,
                e.file,
                e.reason,
                json.dumps(e.details, ensure_ascii=False, default=str),
            ),
        )


_LINES_EVENTS = frozenset({"opened", "rectified", "reopened"})


def _record_lines(
    db: sqlite3.Connection,
    case: Case,
    events: list[Event],
    ctx: RunContext,
    now: datetime,
    lines_for: Callable[[CaseKey], list[dict[str, Any]]] | None,
) -> None:
    """The lines behind the case as this run read them, kept with the event that rests on them."""
    if lines_for is None:
        return
    kinds = [
        e.kind
        for e in events
        if e.kind in _LINES_EVENTS or (e.kind == "seen" and not e.details.get("same_input"))
    ]
    if not kinds:
        return
    lines = lines_for(case.key)
    kept = lines[:MAX_CASE_LINES]
    db.execute(
        "INSERT INTO case_lines (case_id, run_id, file, at, kind, line_count, stored, lines)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            case.id,
            ctx.run_id,
            ctx.file,
            to_text(now),
            kinds[0],
            len(lines),
            len(kept),
            json.dumps(kept, ensure_ascii=False, default=str),
        ),
    )


def _record_cells(
    db: sqlite3.Connection, observations: list[Observation], ctx: RunContext, now: datetime
) -> None:
    """Every graded cell of this run with its scope's content hash (``cases changes`` compares them)."""
    at = to_text(now)
    db.executemany(
        "INSERT INTO run_cells (run_id, file, at, scope_type, scope, category, category_zh, category_en, year,"
        " stage, state, reason, amount_fen, prev_amount_fen, input_hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                ctx.run_id,
                ctx.file,
                at,
                o.key.scope_type,
                o.key.scope,
                o.key.category,
                o.category_zh or o.key.category,
                o.category_en or o.key.category,
                o.key.year,
                o.key.stage,
                o.state,
                o.reason,
                o.amount_fen,
                o.prev_amount_fen,
                o.input_hash,
            )
            for o in observations
        ],
    )


def _not_rectified_this_run(db: sqlite3.Connection, run_id: int) -> list[str]:
    rows = db.execute(
        "SELECT c.case_key FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.kind=? AND e.run_id=?",
        (NOT_RECTIFIED, run_id),
    )
    return [r[0] for r in rows]


def _by_number(db: sqlite3.Connection, number: str) -> Case:
    row = (
        db.execute("SELECT * FROM cases WHERE number=?", (number.strip(),)).fetchone()
        if _has_cases(db)
        else None
    )
    problem = case_row_problem(row) if row is not None else None
    if problem is not None:
        raise BudgetGuardError(problem.message("zh"), problem.message("en"))
    if row is None:
        raise BudgetGuardError.from_key("case.unknown_number", number=number)
    return _case_from_row(row)


def _event_record(row: sqlite3.Row) -> dict[str, Any]:
    record = dict(row)
    record["details"] = event_details(record["details"])
    return record


__all__ = ["BUSY_TIMEOUT_S", "CASES_SCHEMA_VERSION", "CaseStore", "CasesSchemaTooNew", "RunChanges"]
