"""Which lines belong to which guardrail categories — the compiled selectors run on distinct values.

The selectors are compiled once into SQL (``selectors.py``, the only place their semantics live).
Here that SQL runs in an in-process DuckDB over the *distinct* combinations of the columns the
selectors read, and one gather per category maps the answer back to the lines: a million lines
with a few thousand distinct code combinations cost one small query and a few array lookups.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from budget_guard.engine.selectors import FIGURE_ALIAS, CompiledRules, compile_rules
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import TAG_SEPARATOR

CATEGORIES_COLUMN = "categories"
CATEGORY_COUNT_COLUMN = "category_count"
_LOOKUP_BITS = 20  # up to this many categories, patterns are found with a 2**bits lookup table
_COMPILED: dict[int, tuple[Rules, CompiledRules, str]] = {}  # id(rules) → (rules, compiled, DuckDB SQL)
_DISTINCT_TABLE = "distinct_lines"
_LOCAL = threading.local()
_ROW = "row_position"  # SQL output order is not input order: each result row says which row it is


def compiled(rules: Rules) -> tuple[CompiledRules, str]:
    """The rules' compiled selectors and their DuckDB query over ``distinct_lines`` (cached per rules object)."""
    hit = _COMPILED.get(id(rules))
    if hit is None or hit[0] is not rules:
        if len(_COMPILED) > 16:
            _COMPILED.clear()
        rules_sql = compile_rules(rules)
        hit = (rules, rules_sql, rules_sql.select_sql(_DISTINCT_TABLE, "duckdb", keep=(_ROW,)))
        _COMPILED[id(rules)] = hit
    return hit[1], hit[2]


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
        if radix == 1:  # the column is missing on every line: it adds nothing to the key
            continue
        key *= radix  # in place: one int64 buffer for the whole key, not one per column
        key += cat.cat.codes.to_numpy()
        key += 1
    line_combo, combo_keys = pd.factorize(key)
    combos = {}
    for column, cat, radix in reversed(list(zip(columns, categoricals, radices, strict=True))):
        combos[column] = pd.Categorical.from_codes(combo_keys % radix - 1, dtype=cat.dtype)
        combo_keys = combo_keys // radix
    return pd.DataFrame(combos), line_combo


def _arrow_text(frame: pd.DataFrame, columns: list[str]) -> pa.Table:
    """The columns as Arrow strings (NULL where missing), whatever their pandas dtype."""
    arrays = {_ROW: pa.array(np.arange(len(frame), dtype=np.int64))}
    for column in columns:
        values = frame[column].astype(object)
        arrays[column] = pa.array(values.where(values.notna(), None).tolist(), type=pa.string())
    return pa.table(arrays)


def _run_compiled(frame: pd.DataFrame, rules: Rules) -> dict[str, np.ndarray]:
    """``member_i`` / ``cover_i`` for each row of ``frame`` (the compiled SQL, in DuckDB)."""
    rules_sql, query = compiled(rules)
    con = _connection()
    table = _arrow_text(frame, list(rules_sql.columns))
    con.register(_DISTINCT_TABLE, table)
    try:
        result = con.execute(query).fetchnumpy()
    finally:
        con.unregister(_DISTINCT_TABLE)
    position = np.asarray(result.pop(_ROW), dtype=np.int64)
    out = {}
    for name, values in result.items():
        ordered = np.zeros(len(frame), dtype=bool)
        ordered[position] = np.asarray(values, dtype=bool)
        out[name] = ordered
    return out


def _connection():
    """One in-memory DuckDB per thread (opening one costs more than the query; a connection is not
    shared between threads, e.g. the dashboard's sessions)."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        import duckdb

        con = _LOCAL.con = duckdb.connect()
    return con


@dataclass(frozen=True)
class DistinctClassification:
    """Membership and coverage of each distinct code combination, and each line's combination.

    ``member[r, c]`` / ``cover[r, c]``: row ``r`` of the distinct combinations is in category ``c``
    / carries the classification its selector reads. ``line_row[i]`` is line ``i``'s row; None
    when the rows *are* the lines (the combinations did not fit an integer key). Everything a
    backend needs per line is one gather from these few thousand rows.
    """

    ids: tuple[str, ...]
    member: np.ndarray  # rows × categories, bool
    cover: np.ndarray  # rows × categories, bool
    line_row: np.ndarray | None
    figure: np.ndarray | None = None  # rows, bool: a printed figure (``selectors.figure_expression``)

    def figure_rows(self) -> np.ndarray:
        """Per distinct row: is it a printed figure (all False when the rules print none)."""
        return self.figure if self.figure is not None else np.zeros(len(self.member), dtype=bool)

    def per_line(self, matrix: np.ndarray, index: pd.Index) -> pd.DataFrame:
        """One boolean column per category, aligned with the lines."""
        columns = {
            c: (matrix[:, i] if self.line_row is None else matrix[:, i][self.line_row])
            for i, c in enumerate(self.ids)
        }
        return pd.DataFrame(columns, index=index)


def classify_distinct(table: pd.DataFrame, rules: Rules) -> DistinctClassification:
    """The compiled selectors run once per distinct combination of the columns they read."""
    rules_sql, _ = compiled(rules)
    ids = tuple(rules_sql.ids)
    columns = list(rules_sql.columns)
    if len(table) == 0:
        empty = np.zeros((0, len(ids)), dtype=bool)
        return DistinctClassification(ids, empty, empty, None, np.zeros(0, dtype=bool))
    distinct = _distinct_rows(table, columns) if columns else None
    if not columns:  # every selector is constant: evaluate it on one row
        source, gather = pd.DataFrame(index=[0]), np.zeros(len(table), dtype=np.intp)
    elif distinct is None:
        source, gather = table, None
    else:
        source, gather = distinct
    result = _run_compiled(source, rules)
    rows = len(source)

    def matrix(alias) -> np.ndarray:
        return (
            np.column_stack([result[alias(i)] for i in range(len(ids))])
            if ids
            else np.zeros((rows, 0), dtype=bool)
        )

    return DistinctClassification(
        ids, matrix(rules_sql.member_alias), matrix(rules_sql.cover_alias), gather, result[FIGURE_ALIAS]
    )


def classify_and_cover(table: pd.DataFrame, rules: Rules) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Membership (is the line in the category) and coverage (does it carry the classification the
    category's selector reads), one boolean column per category id, aligned with ``table``'s rows.

    A 功能分类-only table says nothing about 三公经费, which is selected by 经济分类 codes: coverage is
    what tells a department with *no baseline* from one with a baseline of 0.
    """
    found = classify_distinct(table, rules)
    return found.per_line(found.member, table.index), found.per_line(found.cover, table.index)


def classify(table: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Membership matrix: one boolean column per category id, aligned with ``table``'s rows."""
    return classify_and_cover(table, rules)[0]


def coverage(table: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Per category: lines that carry the classification its selector reads (whether or not they match)."""
    return classify_and_cover(table, rules)[1]


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
    return matrix_patterns(membership.to_numpy(dtype=bool))


def matrix_patterns(matrix: np.ndarray) -> Patterns:
    """``membership_patterns`` of a rows × categories boolean matrix (e.g. distinct combinations)."""
    n, k = matrix.shape
    if k == 0:
        return Patterns(np.zeros(n, dtype=np.intp), np.zeros((1, 0), dtype=bool))
    if k > 64:
        masks, inverse = np.unique(matrix, axis=0, return_inverse=True)
        return Patterns(inverse.ravel().astype(np.intp), masks)
    dtype: type[np.unsignedinteger[Any]] = np.uint16 if k <= 16 else np.uint32 if k <= 32 else np.uint64
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
    return pattern_labels(tuple(membership.columns), patterns, membership.index)


def pattern_labels(ids: tuple[str, ...], patterns: Patterns, index: pd.Index) -> tuple[pd.Series, np.ndarray]:
    """``label_lines`` from the patterns alone (``patterns.codes`` per line)."""
    count = patterns.masks.sum(axis=1).astype(np.int16)[patterns.codes]
    names = [TAG_SEPARATOR.join(ids[i] for i in np.flatnonzero(mask)) for mask in patterns.masks]
    labels = pd.Categorical.from_codes(patterns.codes, categories=names)  # distinct patterns → distinct names
    return pd.Series(labels, index=index), count
