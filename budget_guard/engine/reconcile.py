"""Nothing is lost: every yuan of input is either classified or unclassified, per year and department.

The input total is summed straight from the table; classified and unclassified are summed from
the membership matrix. Their difference must be zero to the 分 — if it is not, budget-guard has
a bug, and the report says so instead of hiding it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..table import AMOUNT_FEN, DEPARTMENT, STAGE, YEAR
from .classify import Patterns
from .compare import group_sums

INPUT_FEN = "input_fen"
CLASSIFIED_FEN = "classified_fen"
UNCLASSIFIED_FEN = "unclassified_fen"
DIFFERENCE_FEN = "difference_fen"
CATEGORY_SUM_FEN = "category_sum_fen"
OVERLAP_FEN = "overlap_fen"
INPUT_LINES = "input_lines"
CLASSIFIED_LINES = "classified_lines"
UNCLASSIFIED_LINES = "unclassified_lines"
MULTI_CATEGORY_LINES = "multi_category_lines"
BALANCED = "balanced"
TOTAL_LABEL = "__total__"
_MAX_PATTERN_CELLS = 20_000_000


def reconcile(
    table: pd.DataFrame,
    category_count: np.ndarray,
    membership: pd.DataFrame,
    patterns: Patterns | None = None,
) -> pd.DataFrame:
    """Per stage × year × department (plus an all-department row per stage × year).

    Sums are exact integer ``bincount``s over (stage, year, department) group ids built from the
    categorical codes, so a million lines never become a million Python strings; the all-department
    rows add up the department sums. With the membership ``patterns`` (as ``evaluate`` has them), the
    classified and unclassified parts come from one pass per group × pattern; the input total is
    always summed on its own, straight from the amounts.
    """
    amount = table[AMOUNT_FEN].to_numpy().astype(np.int64)
    count = np.asarray(category_count)
    stage_codes, stage_names = _codes_and_names(table[STAGE])
    dept_codes, dept_names = _codes_and_names(table[DEPARTMENT])
    year = table[YEAR].to_numpy().astype(np.int64)
    first_year = int(year.min()) if len(year) else 0
    n_stage, n_dept = len(stage_names) + 1, len(dept_names) + 1  # + missing
    n_year = int(year.max()) - first_year + 1 if len(year) else 0
    size = n_stage * n_year * n_dept
    group_ids = (stage_codes * n_year + (year - first_year)) * n_dept + dept_codes

    lines = np.bincount(group_ids, minlength=size)
    sums = {INPUT_FEN: group_sums(group_ids, amount, size), INPUT_LINES: lines}
    if patterns is not None and size * len(patterns.masks) <= _MAX_PATTERN_CELLS:
        sums |= _parts_by_pattern(group_ids, amount, patterns, size)
    else:
        sums |= _parts_by_line(group_ids, amount, count, size, with_categories=membership.shape[1] > 0)
    order = [INPUT_FEN, CLASSIFIED_FEN, UNCLASSIFIED_FEN, CATEGORY_SUM_FEN]
    order += [INPUT_LINES, CLASSIFIED_LINES, UNCLASSIFIED_LINES, MULTI_CATEGORY_LINES]

    stage_text = np.asarray(stage_names, dtype=object)
    dept_text = np.asarray(dept_names, dtype=object)
    frames = []
    # all departments per stage × year (the missing department counts here), then each department
    per_year = {k: v.reshape(-1, n_dept).sum(axis=1) for k, v in sums.items()}
    at = np.flatnonzero(per_year[INPUT_LINES])
    at = at[at // n_year < n_stage - 1]  # like groupby: no row for a missing key
    frames.append(
        pd.DataFrame(
            {
                STAGE: stage_text[at // n_year],
                YEAR: first_year + at % n_year,
                DEPARTMENT: np.full(len(at), TOTAL_LABEL, dtype=object),
            }
            | {k: per_year[k][at] for k in order}
        )
    )
    at = np.flatnonzero(lines)
    at = at[(at // n_dept // n_year < n_stage - 1) & (at % n_dept < n_dept - 1)]
    frames.append(
        pd.DataFrame(
            {
                STAGE: stage_text[at // n_dept // n_year],
                YEAR: first_year + at // n_dept % n_year,
                DEPARTMENT: dept_text[at % n_dept],
            }
            | {k: sums[k][at] for k in order}
        )
    )
    out = pd.concat(frames, ignore_index=True)
    out[DIFFERENCE_FEN] = out[INPUT_FEN] - out[CLASSIFIED_FEN] - out[UNCLASSIFIED_FEN]
    out[OVERLAP_FEN] = out[CATEGORY_SUM_FEN] - out[CLASSIFIED_FEN]
    out[BALANCED] = out[DIFFERENCE_FEN] == 0
    return out.sort_values([STAGE, YEAR, DEPARTMENT], key=_total_first).reset_index(drop=True)


def _parts_by_line(
    group_ids: np.ndarray, amount: np.ndarray, count: np.ndarray, size: int, with_categories: bool
) -> dict[str, np.ndarray]:
    classified = count > 0
    return {
        CLASSIFIED_FEN: group_sums(group_ids, np.where(classified, amount, 0), size),
        CATEGORY_SUM_FEN: group_sums(group_ids, amount * count.astype(np.int64), size)
        if with_categories
        else np.zeros(size, dtype=np.int64),
        CLASSIFIED_LINES: np.bincount(group_ids[classified], minlength=size),
        MULTI_CATEGORY_LINES: np.bincount(group_ids[count > 1], minlength=size),
        # summed on their own, not as input − classified, so that the difference checks something
        UNCLASSIFIED_FEN: group_sums(group_ids, np.where(classified, 0, amount), size),
        UNCLASSIFIED_LINES: np.bincount(group_ids[~classified], minlength=size),
    }


def _parts_by_pattern(
    group_ids: np.ndarray, amount: np.ndarray, patterns: Patterns, size: int
) -> dict[str, np.ndarray]:
    """The same parts from sums per group × membership pattern (two passes over the lines)."""
    n_patterns = len(patterns.masks)
    cell = group_ids * n_patterns + patterns.codes
    amounts = group_sums(cell, amount, size * n_patterns).reshape(size, n_patterns)
    counts = np.bincount(cell, minlength=size * n_patterns).reshape(size, n_patterns)
    per_pattern = patterns.masks.sum(axis=1).astype(np.int64)  # categories of each pattern
    classified, multi = per_pattern > 0, per_pattern > 1
    return {
        CLASSIFIED_FEN: amounts[:, classified].sum(axis=1, dtype=np.int64),
        CATEGORY_SUM_FEN: amounts @ per_pattern,
        CLASSIFIED_LINES: counts[:, classified].sum(axis=1, dtype=np.int64),
        MULTI_CATEGORY_LINES: counts[:, multi].sum(axis=1, dtype=np.int64),
        UNCLASSIFIED_FEN: amounts[:, ~classified].sum(axis=1, dtype=np.int64),
        UNCLASSIFIED_LINES: counts[:, ~classified].sum(axis=1, dtype=np.int64),
    }


def _codes_and_names(series: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Integer codes and their text. A missing value gets the extra code ``len(names)``, whose
    groups are counted in the totals but get no row of their own."""
    cat = series if isinstance(series.dtype, pd.CategoricalDtype) else series.astype("category")
    codes = cat.cat.codes.to_numpy().astype(np.int64)
    names = [str(v) for v in cat.cat.categories]
    return np.where(codes < 0, len(names), codes), names


def _total_first(col: pd.Series) -> pd.Series:
    if col.name == DEPARTMENT:
        return col.map(lambda v: "" if v == TOTAL_LABEL else str(v))
    return col
