"""A damaged, read-only or newer ledger (issue #25): one bad row never stops the office, a read-only
ledger is read, a newer one is refused with its version; reports follow the umask."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from budget_guard.cases import CaseStore, track_evaluation
from budget_guard.cli import main
from budget_guard.engine.evaluate import evaluate
from budget_guard.ingest import read_budget
from budget_guard.model.rulebook import load_rules

REPO = Path(__file__).resolve().parent.parent
SAMPLE_CSV = REPO / "sample_data" / "csv" / "city_budget_2021_2025.csv"


@pytest.fixture(scope="module")
def sample_evaluation():
    return evaluate(read_budget([SAMPLE_CSV]).table, load_rules())


@pytest.fixture
def ledger(tmp_path, sample_evaluation) -> Path:
    path = tmp_path / "ledger.sqlite"
    track_evaluation(
        CaseStore(path),
        sample_evaluation,
        run_id=1,
        file=SAMPLE_CSV.name,
        now=datetime(2025, 3, 1, tzinfo=UTC),
    )
    return path


def numbers(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [r[0] for r in db.execute("SELECT number FROM cases ORDER BY id")]


def damage(path: Path, number: str, column: str, value: object) -> None:
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE cases SET {column}=? WHERE number=?", (value, number))


def run(capsys, *args: object) -> SimpleNamespace:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out, stderr=err)


BAD_VALUES = [
    ("level", "purple"),
    ("state", "vanished"),
    ("departments", "[not json"),
    ("found_at", "yesterday"),
    ("deadline_at", "2025-13-45"),
    ("year", "二〇二五"),
    ("consecutive_runs", "many"),
]


@pytest.mark.parametrize(("column", "value"), BAD_VALUES)
def test_one_bad_case_row_is_named_and_skipped_never_a_traceback(capsys, ledger, column, value):
    first, *others = numbers(ledger)
    damage(ledger, first, column, value)
    listed = run(capsys, "cases", "list", "--ledger", ledger, "--all", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "Traceback" not in listed.stderr
    shown = {r["number"] for r in json.loads(listed.stdout.strip().splitlines()[-1])}
    assert shown == set(others)
    assert first in listed.stderr and str(value)[:10] in listed.stderr  # case number and value named
    detail = run(capsys, "cases", "show", first, "--ledger", ledger)
    assert detail.returncode == 2 and "Traceback" not in detail.stderr and first in detail.stderr
    exported = run(
        capsys, "cases", "export", "--ledger", ledger, "--out", ledger.parent / "sheet", "--format", "md"
    )
    assert exported.returncode == 0 and first in exported.stderr


def test_the_next_check_with_a_damaged_ledger_runs_and_reports_the_row(capsys, ledger, tmp_path):
    first = numbers(ledger)[0]
    damage(ledger, first, "level", "purple")
    result = run(
        capsys, "check", SAMPLE_CSV, "--out", tmp_path / "out", "--ledger", ledger, "--format", "json"
    )
    assert result.returncode == 1, result.stderr  # the sample's reds, as always
    assert "Traceback" not in result.stderr and first in result.stderr and "purple" in result.stderr
    with sqlite3.connect(ledger) as db:  # the damaged row is left as it was, not overwritten
        assert db.execute("SELECT level FROM cases WHERE number=?", (first,)).fetchone()[0] == "purple"


def test_a_malformed_event_is_left_out_of_the_history(capsys, ledger):
    first = numbers(ledger)[0]
    with sqlite3.connect(ledger) as db:
        case_id = db.execute("SELECT id FROM cases WHERE number=?", (first,)).fetchone()[0]
        db.execute(
            "INSERT INTO case_events (case_id, at, kind, actor, actor_kind, details) VALUES (?, ?, ?, ?, ?, ?)",
            (case_id, "not a time", "noted", "x", "os_user", "{broken"),
        )
    shown = run(capsys, "cases", "show", first, "--ledger", ledger)
    assert shown.returncode == 0, shown.stderr
    assert "not a time" in shown.stderr and "立案" in shown.stdout


def test_a_newer_ledger_is_refused_with_its_version_and_left_unchanged(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    out.mkdir()
    state = out / "budget-guard-ledger.sqlite"
    with sqlite3.connect(state) as db:
        db.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY)")
        db.execute("PRAGMA user_version = 99")
    result = run(capsys, "batch", inbox, "--out", out, "--no-ge")
    assert result.returncode == 2 and "99" in result.stderr and "Traceback" not in result.stderr
    history = run(capsys, "history", "--state", state)
    assert history.returncode == 2 and "99" in history.stderr
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 99


def test_a_newer_cases_schema_is_refused_with_its_version(capsys, ledger):
    with sqlite3.connect(ledger) as db:
        db.execute("UPDATE cases_schema SET version = 7")
    result = run(capsys, "cases", "list", "--ledger", ledger)
    assert result.returncode == 2 and "第7版" in result.stderr and "Traceback" not in result.stderr


def _read_only_mount_works() -> bool:
    if shutil.which("unshare") is None or shutil.which("mount") is None:
        return False
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", "mount --bind -o ro /tmp /tmp"],
        capture_output=True,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _read_only_mount_works(), reason="needs unshare and mount (user namespaces)")
def test_a_ledger_on_a_read_only_mount_is_read(tmp_path, capsys):
    """After cases were used the ledger is in WAL mode; on a read-only mount SQLite cannot create its
    -shm file: history and cases list must still read it (and never switch its journal mode)."""
    state = tmp_path / "out" / "budget-guard-ledger.sqlite"
    state.parent.mkdir()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    assert run(capsys, "batch", inbox, "--out", state.parent, "--no-ge").returncode == 0
    track_evaluation(
        CaseStore(state), evaluate(read_budget([SAMPLE_CSV]).table, load_rules()), run_id=2, file="x"
    )
    with sqlite3.connect(state) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    folder = state.parent
    env_path = f"PYTHONPATH={REPO}"
    script = (
        f"mount --bind -o ro {folder} {folder} && "
        f"{env_path} {sys.executable} -m budget_guard.cli history --state {state} && "
        f"{env_path} {sys.executable} -m budget_guard.cli cases list --ledger {state} --all"
    )
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "督〔" in result.stdout and "Traceback" not in result.stderr


@pytest.mark.parametrize(("umask", "mode"), [(0o027, 0o640), (0o077, 0o600), (0o022, 0o644)])
def test_reports_follow_the_umask(tmp_path, umask, mode):
    out = tmp_path / "out"
    script = (
        "import os, sys; os.umask(int(sys.argv[1], 8)); from budget_guard.cli import main; "
        "sys.exit(main(['check', sys.argv[2], '--out', sys.argv[3], '--format', 'json,md']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, oct(umask)[2:], str(SAMPLE_CSV), str(out)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    for name in ("budget-guard-report.json", "budget-guard-report.md"):
        assert stat.S_IMODE((out / name).stat().st_mode) == mode


@pytest.mark.slow
def test_the_dashboard_shows_a_damaged_ledger_without_a_traceback(ledger, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from budget_guard import messages as msg
    from budget_guard.dashboard import signin

    first, *others = numbers(ledger)
    damage(ledger, first, "departments", "{not a list")
    monkeypatch.setenv(signin.LEDGER_ENV, str(ledger))
    monkeypatch.delenv(signin.UNVERIFIED_ENV, raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=120).run()
    at.button(key="sample").click().run()
    at.session_state["view"] = msg.t("app.tab.cases", "zh")
    at.run()
    assert not at.exception, at.exception
    warning = "\n".join(str(w.value) for w in at.warning)
    assert first in warning.replace("\\", "") and "部门列表" in warning
    assert sorted(at.selectbox(key="cases_pick").options) == sorted(others)


def test_a_batch_with_a_damaged_case_ledger_reports_the_row_and_goes_on(capsys, ledger, tmp_path):
    first = numbers(ledger)[0]
    damage(ledger, first, "state", "vanished")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE_CSV, inbox / "city.csv")
    os.utime(inbox / "city.csv", (0, 0))
    result = run(
        capsys, "batch", inbox, "--out", tmp_path / "out", "--ledger", ledger, "--no-ge", "--format", "json"
    )
    assert result.returncode == 1, result.stderr  # the sample's reds
    assert "Traceback" not in result.stderr and first in result.stderr and "vanished" in result.stderr
