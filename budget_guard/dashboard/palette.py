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
