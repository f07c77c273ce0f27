"""Which lines belong to which guardrail categories — vectorised over distinct values.

Each selector condition is evaluated once per *distinct* code / name / tag string (the
categories of a categorical column) and mapped back to the lines through the category codes,
so a million lines with a few thousand distinct codes cost a few array lookups, not a Python loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..rulebook import DataTag, Rules, Selector
from ..table import ECON_CODE, EXPENSE_TYPE, FUNC_CODE, GOV_ECON_CODE, ITEM, TAG_SEPARATOR, TAGS

CATEGORIES_COLUMN = "categories"
CATEGORY_COUNT_COLUMN = "category_count"
_LOOKUP_BITS = 20  # up to this many categories, patterns are found with a 2**bits lookup table


class _Columns:
    """Per-call cache of categorical columns and of atom results on their distinct values."""

    def __init__(self, table: pd.DataFrame, data_tags: tuple[DataTag, ...] = ()) -> None:
        self.table = table
        self.n = len(table)
        self.data_tags = data_tags
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


def _first_word_isin(distinct: pd.Series, values: tuple[str, ...]) -> np.ndarray:
    """The code part of ``"0301 优化营商环境"`` (its first word) is one of ``values``."""
    return distinct.str.split(n=1).str[0].isin(values).to_numpy()


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
    "first_word": _first_word_isin,
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
    "gov_econ_codes": (GOV_ECON_CODE, "isin"),
    "gov_econ_prefixes": (GOV_ECON_CODE, "startswith"),
}
# data tag key → predicate kind, on the data tag's own column
_DATA_TAG_KINDS: dict[str, str] = {"codes": "first_word", "prefixes": "startswith", "keywords": "contains"}


def _data_tag_mask(tags: tuple[str, ...], cols: _Columns) -> np.ndarray:
    """Lines a ``data_tags`` rule gives one of ``tags`` (from 热点分类, 项目类别, 项目名称 …)."""
    mask = np.zeros(cols.n, dtype=bool)
    for rule in cols.data_tags:
        if rule.tag not in tags:
            continue
        for key, kind in _DATA_TAG_KINDS.items():
            values = getattr(rule, key)
            if values:
                mask |= cols.atom(rule.column, tuple(values), kind)
    return mask


def _select(selector: Selector, cols: _Columns) -> np.ndarray:
    mask = np.ones(cols.n, dtype=bool)
    for key in Selector.atom_keys():
        values = getattr(selector, key)
        if values:
            column, kind = _ATOMS[key]
            hit = cols.atom(column, tuple(values), kind)
            if key == "tags" and cols.data_tags:
                hit = hit | _data_tag_mask(tuple(values), cols)
            mask &= hit
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


def _columns_used(selector: Selector, data_tags: tuple[DataTag, ...] = ()) -> set[str]:
    used = {_ATOMS[key][0] for key in Selector.atom_keys() if getattr(selector, key)}
    if selector.tags:
        used |= {rule.column for rule in data_tags if rule.tag in selector.tags}
    for child in (selector.all_of or []) + (selector.any_of or []):
        used |= _columns_used(child, data_tags)
    if selector.exclude is not None:
        used |= _columns_used(selector.exclude, data_tags)
    return used


def _distinct_rows(table: pd.DataFrame, columns: list[str]) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The distinct combinations of ``columns`` (as categoricals) and each line's combination.

    None when the combined code space does not fit in an int64 key (then lines are classified
    directly). A city's lines share a few thousand code combinations, so the selectors run on
    those and one gather per category maps the answer back to the lines.
    """
    categoricals, radices = [], []
    for column in columns:
        series = table[column]
        cat = series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
        categoricals.append(cat)
        radices.append(len(cat.cat.categories) + 1)  # + missing
    if float(np.prod(radices, dtype=np.float64)) >= 2**62:
        return None
    key = np.zeros(len(table), dtype=np.int64)
    for cat, radix in zip(categoricals, radices, strict=True):
        key = key * radix + (cat.cat.codes.to_numpy().astype(np.int64) + 1)
    line_combo, combo_keys = pd.factorize(key)
    combos = {}
    for column, cat, radix in reversed(list(zip(columns, categoricals, radices, strict=True))):
        combos[column] = pd.Categorical.from_codes(combo_keys % radix - 1, dtype=cat.dtype)
        combo_keys = combo_keys // radix
    return pd.DataFrame(combos), line_combo


def classify(table: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Membership matrix: one boolean column per category id, aligned with ``table``'s rows.

    Selectors run on the distinct combinations of the codes they read, then map back to lines.
    """
    data_tags = tuple(rules.data_tags)
    columns = sorted(set().union(*(_columns_used(c.select, data_tags) for c in rules.categories)))
    distinct = _distinct_rows(table, columns) if columns and len(table) else None
    if distinct is None:
        cols = _Columns(table, data_tags)
        return pd.DataFrame({c.id: _select(c.select, cols) for c in rules.categories}, index=table.index)
    combos, line_combo = distinct
    cols = _Columns(combos, data_tags)
    return pd.DataFrame(
        {c.id: _select(c.select, cols)[line_combo] for c in rules.categories},
        index=table.index,
    )


@dataclass(frozen=True)
class Patterns:
    """The distinct membership patterns (which categories a line is in) and each line's pattern.

    ``masks[p, c]`` says whether pattern ``p`` includes category ``c``; patterns are sorted by their
    bit value (bit ``c`` = category ``c``). A budget has a few dozen patterns, so per-pattern work
    followed by a lookup replaces per-category passes over every line.
    """

    codes: np.ndarray  # per line: index into masks
    masks: np.ndarray  # n_patterns × n_categories, bool


def membership_patterns(membership: pd.DataFrame) -> Patterns:
    """Group the lines by membership pattern in O(lines): bit-pack each line, then a lookup table
    (few categories) or a hash (many); never a sort of the lines."""
    matrix = membership.to_numpy(dtype=bool)
    n, k = matrix.shape
    if k == 0:
        return Patterns(np.zeros(n, dtype=np.intp), np.zeros((1, 0), dtype=bool))
    if k > 64:
        masks, inverse = np.unique(matrix, axis=0, return_inverse=True)
        return Patterns(inverse.ravel().astype(np.intp), masks)
    dtype = np.uint16 if k <= 16 else np.uint32 if k <= 32 else np.uint64
    pattern = np.zeros(n, dtype=dtype)  # bit c = category c
    for c in range(k):
        pattern |= matrix[:, c].view(np.uint8).astype(dtype) << dtype(c)
    if k <= _LOOKUP_BITS:
        used = np.flatnonzero(np.bincount(pattern, minlength=1))
        lookup = np.zeros(int(used[-1]) + 1 if len(used) else 1, dtype=np.intp)
        lookup[used] = np.arange(len(used))
        codes, uniques = lookup[pattern], used.astype(np.uint64)
    else:
        first_seen_codes, first_seen = pd.factorize(pattern)
        order = np.argsort(first_seen)
        rank = np.empty(len(order), dtype=np.intp)
        rank[order] = np.arange(len(order))
        codes, uniques = rank[first_seen_codes], first_seen[order].astype(np.uint64)
    masks = ((uniques[:, None] >> np.arange(k, dtype=np.uint64)) & np.uint64(1)).astype(bool)
    return Patterns(codes, masks)


def label_lines(membership: pd.DataFrame, patterns: Patterns | None = None) -> tuple[pd.Series, np.ndarray]:
    """Per line: the ';'-joined category ids (empty when unclassified) and how many categories.

    Builds one string per distinct membership pattern (there are few) instead of per line.
    """
    if membership.shape[1] == 0:
        count = np.zeros(len(membership), dtype=np.int16)
        return pd.Series([""] * len(membership), index=membership.index, dtype="category"), count
    patterns = patterns if patterns is not None else membership_patterns(membership)
    ids = list(membership.columns)
    count = patterns.masks.sum(axis=1).astype(np.int16)[patterns.codes]
    names = [TAG_SEPARATOR.join(ids[i] for i in np.flatnonzero(mask)) for mask in patterns.masks]
    labels = pd.Categorical.from_codes(patterns.codes, categories=names)  # distinct patterns → distinct names
    return pd.Series(labels, index=membership.index), count


# -- which lines can carry a category at all ----------------------------------------------------------

_ATOM_NEEDS: dict[str, frozenset[str] | None] = {
    "econ_codes": frozenset({ECON_CODE}),
    "econ_prefixes": frozenset({ECON_CODE}),
    "func_codes": frozenset({FUNC_CODE}),
    "func_prefixes": frozenset({FUNC_CODE}),
    "func_items": frozenset({FUNC_CODE}),
    "tags": frozenset(),
    "item_keywords": frozenset(),
    "expense_types": None,  # narrows, but needs no code
    "gov_econ_codes": frozenset({GOV_ECON_CODE}),
    "gov_econ_prefixes": frozenset({GOV_ECON_CODE}),
}


def _needs(selector: Selector) -> frozenset[frozenset[str]]:
    """Alternatives (OR) of code columns a line must all carry (AND) to be able to match ``selector``."""
    result: frozenset[frozenset[str]] = frozenset({frozenset()})
    conjuncts: list[frozenset[frozenset[str]]] = []
    for key in Selector.atom_keys():
        need = _ATOM_NEEDS[key]
        if getattr(selector, key) and need is not None:
            conjuncts.append(frozenset({need}))
    conjuncts += [_needs(child) for child in selector.all_of or []]
    if selector.any_of:
        conjuncts.append(frozenset().union(*(_needs(child) for child in selector.any_of)))
    for alternatives in conjuncts:
        result = frozenset(r | a for r in result for a in alternatives)
    return frozenset({frozenset()}) if frozenset() in result else result


def coverage(table: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Per category: lines that carry the classification its selector reads (whether or not they match).

    A 功能分类-only table says nothing about 三公经费, which is selected by 经济分类 codes. Comparing
    years, a department whose previous year only has functional lines has *no baseline* for 三公经费,
    not a baseline of 0 — this is what tells the two apart.
    """
    has = {column: table[column].notna().to_numpy() for column in (FUNC_CODE, ECON_CODE, GOV_ECON_CODE)}
    every = np.ones(len(table), dtype=bool)
    cache: dict[frozenset, np.ndarray] = {}
    out = {}
    for category in rules.categories:
        alternatives = _needs(category.select)
        if alternatives not in cache:
            mask = np.zeros(len(table), dtype=bool)
            for columns in alternatives:
                part = every.copy()
                for column in columns:
                    part &= has[column]
                mask |= part
            cache[alternatives] = mask
        out[category.id] = cache[alternatives]
    return pd.DataFrame(out, index=table.index)
