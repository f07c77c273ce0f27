"""Cell colours for the dashboard: the states of engine/states.py (the XLSX 督办单 uses the same fills)."""

from __future__ import annotations

from budget_guard.engine import states

NOT_COMPARED = states.NO_DATA  # a cell with no summary row at all reads as 无数据

FILL: dict[str, str] = {state: f"#{colour}" for state, colour in states.FILL.items()}
TEXT: dict[str, str] = {state: f"#{colour}" for state, colour in states.TEXT_COLOUR.items()}
BORDER = "#BFBFBF"
TARGET = "#1F1F1F"
LEVELS: tuple[str, ...] = states.GRADED_STATES
LEVELS_WITH_NONE: tuple[str, ...] = states.STATES


def cell_css(level: str | None) -> str:
    """CSS for a table cell of ``level`` (a state; pandas Styler); empty for none."""
    if not level or level not in FILL:
        return ""
    return f"background-color: {FILL[level]}; color: {TEXT[level]}"


# 挂牌督办 case states (cases/lifecycle.py): each its own colour, so an 已整改 case never reads as an open red.
CASE_STATE_FILL: dict[str, str] = {
    "listed": "#7B1C1C",  # 挂牌督办: dark red, white text
    "open": "#FCE4D6",  # 待整改: light orange
    "in_progress": "#DDEBF7",  # 整改中: light blue
    "rectified": "#E2EFDA",  # 已整改: light green
    "closed": "#EDEDED",  # 已销号: grey
}
CASE_STATE_TEXT: dict[str, str] = {
    "listed": "#FFFFFF",
    "open": "#833C0B",
    "in_progress": "#1F4E79",
    "rectified": "#375623",
    "closed": "#595959",
}


def case_state_css(state: str | None, overdue: bool = False) -> str:
    """CSS for a case's 状态 cell; an overdue case's text is bold."""
    if not state or state not in CASE_STATE_FILL:
        return ""
    weight = "; font-weight: 700" if overdue or state == "listed" else ""
    return f"background-color: {CASE_STATE_FILL[state]}; color: {CASE_STATE_TEXT[state]}{weight}"
