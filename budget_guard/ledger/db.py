"""The ledger's one SQLite file, and the one place that owns its schema: every table and every migration.

Two parts share the file and keep their own version so that either can move on alone:
``runs`` / ``files`` / ``notes`` (what batch runs read; ``PRAGMA user_version``) and the cases
tables (``cases_schema``; a ledger written before cases existed is cases version 0). A newer
version than this budget-guard knows is refused by the caller with its own message, never reset.
"""

from __future__ import annotations

import sqlite3

RUNS_SCHEMA_VERSION = 1
CASES_SCHEMA_VERSION = 2

RUNS_V1 = """
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

# runs version → the SQL that brings the previous version to it
RUNS_MIGRATIONS: dict[int, str] = {1: RUNS_V1}

_V1 = """
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_key TEXT NOT NULL UNIQUE,       -- scope_type|scope|category|year|stage (identity.py)
    number TEXT NOT NULL UNIQUE,         -- 督办编号
    scope_type TEXT NOT NULL,            -- government | department
    scope TEXT NOT NULL,                 -- 责任单位
    category TEXT NOT NULL,              -- the rules' category id
    year INTEGER NOT NULL,               -- compared year
    stage TEXT NOT NULL,                 -- budget | adjusted | final
    state TEXT NOT NULL,                 -- open | in_progress | rectified | closed | listed
    level TEXT NOT NULL,                 -- white | yellow | red (never goes down)
    rectification TEXT NOT NULL,         -- the rules' rectification type id (立行立改 / 分阶段整改)
    found_at TEXT NOT NULL,              -- UTC ISO 8601 with zone
    level_since TEXT NOT NULL,
    deadline_at TEXT NOT NULL,           -- 整改时限: end of that Beijing day, in UTC
    consecutive_runs INTEGER NOT NULL,   -- runs in a row that found it at its level
    last_seen_at TEXT NOT NULL,
    last_run_id INTEGER,
    last_file TEXT NOT NULL,
    message_zh TEXT NOT NULL,
    message_en TEXT NOT NULL,
    sources TEXT NOT NULL,               -- the lines behind it (file/sheet/row)
    source_lines INTEGER NOT NULL,
    amount_fen INTEGER,
    prev_amount_fen INTEGER,
    departments TEXT NOT NULL,           -- JSON list: the departments of the run that found it
    category_zh TEXT NOT NULL,           -- names as the rules said when the case was opened
    category_en TEXT NOT NULL,
    rectification_zh TEXT NOT NULL,      -- 立行立改 / 分阶段整改
    rectification_en TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',       -- latest 整改情况
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_by_state ON cases(state, level);
CREATE TABLE IF NOT EXISTS case_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at TEXT NOT NULL,                    -- UTC ISO 8601 with zone
    kind TEXT NOT NULL,                  -- opened | seen | level_raised | escalated | listed | noted | …
    from_state TEXT, to_state TEXT, from_level TEXT, to_level TEXT,
    actor TEXT NOT NULL,                 -- who: "run 3", an OS user, a signed-in e-mail, an entered name
    actor_kind TEXT NOT NULL,            -- run | os_user | signed_in | unverified
    run_id INTEGER,
    file TEXT,
    reason TEXT NOT NULL DEFAULT '',     -- a person's note or reason
    details TEXT NOT NULL DEFAULT '{}'   -- JSON: figures, deadlines, why an escalation happened
);
CREATE INDEX IF NOT EXISTS case_events_by_case ON case_events(case_id, id);
CREATE TRIGGER IF NOT EXISTS case_events_append_only_u BEFORE UPDATE ON case_events
BEGIN SELECT RAISE(ABORT, 'case history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS case_events_append_only_d BEFORE DELETE ON case_events
BEGIN SELECT RAISE(ABORT, 'case history is append-only'); END;
CREATE TABLE IF NOT EXISTS cases_schema (version INTEGER NOT NULL, migrated_at TEXT NOT NULL);
"""

# v2: escalation on evidence and the record of what each run saw.
#  - cases.gap_fen, cases.direction: how much is still to be cut (还需压减) or added (还需增加), for the
#    整改通知书.
#  - cases.counted_hash: the submission (content hash of the scope's lines, evidence.py) the case's
#    streak last counted; a re-run of the same data does not count again.
#  - run_cells: every graded cell of every run with the hash of its scope's lines, so "what changed
#    since the last submission" compares a run with the previous run of different data.
#  - case_lines: the input lines behind a case as the run that found (or rectified) it read them, so
#    the 督办台账 shows them without any data loaded, never the page's current data.
_V2 = """
ALTER TABLE cases ADD COLUMN counted_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN gap_fen INTEGER;                  -- still missing to reach the target (分)
ALTER TABLE cases ADD COLUMN direction TEXT NOT NULL DEFAULT ''; -- decrease | no_decrease
CREATE TABLE IF NOT EXISTS run_cells (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id INTEGER NOT NULL,
    file TEXT NOT NULL,                  -- the file (or files) of the run the cell was graded from
    at TEXT NOT NULL,                    -- UTC ISO 8601 with zone
    scope_type TEXT NOT NULL,
    scope TEXT NOT NULL,
    category TEXT NOT NULL,
    category_zh TEXT NOT NULL,           -- the category's names as the run's rules said
    category_en TEXT NOT NULL,
    year INTEGER NOT NULL,
    stage TEXT NOT NULL,
    state TEXT NOT NULL,                 -- compliant | white | yellow | red | no_data | not_comparable
    reason TEXT NOT NULL,
    amount_fen INTEGER,
    prev_amount_fen INTEGER,
    input_hash TEXT NOT NULL             -- content hash of the scope's lines in that run
);
CREATE INDEX IF NOT EXISTS run_cells_by_scope ON run_cells(scope_type, scope, run_id);
CREATE TABLE IF NOT EXISTS case_lines (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    run_id INTEGER,
    file TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,                  -- the event it was recorded with: opened | seen | rectified | reopened
    line_count INTEGER NOT NULL,         -- lines behind the cell in that run (all of them)
    stored INTEGER NOT NULL,             -- how many of them are kept below (at most MAX_CASE_LINES)
    lines TEXT NOT NULL                  -- JSON list of the lines (year, department, item, amount_fen, file, sheet, row, codes)
);
CREATE INDEX IF NOT EXISTS case_lines_by_case ON case_lines(case_id, id);
"""

# version → the SQL that brings the previous version to it; a ledger written before cases existed
# (batch's runs/files only) is version 0.
CASES_MIGRATIONS: dict[int, str] = {1: _V1, 2: _V2}


def runs_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate_runs(db: sqlite3.Connection) -> None:
    """Bring the runs tables to ``RUNS_SCHEMA_VERSION`` (the caller has refused a newer file)."""
    for target in range(1, RUNS_SCHEMA_VERSION + 1):  # every step is CREATE … IF NOT EXISTS
        db.executescript(RUNS_MIGRATIONS[target])
    db.execute(f"PRAGMA user_version = {RUNS_SCHEMA_VERSION}")


def cases_version(db: sqlite3.Connection) -> int:
    exists = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='cases_schema'").fetchone()
    if not exists:
        return 0
    row = db.execute("SELECT MAX(version) FROM cases_schema").fetchone()
    return int(row[0] or 0)




def migrate_cases(db: sqlite3.Connection, migrated_at: str) -> None:
    """Bring the cases tables to ``CASES_SCHEMA_VERSION``, one recorded step at a time."""
    for target in range(cases_version(db) + 1, CASES_SCHEMA_VERSION + 1):
        for statement in statements(CASES_MIGRATIONS[target]):
            db.execute(statement)
        db.execute("DELETE FROM cases_schema")
        db.execute("INSERT INTO cases_schema (version, migrated_at) VALUES (?, ?)", (target, migrated_at))


def statements(script: str) -> list[str]:
    """Split a migration into statements (sqlite3.executescript would COMMIT our transaction)."""
    out, buffer = [], ""
    for line in script.splitlines():
        buffer += line.split("--", 1)[0] + "\n"
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    return [s for s in out if s]


