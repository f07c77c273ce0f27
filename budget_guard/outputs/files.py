"""Files we write: harmless names from user input, atomic writes, temp folders swapped in whole.

A department or an uploaded file's name may try to escape the output folder; names derived from
such text pass through ``safe_filename``/``safe_join``.

Writes are atomic (temp file in the same folder, fsync, ``os.replace``): a job killed at any
moment leaves either the old report or the new one, never half of one. Temp files carry
``TEMP_MARKER`` in their name so that a later run (under the batch lock) can remove leftovers.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import shutil
import signal
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import IO

TEMP_MARKER = ".tmp-"
# Test hook: when set to a glob, the process kills itself (SIGKILL) after writing the temp file
# of a matching target and before ``os.replace`` — how the tests prove no partial report survives.
KILL_HOOK_ENV = "BUDGET_GUARD_TEST_KILL_BEFORE_REPLACE"

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)}
MAX_NAME_BYTES = 120


def safe_filename(name: str, default: str = "file", max_bytes: int = MAX_NAME_BYTES) -> str:
    """A single, harmless file name from user input (a department, an uploaded file's name).

    Keeps Chinese and other letters; drops any directory part, control and reserved characters,
    leading dots (no hidden files, no ``..``), Windows device names, and trims to ``max_bytes``
    of UTF-8 while keeping the extension.
    """
    text = unicodedata.normalize("NFC", str(name))
    text = re.split(r"[/\\]", text)[-1]
    text = _UNSAFE_CHARS.sub("_", text)
    text = text.strip().lstrip(".").rstrip(". ")
    if not text or set(text) <= {"_"}:
        return default
    stem, dot, suffix = text.rpartition(".")
    if not dot or not stem:
        stem, suffix = text, ""
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = "_" + stem
    suffix = f".{suffix}" if suffix else ""
    if len(suffix.encode()) > 16:
        stem, suffix = stem + suffix, ""
    budget = max_bytes - len(suffix.encode())
    stem = stem.encode()[:budget].decode("utf-8", errors="ignore").rstrip(". ") or default
    return stem + suffix


def safe_join(directory: str | Path, name: str) -> Path:
    """``directory / safe_filename(name)``, guaranteed to stay inside ``directory``."""
    base = Path(directory).resolve()
    target = (base / safe_filename(name)).resolve()
    if target.parent != base:
        raise ValueError(f"unsafe file name: {name!r}")
    return target


def is_temp_name(name: str) -> bool:
    """True for the names ``atomic_writer`` uses before the final ``os.replace``."""
    return TEMP_MARKER in name and name.startswith(".")


def _temp_path(target: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARKER}", dir=target.parent)
    os.close(fd)
    return Path(name)


def _kill_hook(target: Path) -> None:
    pattern = os.environ.get(KILL_HOOK_ENV)
    if pattern and fnmatch.fnmatch(target.name, pattern):
        os.kill(os.getpid(), signal.SIGKILL)


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """Open a temp file next to ``path``; on success fsync and ``os.replace`` it into place.

    On an exception the temp file is removed and ``path`` is untouched.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = _temp_path(target)
    try:
        with open(temp, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~current_umask())  # as a plain open() would: the umask decides who reads
        _kill_hook(target)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise


def current_umask() -> int:
    """The process umask (Linux reads it from /proc without changing it; elsewhere set and restored)."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_writer(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str) -> Path:
    with atomic_writer(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    return Path(path)


def temp_dir_for(target: str | Path) -> Path:
    """A fresh temp folder next to ``target`` for building a whole directory (e.g. Data Docs)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    built = Path(tempfile.mkdtemp(prefix=f".{target.name}{TEMP_MARKER}", dir=target.parent))
    os.chmod(built, 0o777 & ~current_umask())  # mkdtemp makes 0700; the folder swapped in follows the umask
    return built


def replace_dir(built: str | Path, target: str | Path) -> Path:
    """Swap a fully built folder into ``target``; the old one is moved aside first, then deleted.

    Directories cannot be replaced in one ``os.replace`` when the target exists, so there is a
    moment with no ``target``, but never a half-built one.
    """
    built, target = Path(built), Path(target)
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}{TEMP_MARKER}old-", dir=target.parent))
        os.replace(target, old / target.name)
    _kill_hook(target)
    os.replace(built, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target


def restore_swapped_dirs(directory: str | Path) -> list[Path]:
    """Put back a folder ``replace_dir`` had moved aside when the run was killed mid-swap.

    ``replace_dir`` first moves ``target`` into ``.target.tmp-old-…/target``; a kill before the new
    one is moved in leaves no ``target`` at all. The old copy is the last complete one: restore it,
    so a report never points to a missing ``data_docs/index.html``.
    """
    directory = Path(directory)
    restored = []
    for entry in sorted(directory.iterdir()):
        if not (entry.is_dir() and is_temp_name(entry.name) and f"{TEMP_MARKER}old-" in entry.name):
            continue
        name = entry.name[1:].split(TEMP_MARKER, 1)[0]
        saved, target = entry / name, directory / name
        if saved.is_dir() and not target.exists():
            os.replace(saved, target)
            restored.append(target)
    return restored


def remove_stale_temps(directory: str | Path) -> list[Path]:
    """Delete temp files and folders a killed run left in ``directory`` (call only under a lock)."""
    directory = Path(directory)
    removed: list[Path] = []
    if not directory.is_dir():
        return removed
    restore_swapped_dirs(directory)
    for entry in directory.iterdir():
        if is_temp_name(entry.name):
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
            removed.append(entry)
    return removed
