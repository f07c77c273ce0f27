"""budget-guard: 过紧日子 and 四个只增不减 guardrail checks on government budget tables.

Public API (the CLI and the Streamlit app call only these):

- ``read_budget(paths) -> LoadResult``: read spreadsheets into the canonical table
- ``load_rules(path) -> Rules``: read and validate the rules YAML
- ``evaluate(table, rules) -> Evaluation``: classify, compare year over year, grade
- ``write_reports(evaluation, load, out_dir, formats)``: JSON, XLSX 督办单, HTML, Markdown

Each name is imported when it is first used (module ``__getattr__``), so ``import budget_guard``
and ``budget-guard --help`` do not load pandas, pydantic and the engine before they are needed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name → the module that defines it
_PUBLIC: dict[str, str] = {
    "BudgetGuardError": "budget_guard.errors",
    "Evaluation": "budget_guard.engine.evaluate",
    "InputError": "budget_guard.errors",
    "Level": "budget_guard.model.rulebook",
    "LoadResult": "budget_guard.ingest",
    "Rules": "budget_guard.model.rulebook",
    "RulesError": "budget_guard.errors",
    "evaluate": "budget_guard.engine.evaluate",
    "load_rules": "budget_guard.model.rulebook",
    "parse_rules": "budget_guard.model.rulebook",
    "read_budget": "budget_guard.ingest",
    "write_reports": "budget_guard.reports",
}
__all__ = [
    "BudgetGuardError",
    "Evaluation",
    "InputError",
    "Level",
    "LoadResult",
    "Rules",
    "RulesError",
    "evaluate",
    "load_rules",
    "parse_rules",
    "read_budget",
    "write_reports",
]

if TYPE_CHECKING:  # for type checkers and IDEs: the names as if imported eagerly
    from budget_guard.engine.evaluate import Evaluation, evaluate
    from budget_guard.errors import BudgetGuardError, InputError, RulesError
    from budget_guard.ingest import LoadResult, read_budget
    from budget_guard.model.rulebook import Level, Rules, load_rules, parse_rules
    from budget_guard.reports import write_reports


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'budget_guard' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
