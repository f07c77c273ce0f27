"""What each summary cell means: the one place that says whether a number was compared like for like.

Every scope × category × year cell of the summary carries a ``state``:

- ``compliant`` / ``white`` / ``yellow`` / ``red`` (达标 / 白 / 黄 / 红): *graded*. Both years have
  lines of the classification the category reads, from the same kinds of table, so the change
  is like for like and the grade follows the rules' targets and bands.
- ``no_data`` (无数据): no line in either year falls in the category. Nothing to grade.
- ``not_comparable`` (不可比): there are numbers, but no like-for-like baseline: the first year,
  a missing previous year, a department missing a year, a table of a different kind than last
  year's, (全市合计) no department comparable in both years, an amount that adds the same money
  twice (a 功能分类 and an 经济分类 table both picked by one category: a red data finding), or an
  amount that takes a figure which failed a relation its table states (``relation_failed``).

Only graded cells are ever counted, coloured or exported as 达标. Reports, the CLI, the dashboard
and the case ledger *display* ``state``; none of them re-derives comparability. A new scope (a
division, a unit) gets these rules by going through ``grade.grade``.

The run outcome follows from the states: a run that graded nothing is ``nothing_compared``, a
run whose input failed is ``input_failed``; neither is ever compliant.
"""

from __future__ import annotations

import pandas as pd

from budget_guard.model.rulebook import Level

STATE = "state"

COMPLIANT = Level.compliant.value
WHITE = Level.white.value
YELLOW = Level.yellow.value
RED = Level.red.value
NO_DATA = "no_data"
NOT_COMPARABLE = "not_comparable"

GRADED_STATES: tuple[str, ...] = (COMPLIANT, WHITE, YELLOW, RED)
UNGRADED_STATES: tuple[str, ...] = (NOT_COMPARABLE, NO_DATA)
STATES: tuple[str, ...] = (*GRADED_STATES, *UNGRADED_STATES)

# Reason codes of ungraded cells (stable; in the JSON report and the docs).
REASON_FIRST_YEAR = "first_year"  # the first year of the data: nothing before it
REASON_NO_LINES = "no_lines"  # no line in either year falls in the category
REASON_NO_BASELINE = "no_baseline"  # the previous year is not in the data, or has no lines the category reads
REASON_TABLE_CHANGED = "table_changed"  # this year's lines come from a kind of table last year lacked
REASON_MISSING_CURRENT = "missing_current"  # lines this year, but none the category reads
REASON_DEPARTMENT_MISSING = "department_missing"  # the department sent nothing at all this year
REASON_PREVIOUS_MISSING = "previous_year_missing"  # the department sent nothing at all last year
REASON_NO_COMPARABLE = "no_comparable_department"  # 全市合计: no department has lines in both years
REASON_EMPTY_CATEGORY = "empty_category"  # no line of the whole input falls in the category
REASON_STAGE_ABSENT = "stage_absent"  # the input has no line of the compared stage
# the amount (or its baseline) adds a 功能分类 and an 经济分类 table of the same money (engine/double_count.py)
REASON_DOUBLE_COUNTED = "double_counted"
# the amount (or its baseline) takes a figure that failed a relation its table (合计 ≠ Σ parts, 三公小计 ≠
# 出国 + 车 + 接待 …) or its published set (财政拨款 = 一般公共预算 + 基金 + 国资, the 支出表's 基本支出 = the
# 基本支出表's 合计 …: ingest/settle/published_set.py) states: lines tagged 勾稽不符 (engine/relation_failed.py)
REASON_RELATION_FAILED = "relation_failed"

NOT_COMPARABLE_REASONS: tuple[str, ...] = (
    REASON_FIRST_YEAR,
    REASON_NO_BASELINE,
    REASON_TABLE_CHANGED,
    REASON_MISSING_CURRENT,
    REASON_DEPARTMENT_MISSING,
    REASON_PREVIOUS_MISSING,
    REASON_NO_COMPARABLE,
    REASON_STAGE_ABSENT,
    REASON_DOUBLE_COUNTED,
    REASON_RELATION_FAILED,
)
NO_DATA_REASONS: tuple[str, ...] = (REASON_NO_LINES, REASON_EMPTY_CATEGORY)

# Run outcomes: the worst graded level, or why nothing could be graded.
OUTCOME_NOTHING_COMPARED = "nothing_compared"
OUTCOME_INPUT_FAILED = "input_failed"
OUTCOMES: tuple[str, ...] = (*GRADED_STATES, OUTCOME_NOTHING_COMPARED, OUTCOME_INPUT_FAILED)

# Colours a clerk reads at a glance (Excel's good/neutral/bad fills; 不可比 blue, 无数据 blank with a dash).
FILL: dict[str, str] = {
    COMPLIANT: "C6EFCE",
    WHITE: "F2F2F2",
    YELLOW: "FFEB9C",
    RED: "FFC7CE",
    NOT_COMPARABLE: "DDEBF7",
    NO_DATA: "FFFFFF",
}
TEXT_COLOUR: dict[str, str] = {
    COMPLIANT: "006100",
    WHITE: "404040",
    YELLOW: "9C5700",
    RED: "9C0006",
    NOT_COMPARABLE: "1F4E79",
    NO_DATA: "8C8C8C",
}


def state_of_reason(reason: str) -> str | None:
    """The ungraded state a reason code implies (None for the reasons of graded cells)."""
    if reason in NOT_COMPARABLE_REASONS:
        return NOT_COMPARABLE
    if reason in NO_DATA_REASONS:
        return NO_DATA
    return None


def is_graded(state: object) -> bool:
    return state in GRADED_STATES


def run_outcome(graded_cells: int, worst_finding: str | None, input_failed: bool = False) -> str:
    """The outcome of a run: never compliant when an input failed or nothing was graded."""
    if input_failed:
        return OUTCOME_INPUT_FAILED
    if graded_cells == 0:
        return OUTCOME_NOTHING_COMPARED
    return worst_finding or COMPLIANT


# The order counts are listed in (CLI, reports, dashboard): worst first, then the ungraded states.
COUNT_ORDER: tuple[str, ...] = (RED, YELLOW, WHITE, COMPLIANT, NOT_COMPARABLE, NO_DATA)

# Rolling cells up (a matrix cell over all scopes, a department's row): the worst graded level
# wins; otherwise 不可比 beats 达标, so a roll-up reads 达标 only when every cell in it is 达标 or
# has no data at all.
ROLLUP_ORDER: tuple[str, ...] = (NO_DATA, COMPLIANT, NOT_COMPARABLE, WHITE, YELLOW, RED)
ROLLUP_RANK: dict[str, int] = {state: rank for rank, state in enumerate(ROLLUP_ORDER)}


def rollup_by(cells: pd.DataFrame, keys: list[str]) -> pd.Series:
    """The state each group of cells (``STATE`` column) shows, indexed by ``keys``: the one roll-up rule."""
    rank = cells[STATE].map(ROLLUP_RANK)
    worst = rank.groupby([cells[key] for key in keys]).max()
    return worst.map(lambda r: ROLLUP_ORDER[int(r)])
