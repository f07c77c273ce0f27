"""挂牌督办 end to end: three batches months apart (injected clock), files changed between them.

One case opens, stays open, escalates yellow → red → 挂牌督办; another is rectified by a
corrected resubmission. Asserted from the CLI output, the ledger and the 督办单 XLSX.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from budget_guard.cases import FixedClock, use_clock
from budget_guard.cli.main import main

HEADER = "部门,年度,数据口径,功能分类科目编码,经济分类科目编码,项目名称,支出类型,金额（元）\n"


def write_department(inbox: Path, name: str, rows: list[tuple[int, str, str, int]]) -> Path:
    """One department's budget table (year, econ code, item, yuan) as a CSV a department submits."""
    path = inbox / f"{name}.csv"
    lines = [
        f"{name},{year},预算数,2010101,{econ},{item},基本支出,{yuan}\n" for year, econ, item, yuan in rows
    ]
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def run(capsys, *args: object) -> SimpleNamespace:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=out, stderr=err)


def case_by(ledger: Path, scope: str, category: str) -> dict:
    with sqlite3.connect(ledger) as db:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM cases WHERE scope=? AND category=?", (scope, category)).fetchone()
        assert row is not None, (scope, category)
        return dict(row)


def events_of(ledger: Path, number: str) -> list[dict]:
    with sqlite3.connect(ledger) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            "SELECT e.* FROM case_events e JOIN cases c ON c.id = e.case_id WHERE c.number=? ORDER BY e.id",
            (number,),
        )
        return [dict(r) for r in rows]


@pytest.mark.slow
def test_three_batches_open_escalate_list_and_rectify(capsys, tmp_path):
    inbox, out, ledger = tmp_path / "inbox", tmp_path / "out", tmp_path / "ledger.sqlite"
    inbox.mkdir()
    clock = FixedClock(datetime(2025, 3, 1, 2, 0, tzinfo=UTC))  # 10:00 Beijing time
    # 甲局 cuts 一般性支出 by 1% against a 5% target (yellow); 乙局 raises 公务接待费 (三公, red).
    write_department(
        inbox, "甲局", [(2024, "30201", "办公费", 1_000_000), (2025, "30201", "办公费", 990_000)]
    )
    write_department(
        inbox,
        "乙局",
        [
            (2024, "30217", "公务接待费", 100_000),
            (2025, "30217", "公务接待费", 120_000),
            (2024, "30201", "办公费", 1_000_000),
            (2025, "30201", "办公费", 900_000),
        ],
    )
    common = ("--out", out, "--ledger", ledger, "--no-ge", "--fail-on", "none")

    # run 1: both departments submit; cases open
    with use_clock(clock):
        first = run(capsys, "batch", inbox, *common)
    assert first.returncode == 0, first.stderr
    assert "督办问题：新立案" in first.stdout
    yellow = case_by(ledger, "甲局", "general_expenditure")
    red = case_by(ledger, "乙局", "sangong")
    assert (yellow["state"], yellow["level"]) == ("open", "yellow")
    assert (red["state"], red["level"], red["rectification"]) == ("open", "red", "immediate")
    assert yellow["deadline_at"].startswith("2025-04-30T15:59:59")  # 60 days, end of the Beijing day
    assert red["deadline_at"].startswith("2025-03-16T15:59:59")  # 立行立改: 15 days

    # run 2, 65 days later: 甲局 resubmits a changed but still short cut; 乙局 corrects its 三公
    clock.advance(days=65)
    write_department(
        inbox, "甲局", [(2024, "30201", "办公费", 1_000_000), (2025, "30201", "办公费", 989_000)]
    )
    write_department(
        inbox,
        "乙局",
        [
            (2024, "30217", "公务接待费", 100_000),
            (2025, "30217", "公务接待费", 90_000),
            (2024, "30201", "办公费", 1_000_000),
            (2025, "30201", "办公费", 900_000),
        ],
    )
    with use_clock(clock):
        second = run(capsys, "batch", inbox, *common, "--json")
    record = json.loads(second.stdout.strip().splitlines()[-1])
    assert record["cases"]["counts"]["rectified"] >= 1
    assert yellow["number"] in record["cases"]["escalated"]
    assert red["number"] in record["cases"]["rectified"]
    yellow = case_by(ledger, "甲局", "general_expenditure")
    red = case_by(ledger, "乙局", "sangong")
    assert (yellow["state"], yellow["level"]) == ("open", "red")  # open at its deadline: yellow → red
    assert yellow["deadline_at"].startswith("2025-06-04T15:59:59")  # a red's 30 days from the escalation
    assert red["state"] == "rectified"
    rectified = [e for e in events_of(ledger, red["number"]) if e["kind"] == "rectified"]
    assert len(rectified) == 1 and rectified[0]["file"] == "乙局.csv" and rectified[0]["run_id"] == 2
    assert rectified[0]["actor"] == "run 2" and rectified[0]["actor_kind"] == "run"

    # run 3, 31 days later: 甲局 changes its file again, still short; the red is past its deadline
    clock.advance(days=31)
    write_department(
        inbox, "甲局", [(2024, "30201", "办公费", 1_000_000), (2025, "30201", "办公费", 988_000)]
    )
    with use_clock(clock):
        third = run(capsys, "batch", inbox, *common)
    assert "挂牌督办 1" in third.stdout or "挂牌督办 3" in third.stdout, third.stdout
    yellow = case_by(ledger, "甲局", "general_expenditure")
    assert (yellow["state"], yellow["level"]) == ("listed", "red")
    assert "督办单已写出" in third.stdout  # every batch --ledger run leaves the 督办单 of open cases in OUT
    after_run = load_workbook(out / "督办单.xlsx")["督办台账"]
    assert yellow["number"] in [after_run.cell(r, 2).value for r in range(2, after_run.max_row + 1)]
    kinds = [e["kind"] for e in events_of(ledger, yellow["number"])]
    assert kinds == ["opened", "seen", "escalated", "seen", "listed"]
    assert yellow["found_at"].startswith("2025-03-01T02:00:00")  # the same case all along

    # the CLI shows it first (overdue), in Beijing time, and a note and a close are recorded
    with use_clock(clock):
        listed = run(capsys, "cases", "list", "--ledger", ledger, "--overdue")
        shown = run(capsys, "cases", "show", yellow["number"], "--ledger", ledger)
        noted = run(
            capsys, "cases", "note", yellow["number"], "--text", "已约谈甲局，调减办公费", "--ledger", ledger
        )
        rectified_list = run(capsys, "cases", "list", "--ledger", ledger, "--state", "rectified", "--json")
        exported = run(capsys, "cases", "export", "--ledger", ledger, "--out", tmp_path / "sheet")
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[1].startswith(yellow["number"])
    assert "挂牌督办" in listed.stdout.splitlines()[1]
    assert "2025-03-01 10:00" in shown.stdout  # opened at 02:00 UTC, shown in Beijing time
    assert "逾期未整改" in shown.stdout and "挂牌督办" in shown.stdout
    assert "甲局.csv" in shown.stdout
    assert noted.returncode == 0 and "挂牌督办" in noted.stdout  # a note does not un-list a case
    assert red["number"] in {r["number"] for r in json.loads(rectified_list.stdout)}
    assert exported.returncode == 0, exported.stderr

    # the 督办单 XLSX: the listed case first, red fill, 整改情况 is the note, the rectified one absent
    wb = load_workbook(tmp_path / "sheet" / "督办单.xlsx")
    ws = wb["督办台账"]
    top = 4  # under the title block (title, 发文机关 · 督办文号 · 日期 · 签发, the counts)
    assert ws.cell(1, 1).value == "督办单"
    header = [c.value for c in ws[top]]
    assert header == [
        "序号",
        "督办编号",
        "责任单位",
        "问题类别",
        "问题描述",
        "等级",
        "发现日期",
        "整改时限",
        "整改情况",
        "状态",
    ]
    first_row = [c.value for c in ws[top + 1]]
    assert first_row[1] == yellow["number"] and first_row[2] == "甲局" and first_row[3] == "一般性支出"
    assert first_row[5] == "红色（督办）" and ws.cell(top + 1, 6).fill.start_color.rgb.endswith("FFC7CE")
    assert first_row[6].date().isoformat() == "2025-03-01"
    assert first_row[8] == "已约谈甲局，调减办公费"
    assert first_row[9].startswith("挂牌督办")
    numbers = [ws.cell(r, 2).value for r in range(top + 1, ws.max_row + 1)]
    assert red["number"] not in numbers
    history = wb["整改记录"]
    assert any("已整改" not in str(c.value) and "挂牌督办" in str(c.value) for c in history["D"])


def cases_now(ledger: Path) -> dict[str, tuple]:
    with sqlite3.connect(ledger) as db:
        rows = db.execute("SELECT number, level, deadline_at, consecutive_runs FROM cases")
        return {r[0]: tuple(r[1:]) for r in rows}


SAMPLE = Path(__file__).resolve().parents[1] / "sample_data" / "csv" / "city_budget_2021_2025.csv"


@pytest.mark.slow
def test_check_three_times_on_the_same_file_then_a_deleted_line(capsys, tmp_path):
    """The clerk's month: the same file checked three times escalates nothing and moves no deadline;
    a resubmission without 农业农村局's 2025 公务接待费 line tells its open 三公 case why it could not be
    confirmed; a resubmission that cannot be read tells every waiting case so."""
    ledger, out = tmp_path / "L.sqlite", tmp_path / "o"
    with use_clock(FixedClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))):
        first = run(capsys, "check", SAMPLE, "--out", out, "--ledger", ledger)
        assert "新立案 5" in first.stdout
        before = cases_now(ledger)
        assert sorted(level for level, _, _ in before.values()).count("yellow") == 2
        for _ in range(2):
            again = run(capsys, "check", SAMPLE, "--out", out, "--ledger", ledger)
            assert "升级 0" in again.stdout and "同一数据再次运行：5 个问题" in again.stdout
        assert cases_now(ledger) == before  # no level, no deadline, no streak moved
        with sqlite3.connect(ledger) as db:
            assert db.execute("SELECT COUNT(*) FROM case_events WHERE kind='escalated'").fetchone()[0] == 0

        text = SAMPLE.read_text(encoding="utf-8-sig").splitlines(keepends=True)
        edited = tmp_path / "city.csv"
        kept = [
            ln
            for ln in text
            if not (ln.startswith("农业农村局,") and ",2025,预算数," in ln and ",30217," in ln)
        ]
        assert len(kept) == len(text) - 1
        edited.write_text("".join(kept), encoding="utf-8")
        run(capsys, "check", edited, "--out", out, "--ledger", ledger)
        sangong = case_by(ledger, "农业农村局", "sangong")
        last = events_of(ledger, sangong["number"])[-1]
        details = json.loads(last["details"])
        assert last["kind"] == "not_rectified" and details["state"] == "no_data"
        shown = run(capsys, "cases", "show", sangong["number"], "--ledger", ledger)
        assert "未能确认整改：本次运行中该项为“无数据”" in shown.stdout

        broken = tmp_path / "broken.xlsx"
        broken.write_bytes(b"PK\x03\x04garbage-garbage")
        failed = run(capsys, "check", edited, broken, "--out", out, "--ledger", ledger)
        assert failed.returncode != 0
        last = events_of(ledger, sangong["number"])[-1]
        assert last["kind"] == "not_rectified" and json.loads(last["details"])["state"] == "file_failed"
        shown = run(capsys, "cases", "show", sangong["number"], "--ledger", ledger)
        assert "本次运行有文件读取失败（broken.xlsx）" in shown.stdout
