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
from typing import SupportsFloat, SupportsIndex

MISSING = "—"

GRID: dict[str, str] = {"money": "%,.2f", "rate": "%+.2f%%", "percent": "%.2f%%", "integer": "%d"}


# A figure as the tables hold it: a number, its text, or missing (None, NaN, pd.NA, NaT).
Figure = SupportsFloat | SupportsIndex | str | None


def as_number(value: Figure) -> float | None:
    """The figure as a float; None when it is missing (None, NaN, pd.NA, NaT). Not a number: raises."""
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):  # pd.NA raises TypeError
        if value.__class__.__name__ in ("NAType", "NaTType"):
            return None
        raise
    return None if math.isnan(number) else number


def money_text(wan: Figure) -> str:
    """'1,234.57' from an amount in 万元."""
    number = as_number(wan)
    return MISSING if number is None else f"{number:,.2f}"


def rate_text(ratio: Figure) -> str:
    """'+20.00%' from a change of 0.2."""
    number = as_number(ratio)
    return MISSING if number is None else f"{number * 100:+.2f}%"


def percent_text(percent: Figure) -> str:
    """'112.00%' from 112.00185 (already a percentage)."""
    number = as_number(percent)
    return MISSING if number is None else f"{number:.2f}%"


def integer_text(value: Figure) -> str:
    """'3' from 3, 3.0 or '3'."""
    number = as_number(value)
    return MISSING if number is None else str(int(number))


TEXT_OF: dict[str, object] = {
    "money": money_text,
    "rate": rate_text,
    "percent": percent_text,
    "integer": integer_text,
}
