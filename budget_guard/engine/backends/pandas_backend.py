"""The line-level half in memory (pandas + numpy): the default engine, and the dashboard's.

Classification runs the compiled selectors on the distinct code combinations (``classify.py``);
the group sums are ``bincount``s over integer group ids, once per group × membership pattern, so
the cost does not grow with the number of categories.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import pandas as pd

from budget_guard.engine.classify import (
    Patterns,
    classify_distinct,
    label_lines,
    matrix_patterns,
    membership_patterns,
    pattern_labels,
)
from budget_guard.engine.compare import _EXACT_FLOAT_LIMIT, GOVERNMENT, SCOPE_COLUMNS, group_sums
from budget_guard.engine.seam import (
    AMOUNT_PREFIX,
    CATEGORY_SUM_FEN,
    CLASSIFIED_FEN,
    CLASSIFIED_LINES,
    COVERED_PREFIX,
    INPUT_FEN,
    INPUT_LINES,
    LINES_PREFIX,
    MULTI_CATEGORY_LINES,
    PRINTED_FEN,
    PRINTED_LINES,
    UNCLASSIFIED_FEN,
    UNCLASSIFIED_LINES,
    LineSummary,
    assemble,
)
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import AMOUNT_FEN, DEPARTMENT, DIVISION, SOURCE_LAYOUT, STAGE, UNIT, YEAR

_MAX_PATTERN_CELLS = 20_000_000  # group × pattern sums kept in memory at once
_MAX_DENSE_GROUPS = 1 << 22  # above this many possible groups, group ids are factorized


@dataclass(frozen=True)
class PandasLines:
    """What the pandas half keeps besides the summary: per-line membership, for reports and drill-down."""

    summary: LineSummary
    membership: pd.DataFrame
    patterns: Patterns
    labels: pd.Series
    category_count: np.ndarray


def _key_part(series: pd.Series) -> tuple[np.ndarray | None, list]:
    """A group-key column as small integer codes (missing → ``len(names)``), without widening them
    to int64; None when every line is missing (the column is then one constant code, 0)."""
    cat = series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
    names = list(cat.cat.categories)
    if not names:
        return None, names
    codes = cat.cat.codes.to_numpy()
    if codes.min(initial=0) < 0:
        codes = codes.astype(np.int32)
        codes[codes < 0] = len(names)
    return codes, names


@overload
def _accumulate(key: np.ndarray, codes: np.ndarray | None, radix: int, n: int) -> np.ndarray: ...
@overload
def _accumulate(key: np.ndarray | None, codes: np.ndarray, radix: int, n: int) -> np.ndarray: ...
@overload
def _accumulate(
    key: np.ndarray | None, codes: np.ndarray | None, radix: int, n: int
) -> np.ndarray | None: ...
def _accumulate(key: np.ndarray | None, codes: np.ndarray | None, radix: int, n: int) -> np.ndarray | None:
    """``key * radix + codes`` in place on one int64 buffer (None: still all zero)."""
    if codes is None:
        if key is not None and radix != 1:
            key *= radix
        return key
    if key is None:
        return codes.astype(np.int64)
    key *= radix
    key += codes
    return key


def line_summary(lines: pd.DataFrame, rules: Rules) -> PandasLines:
    """Classify every line and sum by stage × department × year × source layout (see ``seam.py``).

    The selectors run once per distinct code combination (``classify_distinct``); each line then
    needs one gather for its membership-and-coverage pattern, and one ``bincount`` over
    group × pattern gives every category's amount, lines and covered lines at once.
    """
    found = classify_distinct(lines, rules)
    ids = found.ids
    n, k = len(lines), len(ids)
    if k == 0:
        membership = found.per_line(found.member, lines.index)
        patterns = membership_patterns(membership)
        labels, count = label_lines(membership, patterns)
        figure = found.figure_rows()
        if figure.any():  # the printed figures are the second pair
            line_figure = figure if found.line_row is None else figure[found.line_row]
            joint = _Joint(
                line_figure.astype(np.intp),
                np.repeat(patterns.masks[:1], 2, axis=0),
                np.zeros((2, 0), dtype=bool),
                np.array([False, True]),
            )
        else:
            joint = _Joint(
                np.zeros(n, dtype=np.intp), patterns.masks, np.zeros((1, 0), dtype=bool), np.zeros(1, bool)
            )
    else:
        combo = found.line_row
        member_patterns = matrix_patterns(found.member)
        cover_patterns = matrix_patterns(found.cover)
        # (membership pattern, coverage pattern) pairs of the distinct rows: a few dozen
        # (and whether the row is a printed figure: the lowest bit)
        figure = found.figure_rows().astype(np.int64)
        pair = (cover_patterns.codes * len(member_patterns.masks) + member_patterns.codes) * 2 + figure
        pair_id, pair_keys = pd.factorize(pair, sort=True)
        figure_of = (pair_keys % 2).astype(bool)
        pair_keys = pair_keys // 2
        member_of = pair_keys % len(member_patterns.masks)
        cover_of = pair_keys // len(member_patterns.masks)
        small = member_patterns.codes.astype(_small_int(len(member_patterns.masks)))
        row_codes = small if combo is None else small[combo]
        patterns = Patterns(row_codes, member_patterns.masks)
        line_pair = pair_id if combo is None else pair_id.astype(_small_int(len(pair_keys)))[combo]
        labels, count = pattern_labels(ids, patterns, lines.index)
        joint = _Joint(line_pair, member_patterns.masks[member_of], cover_patterns.masks[cover_of], figure_of)
        membership = found.per_line(found.member, lines.index)
    groups = _group_sums(lines, joint, count)
    return PandasLines(assemble(groups, ids), membership, patterns, labels, count)


def _small_int(n: int) -> type[np.signedinteger[Any]]:
    return np.int8 if n < 127 else np.int16 if n < 32_767 else np.int32 if n < 2**31 - 1 else np.int64


@dataclass(frozen=True)
class _Joint:
    """Each line's (membership, coverage) pattern pair and, per pair, which categories it is in / covers."""

    codes: np.ndarray  # per line
    member: np.ndarray  # pairs × categories, bool
    cover: np.ndarray  # pairs × categories, bool
    figure: np.ndarray  # pairs, bool: the pair's lines are printed figures


def _group_sums(lines: pd.DataFrame, joint: _Joint, count: np.ndarray) -> pd.DataFrame:
    n = len(lines)
    stage, stage_names = _key_part(lines[STAGE])
    dept, dept_names = _key_part(lines[DEPARTMENT])
    division, division_names = _key_part(lines[DIVISION])
    unit, unit_names = _key_part(lines[UNIT])
    layout, layout_names = _key_part(lines[SOURCE_LAYOUT])
    year = lines[YEAR].to_numpy()
    first = int(year.min()) if n else 0
    span = int(year.max()) - first + 1 if n else 1
    n_layout = len(layout_names) + 1
    n_division, n_unit = len(division_names) + 1, len(unit_names) + 1
    n_dept = len(dept_names) + 1
    # department × 区划 × 单位 as one key over the combinations that occur (few: units sit in one department)
    scope_key = _accumulate(
        _accumulate(_accumulate(None, dept, 1, n), division, n_division, n), unit, n_unit, n
    )
    possible_scopes = n_dept * n_division * n_unit
    if scope_key is None:
        scope_id, scope_keys = None, np.zeros(1, dtype=np.int64)
    elif division is None and unit is None:
        scope_id, scope_keys = scope_key, np.arange(possible_scopes, dtype=np.int64)  # already dense
    elif possible_scopes <= _MAX_DENSE_GROUPS:
        present = np.flatnonzero(np.bincount(scope_key, minlength=possible_scopes))
        lookup = np.zeros(possible_scopes, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        scope_id, scope_keys = lookup[scope_key], present
    else:
        scope_id, scope_keys = pd.factorize(scope_key, sort=True)
        scope_id = scope_id.astype(np.int64)
    n_scope = max(len(scope_keys), 1)
    del scope_key
    gid = _accumulate(_accumulate(None, stage, 1, n), scope_id, n_scope, n)
    if gid is None:
        gid = np.zeros(n, dtype=np.int64)
    gid *= span
    gid += year
    gid -= first
    gid = _accumulate(gid, layout, n_layout, n)
    possible = (len(stage_names) + 1) * n_scope * span * n_layout
    if possible <= _MAX_DENSE_GROUPS:
        present = np.flatnonzero(np.bincount(gid, minlength=possible))
        lookup = np.zeros(possible, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        group, keys = lookup[gid], present
    else:
        group, keys = pd.factorize(gid, sort=True)
        group = group.astype(np.int64)
    del gid
    size = len(keys)

    amount = lines[AMOUNT_FEN].to_numpy().astype(np.int64, copy=False)
    exact = float(np.abs(amount).sum(dtype=np.float64)) < _EXACT_FLOAT_LIMIT
    n_pairs = len(joint.member)
    per_pair = joint.member.sum(axis=1).astype(np.int64)
    sums: dict[str, np.ndarray] = {}
    if size * n_pairs <= _MAX_PATTERN_CELLS:
        cell = group * n_pairs
        cell += joint.codes
        amounts = _sums(cell, amount, size * n_pairs, exact).reshape(size, n_pairs)
        counts = np.bincount(cell, minlength=size * n_pairs).reshape(size, n_pairs)
        del cell
        classified, multi = per_pair > 0, per_pair > 1
        sums[INPUT_FEN] = amounts.sum(axis=1, dtype=np.int64)
        sums[INPUT_LINES] = counts.sum(axis=1, dtype=np.int64)
        sums[CLASSIFIED_FEN] = amounts[:, classified].sum(axis=1, dtype=np.int64)
        sums[UNCLASSIFIED_FEN] = amounts[:, ~classified].sum(axis=1, dtype=np.int64)
        sums[CATEGORY_SUM_FEN] = amounts @ per_pair
        sums[CLASSIFIED_LINES] = counts[:, classified].sum(axis=1, dtype=np.int64)
        sums[UNCLASSIFIED_LINES] = counts[:, ~classified].sum(axis=1, dtype=np.int64)
        sums[MULTI_CATEGORY_LINES] = counts[:, multi].sum(axis=1, dtype=np.int64)
        sums[PRINTED_FEN] = amounts[:, joint.figure].sum(axis=1, dtype=np.int64)
        sums[PRINTED_LINES] = counts[:, joint.figure].sum(axis=1, dtype=np.int64)
        for i in range(joint.member.shape[1]):
            included, covered = joint.member[:, i], joint.cover[:, i]
            sums[f"{AMOUNT_PREFIX}{i}"] = amounts[:, included].sum(axis=1, dtype=np.int64)
            sums[f"{LINES_PREFIX}{i}"] = counts[:, included].sum(axis=1, dtype=np.int64)
            sums[f"{COVERED_PREFIX}{i}"] = counts[:, covered].sum(axis=1, dtype=np.int64)
    else:  # too many groups for a group × pattern table: per-category passes over the lines
        c = np.asarray(count, dtype=np.int64)
        sums[INPUT_FEN] = _sums(group, amount, size, exact)
        sums[INPUT_LINES] = np.bincount(group, minlength=size)
        sums[CLASSIFIED_FEN] = _sums(group, np.where(c > 0, amount, 0), size, exact)
        sums[UNCLASSIFIED_FEN] = _sums(group, np.where(c > 0, 0, amount), size, exact)
        sums[CATEGORY_SUM_FEN] = group_sums(group, amount * c, size)
        sums[CLASSIFIED_LINES] = np.bincount(group[c > 0], minlength=size)
        sums[UNCLASSIFIED_LINES] = np.bincount(group[c == 0], minlength=size)
        sums[MULTI_CATEGORY_LINES] = np.bincount(group[c > 1], minlength=size)
        figure = joint.figure[joint.codes]
        sums[PRINTED_FEN] = _sums(group[figure], amount[figure], size, exact)
        sums[PRINTED_LINES] = np.bincount(group[figure], minlength=size)
        for i in range(joint.member.shape[1]):
            member = joint.member[:, i][joint.codes]
            covered = joint.cover[:, i][joint.codes]
            sums[f"{AMOUNT_PREFIX}{i}"] = _sums(group[member], amount[member], size, exact)
            sums[f"{LINES_PREFIX}{i}"] = np.bincount(group[member], minlength=size)
            sums[f"{COVERED_PREFIX}{i}"] = np.bincount(group[covered], minlength=size)
    ordered = {name: sums[name] for name in (INPUT_FEN, INPUT_LINES, *_TOTALS_AFTER_INPUT)}
    ordered |= {name: value for name, value in sums.items() if name not in ordered}

    layout_of = keys % n_layout
    rest = keys // n_layout
    year_of = rest % span + first
    rest = rest // span
    scope_of, stage_of = rest % n_scope, rest // n_scope
    combo = np.asarray(scope_keys, dtype=np.int64)[scope_of]
    unit_of = combo % n_unit
    division_of = (combo // n_unit) % n_division
    dept_of = combo // n_unit // n_division
    text = {
        STAGE: _names(stage_names, stage_of),
        DEPARTMENT: _names(dept_names, dept_of),
        DIVISION: _names(division_names, division_of),
        UNIT: _names(unit_names, unit_of),
        YEAR: year_of.astype(np.int64),
        SOURCE_LAYOUT: _names(layout_names, layout_of),
    }
    return pd.DataFrame(text | ordered)


_TOTALS_AFTER_INPUT = (
    CLASSIFIED_FEN,
    UNCLASSIFIED_FEN,
    CATEGORY_SUM_FEN,
    CLASSIFIED_LINES,
    UNCLASSIFIED_LINES,
    MULTI_CATEGORY_LINES,
    PRINTED_FEN,
    PRINTED_LINES,
)


def _names(names: list, codes: np.ndarray) -> np.ndarray:
    """Group-key codes back to text (the code ``len(names)`` is a missing value)."""
    return np.asarray([*map(str, names), None], dtype=object)[codes]


def _sums(group: np.ndarray, amounts: np.ndarray, size: int, exact: bool) -> np.ndarray:
    """Exact int64 sums per group; ``exact`` says the float64 bincount cannot round (checked once
    for all the amounts, which bounds every subset)."""
    if exact:
        return np.bincount(group, weights=amounts, minlength=size).round().astype(np.int64)
    return group_sums(group, amounts, size)


class PandasDrill:
    """The lines behind a summary number, from the lines in memory."""

    def __init__(self, lines: pd.DataFrame, membership: pd.DataFrame) -> None:
        self._lines = lines
        self._membership = membership

    def lines_behind(
        self, stage: str, scope_type: str, scope: str, category: str, years: list[int]
    ) -> pd.DataFrame:
        lines = self._lines
        mask = (
            self._membership[category].to_numpy()
            & (lines[STAGE] == stage).to_numpy()
            & lines[YEAR].isin(years).to_numpy()
        )
        if scope_type != GOVERNMENT:
            mask &= (lines[SCOPE_COLUMNS.get(scope_type, DEPARTMENT)] == scope).to_numpy()
        return lines.loc[mask]
