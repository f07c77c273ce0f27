"""Level colours for the dashboard: the XLSX 督办单 fills (Excel's good/neutral/bad palette) plus text colours."""

from __future__ import annotations

from ..reports.xlsx_report import LEVEL_FILLS
from ..rulebook import LEVEL_ORDER, Level

NOT_COMPARED = "none"  # a cell with no grade: the first year, or no spending in either year

FILL: dict[str, str] = {
    **{level: f"#{color}" for level, color in LEVEL_FILLS.items()},
    NOT_COMPARED: "#FFFFFF",
}
TEXT: dict[str, str] = {
    Level.compliant.value: "#006100",
    Level.white.value: "#404040",
    Level.yellow.value: "#9C5700",
    Level.red.value: "#9C0006",
    NOT_COMPARED: "#8C8C8C",
}
BORDER = "#BFBFBF"
TARGET = "#1F1F1F"
LEVELS: tuple[str, ...] = tuple(level.value for level in LEVEL_ORDER)
LEVELS_WITH_NONE: tuple[str, ...] = (*LEVELS, NOT_COMPARED)


def cell_css(level: str | None) -> str:
    """CSS for a table cell of ``level`` (pandas Styler); empty for no level."""
    if not level or level not in FILL:
        return ""
    return f"background-color: {FILL[level]}; color: {TEXT[level]}"
