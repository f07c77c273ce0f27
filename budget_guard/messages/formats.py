"""How a number reads, defined once for the CLI, the reports and the dashboard.

- money: 万元 with two decimals and thousands separators (``1,234.57``); exact 万元 text from integer
  分 is ``model.table.format_wan`` (the same format, without float rounding);
- change rates: signed, two decimals, from a ratio (0.2 → ``+20.00%``): two decimals because a
  target is a whole percent and one decimal could print a miss as a hit (-4.96% as -5.0%);
- percentages that are no change (执行率, PEFA): unsigned, two decimals, from a percentage;
- counts, years and row numbers: integers, never ``3.000000``;
- a missing value: ``—``.

``GRID`` holds the same formats as printf patterns for the dashboard's number columns.
"""

from __future__ import annotations

import math

MISSING = "—"

GRID: dict[str, str] = {"money": "%,.2f", "rate": "%+.2f%%", "percent": "%.2f%%", "integer": "%d"}


def _missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # NaN, pd.NA (raises TypeError), NaT
    except (TypeError, ValueError):
        return value.__class__.__name__ in ("NAType", "NaTType")


def money_text(wan: object) -> str:
    """'1,234.57' from an amount in 万元."""
    return MISSING if _missing(wan) else f"{float(wan):,.2f}"


def rate_text(ratio: object) -> str:
    """'+20.00%' from a change of 0.2."""
    return MISSING if _missing(ratio) else f"{float(ratio) * 100:+.2f}%"


def percent_text(percent: object) -> str:
    """'112.00%' from 112.00185 (already a percentage)."""
    return MISSING if _missing(percent) else f"{float(percent):.2f}%"


def integer_text(value: object) -> str:
    """'3' from 3, 3.0 or '3'."""
    return MISSING if _missing(value) else str(int(float(value)))


TEXT_OF: dict[str, object] = {
    "money": money_text,
    "rate": rate_text,
    "percent": percent_text,
    "integer": integer_text,
}
