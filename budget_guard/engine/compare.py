"""Aggregate classified lines by scope × category × year and put each year next to the previous one.

Sums are integer 分. They are computed with ``np.bincount`` (float64 weights), which is exact while
the sum of absolute amounts stays below 2**53 分 (about 90 万亿元); above that we fall back to an
exact int64 pandas groupby, so no cent is ever lost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..rulebook import Rules
from ..table import AMOUNT_FEN, DEPARTMENT, SOURCE_LAYOUT, STAGE, YEAR
from .classify import Patterns, membership_patterns

SCOPE_TYPE = "scope_type"
SCOPE = "scope"
CATEGORY = "category"
GROUP = "group"
DIRECTION = "direction"
PREV_YEAR = "prev_year"
PREV_AMOUNT_FEN = "prev_amount_fen"
CHANGE_FEN = "change_fen"
CHANGE_RATE = "change_rate"
LINES = "lines"
PREV_LINES = "prev_lines"
SCOPE_HAS_LINES = "scope_has_lines"
PREV_SCOPE_HAS_LINES = "prev_scope_has_lines"
TABLES_MASK = "tables_mask"  # bit set of the table layouts the scope's covering lines came from
PREV_TABLES_MASK = "prev_tables_mask"
SAME_TABLES = "same_tables"  # this year's lines come from layouts that last year also had
PREV_YEAR_IN_DATA = "prev_year_in_data"
FIRST_YEAR = "first_year"
BASIS_AMOUNT_FEN = "basis_amount_fen"
BASIS_PREV_AMOUNT_FEN = "basis_prev_amount_fen"
EXCLUDED_DEPARTMENTS = "excluded_departments"
SCOPE_PRESENT = "scope_present"  # the department has any line at all of the compared stage that year
PREV_SCOPE_PRESENT = "prev_scope_present"
BASIS_LINES = (
    "basis_lines"  # lines behind the comparable-basis amounts (全市合计: comparable departments only)
)
BASIS_PREV_LINES = "basis_prev_lines"

GOVERNMENT = "government"
DEPARTMENT_SCOPE = "department"

_EXACT_FLOAT_LIMIT = 2**53
_MAX_PATTERN_CELLS = 20_000_000  # department × year × pattern sums kept in memory at once


def group_sums(group_ids: np.ndarray, amounts: np.ndarray, size: int) -> np.ndarray:
    """Exact int64 sums of ``amounts`` per group id in ``range(size)``."""
    if len(amounts) == 0:
        return np.zeros(size, dtype=np.int64)
    if int(np.abs(amounts).sum(dtype=np.float64)) < _EXACT_FLOAT_LIMIT:
        return np.bincount(group_ids, weights=amounts, minlength=size).round().astype(np.int64)
    sums = pd.Series(amounts).groupby(group_ids).sum()
    out = np.zeros(size, dtype=np.int64)
    out[sums.index.to_numpy()] = sums.to_numpy()
    return out


def compared_years(table: pd.DataFrame, stage: str) -> np.ndarray:
    """The sorted fiscal years that have at least one line of the compared stage."""
    years = table[YEAR].to_numpy()[(table[STAGE] == stage).to_numpy()]
    if len(years) == 0 or years.dtype.kind not in "iu":
        return np.sort(pd.unique(years))
    first = years.min()
    return (np.flatnonzero(np.bincount(years - first)) + first).astype(years.dtype)


def aggregate(
    table: pd.DataFrame,
    membership: pd.DataFrame,
    rules: Rules,
    stage: str | None = None,
    patterns: Patterns | None = None,
    coverage: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Amount and line count per department × category × year, for lines of the compared stage.

    ``scope_has_lines`` says whether the department had any line that year that could carry the
    category (``coverage``, from ``classify.coverage``: a line with the classification the
    category's selector reads; any line when not given). That is what tells a department that
    skipped a year — or only sent a 功能分类 table — from one that had no spending in a category.
    The government scope is derived in ``year_over_year`` on a comparable basis.

    Lines are summed once per department × year × membership pattern (one pass over the lines);
    each category then adds up the patterns that include it, so the cost does not grow with the
    number of categories.
    """
    stage = stage or rules.compare.stage
    in_stage = (table[STAGE] == stage).to_numpy()
    years = compared_years(table, stage)
    departments = table[DEPARTMENT].astype("category").cat
    dept_names = list(departments.categories)
    n_dept, n_year = len(dept_names), len(years)
    size = n_dept * n_year
    if size == 0:
        return _empty_summary()

    dept_codes = departments.codes.to_numpy()[in_stage].astype(np.int64)
    year_idx = np.searchsorted(years, table[YEAR].to_numpy()[in_stage])
    group_ids = dept_codes * n_year + year_idx
    amounts = table[AMOUNT_FEN].to_numpy()[in_stage]
    layout_bit = _layout_bits(table, in_stage)
    masks_by_coverage: dict[bytes, np.ndarray] = {}
    all_lines = np.ones(len(group_ids), dtype=bool)
    masks_by_coverage[b"all"] = _tables_mask(group_ids, layout_bit, all_lines, size)
    present = masks_by_coverage[b"all"] != 0
    patterns = patterns if patterns is not None else membership_patterns(membership)
    n_patterns = len(patterns.masks)
    by_pattern = size * n_patterns <= _MAX_PATTERN_CELLS
    if by_pattern:
        cell = group_ids * n_patterns + patterns.codes[in_stage]
        amount_cells = group_sums(cell, amounts, size * n_patterns).reshape(size, n_patterns)
        line_cells = np.bincount(cell, minlength=size * n_patterns).reshape(size, n_patterns)

    frames = []
    dept_col = np.repeat(np.arange(n_dept), n_year)
    year_col = np.tile(years, n_dept)
    for category in rules.categories:
        key = b"all"
        if coverage is not None:
            covered = coverage[category.id].to_numpy()[in_stage]
            key = np.packbits(covered).tobytes()
            if key not in masks_by_coverage:
                masks_by_coverage[key] = _tables_mask(group_ids, layout_bit, covered, size)
        tables_mask = masks_by_coverage[key]
        if by_pattern:
            included = patterns.masks[:, membership.columns.get_loc(category.id)]
            amount = amount_cells[:, included].sum(axis=1, dtype=np.int64)
            lines = line_cells[:, included].sum(axis=1, dtype=np.int64)
        else:
            member = membership[category.id].to_numpy()[in_stage]
            amount = group_sums(group_ids[member], amounts[member], size)
            lines = np.bincount(group_ids[member], minlength=size)
        frames.append(
            pd.DataFrame(
                {
                    CATEGORY: category.id,
                    "_dept": dept_col,
                    YEAR: year_col,
                    AMOUNT_FEN: amount,
                    LINES: lines,
                    SCOPE_HAS_LINES: tables_mask != 0,
                    TABLES_MASK: tables_mask,
                    SCOPE_PRESENT: present,
                }
            )
        )
    dept = pd.concat(frames, ignore_index=True)
    dept[SCOPE] = np.asarray(dept_names, dtype=object)[dept["_dept"].to_numpy()]
    dept[SCOPE_TYPE] = DEPARTMENT_SCOPE
    dept = dept.drop(columns="_dept")
    dept[AMOUNT_FEN] = dept[AMOUNT_FEN].astype(np.int64)
    return _with_group(dept, rules)


def _layout_bits(table: pd.DataFrame, in_stage: np.ndarray) -> np.ndarray:
    """Per line of the stage: a small bit index for its source layout (0 = not stated)."""
    layouts = table[SOURCE_LAYOUT]
    if not isinstance(layouts.dtype, pd.CategoricalDtype):
        layouts = layouts.astype("category")
    codes = layouts.cat.codes.to_numpy()[in_stage].astype(np.int64)
    return np.minimum(codes + 1, 62)


def _tables_mask(
    group_ids: np.ndarray, layout_bit: np.ndarray, selected: np.ndarray, size: int
) -> np.ndarray:
    """Per department × year: the OR of ``1 << layout bit`` over the selected lines (0 = no line)."""
    mask = np.zeros(size, dtype=np.int64)
    for bit in np.unique(layout_bit[selected]):
        hit = selected & (layout_bit == bit)
        mask |= (np.bincount(group_ids[hit], minlength=size) > 0).astype(np.int64) << int(bit)
    return mask


def _with_group(frame: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    group_of = {c.id: c.group for c in rules.categories}
    direction_of = {c.id: rules.direction_of(c).value for c in rules.categories}
    frame[GROUP] = frame[CATEGORY].map(group_of)
    frame[DIRECTION] = frame[CATEGORY].map(direction_of)
    return frame


def _empty_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            SCOPE_TYPE: pd.Series(dtype=object),
            SCOPE: pd.Series(dtype=object),
            CATEGORY: pd.Series(dtype=object),
            YEAR: pd.Series(dtype=np.int64),
            AMOUNT_FEN: pd.Series(dtype=np.int64),
            LINES: pd.Series(dtype=np.int64),
            SCOPE_HAS_LINES: pd.Series(dtype=bool),
            TABLES_MASK: pd.Series(dtype=np.int64),
            SCOPE_PRESENT: pd.Series(dtype=bool),
            GROUP: pd.Series(dtype=object),
            DIRECTION: pd.Series(dtype=object),
        }
    )


def year_over_year(departments: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Put each scope × category × year next to the previous calendar year.

    Department rows get their own previous year. The government row (全市合计) reports the sum of
    all departments, but its change and rate are on a *comparable basis* (可比口径): only
    departments with lines in both years count, so a department that is new, merged away or
    missing a submission shows up as its own finding instead of distorting the whole-government
    comparison. Department rows with no line in the category in either year are dropped (a
    department that never spends on 招商引资 has nothing to grade there); government rows are
    all kept, so a category that is empty everywhere still shows up.
    """
    years = np.sort(departments[YEAR].unique())
    keys = [SCOPE, CATEGORY, YEAR]
    prev = departments[keys + [AMOUNT_FEN, LINES, SCOPE_HAS_LINES, TABLES_MASK, SCOPE_PRESENT]].rename(
        columns={
            AMOUNT_FEN: PREV_AMOUNT_FEN,
            LINES: PREV_LINES,
            SCOPE_HAS_LINES: PREV_SCOPE_HAS_LINES,
            TABLES_MASK: PREV_TABLES_MASK,
            SCOPE_PRESENT: PREV_SCOPE_PRESENT,
        }
    )
    prev[YEAR] = prev[YEAR] + 1
    dept = departments.merge(prev, on=keys, how="left")
    dept[PREV_AMOUNT_FEN] = dept[PREV_AMOUNT_FEN].fillna(0).astype(np.int64)
    dept[PREV_LINES] = dept[PREV_LINES].fillna(0).astype(np.int64)
    dept[PREV_SCOPE_HAS_LINES] = dept[PREV_SCOPE_HAS_LINES].astype("boolean").fillna(False).astype(bool)
    dept[PREV_TABLES_MASK] = dept[PREV_TABLES_MASK].fillna(0).astype(np.int64)
    dept[PREV_SCOPE_PRESENT] = dept[PREV_SCOPE_PRESENT].astype("boolean").fillna(False).astype(bool)
    # Like for like: this year's lines come from the kinds of table last year also had (a 三公经费表
    # alone last year is no baseline for this year's 基本支出表 一般性支出).
    dept[SAME_TABLES] = (dept[TABLES_MASK] & ~dept[PREV_TABLES_MASK]) == 0
    comparable = dept[SCOPE_HAS_LINES] & dept[PREV_SCOPE_HAS_LINES] & dept[SAME_TABLES]
    dept[BASIS_AMOUNT_FEN] = dept[AMOUNT_FEN]
    dept[BASIS_PREV_AMOUNT_FEN] = dept[PREV_AMOUNT_FEN]
    dept[BASIS_LINES] = dept[LINES]
    dept[BASIS_PREV_LINES] = dept[PREV_LINES]
    dept[EXCLUDED_DEPARTMENTS] = 0

    parts = []
    if GOVERNMENT in rules.compare.scopes:
        work = dept.assign(
            _basis_cur=np.where(comparable, dept[AMOUNT_FEN], 0),
            _basis_prev=np.where(comparable, dept[PREV_AMOUNT_FEN], 0),
            _basis_lines=np.where(comparable, dept[LINES], 0),
            _basis_prev_lines=np.where(comparable, dept[PREV_LINES], 0),
            _excluded=(~comparable & (dept[SCOPE_HAS_LINES] | dept[PREV_SCOPE_HAS_LINES])).astype(np.int64),
        )
        gov = work.groupby([CATEGORY, YEAR], sort=False, as_index=False).agg(
            **{
                AMOUNT_FEN: (AMOUNT_FEN, "sum"),
                LINES: (LINES, "sum"),
                SCOPE_HAS_LINES: (SCOPE_HAS_LINES, "any"),
                PREV_AMOUNT_FEN: (PREV_AMOUNT_FEN, "sum"),
                PREV_LINES: (PREV_LINES, "sum"),
                PREV_SCOPE_HAS_LINES: (PREV_SCOPE_HAS_LINES, "any"),
                BASIS_AMOUNT_FEN: ("_basis_cur", "sum"),
                BASIS_PREV_AMOUNT_FEN: ("_basis_prev", "sum"),
                BASIS_LINES: ("_basis_lines", "sum"),
                BASIS_PREV_LINES: ("_basis_prev_lines", "sum"),
                SCOPE_PRESENT: (SCOPE_PRESENT, "any"),
                PREV_SCOPE_PRESENT: (PREV_SCOPE_PRESENT, "any"),
                EXCLUDED_DEPARTMENTS: ("_excluded", "sum"),
            }
        )
        gov[SCOPE] = rules.compare.government_label.zh
        gov[SAME_TABLES] = True  # the basis only holds departments compared like for like
        gov[SCOPE_TYPE] = GOVERNMENT
        parts.append(_with_group(gov, rules))
    if DEPARTMENT_SCOPE in rules.compare.scopes:
        parts.append(dept)
    out = pd.concat(parts, ignore_index=True)
    for col in (
        AMOUNT_FEN,
        PREV_AMOUNT_FEN,
        BASIS_AMOUNT_FEN,
        BASIS_PREV_AMOUNT_FEN,
        BASIS_LINES,
        BASIS_PREV_LINES,
    ):
        out[col] = out[col].astype(np.int64)
    out[PREV_YEAR] = out[YEAR] - 1
    out[PREV_YEAR_IN_DATA] = out[PREV_YEAR].isin(years)
    out[FIRST_YEAR] = out[YEAR] == (years.min() if len(years) else 0)
    out[CHANGE_FEN] = out[BASIS_AMOUNT_FEN] - out[BASIS_PREV_AMOUNT_FEN]
    basis_prev = out[BASIS_PREV_AMOUNT_FEN].to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = out[CHANGE_FEN].to_numpy(dtype=np.float64) / np.abs(basis_prev)
    out[CHANGE_RATE] = np.where(basis_prev != 0, rate, np.nan)
    relevant = (out[SCOPE_TYPE] == GOVERNMENT) | (out[LINES] > 0) | (out[PREV_LINES] > 0)
    return out.loc[relevant].reset_index(drop=True)
