"""A case's identity, and what one evaluation says about each graded cell (an observation).

A case is about one cell of the comparison: scope (government or a department) × category ×
compared year × stage. The key deliberately leaves out the file, its hash and the rules version,
so the same breach found again from a resubmitted file or after a rules tweak is the same case.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import SupportsIndex, SupportsInt

import pandas as pd

from budget_guard.cases.evidence import scope_hash
from budget_guard.engine.compare import (
    AMOUNT_FEN,
    CATEGORY,
    DIRECTION,
    GOVERNMENT,
    PREV_AMOUNT_FEN,
    SCOPE,
    SCOPE_TYPE,
)
from budget_guard.engine.evaluate import Evaluation
from budget_guard.engine.findings import MESSAGE_EN, MESSAGE_ZH, SOURCE_LINES, SOURCES, message
from budget_guard.engine.grade import GAP_FEN, LEVEL, REASON
from budget_guard.model.table import YEAR

STATE = "state"  # the engine's cell state (compliant / white / yellow / red / no_data / not_comparable)
COMPLIANT = "compliant"
GRADED_FINDINGS = ("white", "yellow", "red")
NOT_COMPARABLE = "not_comparable"
NO_DATA = "no_data"

# Until the engine's ``state`` column is on every summary, these reasons mean "no like-for-like
# baseline" (the engine's own grading reasons; nothing here judges comparability anew).
_INCOMPARABLE_REASONS = frozenset({"no_baseline", "table_changed", "missing_current", "first_year"})


@dataclass(frozen=True)
class CaseKey:
    scope_type: str
    scope: str
    category: str
    year: int
    stage: str

    def text(self) -> str:
        """The stored key: ``department|商务局|sangong|2025|budget``."""
        return "|".join((self.scope_type, self.scope, self.category, str(self.year), self.stage))


@dataclass(frozen=True)
class Observation:
    """One graded cell in one run: its state and, for findings, the message and the lines behind it."""

    key: CaseKey
    state: str
    level: str | None
    reason: str
    amount_fen: int | None
    prev_amount_fen: int | None
    message_zh: str
    message_en: str
    sources: str
    source_lines: int
    departments: tuple[str, ...]  # the departments the evaluation covered (a government cell's basis)
    category_zh: str = ""
    category_en: str = ""
    input_hash: str = ""  # the content hash of the scope's lines in this run (evidence.py)
    gap_fen: int | None = None  # what is still missing to reach the target (分), for findings
    direction: str = ""  # decrease | no_decrease: whether the gap is to cut or to add

    @property
    def is_finding(self) -> bool:
        return self.state in GRADED_FINDINGS


def cell_states(summary: pd.DataFrame) -> pd.Series:
    """The engine's ``state`` column where present, else the same mapping from level and reason."""
    if STATE in summary.columns:
        return summary[STATE].astype(object)
    level = summary[LEVEL].astype(object)
    reason = summary[REASON].astype(object)
    state = level.where(level.notna(), NO_DATA)
    keep = ~reason.isin(_INCOMPARABLE_REASONS) | state.isin((COMPLIANT, NO_DATA))
    return state.where(keep, NOT_COMPARABLE)


def _int(value: SupportsInt | SupportsIndex | str | None) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def observations(
    evaluation: Evaluation, hashes: dict[tuple[str, str], str] | None = None
) -> Iterator[Observation]:
    """Every cell of the summary (all states), with the finding's text where it is a finding.

    Government cells are left out when the evaluation covers a single department: there the
    government total is that department's own figure, and a second case would count it twice.
    ``hashes`` (evidence.scope_hashes) gives each observation the content hash of its scope's lines.
    """
    hashes = hashes or {}
    summary = evaluation.summary
    if summary.empty:
        return
    departments = evaluation.departments  # from the engine seam: the lines may stay in DuckDB/Spark
    stage = evaluation.stage
    states = cell_states(summary)
    names = {c.id: c.name for c in evaluation.rules.categories}
    findings = evaluation.findings
    by_cell: dict[tuple, dict] = {}
    if not findings.empty:
        for record in findings.to_dict("records"):
            by_cell[(record[SCOPE_TYPE], record[SCOPE], record[CATEGORY], int(record[YEAR]))] = record
    for record, state in zip(summary.to_dict("records"), states, strict=True):
        if record[SCOPE_TYPE] == GOVERNMENT and len(departments) < 2:
            continue
        if pd.isna(record[YEAR]):
            continue
        year = int(record[YEAR])
        cell = (record[SCOPE_TYPE], record[SCOPE], record[CATEGORY], year)
        found = by_cell.get(cell, {})
        graded = state == COMPLIANT or state in GRADED_FINDINGS
        yield Observation(
            key=CaseKey(str(record[SCOPE_TYPE]), str(record[SCOPE]), str(record[CATEGORY]), year, stage),
            state=str(state),
            level=None if pd.isna(record[LEVEL]) else str(record[LEVEL]),
            reason=str(record[REASON]),
            amount_fen=_int(record.get(AMOUNT_FEN)),
            prev_amount_fen=_int(record.get(PREV_AMOUNT_FEN)),
            message_zh=found.get(MESSAGE_ZH) or (message(record, evaluation.rules, "zh") if graded else ""),
            message_en=found.get(MESSAGE_EN) or (message(record, evaluation.rules, "en") if graded else ""),
            sources=str(found.get(SOURCES) or ""),
            source_lines=int(found.get(SOURCE_LINES) or 0),
            departments=departments,
            category_zh=names[record[CATEGORY]].zh if record[CATEGORY] in names else str(record[CATEGORY]),
            category_en=names[record[CATEGORY]].en if record[CATEGORY] in names else str(record[CATEGORY]),
            input_hash=scope_hash(hashes, str(record[SCOPE_TYPE]), str(record[SCOPE])),
            gap_fen=_int(record.get(GAP_FEN)) if state in GRADED_FINDINGS else None,
            direction=str(record.get(DIRECTION) or ""),
        )


def latest_year(evaluation: Evaluation) -> int | None:
    """The latest fiscal year with lines of the compared stage (``open_years: latest``)."""
    return evaluation.latest_year
