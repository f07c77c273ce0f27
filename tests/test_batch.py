"""``budget-guard batch`` / ``history``: idempotent by content hash, one bad file never stops the others,
a lock against overlapping runs, a SQLite ledger, and nothing half-written after a kill."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from budget_guard.cli.main import main
from budget_guard.ledger.runs import DEFAULT_STATE_NAME
from budget_guard.outputs.files import KILL_HOOK_ENV, is_temp_name
from budget_guard.runs.batch import report_dir_name
from budget_guard.runs.check import collect_inputs
from budget_guard.runs.exit_codes import exit_code_for
from budget_guard.runs.lock import BatchLocked, batch_lock, lock_path_for
from budget_guard.samples.city import write_sample

ROOT = Path(__file__).resolve().parent.parent
CLEAN_CSV = (
    "部门,年度,数据口径,功能分类科目编码,经济分类科目编码,项目名称,支出类型,标签,金额（元）\n"
    "财政局,2024,预算数,2010601,30217,行政运行,基本支出,,100000\n"
    "财政局,2025,预算数,2010601,30217,行政运行,基本支出,,90000\n"
)
REPORT = "budget-guard-report.json"


def run_cli(*args: object, cwd: Path, env: dict[str, str] | None = None):
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    full_env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "budget_guard.cli", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def batch(inbox: Path, out: Path, *extra: object, env: dict[str, str] | None = None):
    return run_cli("batch", inbox, "--out", out, "--no-ge", "--json", *extra, cwd=out.parent, env=env)


def run_main(capsys, *args: object) -> SimpleNamespace:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out, stderr=err)


def ledger_rows(out: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(out / DEFAULT_STATE_NAME) as db:
        return db.execute(sql).fetchall()


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory) -> dict[str, Path]:
    paths = write_sample(tmp_path_factory.mktemp("sample"))
    return {p.suffix: p for p in paths if p.parent.name in ("csv", "xlsx") or p.suffix == ".json"}


@pytest.fixture()
def inbox(tmp_path, sample_files) -> Path:
    """The sample city as CSV and as XLSX, plus a file that is not a workbook at all."""
    box = tmp_path / "inbox"
    box.mkdir()
    shutil.copy(sample_files[".csv"], box / "city.csv")
    shutil.copy(sample_files[".xlsx"], box / "city.xlsx")
    (box / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (box / "~$city.xlsx").write_bytes(b"excel owner file")  # ignored
    (box / "notes.txt").write_text("ignored", encoding="utf-8")
    return box


@pytest.mark.slow
def test_first_run_processes_every_file_and_one_bad_file_stops_nothing(inbox, tmp_path):
    out = tmp_path / "out"
    result = batch(inbox, out)
    assert result.returncode == 2, result.stderr  # the broken file; the others still processed
    summary = json.loads(result.stdout)
    by_name = {f["name"]: f for f in summary["files"]}
    assert sorted(by_name) == ["broken.xlsx", "city.csv", "city.xlsx"]
    assert by_name["broken.xlsx"]["status"] == "failed" and by_name["broken.xlsx"]["message"]
    for name in ("city.csv", "city.xlsx"):
        f = by_name[name]
        assert f["status"] == "processed" and f["worst_level"] == "red" and f["lines"] > 1000
        assert (out / f["report_dir"] / REPORT).is_file()
        assert (out / f["report_dir"] / "budget-guard-report.xlsx").is_file()
    rows = ledger_rows(out, "SELECT name, sha256, size, status, processed_at FROM files ORDER BY name")
    assert [(r[0], r[3]) for r in rows] == [
        ("broken.xlsx", "failed"),
        ("city.csv", "processed"),
        ("city.xlsx", "processed"),
    ]
    assert all(len(r[1]) == 64 and r[2] > 0 and r[4] for r in rows)
    assert ledger_rows(out, "SELECT status, exit_code, files_new, files_failed FROM runs") == [
        ("failed", 2, 3, 1)
    ]


@pytest.mark.slow
def test_rerun_is_idempotent_and_only_new_content_is_processed(inbox, tmp_path):
    out = tmp_path / "out"
    assert batch(inbox, out).returncode == 2
    report = next(out.glob("city-*")) / REPORT
    stamp = report.stat().st_mtime_ns

    again = batch(inbox, out)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["processed"] == 0 and json.loads(again.stdout)["skipped"] == 3
    assert report.stat().st_mtime_ns == stamp

    shutil.copy(inbox / "city.csv", inbox / "city copy.csv")  # same content, new name: not new
    (inbox / "财政局.csv").write_text(CLEAN_CSV, encoding="utf-8")
    third = batch(inbox, out)
    summary = json.loads(third.stdout)
    assert third.returncode == 0 and summary["skipped"] == 4
    assert [f["name"] for f in summary["files"]] == ["财政局.csv"]
    assert len(ledger_rows(out, "SELECT id FROM runs")) == 3
    assert len(ledger_rows(out, "SELECT id FROM files")) == 4


@pytest.mark.slow
def test_history_lists_runs_and_files(capsys, inbox, tmp_path):
    out = tmp_path / "out"
    batch(inbox, out)
    batch(inbox, out)
    text = run_main(capsys, "history", "--out", out)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0].split()[:2] == ["运行", "开始时间（北京时间）"]
    assert lines[1].split()[0] == "2" and " 通过 " in lines[1] and " 有文件无法读取 " in lines[2]
    runs = json.loads(run_main(capsys, "history", "--state", out / DEFAULT_STATE_NAME, "--json").stdout)
    assert [(r["id"], r["status"], r["files_skipped"]) for r in runs] == [(2, "ok", 3), (1, "failed", 0)]
    files = json.loads(run_main(capsys, "history", "--out", out, "--run", "1", "--json").stdout)
    assert {f["name"] for f in files} == {"broken.xlsx", "city.csv", "city.xlsx"}
    missing = run_main(capsys, "history", "--out", tmp_path / "nowhere")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    no_run = run_main(capsys, "history", "--out", out, "--run", "99")
    assert no_run.returncode == 2 and "没有第99次运行" in no_run.stderr and "提示：" in no_run.stderr


@pytest.mark.slow
def test_an_overlapping_run_exits_3_and_touches_nothing(inbox, tmp_path):
    out = tmp_path / "out"
    lock = lock_path_for(out / DEFAULT_STATE_NAME)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from budget_guard.runs.batch import batch_lock\n"
            f"with batch_lock({str(lock)!r}):\n    print('locked', flush=True); time.sleep(60)",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = batch(inbox, out, "--lang", "en")
        assert result.returncode == 3
        assert "another budget-guard batch" in result.stderr and "Traceback" not in result.stderr
        assert not (out / DEFAULT_STATE_NAME).exists()
    finally:
        holder.kill()
        holder.wait()
    assert batch(inbox, out).returncode == 2  # the lock dies with its holder


def test_a_corrupt_ledger_is_a_user_error(capsys, inbox, tmp_path):
    state = tmp_path / "ledger.sqlite"
    state.write_bytes(b"this is not sqlite" * 100)
    result = run_main(
        capsys, "batch", inbox, "--out", tmp_path / "out", "--state", state, "--no-ge", "--lang", "en"
    )
    assert result.returncode == 2 and "ledger" in result.stderr and "ledger.sqlite" in result.stderr


def test_lock_in_process_is_exclusive(tmp_path):
    lock = tmp_path / "x.lock"
    with batch_lock(lock), pytest.raises(BatchLocked), batch_lock(lock):
        pass
    with batch_lock(lock):  # released
        assert "pid" in lock.read_text()


@pytest.mark.slow
def test_a_killed_run_leaves_no_partial_report_and_the_next_run_recovers(capsys, inbox, tmp_path):
    out = tmp_path / "out"
    for name in ("broken.xlsx", "city.xlsx"):
        (inbox / name).unlink()
    killed = batch(inbox, out, env={KILL_HOOK_ENV: REPORT})
    assert killed.returncode == -signal.SIGKILL
    report_dir = next(out.glob("city-*"))
    assert not (report_dir / REPORT).exists()
    assert any(is_temp_name(p.name) for p in report_dir.iterdir())
    assert ledger_rows(out, "SELECT count(*) FROM files") == [(0,)]  # recorded only after the reports
    runs = json.loads(run_main(capsys, "history", "--out", out, "--json").stdout)
    assert runs[0]["status"] == "interrupted"

    recovered = batch(inbox, out)
    assert recovered.returncode == 1, recovered.stderr  # red findings, fail-on red
    assert json.loads(recovered.stdout)["removed_temp_files"] >= 1
    assert not any(is_temp_name(p.name) for p in report_dir.iterdir())
    assert json.loads((report_dir / REPORT).read_text(encoding="utf-8"))["outcome"]["worst_level"] == "red"


@pytest.mark.slow
def test_temp_names_are_all_that_exist_before_replace(inbox, tmp_path):
    """Kill at the first report (the XLSX): no final name exists in the report folder, at all."""
    out = tmp_path / "out"
    (inbox / "broken.xlsx").unlink()
    (inbox / "city.xlsx").unlink()
    assert batch(inbox, out, env={KILL_HOOK_ENV: "*.xlsx"}).returncode == -signal.SIGKILL
    names = [p.name for p in next(out.glob("city-*")).iterdir()]
    assert names and all(is_temp_name(n) for n in names)


def test_collect_inputs_skips_owner_files_and_other_types(inbox):
    assert [p.name for p in collect_inputs([inbox])] == ["broken.xlsx", "city.csv", "city.xlsx"]


def test_report_dir_names_are_safe_and_unique_per_content():
    assert report_dir_name("../../etc/财政局.xlsx", "f" * 64) == "财政局-ffffffffffff"
    assert report_dir_name("..", "0" * 64) == "input-000000000000"


@pytest.mark.parametrize(
    ("worst", "fail_on", "code"),
    [
        ("red", "red", 1),
        ("yellow", "red", 0),
        ("yellow", "yellow", 1),
        ("white", "yellow", 0),
        ("white", "white", 1),
        ("compliant", "white", 0),
        ("red", "none", 0),
    ],
)
def test_exit_code_for(worst, fail_on, code):
    assert exit_code_for(worst, fail_on) == code


@pytest.mark.slow
def test_progress_lines_per_file_when_asked(inbox, tmp_path):
    out = tmp_path / "out"
    result = run_cli(
        "batch", inbox, "--out", out, "--no-ge", "--progress", "text", "--lang", "en", cwd=tmp_path
    )
    assert "[1/3] broken.xlsx: unreadable" in result.stderr
    assert "[3/3] city.xlsx: Red (supervised)" in result.stderr
    assert "3 new file(s) processed (1 unreadable or not compared)" in result.stdout
