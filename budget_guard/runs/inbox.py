"""Which inbox entries a batch run may read this time, and why the others wait or are refused.

A scheduled run must survive whatever sits in the inbox: a file still being copied (it waits until
it has been unchanged for ``settle_seconds``), a symlink pointing outside the inbox (refused unless
``follow_symlinks``), a FIFO or device (refused: reading it would hang or never end), a name that
is not UTF-8 (shown decoded or escaped, never a crash), a file deleted between listing and reading
(a note; the others go on). Every entry not processed gets a ``Note`` the run prints and records.
"""

from __future__ import annotations

import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from budget_guard.ingest.files.sources import display_name

INPUT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".pdf")
SETTLE_ENV = "BUDGET_GUARD_SETTLE_SECONDS"

# note kinds: refused ones make the run exit 2 (someone must act); the others only wait or inform
REFUSED_SYMLINK = "symlink-outside"
REFUSED_NOT_REGULAR = "not-regular"
WAITING = "not-settled"
VANISHED = "vanished"
LEDGER_MISSING = "ledger-missing"
REFUSING = (REFUSED_SYMLINK, REFUSED_NOT_REGULAR)

NOTE_TEXT: dict[str, tuple[str, str]] = {
    REFUSED_SYMLINK: (
        "是指向收件文件夹之外（{detail}）的符号链接，已拒绝；请把文件复制进收件文件夹（或用 --follow-symlinks）",
        "is a symbolic link pointing outside the inbox ({detail}); refused: copy the file in (or use --follow-symlinks)",
    ),
    REFUSED_NOT_REGULAR: (
        "不是普通文件（{detail}），已拒绝",
        "is not a regular file ({detail}); refused",
    ),
    WAITING: (
        "{detail}秒内仍有改动（可能正在写入），下次运行再处理",
        "changed within the last {detail} s (still being written?); left for the next run",
    ),
    VANISHED: (
        "在本次运行中被删除或移走，已跳过",
        "was deleted or moved during the run; skipped",
    ),
    LEDGER_MISSING: (
        "运行记录文件不存在，但输出文件夹中已有之前运行的报告（{detail}）：已新建运行记录，所有文件将重新处理",
        "the ledger is missing but the output folder holds reports of earlier runs ({detail}): a new ledger was "
        "created and every file is processed again",
    ),
}


@dataclass(frozen=True)
class Note:
    """An inbox entry (or the run) that needs a word: why a file waits, was refused or vanished."""

    kind: str
    name: str
    detail: str = ""

    @property
    def refused(self) -> bool:
        return self.kind in REFUSING

    def message(self, lang: str = "zh") -> str:
        zh, en = NOTE_TEXT[self.kind]
        text = (zh if lang == "zh" else en).format(detail=self.detail)
        return f"{self.name}: {text}" if self.name else text

    def as_record(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "name": self.name,
            "message_zh": self.message("zh"),
            "message_en": self.message("en"),
        }


@dataclass(frozen=True)
class Entry:
    """A regular file of the inbox, settled, that may be read; ``name`` is printable."""

    path: Path
    name: str
    size: int
    mtime: float


def settle_seconds_default() -> float:
    """``BUDGET_GUARD_SETTLE_SECONDS`` when set (a deployment or the tests), else 10 seconds."""
    try:
        return float(os.environ.get(SETTLE_ENV, "10"))
    except ValueError:
        return 10.0


def scan_inbox(
    inbox: Path,
    *,
    settle_seconds: float,
    follow_symlinks: bool = False,
    now: float | None = None,
) -> tuple[list[Entry], list[Note]]:
    """The entries to read, in sorted order, and a note for every candidate held back.

    Folders are walked without following symlinks; hidden files, Excel ``~$`` owner files and other
    suffixes are ignored silently (as before).
    """
    now = time.time() if now is None else now
    root = inbox.resolve()
    entries: list[Entry] = []
    notes: list[Note] = []
    found: list[Path] = []
    for folder, dirs, files in os.walk(inbox, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / f for f in files if _wanted(f))
    for path in sorted(found):
        name = display_name(str(path.relative_to(inbox)))
        try:
            if path.is_symlink() and not follow_symlinks:
                target = path.resolve()
                if not target.is_relative_to(root):
                    notes.append(Note(REFUSED_SYMLINK, name, display_name(str(target))))
                    continue
            info = path.stat()
        except FileNotFoundError:
            notes.append(Note(VANISHED, name))
            continue
        except (OSError, RuntimeError) as exc:  # a symlink loop, a permission problem
            notes.append(Note(REFUSED_NOT_REGULAR, name, display_name(str(exc))))
            continue
        if not stat.S_ISREG(info.st_mode):
            notes.append(Note(REFUSED_NOT_REGULAR, name, _kind(info.st_mode)))
            continue
        if now - info.st_mtime < settle_seconds:
            notes.append(Note(WAITING, name, f"{settle_seconds:g}"))
            continue
        entries.append(Entry(path, name, info.st_size, info.st_mtime))
    return entries, notes


def _wanted(file_name: str) -> bool:
    return not file_name.startswith((".", "~$")) and Path(file_name).suffix.lower() in INPUT_SUFFIXES


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "管道 / FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备 / device"
    if stat.S_ISSOCK(mode):
        return "套接字 / socket"
    if stat.S_ISDIR(mode):
        return "文件夹 / directory"
    return "?"


def earlier_reports(out_dir: Path) -> int:
    """How many report folders of earlier runs ``out_dir`` holds (to tell a deleted ledger from a first run)."""
    if not out_dir.is_dir():
        return 0
    return sum(
        1
        for child in out_dir.iterdir()
        if child.is_dir() and not child.name.startswith(".") and (child / "budget-guard-report.json").exists()
    )
