"""The engines that run the line-level half (classify + sum), declared once and registered by name.

- ``pandas_backend``: the default, in memory, for spreadsheets (the dashboard, a city's CLI run).
- ``sql``: the one query (the compiled selectors + the group sums) that every SQL engine runs.
- ``duckdb_backend``: embedded DuckDB reading CSV/Parquet directly, larger than memory.
- ``spark_backend``: PySpark (local or a cluster) reading Parquet/CSV paths or a Hive table.

A table engine is a module with ``open_lines(paths, rules, **options) -> SqlLines``; it is
registered here with the extra that installs it (as pandera registers one backend per DataFrame
library), imported only when chosen, and a new engine is a new module plus one ``register`` line.
The summary half (year over year, grade, findings) is shared: ``engine/evaluate.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from budget_guard.extras import require

if TYPE_CHECKING:
    from budget_guard.engine.backends.sql_engine import SqlLines
    from budget_guard.model.rulebook import Rules

DEFAULT_ENGINE = "pandas"  # spreadsheets in memory: ``engine/backends/pandas_backend.py``


class TableEngine(Protocol):
    """What a table engine module provides: canonical lines opened where they lie, as SQL."""

    def open_lines(self, paths: Sequence[str | Path], rules: Rules, **options: Any) -> SqlLines: ...


@dataclass(frozen=True)
class Registration:
    name: str
    module: str  # imported when the engine is chosen
    needs: str | None  # a third-party module the engine cannot run without …
    extra: str | None  # … and the extra of budget-guard that installs it
    options: tuple[str, ...] = ()  # the run options it takes (``--spark-master`` …)


_REGISTRY: dict[str, Registration] = {}


def register(registration: Registration) -> None:
    _REGISTRY[registration.name] = registration


register(Registration(DEFAULT_ENGINE, "budget_guard.engine.backends.pandas_backend", None, None))
register(Registration("duckdb", "budget_guard.engine.backends.duckdb_backend", "duckdb", None))
register(
    Registration(
        "spark", "budget_guard.engine.backends.spark_backend", "pyspark", "spark", options=("table", "master")
    )
)

ENGINES: tuple[str, ...] = tuple(_REGISTRY)
TABLE_ENGINES: tuple[str, ...] = tuple(name for name in _REGISTRY if name != DEFAULT_ENGINE)


def registration(name: str) -> Registration:
    return _REGISTRY[name]


def table_engine(name: str) -> TableEngine:
    """The module of a table engine, its optional dependency checked first (one line if absent)."""
    entry = _REGISTRY[name]
    if name == DEFAULT_ENGINE:
        raise ValueError(f"not a table engine: {name}")
    if entry.needs and entry.extra:
        require(entry.needs, entry.extra)
    return importlib.import_module(entry.module)
