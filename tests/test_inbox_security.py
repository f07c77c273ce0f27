"""The batch inbox against a hostile neighbour (issue #25): no outside file is read through a swapped
link, reports never land in the inbox, a link's target is never echoed, a one-year file is done once,
and a red finding is never hidden behind a file that compared nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from budget_guard.cli import main
from budget_guard.ledger.runs import DEFAULT_STATE_NAME
from budget_guard.runs import batch as batch_module

OLD = time.time() - 3600
HEADER = "部门,年度,数据口径,功能分类科目编码,经济分类科目编码,项目名称,支出类型,标签,金额（元）\n"
TWO_YEARS = HEADER + (
    "财政局,2024,预算数,2010601,30217,公务接待费,基本支出,,100000\n"
    "财政局,2025,预算数,2010601,30217,公务接待费,基本支出,,{amount}\n"
)
SECRET = "部门,年度,金额（元）\n机密局,2025,999999\n"  # another bureau's table, outside the inbox


def drop(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    os.utime(path, (OLD, OLD))
    return path


def run_batch(capsys, inbox: Path, out: Path, *extra: object) -> SimpleNamespace:
    code = main([str(a) for a in ("batch", inbox, "--out", out, "--no-ge", "--json", *extra)])
    stdout, stderr = capsys.readouterr()
    return SimpleNamespace(returncode=code, stdout=stdout, stderr=stderr)


def summary(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


def reports_text(out: Path) -> str:
    return "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".json", ".md", ".html", ".csv")
    )


def test_a_link_swapped_to_an_outside_file_after_the_listing_is_refused_unread(capsys, tmp_path, monkeypatch):
    """The race of issue #25: the listing sees a link to a file inside the inbox; before the read the
    link is swapped to point at another bureau's table. The refusal is decided on the opened file."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inside = drop(inbox / "store", "ours.csv", TWO_YEARS.format(amount=90000))
    secret = drop(tmp_path / "other_bureau", "secret.csv", SECRET)
    link = inbox / "latest.csv"
    link.symlink_to(inside)
    listed = batch_module.scan_inbox

    def list_then_swap(*args, **kwargs):
        result = listed(*args, **kwargs)
        link.unlink()
        link.symlink_to(secret)  # after the listing's check, before the read
        return result

    monkeypatch.setattr(batch_module, "scan_inbox", list_then_swap)
    result = run_batch(capsys, inbox, out)
    record = summary(result)
    assert result.returncode == 2  # a refused entry: someone must act
    refused = [n for n in record["notes"] if n["kind"] == "symlink-outside"]
    assert [n["name"] for n in refused] == ["latest.csv"], record["notes"]
    assert "机密局" not in reports_text(out) and "999999" not in result.stdout + result.stderr
    assert [f["name"] for f in record["files"]] == ["store/ours.csv"]


def test_a_folder_swapped_for_a_link_after_the_listing_is_refused_unread(capsys, tmp_path, monkeypatch):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox / "sub", "table.csv", TWO_YEARS.format(amount=90000))
    outside = tmp_path / "other_bureau"
    drop(outside, "table.csv", SECRET)
    listed = batch_module.scan_inbox

    def list_then_swap(*args, **kwargs):
        result = listed(*args, **kwargs)
        (inbox / "sub").rename(tmp_path / "moved")
        (inbox / "sub").symlink_to(outside, target_is_directory=True)
        return result

    monkeypatch.setattr(batch_module, "scan_inbox", list_then_swap)
    result = run_batch(capsys, inbox, out)
    record = summary(result)
    assert result.returncode == 2
    assert [n["kind"] for n in record["notes"]] == ["symlink-outside"]
    assert record["files"] == [] and "机密局" not in reports_text(out)


def test_a_link_inside_the_inbox_is_still_read(capsys, tmp_path):
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inside = drop(inbox / "store", "ours.csv", TWO_YEARS.format(amount=90000))
    (inbox / "latest.csv").symlink_to(inside)
    result = run_batch(capsys, inbox, out)
    record = summary(result)
    assert result.returncode == 0, result.stderr
    assert record["notes"] == [] and len(record["files"]) == 1  # same content once


def test_out_inside_the_inbox_is_refused(capsys, tmp_path):
    inbox = tmp_path / "inbox"
    drop(inbox, "a.csv", TWO_YEARS.format(amount=90000))
    result = run_batch(capsys, inbox, inbox / "reports")
    assert result.returncode == 2
    assert "收件文件夹之内" in result.stderr
    assert not (inbox / "reports").exists()


def test_a_link_on_the_command_line_never_echoes_its_targets_text(capsys, tmp_path):
    system_file = tmp_path / "passwd"
    system_file.write_text("root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n")
    link = tmp_path / "table.csv"
    link.symlink_to(system_file)
    out = tmp_path / "out"
    code = main(["check", str(link), "--out", str(out), "--format", "json,md,html"])
    stdout, stderr = capsys.readouterr()
    assert code in (2, 5)  # nothing read: never a sign-off
    assert "root:x" not in stdout + stderr and "nologin" not in stdout + stderr
    assert "root:x" not in reports_text(out)


def test_a_one_year_file_is_done_once_and_a_red_file_after_it_exits_1(capsys, tmp_path):
    """A department's single-year table (the usual submission) compares nothing: recorded with that
    outcome, not read again; a later file with a red finding makes the run exit 1, not 5."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    drop(inbox, "one_year.csv", HEADER + "教育局,2025,预算数,2050101,30201,办公费,基本支出,,5000\n")
    first = run_batch(capsys, inbox, out)
    assert first.returncode == 5, first.stdout + first.stderr
    assert [f["status"] for f in summary(first)["files"]] == ["nothing_compared"]
    again = run_batch(capsys, inbox, out)
    assert again.returncode == 0 and summary(again)["processed"] == 0 and summary(again)["skipped"] == 1
    drop(inbox, "red.csv", TWO_YEARS.format(amount=150000))  # 三公经费 +50 %: red
    drop(inbox, "one_year_too.csv", HEADER + "卫生健康局,2025,预算数,2100101,30201,办公费,基本支出,,5000\n")
    third = run_batch(capsys, inbox, out)
    record = summary(third)
    assert third.returncode == 1, third.stdout + third.stderr
    assert record["outcome"] == "red"
    assert sorted(f["status"] for f in record["files"]) == ["nothing_compared", "processed"]
    with sqlite3.connect(out / DEFAULT_STATE_NAME) as db:
        statuses = db.execute("SELECT name, status FROM files ORDER BY id").fetchall()
    assert statuses.count(("one_year.csv", "nothing_compared")) == 1


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="needs O_NOFOLLOW")
def test_open_entry_refuses_a_plain_entry_that_became_a_link(tmp_path):
    from budget_guard.runs.inbox import EntryRefused, open_entry, scan_inbox

    inbox = tmp_path / "inbox"
    drop(inbox, "a.csv", TWO_YEARS.format(amount=1))
    secret = drop(tmp_path, "secret.csv", SECRET)
    (entry,), _ = scan_inbox(inbox, settle_seconds=0)
    (inbox / "a.csv").unlink()
    (inbox / "a.csv").symlink_to(secret)
    with pytest.raises(EntryRefused) as refused:
        open_entry(entry, inbox)
    assert refused.value.note.kind == "symlink-outside"
