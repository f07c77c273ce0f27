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
from budget_guard.cases.view import LEVELS_WORST_FIRST, counts, history_rows, sheet_rows
from budget_guard.clock import beijing_minutes
from budget_guard.dashboard.palette import case_state_css, cell_css
from budget_guard.dashboard.views.common import Table, label
from budget_guard.model.table import (
    AMOUNT_FEN,
    DEPARTMENT,
    ECON_CODE,
    FEN_PER_WAN,
    FUNC_CODE,
    ITEM,
    SOURCE_FILE,
    SOURCE_ROW,
    SOURCE_SHEET,
    YEAR,
)

HISTORY_COLUMNS = ("case.col.when", "case.col.who", "case.col.what", "case.col.where")


# The columns a clerk acts on come first, so 状态, 整改时限 and 责任单位 stay in view on a 1024 px screen;
# the long description and progress note last.
PAGE_COLUMNS: tuple[str, ...] = (
    "case.col.number",
    "case.col.state",
    "case.col.deadline",
    "case.col.unit",
    "case.col.level",
    "case.col.category",
    "case.col.description",
    "case.col.progress",
    "case.col.found",
)


def case_table(cases: Sequence[Case], now: datetime, lang: str, government_unit: str | None = None) -> Table:
    """One row per case (already filtered and ordered): 状态 in its state's colour, 等级 in its level's
    colour only while the case is waiting (an 已整改 or 已销号 case is not shown as an open red)."""
    rows = sheet_rows(cases, now, lang, government_unit)
    table = pd.DataFrame({label(c, lang): [r[c] for r in rows] for c in PAGE_COLUMNS})
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
    state_column, level_column = label("case.col.state", lang), label("case.col.level", lang)
    deadline_column = label("case.col.deadline", lang)
    css = pd.DataFrame(
        {
            state_column: [case_state_css(c.state, r["overdue"]) for c, r in zip(cases, rows, strict=True)],
            level_column: [cell_css(c.level) if c.active else "" for c in cases],
            deadline_column: ["color: #9C0006; font-weight: 700" if r["overdue"] else "" for r in rows],
        },
        index=table.index,
    )
    return Table(
        table,
        keys,
        level=level_column,
        wide=(label("case.col.description", lang), label("case.col.progress", lang)),
        narrow=(label("case.col.found", lang), label("case.col.deadline", lang)),
        pinned=(label("case.col.number", lang), state_column),
        css=css,
        # at 1024 px: number and state (pinned), level, 整改时限 and the description (which names the
        # unit, category and year) in view, the description wrapping in taller rows instead of cut
        lines=4,
        wrap_px=200,
        order=tuple(
            label(c, lang)
            for c in (
                "case.col.number",
                "case.col.state",
                "case.col.level",
                "case.col.deadline",
                "case.col.description",
            )
        ),
    )


RECORDED_LINE_COLUMNS: tuple[tuple[str, str], ...] = (
    (YEAR, "col.year"),
    (DEPARTMENT, "col.department"),
    (ITEM, "col.item"),
    (AMOUNT_FEN, "col.amount_wan"),
    (SOURCE_FILE, "col.source_file"),
    (SOURCE_SHEET, "col.source_sheet"),
    (SOURCE_ROW, "col.source_row"),
    (FUNC_CODE, "col.func_code"),
    (ECON_CODE, "col.econ_code"),
)


def recorded_lines_table(record: dict[str, Any], lang: str) -> Table:
    """The lines a run recorded behind a case (the ledger's ``case_lines``), never the page's data."""
    lines = record.get("lines") or []
    table = pd.DataFrame(
        {
            label(key, lang): [
                (None if ln.get(field) is None else int(ln[field]) / FEN_PER_WAN)
                if field == AMOUNT_FEN
                else ln.get(field)
                for ln in lines
            ]
            for field, key in RECORDED_LINE_COLUMNS
        }
    )
    return Table(
        table,
        pd.DataFrame(index=table.index),
        money=(label("col.amount_wan", lang),),
        integers=(label("col.year", lang), label("col.source_row", lang)),
        narrow=(label("col.year", lang), label("col.source_row", lang)),
    )


def recorded_caption(record: dict[str, Any], lang: str) -> str:
    """ "立案时（第1次运行，文件 v1.csv，2025-03-01 10:00）所依据的 2 行" — which run, which file, how many."""
    kind = record.get("kind", "opened")
    key = f"app.cases.lines.{kind}" if msg.has(f"app.cases.lines.{kind}") else "app.cases.lines.seen"
    text = msg.t(
        key,
        lang,
        run=record.get("run_id"),
        file=record.get("file") or "—",
        at=beijing_minutes(record.get("at")),
        count=record.get("line_count", 0),
    )
    if record.get("stored", 0) < record.get("line_count", 0):
        text += msg.t("app.cases.lines.truncated", lang, stored=record.get("stored", 0))
    return text


def lines_to_show(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run that found the case, and the latest run that rectified (or reopened, or re-found) it."""
    if not records:
        return []
    first = records[0]
    later = [r for r in records[1:] if r.get("kind") in ("rectified", "reopened")]
    return [first, later[-1]] if later else [first]


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
