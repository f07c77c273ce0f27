"""One rounding rule for every check a table's own figures must pass (parents, 合计 rows, 合计 columns).

A printed figure is rounded to its last printed decimal, so it may be off by half a step (0.005 万元 in
a table printed with two decimals, 0.5 元 in a table printed in whole 元). A total compared with the sum
of ``n`` printed figures may therefore be off by ``(n + 1) / 2`` steps without anyone having made a
mistake: that gap is a ``rounding-gap`` notice; a larger one is the check's warning with both figures.
The step is read from the cells themselves (the most decimals printed in the column), never assumed.
"""

from __future__ import annotations

import pandas as pd

from budget_guard.ingest.recognise.numbers import UNIT_DECIMALS, UNIT_FEN


def printed_decimals(cells: pd.Series | list) -> int | None:
    """The most decimals any figure prints (``"1,511.89"`` → 2, ``"1023"`` → 0); ``None`` without figures.

    Judge a whole table at once: one column of whole numbers (``0``, ``10``) beside columns printed
    with two decimals is the same printing precision, not whole units.
    """
    texts = pd.Series(list(cells), dtype="object").dropna().astype(str).str.strip()
    texts = texts[texts.str.contains(r"\d", regex=True)]
    if texts.empty:
        return None
    fraction = texts.str.extract(r"[.．](\d+)\s*[)）]?\s*$", expand=False).fillna("")
    return int(fraction.str.len().max())


def printed_step_fen(decimals: int | None, unit: str) -> int:
    """Fen of one step of the last printed decimal, at most to the fen.

    2 decimals in 万元 → 0.01 万元 = 10,000 fen; 0 decimals in 元 → 1 元 = 100 fen. Unknown: 0.01 of the unit.
    """
    places = 2 if decimals is None else decimals
    places = min(places, UNIT_DECIMALS.get(unit, 2))
    return max(UNIT_FEN.get(unit, 100) // 10**places, 1)


def allowance_fen(step_fen: int, terms: int) -> int:
    """The largest gap ``terms`` printed parts and one printed total can show from rounding alone."""
    return (max(terms, 1) + 1) * step_fen // 2


def within_rounding(difference_fen: int, step_fen: int, terms: int) -> bool:
    return abs(difference_fen) <= allowance_fen(step_fen, terms)


__all__ = ["allowance_fen", "printed_decimals", "printed_step_fen", "within_rounding"]
