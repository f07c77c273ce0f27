"""Peak resident memory of the current process, resettable between setup and the measured stage.

On Linux, writing ``5`` to ``/proc/self/clear_refs`` resets the high-water mark (VmHWM), so the
peak of a stage excludes whatever reading its inputs cost. Elsewhere the peak is the process's
lifetime peak from ``getrusage`` (an upper bound), and ``peak_is_lifetime`` says so.
"""

from __future__ import annotations

import re
import resource
import sys
from pathlib import Path

_STATUS = Path("/proc/self/status")


def _status_mib(field: str) -> float | None:
    try:
        match = re.search(rf"^{field}:\s+(\d+)\s+kB", _STATUS.read_text(), re.MULTILINE)
    except OSError:
        return None
    return int(match.group(1)) / 1024 if match else None


def rss_mib() -> float | None:
    """Resident memory now."""
    return _status_mib("VmRSS")


def reset_peak() -> bool:
    """Start a new peak from the current RSS; False when the platform cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_mib() -> float:
    """Peak resident memory since the last successful ``reset_peak`` (or since the process started)."""
    hwm = _status_mib("VmHWM")
    if hwm is not None:
        return hwm
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def children_peak_mib() -> float:
    """Largest peak RSS of any waited-for child process."""
    maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024
