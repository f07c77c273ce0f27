"""Which lines belong to which guardrail categories — vectorised over distinct values.

Each selector condition is evaluated once per *distinct* code / name / tag string (the
categories of a categorical column) and mapped back to the lines through the category codes,
so a million lines with a few thousand distinct codes cost a few array lookups, not a Python loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from .rulebook import Rules, Selector
from .table import ECON_CODE, EXPENSE_TYPE, FUNC_CODE, ITEM, TAG_SEPARATOR, TAGS

CATEGORIES_COLUMN = "categories"
CATEGORY_COUNT_COLUMN = "category_count"


class _Columns:
    """Per-call cache of categorical columns and of atom results on their distinct values."""

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.n = len(table)
        self._atoms: dict[tuple, np.ndarray] = {}

    def atom(self, column: str, values: tuple[str, ...], kind: str) -> np.ndarray:
        key = (column, values, kind)
        if key not in self._atoms:
            self._atoms[key] = self._evaluate(column, values, kind)
        return self._atoms[key]

    def _evaluate(self, column: str, values: tuple[str, ...], kind: str) -> np.ndarray:
        series = self.table[column]
        if not isinstance(series.dtype, pd.CategoricalDtype):
            series = series.astype("category")
        distinct = pd.Series(series.cat.categories.astype(str))
        hit_on_distinct = _PREDICATES[kind](distinct, values)
        codes = series.cat.codes.to_numpy()
        lookup = np.append(np.asarray(hit_on_distinct, dtype=bool), False)  # code -1 (missing) → False
        return lookup[codes]


def _isin(distinct: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    return distinct.isin(values).to_numpy()


def _startswith(distinct: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    return distinct.str.startswith(values).to_numpy()


def _func_item(distinct: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """The 项 part: the last two digits of a 7-digit functional code."""
    return ((distinct.str.len() == 7) & distinct.str[5:7].isin(values)).to_numpy()


def _contains_any(distinct: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    pattern = "|".join(re.escape(v) for v in values)
    return distinct.str.contains(pattern, regex=True).to_numpy()


def _has_tag(distinct: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    wanted = set(values)
    return np.fromiter(
        (bool(wanted.intersection(t.strip() for t in s.split(TAG_SEPARATOR))) for s in distinct),
        dtype=bool,
        count=len(distinct),
    )


_PREDICATES: dict[str, Callable[[pd.Series, tuple[str, ...]], np.ndarray]] = {
    "isin": _isin,
    "startswith": _startswith,
    "func_item": _func_item,
    "contains": _contains_any,
    "tag": _has_tag,
}

# selector key → (column, predicate kind)
_ATOMS: dict[str, tuple[str, str]] = {
    "econ_codes": (ECON_CODE, "isin"),
    "econ_prefixes": (ECON_CODE, "startswith"),
    "func_codes": (FUNC_CODE, "isin"),
    "func_prefixes": (FUNC_CODE, "startswith"),
    "func_items": (FUNC_CODE, "func_item"),
    "tags": (TAGS, "tag"),
    "item_keywords": (ITEM, "contains"),
    "expense_types": (EXPENSE_TYPE, "isin"),
}


def _select(selector: Selector, cols: _Columns) -> np.ndarray:
    mask = np.ones(cols.n, dtype=bool)
    for key in Selector.atom_keys():
        values = getattr(selector, key)
        if values:
            column, kind = _ATOMS[key]
            mask &= cols.atom(column, tuple(values), kind)
    if selector.all_of:
        for child in selector.all_of:
            mask &= _select(child, cols)
    if selector.any_of:
        anymask = np.zeros(cols.n, dtype=bool)
        for child in selector.any_of:
            anymask |= _select(child, cols)
        mask &= anymask
    if selector.exclude is not None:
        mask &= ~_select(selector.exclude, cols)
    return mask


def classify(table: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Membership matrix: one boolean column per category id, aligned with ``table``'s rows."""
    cols = _Columns(table)
    return pd.DataFrame(
        {c.id: _select(c.select, cols) for c in rules.categories},
        index=table.index,
    )


def label_lines(membership: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """Per line: the ';'-joined category ids (empty when unclassified) and how many categories.

    Builds one string per distinct membership pattern (there are few) instead of per line.
    """
    matrix = membership.to_numpy()
    count = matrix.sum(axis=1).astype(np.int16)
    if matrix.shape[1] == 0:
        return pd.Series([""] * len(membership), index=membership.index, dtype="category"), count
    weights = (1 << np.arange(matrix.shape[1], dtype=np.int64)).astype(np.int64)
    pattern = matrix.astype(np.int64) @ weights
    uniques, inverse = np.unique(pattern, return_inverse=True)
    ids = list(membership.columns)
    names = [TAG_SEPARATOR.join(ids[i] for i in range(len(ids)) if (p >> i) & 1) for p in uniques]
    labels = pd.Categorical.from_codes(
        inverse.ravel(), categories=names
    )  # distinct patterns → distinct names
    return pd.Series(labels, index=membership.index), count
