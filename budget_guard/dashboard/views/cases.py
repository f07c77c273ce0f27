"""The 督办台账 view: open cases by level and state, overdue first, and one case's history.

Built from the same rows as the 督办单 (``cases.view``), so the page and the filed sheet agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pandas as pd

from budget_guard import messages as msg
from budget_guard.cases.lifecycle import ACTIVE_STATES, Case
from budget_guard.cases.view import LEVELS_WORST_FIRST, SHEET_COLUMNS, counts, history_rows, sheet_rows
from budget_guard.dashboard.views.common import Table, label

HISTORY_COLUMNS = ("case.col.when", "case.col.who", "case.col.what", "case.col.where")


def case_table(cases: Sequence[Case], now: datetime, lang: str) -> Table:
    """One row per case (already filtered and ordered), the level column coloured by the page."""
    rows = sheet_rows(cases, now, lang)
    table = pd.DataFrame({label(c, lang): [r[c] for r in rows] for c in SHEET_COLUMNS})
    keys = pd.DataFrame(
        {
            "number": [c.number for c in cases],
            "level": [c.level for c in cases],
            "state": [c.state for c in cases],
            "overdue": [r["overdue"] for r in rows],
            "scope_type": [c.key.scope_type for c in cases],
            "scope": [c.key.scope for c in cases],
            "category": [c.key.category for c in cases],
            "year": [c.key.year for c in cases],
        }
    )
    for column in ("case.col.found", "case.col.deadline"):
        table[label(column, lang)] = [d.isoformat() if d else "" for d in table[label(column, lang)]]
    return Table(
        table,
        keys,
        integers=(label("case.col.seq", lang),),
        level=label("case.col.level", lang),
        wide=(label("case.col.description", lang), label("case.col.progress", lang)),
        narrow=(label("case.col.seq", lang), label("case.col.found", lang), label("case.col.deadline", lang)),
    )


def history_table(events: Sequence[dict[str, Any]], lang: str) -> pd.DataFrame:
    rows = history_rows(events, lang)
    return pd.DataFrame({label(c, lang): [r[c] for r in rows] for c in HISTORY_COLUMNS})


def case_counts(cases: Sequence[Case], now: datetime) -> dict[str, Any]:
    return counts(cases, now)


def state_level_table(cases: Sequence[Case], now: datetime, lang: str) -> pd.DataFrame:
    """Open cases by state (rows) × level (columns), as on the 督办单's overview sheet."""
    data = counts(cases, now)
    rows = {
        msg.t(f"case.state.{state}", lang): [data["by_state_level"][state][lv] for lv in LEVELS_WORST_FIRST]
        for state in ACTIVE_STATES
    }
    frame = pd.DataFrame.from_dict(
        rows, orient="index", columns=[msg.level_label(lv, lang) for lv in LEVELS_WORST_FIRST]
    )
    frame[label("case.sheet.total", lang)] = frame.sum(axis=1)
    return frame.rename_axis(label("case.col.state", lang)).reset_index()
