"""Faults in scheduled runs (issue #11): each test builds the fault and asserts exit code, the one line
and the ledger. A scheduled run survives any single bad file or fault and processes every other file."""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from budget_guard.cli.main import main
from budget_guard.ledger import runs as ledger_module
from budget_guard.ledger.runs import DEFAULT_STATE_NAME
from budget_guard.outputs.files import KILL_HOOK_ENV, is_temp_name, remove_stale_temps
from budget_guard.runs import batch as batch_module
from budget_guard.runs import check as check_module

ROOT = Path(__file__).resolve().parent.parent
CSV = (
    "部门,年度,数据口径,功能分类科目编码,经济分类科目编码,项目名称,支出类型,标签,金额（元）\n"
    "财政局,2024,预算数,2010601,30217,行政运行,基本支出,,100000\n"
    "财政局,2025,预算数,2010601,30217,行政运行,基本支出,,{amount}\n"
)
OLD = time.time() - 3600  # an mtime well past any settle interval


def drop(inbox: Path, name: str | bytes, amount: int = 90000, *, settled: bool = True) -> Path:
    inbox.mkdir(exist_ok=True)
    raw = os.fsencode(inbox) + b"/" + (name if isinstance(name, bytes) else name.encode())
    Path(os.fsdecode(raw)).write_text(CSV.format(amount=amount), encoding="utf-8")
    if settled:
        os.utime(raw, (OLD, OLD))
    return Path(os.fsdecode(raw))


def run_main(capsys, *args: object) -> SimpleNamespace:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out, stderr=err)


def run_batch(capsys, inbox: Path, out: Path, *extra: object) -> SimpleNamespace:
    return run_main(capsys, "batch", inbox, "--out", out, "--no-ge", "--lang", "en", *extra)


def summary(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def ledger(out: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(out / DEFAULT_STATE_NAME) as db:
        return db.execute(sql).fetchall()


def one_line(stderr: str) -> str:
    """The one error line (with the hint line under it, if any): never a traceback."""
    errors = [line for line in stderr.splitlines() if line.startswith(("error:", "warning:"))]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    return stderr


# -- arrival ---------------------------------------------------------------------------------------


def test_a_file_still_being_written_waits_for_the_settle_interval(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    drop(inbox, "b.csv", 80000, settled=False)  # modified just now
    first = run_batch(capsys, inbox, out, "--settle-seconds", "60", "--json")
    record = summary(first)
    assert first.returncode == 0 and [f["name"] for f in record["files"]] == ["a.csv"]
    assert [n["kind"] for n in record["notes"]] == ["not-settled"]
    assert ledger(out, "SELECT name FROM files") == [("a.csv",)]
    assert ledger(out, "SELECT kind, name FROM notes") == [("not-settled", "b.csv")]
    os.utime(inbox / "b.csv", (OLD, OLD))
    second = run_batch(capsys, inbox, out, "--settle-seconds", "60", "--json")
    assert [f["name"] for f in summary(second)["files"]] == ["b.csv"]


def test_the_hash_recorded_is_of_the_bytes_parsed(capsys, tmp_path, monkeypatch):
    """A writer finishing the file between hashing and reading: the run leaves it, the next one reads it whole."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    path = drop(inbox, "a.csv")
    real_read = batch_module.read_descriptor

    def finishing_write(fd, name, shown, limit):
        with open(path, "a", encoding="utf-8") as handle:
            handle.write("财政局,2025,预算数,2010601,30201,办公费,基本支出,,5000\n")
        return real_read(fd, name, shown, limit)

    monkeypatch.setattr(batch_module, "read_descriptor", finishing_write)
    first = run_batch(capsys, inbox, out, "--json")
    assert summary(first)["files"] == [] and summary(first)["notes"][0]["kind"] == "not-settled"
    monkeypatch.setattr(batch_module, "read_descriptor", real_read)
    os.utime(path, (OLD, OLD))
    second = summary(run_batch(capsys, inbox, out, "--json"))
    (record,) = second["files"]
    report = json.loads((out / record["report_dir"] / "budget-guard-report.json").read_text(encoding="utf-8"))
    assert report["inputs"][0]["sha256"] == record["sha256"] == check_module.file_sha256(path)
    assert record["lines"] == 3


def test_a_file_deleted_mid_run_is_skipped_with_a_note_and_the_rest_go_on(capsys, tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    drop(inbox, "b.csv", 80000)
    real_hash = batch_module._hash_entries

    def then_delete(*args):
        hashed = real_hash(*args)
        (inbox / "a.csv").unlink()
        return hashed

    monkeypatch.setattr(batch_module, "_hash_entries", then_delete)
    result = run_batch(capsys, inbox, out, "--json")
    record = summary(result)
    assert result.returncode == 0 and [f["name"] for f in record["files"]] == ["b.csv"]
    assert record["notes"][0]["kind"] == "vanished" and record["notes"][0]["name"] == "a.csv"


def test_a_gbk_file_name_does_not_stop_the_batch(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "财政局.csv".encode("gbk"))
    drop(inbox, "z.csv", 80000)
    result = run_batch(capsys, inbox, out, "--json")
    assert result.returncode == 0, result.stderr
    assert sorted(f["name"] for f in summary(result)["files"]) == ["z.csv", "财政局.csv"]
    assert sorted(ledger(out, "SELECT name FROM files")) == [("z.csv",), ("财政局.csv",)]


def test_names_with_newlines_and_escapes_are_printed_escaped(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "evil\n\x1b[2J.csv")
    result = run_batch(capsys, inbox, out)
    assert "\x1b" not in result.stdout + result.stderr
    assert "evil\\n\\x1b[2J.csv" in result.stdout


def test_a_symlink_pointing_outside_is_refused_by_default(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    outside = drop(tmp_path / "elsewhere", "secret.csv", 70000)
    (inbox / "link.csv").symlink_to(outside)
    result = run_batch(capsys, inbox, out, "--json")
    record = summary(result)
    assert result.returncode == 2 and [f["name"] for f in record["files"]] == ["a.csv"]
    assert record["notes"][0]["kind"] == "symlink-outside" and record["notes"][0]["name"] == "link.csv"
    assert "link.csv" in one_line(result.stderr) and "outside the inbox" in result.stderr
    followed = summary(run_batch(capsys, inbox, out, "--json", "--follow-symlinks"))
    assert [f["name"] for f in followed["files"]] == ["link.csv"]  # the name given, not the target's


@pytest.mark.slow
def test_a_fifo_in_the_inbox_cannot_hang_the_run(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    os.mkfifo(inbox / "pipe.csv")
    run = subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", "batch", inbox, "--out", out, "--no-ge", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    record = summary(run)
    assert run.returncode == 2 and [f["name"] for f in record["files"]] == ["a.csv"]
    assert record["notes"][0]["kind"] == "not-regular"


# -- the ledger ----------------------------------------------------------------------------------------


def test_a_damaged_ledger_page_is_exit_2_with_one_line(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    assert run_batch(capsys, inbox, out).returncode == 0
    state = out / DEFAULT_STATE_NAME
    data = bytearray(state.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the second page: a table's b-tree
    state.write_bytes(bytes(data))
    drop(inbox, "b.csv", 80000)
    result = run_batch(capsys, inbox, out)
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "damaged" in line and "backup" in line and DEFAULT_STATE_NAME in line


def test_another_process_holding_a_read_transaction_is_exit_2_and_says_wait(capsys, tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    assert run_batch(capsys, inbox, out).returncode == 0
    drop(inbox, "b.csv", 80000)
    monkeypatch.setattr(ledger_module, "LEDGER_BUSY_SECONDS", 0.2)
    reader = sqlite3.connect(out / DEFAULT_STATE_NAME)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM runs").fetchone()  # a shared lock held open
    try:  # in rollback-journal mode a held read transaction blocks every commit
        result = run_batch(capsys, inbox, out)
    finally:
        reader.rollback()
        reader.close()
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "another process" in line and "backup" not in line


@pytest.mark.slow
def test_a_full_disk_for_the_ledger_is_exit_2_with_one_line(capsys, tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    assert run_batch(capsys, inbox, out).returncode == 0
    for i in range(40):
        drop(inbox, f"n{i:02}.csv", 1000 + i)
    real_connect = ledger_module.Ledger._connect

    def full(self):
        db = real_connect(self)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        db.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
        return db

    monkeypatch.setattr(ledger_module.Ledger, "_connect", full)
    result = run_batch(capsys, inbox, out)
    assert result.returncode == 2
    assert "disk is full" in one_line(result.stderr)


def test_a_full_disk_for_the_reports_is_exit_2_and_the_run_is_marked(capsys, tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(out / "x.tmp"))

    monkeypatch.setattr(check_module, "write_reports", no_space)
    result = run_batch(capsys, inbox, out)
    assert result.returncode == 2 and "No space left" in one_line(result.stderr)
    assert ledger(out, "SELECT status, exit_code FROM runs") == [("failed", 2)]
    assert ledger(out, "SELECT count(*) FROM files") == [(0,)]  # redone next run


def test_history_reads_a_read_only_ledger_without_writing(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    run_batch(capsys, inbox, out)
    state = out / DEFAULT_STATE_NAME
    before = state.read_bytes()
    state.chmod(0o444)
    out.chmod(0o555)
    try:
        result = run_main(capsys, "history", "--out", out, "--json")
        runs = json.loads(result.stdout)
    finally:
        out.chmod(0o755)
    assert result.returncode == 0 and runs[0]["status"] == "ok"
    assert state.read_bytes() == before and not list(out.glob("*-journal"))


def test_read_only_advice_points_to_history_not_to_a_backup(capsys, tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    assert run_batch(capsys, inbox, out).returncode == 0
    drop(inbox, "b.csv", 80000)

    def read_only(self):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(ledger_module.Ledger, "_connect", read_only)
    result = run_batch(capsys, inbox, out)
    line = one_line(result.stderr)
    assert result.returncode == 2 and "read-only" in line and "history" in line and "backup" not in line


def test_a_deleted_ledger_is_warned_about_and_recorded(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    assert run_batch(capsys, inbox, out).returncode == 0
    (out / DEFAULT_STATE_NAME).unlink()
    again = run_batch(capsys, inbox, out)
    assert "ledger is missing" in again.stderr and "every file is processed again" in again.stderr
    assert ledger(out, "SELECT kind FROM notes") == [("ledger-missing",)]


# -- interrupted runs -------------------------------------------------------------------------------------


def test_a_kill_while_swapping_data_docs_keeps_the_previous_copy(tmp_path):
    docs = tmp_path / "report" / "data_docs"
    docs.mkdir(parents=True)
    (docs / "index.html").write_text("previous", encoding="utf-8")
    code = (
        "from budget_guard.outputs.files import replace_dir, temp_dir_for\n"
        f"built = temp_dir_for({str(docs)!r})\n"
        "(built / 'index.html').write_text('new', encoding='utf-8')\n"
        f"replace_dir(built, {str(docs)!r})\n"
    )
    killed = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT), KILL_HOOK_ENV: "data_docs"},
        timeout=60,
    )
    assert killed.returncode == -signal.SIGKILL and not docs.exists()
    remove_stale_temps(docs.parent)
    assert (docs / "index.html").read_text(encoding="utf-8") == "previous"
    assert not any(is_temp_name(p.name) for p in docs.parent.iterdir())


@pytest.mark.slow
def test_sigterm_is_handled_like_ctrl_c(tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    for i in range(30):
        drop(inbox, f"f{i:02}.csv", 1000 + i)
    process = subprocess.Popen(
        [sys.executable, "-m", "budget_guard.cli", "batch", inbox, "--out", out, "--progress", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    for line in process.stderr:
        if '"file_done"' in line:
            break
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 143
    assert "Traceback" not in err and "Exception ignored" not in err
    assert ledger(out, "SELECT status, exit_code FROM runs") == [("interrupted", 143)]
    leftovers = [p for p in out.rglob("*") if is_temp_name(p.name)]
    assert leftovers == []


def test_the_printed_summary_lists_the_notes(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "a.csv")
    drop(inbox, "b.csv", 80000, settled=False)
    result = run_batch(capsys, inbox, out, "--settle-seconds", "60")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "a.csv" in result.stdout and "b.csv: changed within the last 60 s" in result.stdout
