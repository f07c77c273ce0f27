"""Reading a ledger that may be damaged or read-only: every case row validated, a bad one set aside.

A ledger is a file people copy, restore, edit with a SQLite browser, or mount read-only for the
dashboard. One row with an unknown level, malformed JSON or a bad date must not stop ``cases list``,
the next ``check --ledger`` or the dashboard: each row is checked field by field when it is read; a bad
row becomes a ``BadRow`` (case number, field, value) that the caller reports, and the row is skipped.

A read-only ledger (a read-only mount, a file the reader may not write) is opened with SQLite's
``mode=ro``; a ledger in WAL mode on a read-only mount cannot be opened that way (SQLite wants to
create its ``-shm`` file), so it is then read as ``immutable`` — the snapshot on the disk.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from budget_guard import messages as msg
from budget_guard.model.table import MAX_YEAR, MIN_YEAR, STAGES

LEVELS: tuple[str, ...] = ("white", "yellow", "red")
SCOPE_TYPES: tuple[str, ...] = ("government", "division", "department", "unit")
_TIMES = ("found_at", "level_since", "deadline_at", "last_seen_at", "updated_at")
_TEXTS = (
    "case_key",
    "number",
    "scope",
    "category",
    "rectification",
    "last_file",
    "message_zh",
    "message_en",
    "sources",
    "category_zh",
    "category_en",
    "rectification_zh",
    "rectification_en",
    "note",
)
MAX_SHOWN_VALUE = 80


@dataclass(frozen=True)
class BadRow:
    """A ledger row that was skipped: which case, which field, the value found."""

    row_id: int | None
    number: str
    field: str
    value: str

    def message(self, lang: str = "zh") -> str:
        return msg.t(
            "ledger.bad_row",
            lang,
            row=self.row_id if self.row_id is not None else "?",
            number=self.number or "?",
            field=msg.t(f"ledger.field.{self.field}", lang)
            if msg.has(f"ledger.field.{self.field}")
            else self.field,
            value=self.value,
        )

    def as_record(self) -> dict[str, Any]:
        return {"row": self.row_id, "number": self.number, "field": self.field, "value": self.value}


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= MAX_SHOWN_VALUE else text[: MAX_SHOWN_VALUE - 1] + "…"


def is_time(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _is_int(value: Any, *, optional: bool = False, minimum: int | None = None) -> bool:
    if value is None:
        return optional
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return minimum is None or value >= minimum


def case_row_problem(row: sqlite3.Row) -> BadRow | None:
    """The first field of a ``cases`` row that a case cannot be built from, or None when it is sound."""
    from budget_guard.cases.lifecycle import STATES  # here: the cases package imports the ledger

    keys = row.keys()

    def bad(field: str) -> BadRow:
        value = row[field] if field in keys else None
        number = row["number"] if "number" in keys and isinstance(row["number"], str) else ""
        row_id = row["id"] if "id" in keys and _is_int(row["id"]) else None
        return BadRow(row_id, number, field, _shown(value))

    checks: list[tuple[str, Any]] = [
        *[(f, lambda v: isinstance(v, str)) for f in _TEXTS],
        ("number", lambda v: isinstance(v, str) and v.strip() != ""),
        ("scope_type", lambda v: v in SCOPE_TYPES),
        ("stage", lambda v: v in STAGES),
        ("state", lambda v: v in STATES),
        ("level", lambda v: v in LEVELS),
        ("year", lambda v: _is_int(v) and MIN_YEAR <= v <= MAX_YEAR),
        ("consecutive_runs", lambda v: _is_int(v, minimum=0)),
        ("source_lines", lambda v: _is_int(v, minimum=0)),
        ("amount_fen", lambda v: _is_int(v, optional=True)),
        ("prev_amount_fen", lambda v: _is_int(v, optional=True)),
        ("last_run_id", lambda v: _is_int(v, optional=True)),
        ("id", lambda v: _is_int(v)),
        *[(f, is_time) for f in _TIMES],
        ("departments", _is_name_list),
    ]
    for field, valid in checks:
        if field not in keys or not valid(row[field]):
            return bad(field)
    return None


def _is_name_list(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        names = json.loads(value)
    except ValueError:
        return False
    return isinstance(names, list) and all(isinstance(n, str) for n in names)


def event_row_problem(row: sqlite3.Row, number: str = "") -> BadRow | None:
    """The first field of a ``case_events`` row the history cannot show, or None."""
    keys = row.keys()
    checks = [("at", is_time), *[(f, lambda v: isinstance(v, str)) for f in ("kind", "actor", "actor_kind")]]
    for field, valid in checks:
        if field not in keys or not valid(row[field]):
            value = row[field] if field in keys else None
            return BadRow(row["id"] if "id" in keys else None, number, field, _shown(value))
    return None


def event_details(value: Any) -> dict[str, Any]:
    """An event's JSON details; a malformed one is shown empty rather than stopping the history."""
    if not isinstance(value, str) or not value:
        return {}
    try:
        details = json.loads(value)
    except ValueError:
        return {}
    return details if isinstance(details, dict) else {}


def writable(path: Path) -> bool:
    """Whether this process may write the ledger (and its folder, for SQLite's journal files)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def connect_readonly(path: Path, timeout: float) -> sqlite3.Connection:
    """A read-only connection that never writes the file nor changes its journal mode.

    ``mode=ro`` first (sees a writer's committed changes); if SQLite cannot open the file that way
    (a WAL ledger on a read-only mount: no ``-shm`` can be created), the file is read as immutable.
    """
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    try:
        db = sqlite3.connect(uri, uri=True, timeout=timeout)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        return sqlite3.connect(uri + "&immutable=1", uri=True, timeout=timeout)


__all__ = [
    "BadRow",
    "case_row_problem",
    "connect_readonly",
    "event_details",
    "event_row_problem",
    "is_time",
    "writable",
]
