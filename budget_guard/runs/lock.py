"""One batch run at a time: an exclusive, non-blocking lock on a file beside the ledger.

Through portalocker, so the same lock works on Linux servers and Windows desktops.
"""

from __future__ import annotations

import contextlib
import os
import socket
from collections.abc import Iterator
from pathlib import Path

from budget_guard.clock import utc_text as now_utc
from budget_guard.errors import BudgetGuardError, Place

LOCK_SUFFIX = ".lock"


class BatchLocked(BudgetGuardError):
    """Another batch run holds the lock on the same ledger."""

    def __init__(self, lock_path: Path, holder: str = "") -> None:
        detail = f" ({holder})" if holder else ""
        super().__init__(
            f"另一个 budget-guard batch 正在运行{detail}，本次不处理，直接退出",
            f"another budget-guard batch run is in progress{detail}; nothing done, exiting",
            Place(file=str(lock_path)),
        )
        self.lock_path = lock_path


@contextlib.contextmanager
def batch_lock(lock_path: str | Path) -> Iterator[Path]:
    """Hold an exclusive, non-blocking lock on ``lock_path`` for the duration of a run.

    The file is never deleted (deleting a lock file lets a third run lock a different inode);
    it holds the holder's pid and host for the message a second run prints.
    """
    import portalocker  # imported here: it loads fcntl (POSIX) or msvcrt (Windows)

    path = Path(lock_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+b")  # noqa: SIM115 — held open for the whole run, closed below
    try:
        try:
            portalocker.lock(handle, portalocker.LOCK_EX | portalocker.LOCK_NB)
        except portalocker.exceptions.LockException:
            raise BatchLocked(path, _holder(path)) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} on {socket.gethostname()} since {now_utc()}\n".encode())
        handle.flush()
        yield path
    finally:
        with contextlib.suppress(OSError, portalocker.exceptions.LockException):
            portalocker.unlock(handle)
        handle.close()


def _holder(path: Path) -> str:
    """Who holds the lock, as the holder wrote it (unreadable where the OS locks the bytes: Windows)."""
    try:
        with open(path, "rb") as other:
            return other.read(200).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def lock_is_held(lock_path: str | Path) -> bool:
    """True if a running batch holds the lock (used by ``history`` to tell running from interrupted)."""
    import portalocker

    path = Path(lock_path)
    if not path.exists():
        return False
    with open(path, "rb") as handle:
        try:
            portalocker.lock(handle, portalocker.LOCK_SH | portalocker.LOCK_NB)
        except portalocker.exceptions.LockException:
            return True
        with contextlib.suppress(OSError, portalocker.exceptions.LockException):
            portalocker.unlock(handle)
    return False


def lock_path_for(state_path: str | Path) -> Path:
    state = Path(state_path)
    return state.with_name(state.name + LOCK_SUFFIX)
