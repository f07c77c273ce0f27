"""Optional parts of the install: import one, or say in one line which extra to install.

The core install runs ``check``, ``batch`` and ``cases``; ``[dashboard]``, ``[ge]``, ``[spark]`` and
``[pdf]`` add their parts. A missing one is a user's fix (exit 2, the install command), never a
traceback.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType

from budget_guard.errors import MissingExtra


def require(module: str, extra: str) -> ModuleType:
    """``module`` imported, or ``MissingExtra`` naming the extra that brings it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if exc.name is not None and not module.startswith(exc.name.split(".")[0]):
            raise  # the part is installed but one of its own imports is broken: a real fault
        raise MissingExtra(module, extra) from exc


def installed(module: str) -> bool:
    """Whether ``module`` can be imported (without importing it: a default that depends on a part)."""
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False
