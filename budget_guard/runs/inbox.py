"""Which inbox entries a batch run may read this time, and why the others wait or are refused.

A scheduled run must survive whatever sits in the inbox: a file still being copied (it waits until
it has been unchanged for ``settle_seconds``), a symlink pointing outside the inbox (refused unless
``follow_symlinks``), a FIFO or device (refused: reading it would hang or never end), a name that
is not UTF-8 (shown decoded or escaped, never a crash), a file deleted between listing and reading
(a note; the others go on). Every entry not processed gets a ``Note`` the run prints and records.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from budget_guard.ingest.files.sources import FOLDER_SUFFIXES, display_name

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
    """A regular file of the inbox, settled, that may be read; ``name`` is printable.

    ``device``/``inode`` identify the file that was listed (the target, for a link inside the inbox):
    ``open_entry`` reads only that file.
    """

    path: Path
    name: str
    size: int
    mtime: float
    device: int = 0
    inode: int = 0


class EntryRefused(Exception):
    """The file opened is not the one the listing allowed (a link swapped to point outside, a folder
    replaced by a link): nothing of it was read. ``note`` says why."""

    def __init__(self, note: Note) -> None:
        super().__init__(note.message("en"))
        self.note = note


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
        entries.append(Entry(path, name, info.st_size, info.st_mtime, info.st_dev, info.st_ino))
    return entries, notes


# Open flags for an inbox file: never block on a FIFO, never follow a link in the last component
# (where the platform has O_NOFOLLOW; elsewhere the descriptor's identity is compared instead).
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


def open_entry(entry: Entry, inbox: Path, *, follow_symlinks: bool = False) -> int:
    """Open ``entry`` for reading and return the descriptor, deciding the refusal on that descriptor.

    The listing's check (a link pointing outside the inbox is refused) could be undone by swapping
    the link, or a folder on the path, between the listing and the read. So the refusal is decided on
    the opened file itself: a plain entry is opened with ``O_NOFOLLOW``; then the descriptor's real
    path (``/proc/self/fd``, ``F_GETPATH``) must lie inside the inbox, and where no platform call tells
    it, the descriptor's device and inode must be those listed. Raises ``EntryRefused`` (nothing read)
    or ``OSError`` (``FileNotFoundError`` when the file went away).
    """
    if follow_symlinks:
        return os.open(entry.path, _OPEN_FLAGS)
    linked = entry.path.is_symlink()  # a link inside the inbox, vetted by the listing: follow it, then check
    try:
        fd = os.open(entry.path, _OPEN_FLAGS | (0 if linked else _NOFOLLOW))
    except OSError as exc:
        if _NOFOLLOW and exc.errno == errno.ELOOP:  # became a link since the listing
            raise EntryRefused(Note(REFUSED_SYMLINK, entry.name, _target_text(entry.path))) from None
        raise
    try:
        real = descriptor_path(fd)
        if real is not None:
            inside = Path(real.removesuffix(" (deleted)")).is_relative_to(inbox.resolve())
        else:
            info = os.fstat(fd)
            inside = not entry.inode or (info.st_dev, info.st_ino) == (entry.device, entry.inode)
        if not inside:
            raise EntryRefused(
                Note(REFUSED_SYMLINK, entry.name, display_name(real or _target_text(entry.path)))
            )
    except BaseException:
        os.close(fd)
        raise
    return fd


def descriptor_path(fd: int) -> str | None:
    """The real path of an open file, from the descriptor (Linux ``/proc``, macOS ``F_GETPATH``); None elsewhere."""
    proc = f"/proc/self/fd/{fd}"
    if os.path.isdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            return os.readlink(proc)
    try:
        import fcntl
    except ImportError:  # Windows
        return None
    if hasattr(fcntl, "F_GETPATH"):
        with contextlib.suppress(OSError):
            raw = fcntl.fcntl(fd, fcntl.F_GETPATH, bytes(1024))
            return os.fsdecode(raw.split(b"\0", 1)[0])
    return None


def _target_text(path: Path) -> str:
    try:
        return display_name(str(path.resolve()))
    except (OSError, RuntimeError):
        return "?"


def _wanted(file_name: str) -> bool:
    return not file_name.startswith((".", "~$")) and Path(file_name).suffix.lower() in FOLDER_SUFFIXES


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
