"""Small builders for engine tests: a canonical table from a few readable tuples."""

from __future__ import annotations

import pandas as pd

from budget_guard.model.rulebook import Rules, load_rules, parse_rules, rules_to_yaml
from budget_guard.model.table import conform


def line(
    department: str,
    year: int,
    yuan: float,
    *,
    econ: str | None = None,
    func: str | None = None,
    item: str = "",
    expense_type: str | None = "基本支出",
    tags: str | None = None,
    stage: str = "budget",
    row: int | None = None,
) -> dict:
    return {
        "department": department,
        "year": year,
        "stage": stage,
        "econ_code": econ,
        "func_code": func,
        "item": item,
        "expense_type": expense_type,
        "tags": tags,
        "amount_fen": round(yuan * 100),
        "source_file": "test.csv",
        "source_row": row,
    }


def table(*lines: dict) -> pd.DataFrame:
    rows = [dict(ln) for ln in lines]
    for i, ln in enumerate(rows):
        if ln["source_row"] is None:
            ln["source_row"] = i + 2
    return conform(pd.DataFrame(rows))


def rules_with(**changes) -> Rules:
    """The default rules with some fields replaced, re-validated through YAML like a user's edit."""
    import yaml

    data = yaml.safe_load(rules_to_yaml(load_rules()))
    for dotted, value in changes.items():
        node = data
        parts = dotted.split(".")
        for part in parts[:-1]:
            node = node[int(part)] if part.isdigit() else node[part]
        last = parts[-1]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value
    return parse_rules(yaml.safe_dump(data, allow_unicode=True), "test-rules.yaml")


def category_index(rules: Rules, category_id: str) -> int:
    return [c.id for c in rules.categories].index(category_id)
