"""Every number proven against the page: the number tokens printed inside a table region must be exactly
the number tokens of the extracted cells — none lost, none invented, none split.

Both sides are tokenised with the same pattern: the page side from the page's words (characters grouped
by their positions on the page, independent of the table's cells), the cell side from the cell texts the
table extraction assigned. A number cut by a cell boundary (``1,23`` | ``4.56``), two lines of a cell run
together (``1,234.5`` + ``6``), a character outside every cell, or a cell counted twice all make the two
multisets differ. Amounts themselves are parsed later from the cell text as exact decimals
(``ingest/numbers.py``); nothing here converts a number.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

NUMBER = re.compile(r"[-−]?\d[\d,，]*(?:\.\d+)?")
# a money figure as tables print it: thousands separators or decimals (a year, a code or 1. is not one)
AMOUNT = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d])|(?<![\d.,])\d+\.\d+(?![\d])")
_SENTENCE = re.compile(r"[，。；：、%％]|万元|元")


def number_tokens(texts) -> Counter:
    """The numbers written in ``texts`` (a sign, digits, separators, decimals), as a multiset."""
    found: Counter = Counter()
    for text in texts:
        if text:
            found.update(m.group().replace("，", ",").replace("−", "-") for m in NUMBER.finditer(str(text)))
    return found


@dataclass(frozen=True)
class Proof:
    lost: tuple[str, ...]  # printed in the region, in no cell
    invented: tuple[str, ...]  # in a cell, not printed as such in the region

    @property
    def holds(self) -> bool:
        return not self.lost and not self.invented


def prove(page_words: list[str], cell_texts: list[str]) -> Proof:
    printed = number_tokens(page_words)
    extracted = number_tokens(cell_texts)
    lost = tuple(sorted((printed - extracted).elements()))
    invented = tuple(sorted((extracted - printed).elements()))
    return Proof(lost, invented)


def looks_like_row(line: str) -> bool:
    """A line of text outside every table that prints money the way a table row does (no sentence around it):
    a row the table extraction missed (a continuation page's first row, a row below the last rule)."""
    if not AMOUNT.search(line):
        return False
    return not _SENTENCE.search(AMOUNT.sub("", line))
