"""Turn what a caller hands us (paths, directories, uploads) into named byte blobs, without raising.

Uploads come from the Streamlit app as ``(name, bytes)`` pairs or file-like objects; only their base
name is ever shown, never a client path. Problems found here (missing file, too large) travel with
the source so one bad input never stops the others.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from budget_guard.errors import InputError, Place
from budget_guard.messages.problems import Problem
from budget_guard.outputs.escape import terminal_text

READABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".pdf")
# What a folder contributes (``check DIR``, the batch inbox): the tables; a .txt only when named directly.
FOLDER_SUFFIXES: tuple[str, ...] = tuple(s for s in READABLE_SUFFIXES if s != ".txt")


@dataclass
class Source:
    """One input: its display name (base name), the path as given, the bytes, or the problem that stopped it."""

    name: str
    path: str
    data: bytes | None = None
    problems: list[Problem] = field(default_factory=list)
    linked: bool = False  # read through a symbolic link: text of a table not read is not echoed

    @property
    def sha256(self) -> str | None:
        return hashlib.sha256(self.data).hexdigest() if self.data is not None else None

    @property
    def suffix(self) -> str:
        return PurePath(self.name).suffix.lower()


def base_name(name: str) -> str:
    """The file name alone, whatever path style a browser sent (``C:\\Users\\x\\a.xlsx`` → ``a.xlsx``)."""
    return PurePath(str(name).replace("\\", "/")).name or str(name)


def collect_sources(paths: Any, max_file_mb: float = 200) -> list[Source]:
    """Expand inputs into sources. Directories are read recursively (hidden and ``~$`` lock files skipped)."""
    limit = int(max_file_mb * 1024 * 1024)
    out: list[Source] = []
    for item in _as_items(paths):
        out.extend(_expand(item, limit))
    return out


def _as_items(paths: Any) -> list[Any]:
    if paths is None:
        return []
    if isinstance(paths, str | os.PathLike) or _is_pair(paths) or hasattr(paths, "read"):
        return [paths]
    if isinstance(paths, bytes | bytearray):
        return [("upload", bytes(paths))]
    if isinstance(paths, Iterable):
        return list(paths)
    return [paths]


def _is_pair(item: Any) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) == 2
        and isinstance(item[0], str | os.PathLike)
        and isinstance(item[1], bytes | bytearray | memoryview)
    )


def _expand(item: Any, limit: int) -> list[Source]:
    if isinstance(item, Source):  # already read (batch hashes exactly the bytes it hands over)
        return [_checked(item, limit) if item.data is not None else item]
    if _is_pair(item):
        name, data = item
        shown = display_name(base_name(str(name)))
        return [_checked(Source(shown, shown, bytes(data)), limit)]
    if hasattr(item, "read"):
        name = display_name(base_name(getattr(item, "name", "upload") or "upload"))
        try:
            if hasattr(item, "seek"):
                item.seek(0)
            data = item.read()
        except OSError as exc:
            return [_failed(name, name, "file-corrupt", expected="readable", detail=str(exc))]
        if isinstance(data, str):
            data = data.encode("utf-8")
        return [_checked(Source(name, name, bytes(data)), limit)]
    if isinstance(item, str | os.PathLike):
        path = Path(item)
        return [read_path(p, limit) for p in spreadsheet_paths(path)]
    text = repr(item)[:80]
    return [_failed(text, text, "file-unsupported", suffix=type(item).__name__)]


def spreadsheet_paths(path: Path) -> list[Path]:
    """The files a path stands for: itself, or a folder's readable files (recursively, sorted;
    hidden and ``~$`` lock files skipped) — listed without reading them."""
    if not path.is_dir():
        return [path]
    return sorted(
        p
        for p in path.rglob("*")
        if p.is_file()
        and p.suffix.lower() in READABLE_SUFFIXES
        and not p.name.startswith((".", "~$"))
        and not any(part.startswith(".") for part in p.relative_to(path).parts[:-1])
    )


def read_path(path: Path, limit: int) -> Source:
    """Read a regular file's bytes, at most ``limit`` (+1 to tell "too large").

    The file is opened without blocking and checked on the open descriptor, so a FIFO cannot hang
    the run and ``/dev/zero`` behind a symlink cannot be read without end. The name shown is the
    one the caller gave (a link's own name, not its target).
    """
    name = display_name(path.name)
    shown = display_name(str(path))
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return _failed(name, shown, "file-not-found")
    except OSError as exc:
        return _failed(name, shown, "file-corrupt", expected="readable", detail=exc.strerror or str(exc))
    try:
        source = read_descriptor(fd, name, shown, limit)
    finally:
        os.close(fd)
    source.linked = os.path.islink(path)
    return source


def read_descriptor(fd: int, name: str, shown: str, limit: int) -> Source:
    """The bytes of an open file (regular files only, at most ``limit``); the caller closes ``fd``."""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return _failed(name, shown, "file-not-regular", kind=_file_kind(info.st_mode))
        if info.st_size > limit:
            return _too_large(name, shown, info.st_size, limit)
        chunks: list[bytes] = []
        read = 0
        while read <= limit:
            # the whole regular file in one read (one buffer, no join); then to the end, if it grew
            chunk = os.read(fd, min(max(info.st_size - read, 1 << 20) + 1, limit + 1 - read))
            if not chunk:
                break
            chunks.append(chunk)
            read += len(chunk)
        if read > limit:  # grew while being read
            return _too_large(name, shown, read, limit)
        data = b"".join(chunks)
    except OSError as exc:
        return _failed(name, shown, "file-corrupt", expected="readable", detail=exc.strerror or str(exc))
    return Source(name, shown, data)


def _too_large(name: str, path: str, size: int, limit: int) -> Source:
    return _failed(
        name, path, "file-too-large", size_mb=f"{size / 1048576:.1f}", limit_mb=f"{limit / 1048576:g}"
    )


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISDIR, "文件夹 / directory"),
        (stat.S_ISFIFO, "管道 / FIFO"),
        (stat.S_ISCHR, "字符设备 / character device"),
        (stat.S_ISBLK, "块设备 / block device"),
        (stat.S_ISSOCK, "套接字 / socket"),
    ):
        if test(mode):
            return kind
    return "?"


def display_name(name: str) -> str:
    """A file name as text that can be printed, stored and encoded as UTF-8.

    Linux names are bytes: one saved on a Chinese Windows share arrives in GBK and Python holds it
    with surrogate escapes, which SQLite and the terminal refuse. Decode those bytes as GB18030 when
    that works, else show them as ``\\xNN``; control characters (newline, ESC) are shown escaped.
    """
    text = str(name)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(text)
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            text = raw.decode("utf-8", errors="backslashreplace")
    return escape_controls(text)


def escape_controls(text: str) -> str:
    """Control and bidi characters (newlines, terminal escapes, U+202E) as visible ``\\n`` / ``\\x1b``
    (``outputs/escape.py``'s terminal helper, one line)."""
    return terminal_text(text)


def _checked(source: Source, limit: int) -> Source:
    if source.data is not None and len(source.data) > limit:
        size = len(source.data)
        problem = Problem(
            "file-too-large",
            file=source.name,
            details={"size_mb": f"{size / 1048576:.1f}", "limit_mb": f"{limit / 1048576:g}"},
        )
        return Source(source.name, source.path, None, [problem])
    return source


def _failed(name: str, path: str, code: str, **details: str) -> Source:
    return Source(name, path, None, [Problem(code, file=name, details=details)])


def no_tables_error(paths: Sequence[str | Path]) -> InputError:
    """Nothing readable among ``paths``: which suffixes would have been read."""
    return InputError.from_key(
        "input.no_tables", Place(file=", ".join(str(p) for p in paths)), suffixes=" ".join(FOLDER_SUFFIXES)
    )
