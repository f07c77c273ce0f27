"""A second process writing 整改情况 notes while ``batch --ledger`` runs: neither write is lost."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from budget_guard.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
HEADER = "部门,年度,数据口径,功能分类科目编码,经济分类科目编码,项目名称,支出类型,金额（元）\n"


def write_inbox(inbox: Path, departments: int, current_yuan: int) -> None:
    inbox.mkdir(exist_ok=True)
    for i in range(departments):
        name = f"第{i + 1}局"
        rows = [(2024, 1_000_000), (2025, current_yuan + i)]
        body = "".join(f"{name},{y},预算数,2010101,30201,办公费,基本支出,{v}\n" for y, v in rows)
        (inbox / f"{name}.csv").write_text(HEADER + body, encoding="utf-8")


def cli(*args: object) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "budget_guard.cli", *map(str, args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_notes_while_batch_runs_lose_nothing(tmp_path, capsys):
    inbox, out, ledger = tmp_path / "inbox", tmp_path / "out", tmp_path / "ledger.sqlite"
    write_inbox(inbox, 6, 990_000)  # every department short of its 5% cut: yellow cases
    assert (
        main(
            ["batch", str(inbox), "--out", str(out), "--ledger", str(ledger), "--no-ge", "--fail-on", "none"]
        )
        == 0
    )
    capsys.readouterr()
    with sqlite3.connect(ledger) as db:
        numbers = [r[0] for r in db.execute("SELECT number FROM cases ORDER BY id")]
    assert len(numbers) >= 6

    write_inbox(inbox, 6, 989_000)  # every file changed: the second batch sees each case again
    running = cli("batch", inbox, "--out", out, "--ledger", ledger, "--no-ge", "--fail-on", "none")
    notes = []
    overlapped = False
    for i, number in enumerate(numbers[:4]):
        notes.append(cli("cases", "note", number, "--text", f"第{i}次整改说明", "--ledger", ledger))
        overlapped |= running.poll() is None
    results = [p.communicate(timeout=300) + (p.returncode,) for p in notes]
    batch_out, batch_err = running.communicate(timeout=300)
    assert running.returncode == 0, batch_err
    assert all(code == 0 for _, _, code in results), [err for _, err, _ in results]
    assert overlapped  # at least one note was written while the batch was running

    with sqlite3.connect(ledger) as db:
        texts = {r[0] for r in db.execute("SELECT reason FROM case_events WHERE kind='noted'")}
        seen_in_run_2 = db.execute(
            "SELECT COUNT(DISTINCT case_id) FROM case_events WHERE kind='seen' AND run_id=2"
        )
        files_in_run_2 = db.execute("SELECT COUNT(*) FROM files WHERE run_id=2").fetchone()[0]
        seen = seen_in_run_2.fetchone()[0]
        in_progress = db.execute("SELECT COUNT(*) FROM cases WHERE state='in_progress'").fetchone()[0]
    assert texts == {f"第{i}次整改说明" for i in range(4)}
    assert seen == len(numbers) and files_in_run_2 == 6
    assert in_progress == 4
