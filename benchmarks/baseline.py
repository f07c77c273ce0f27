"""The straightforward first version of classification: a Python loop over rows, and over the rules per row.

This is the reference the engine is measured against (``baseline`` in the table). It gives the same
answer as ``budget_guard.engine.classify`` (the benchmark checks that on its sample), only row by row.
"""

from __future__ import annotations

import pandas as pd

from budget_guard.model.rulebook import DataTag, Rules, Selector
from budget_guard.model.table import (
    ECON_CODE,
    EXPENSE_TYPE,
    FUNC_CODE,
    GOV_ECON_CODE,
    ITEM,
    TAG_SEPARATOR,
    TAGS,
)


def _text(value: object) -> str | None:
    return (
        None
        if value is None or value is pd.NA or (isinstance(value, float) and value != value)
        else str(value)
    )


def _data_tag_hits(rule: DataTag, row: dict[str, str | None]) -> bool:
    text = row.get(rule.column)
    if not text:
        return False
    words = text.split()
    return bool(
        (rule.codes and words and words[0] in rule.codes)
        or (rule.prefixes and any(text.startswith(p) for p in rule.prefixes))
        or (rule.keywords and any(k in text for k in rule.keywords))
    )


def _own_tags(row: dict[str, str | None]) -> set[str]:
    tags = row[TAGS]
    return {t.strip() for t in tags.split(TAG_SEPARATOR)} if tags else set()


def _line_tags(row: dict[str, str | None], data_tags: tuple[DataTag, ...]) -> set[str]:
    return _own_tags(row) | {rule.tag for rule in data_tags if _data_tag_hits(rule, row)}


def _matches(selector: Selector, row: dict[str, str | None], data_tags: tuple[DataTag, ...] = ()) -> bool:
    econ, func, item = row[ECON_CODE], row[FUNC_CODE], row[ITEM]
    expense_type, gov_econ = row[EXPENSE_TYPE], row[GOV_ECON_CODE]
    if selector.econ_codes and econ not in selector.econ_codes:
        return False
    if selector.econ_prefixes and not (econ and any(econ.startswith(p) for p in selector.econ_prefixes)):
        return False
    if selector.func_codes and func not in selector.func_codes:
        return False
    if selector.func_prefixes and not (func and any(func.startswith(p) for p in selector.func_prefixes)):
        return False
    if selector.func_items and not (func and len(func) == 7 and func[5:7] in selector.func_items):
        return False
    if selector.tags and not (_line_tags(row, data_tags) & set(selector.tags)):
        return False
    if selector.printed and not (_own_tags(row) & set(selector.printed)):
        return False
    if selector.item_keywords and not (item and any(k in item for k in selector.item_keywords)):
        return False
    if selector.expense_types and expense_type not in selector.expense_types:
        return False
    if selector.gov_econ_codes and gov_econ not in selector.gov_econ_codes:
        return False
    if selector.gov_econ_prefixes and not (
        gov_econ and any(gov_econ.startswith(p) for p in selector.gov_econ_prefixes)
    ):
        return False
    if selector.all_of and not all(_matches(child, row, data_tags) for child in selector.all_of):
        return False
    if selector.any_of and not any(_matches(child, row, data_tags) for child in selector.any_of):
        return False
    return not (selector.exclude is not None and _matches(selector.exclude, row, data_tags))


def classify_rows(table: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Membership matrix (one boolean column per category), computed one row at a time."""
    data_tags = tuple(rules.data_tags)
    columns = [ECON_CODE, FUNC_CODE, ITEM, TAGS, EXPENSE_TYPE, GOV_ECON_CODE]
    columns += sorted({rule.column for rule in data_tags} - set(columns))
    result: dict[str, list[bool]] = {c.id: [] for c in rules.categories}
    for values in table[columns].itertuples(index=False, name=None):
        row = {col: _text(v) for col, v in zip(columns, values, strict=True)}
        for category in rules.categories:
            result[category.id].append(_matches(category.select, row, data_tags))
    return pd.DataFrame(result, index=table.index)
