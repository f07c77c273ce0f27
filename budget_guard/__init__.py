"""budget-guard: 过紧日子 and 四个只增不减 guardrail checks on government budget tables.

Public API (the CLI and the Streamlit app call only these):

- ``read_budget(paths) -> LoadResult``: read spreadsheets into the canonical table
- ``load_rules(path) -> Rules``: read and validate the rules YAML
- ``evaluate(table, rules) -> Evaluation``: classify, compare year over year, grade
- ``write_reports(evaluation, load, out_dir, formats)``: JSON, XLSX 督办单, HTML, Markdown
"""

from budget_guard.engine.evaluate import Evaluation, evaluate
from budget_guard.errors import BudgetGuardError, InputError, RulesError
from budget_guard.ingest import LoadResult, read_budget
from budget_guard.model.rulebook import Level, Rules, load_rules, parse_rules
from budget_guard.reports import write_reports

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
__version__ = "0.1.0"
