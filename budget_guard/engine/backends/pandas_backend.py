"""The line-level half in memory (pandas + numpy): the default engine, and the dashboard's.

Classification runs the compiled selectors on the distinct code combinations (``classify.py``);
the group sums are ``bincount``s over integer group ids, once per group × membership pattern, so
the cost does not grow with the number of categories.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...rulebook import Rules
from ...table import AMOUNT_FEN, DEPARTMENT, DIVISION, SOURCE_LAYOUT, STAGE, UNIT, YEAR
from ..classify import Patterns, classify_and_cover, label_lines, membership_patterns
from ..compare import GOVERNMENT, SCOPE_COLUMNS, group_sums
from ..seam import (
    AMOUNT_PREFIX,
    CATEGORY_SUM_FEN,
    CLASSIFIED_FEN,
    CLASSIFIED_LINES,
    COVERED_PREFIX,
    INPUT_FEN,
    INPUT_LINES,
    LINES_PREFIX,
    MULTI_CATEGORY_LINES,
    UNCLASSIFIED_FEN,
    UNCLASSIFIED_LINES,
    LineSummary,
    assemble,
)

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


def _codes(series: pd.Series) -> tuple[np.ndarray, list]:
    """Integer codes (missing → ``len(names)``) and the category values."""
    cat = series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
    codes = cat.cat.codes.to_numpy().astype(np.int64)
    names = list(cat.cat.categories)
    return np.where(codes < 0, len(names), codes), names


def line_summary(lines: pd.DataFrame, rules: Rules) -> PandasLines:
    """Classify every line and sum by stage × department × year × source layout (see ``seam.py``)."""
    membership, cover = classify_and_cover(lines, rules)
    patterns = membership_patterns(membership)
    labels, count = label_lines(membership, patterns)
    groups = _group_sums(lines, membership, cover, patterns, count)
    ids = tuple(c.id for c in rules.categories)
    return PandasLines(assemble(groups, ids), membership, patterns, labels, count)


def _group_sums(
    lines: pd.DataFrame,
    membership: pd.DataFrame,
    cover: pd.DataFrame,
    patterns: Patterns,
    count: np.ndarray,
) -> pd.DataFrame:
    stage, stage_names = _codes(lines[STAGE])
    dept, dept_names = _codes(lines[DEPARTMENT])
    division, division_names = _codes(lines[DIVISION])
    unit, unit_names = _codes(lines[UNIT])
    layout, layout_names = _codes(lines[SOURCE_LAYOUT])
    year = lines[YEAR].to_numpy().astype(np.int64)
    first = int(year.min()) if len(year) else 0
    span = int(year.max()) - first + 1 if len(year) else 1
    n_layout = len(layout_names) + 1
    n_division, n_unit = len(division_names) + 1, len(unit_names) + 1
    # department × 区划 × 单位 as one key over the combinations that occur (few: units sit in one department)
    scope_key = (dept * n_division + division) * n_unit + unit
    scope_id, scope_keys = pd.factorize(scope_key, sort=True)
    scope_id = scope_id.astype(np.int64)
    n_scope = max(len(scope_keys), 1)
    gid = ((stage * n_scope + scope_id) * span + (year - first)) * n_layout + layout
    possible = (len(stage_names) + 1) * n_scope * span * n_layout
    if possible <= _MAX_DENSE_GROUPS:
        present = np.flatnonzero(np.bincount(gid, minlength=possible))
        lookup = np.zeros(possible, dtype=np.int64)
        lookup[present] = np.arange(len(present))
        group, keys = lookup[gid], present
    else:
        group, keys = pd.factorize(gid, sort=True)
        group = group.astype(np.int64)
    size = len(keys)

    amount = lines[AMOUNT_FEN].to_numpy().astype(np.int64)
    sums: dict[str, np.ndarray] = {INPUT_FEN: group_sums(group, amount, size)}
    sums[INPUT_LINES] = np.bincount(group, minlength=size)
    n_patterns = len(patterns.masks)
    by_pattern = size * n_patterns <= _MAX_PATTERN_CELLS
    if by_pattern:
        cell = group * n_patterns + patterns.codes
        amounts = group_sums(cell, amount, size * n_patterns).reshape(size, n_patterns)
        counts = np.bincount(cell, minlength=size * n_patterns).reshape(size, n_patterns)
        per_pattern = patterns.masks.sum(axis=1).astype(np.int64)
        classified, multi = per_pattern > 0, per_pattern > 1
        sums[CLASSIFIED_FEN] = amounts[:, classified].sum(axis=1, dtype=np.int64)
        sums[UNCLASSIFIED_FEN] = amounts[:, ~classified].sum(axis=1, dtype=np.int64)
        sums[CATEGORY_SUM_FEN] = amounts @ per_pattern
        sums[CLASSIFIED_LINES] = counts[:, classified].sum(axis=1, dtype=np.int64)
        sums[UNCLASSIFIED_LINES] = counts[:, ~classified].sum(axis=1, dtype=np.int64)
        sums[MULTI_CATEGORY_LINES] = counts[:, multi].sum(axis=1, dtype=np.int64)
    else:
        n = np.asarray(count, dtype=np.int64)
        sums[CLASSIFIED_FEN] = group_sums(group, np.where(n > 0, amount, 0), size)
        sums[UNCLASSIFIED_FEN] = group_sums(group, np.where(n > 0, 0, amount), size)
        sums[CATEGORY_SUM_FEN] = group_sums(group, amount * n, size)
        sums[CLASSIFIED_LINES] = np.bincount(group[n > 0], minlength=size)
        sums[UNCLASSIFIED_LINES] = np.bincount(group[n == 0], minlength=size)
        sums[MULTI_CATEGORY_LINES] = np.bincount(group[n > 1], minlength=size)

    covered_by_mask: dict[bytes, np.ndarray] = {}
    for i, category in enumerate(membership.columns):
        if by_pattern:
            included = patterns.masks[:, i]
            sums[f"{AMOUNT_PREFIX}{i}"] = amounts[:, included].sum(axis=1, dtype=np.int64)
            sums[f"{LINES_PREFIX}{i}"] = counts[:, included].sum(axis=1, dtype=np.int64)
        else:
            member = membership[category].to_numpy()
            sums[f"{AMOUNT_PREFIX}{i}"] = group_sums(group[member], amount[member], size)
            sums[f"{LINES_PREFIX}{i}"] = np.bincount(group[member], minlength=size)
        covered = cover[category].to_numpy()
        key = np.packbits(covered).tobytes()
        if key not in covered_by_mask:
            covered_by_mask[key] = np.bincount(group[covered], minlength=size)
        sums[f"{COVERED_PREFIX}{i}"] = covered_by_mask[key]

    layout_of = keys % n_layout
    rest = keys // n_layout
    year_of = rest % span + first
    rest = rest // span
    scope_of, stage_of = rest % n_scope, rest // n_scope
    combo = np.asarray(scope_keys, dtype=np.int64)[scope_of] if len(scope_keys) else np.zeros(0, np.int64)
    unit_of = combo % n_unit
    division_of = (combo // n_unit) % n_division
    dept_of = combo // n_unit // n_division
    text = {
        STAGE: np.asarray([*map(str, stage_names), None], dtype=object)[stage_of],
        DEPARTMENT: np.asarray([*map(str, dept_names), None], dtype=object)[dept_of],
        DIVISION: np.asarray([*map(str, division_names), None], dtype=object)[division_of],
        UNIT: np.asarray([*map(str, unit_names), None], dtype=object)[unit_of],
        YEAR: year_of,
        SOURCE_LAYOUT: np.asarray([*map(str, layout_names), None], dtype=object)[layout_of],
    }
    return pd.DataFrame(text | sums)


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
