"""What the 督办单, ``cases list`` and the 督办台账 view show: filtered, ordered rows and history lines.

Pure: cases and events in, plain rows out (labels in the requested language, dates in Beijing
time). Every output format (XLSX, HTML, Markdown, JSON, the terminal, the dashboard) uses these
rows, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from budget_guard import messages as msg
from budget_guard.cases.lifecycle import ACTIVE_STATES, STATES, Case
from budget_guard.clock import beijing_date, beijing_minutes
from budget_guard.model.rulebook import LEVEL_ORDER
from budget_guard.model.table import format_wan

SHEET_COLUMNS: tuple[str, ...] = (
    "case.col.seq",
    "case.col.number",
    "case.col.unit",
    "case.col.category",
    "case.col.description",
    "case.col.level",
    "case.col.found",
    "case.col.deadline",
    "case.col.progress",
    "case.col.state",
)
LEVELS_WORST_FIRST: tuple[str, ...] = ("red", "yellow", "white")
_LEVEL_RANK = {level.value: level.rank for level in LEVEL_ORDER}


@dataclass(frozen=True)
class CaseFilter:
    """``cases list`` / export filters; empty means any. ``active_only`` hides 已整改 and 已销号."""

    states: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    department: str | None = None
    overdue: bool = False
    active_only: bool = True

    def keeps(self, case: Case, now: datetime) -> bool:
        if self.states:
            if case.state not in self.states:
                return False
        elif self.active_only and case.state not in ACTIVE_STATES:
            return False
        if self.levels and case.level not in self.levels:
            return False
        if self.department and self.department not in case.key.scope:
            return False
        return not self.overdue or case.overdue(now)

    def describe(self, lang: str) -> str:
        parts = []
        if self.states:
            parts.append("/".join(msg.t(f"case.state.{s}", lang) for s in self.states))
        if self.levels:
            parts.append("/".join(msg.level_label(lv, lang) for lv in self.levels))
        if self.department:
            parts.append(self.department)
        if self.overdue:
            parts.append(msg.t("case.overdue", lang))
        return "，".join(parts) if lang == "zh" else ", ".join(parts)


def ordered(cases: Iterable[Case], now: datetime, case_filter: CaseFilter | None = None) -> list[Case]:
    """Overdue first, then 挂牌督办 / 待整改 / 整改中 …, worst level first, earliest deadline first."""
    chosen = [c for c in cases if (case_filter or CaseFilter()).keeps(c, now)]
    return sorted(
        chosen,
        key=lambda c: (
            not c.overdue(now),
            STATES.index(c.state),
            -_LEVEL_RANK[c.level],
            c.deadline_at,
            c.number,
        ),
    )


def state_label(case: Case, now: datetime, lang: str) -> str:
    label = msg.t(f"case.state.{case.state}", lang)
    return (
        f"{label}（{msg.t('case.overdue', lang)}）"
        if case.overdue(now) and lang == "zh"
        else (f"{label} ({msg.t('case.overdue', lang)})" if case.overdue(now) else label)
    )


def category_label(case: Case, lang: str) -> str:
    return (case.category_en if lang == "en" else case.category_zh) or case.key.category


def unit_label(case: Case, lang: str = "zh", government_unit: str | None = None) -> str:
    """The 责任单位: the department (or division, unit); for a government-level case the body the rules
    name (``supervision.papers.government_unit``) — a total such as 全市合计 is not a body."""
    if case.key.scope_type == "government":
        return government_unit or msg.t("case.unit.government_unset", lang)
    return case.key.scope


def description(case: Case, lang: str) -> str:
    return case.message_en if lang == "en" else case.message_zh


def sheet_rows(
    cases: Sequence[Case], now: datetime, lang: str, government_unit: str | None = None
) -> list[dict[str, Any]]:
    """One dict per case, keyed by the 督办单 column keys, plus ``level`` / ``state`` ids for fills."""
    rows = []
    for seq, case in enumerate(cases, start=1):
        rows.append(
            {
                "case.col.seq": seq,
                "case.col.number": case.number,
                "case.col.unit": unit_label(case, lang, government_unit),
                "case.col.category": category_label(case, lang),
                "case.col.description": description(case, lang),
                "case.col.level": msg.level_label(case.level, lang),
                "case.col.found": beijing_date(case.found_at),
                "case.col.deadline": beijing_date(case.deadline_at),
                "case.col.progress": case.note,
                "case.col.state": state_label(case, now, lang),
                "level": case.level,
                "state": case.state,
                "overdue": case.overdue(now),
            }
        )
    return rows


def counts(cases: Iterable[Case], now: datetime) -> dict[str, Any]:
    """Active cases by state × level, with totals and the overdue count (the overview sheet)."""
    table = {state: {level: 0 for level in LEVELS_WORST_FIRST} for state in ACTIVE_STATES}
    overdue = 0
    for case in cases:
        if case.state in ACTIVE_STATES:
            table[case.state][case.level] += 1
            overdue += case.overdue(now)
    by_level = {level: sum(table[s][level] for s in ACTIVE_STATES) for level in LEVELS_WORST_FIRST}
    return {
        "by_state_level": table,
        "by_level": by_level,
        "by_state": {s: sum(table[s].values()) for s in ACTIVE_STATES},
        "total": sum(by_level.values()),
        "overdue": overdue,
    }


def _fmt_wan(value: Any) -> str:
    return "—" if value is None else format_wan(int(value))


def event_text(event: dict[str, Any], lang: str) -> str:
    """One history line in words (templates ``case.event.<kind>[.<why>]``)."""
    details = dict(event.get("details") or {})
    kind = event["kind"]
    key = f"case.event.{kind}"
    if kind in ("escalated", "listed"):
        key = f"{key}.{details.get('why', 'deadline')}"
    if kind == "not_rectified" and details.get("missing_departments"):
        key = "case.event.not_rectified.partial"
    elif kind == "not_rectified" and details.get("state") == "file_failed":
        key = "case.event.not_rectified.file_failed"
    elif kind == "not_rectified" and details.get("year") is not None:
        key = "case.event.not_rectified.why"
    if kind == "seen" and details.get("same_input"):
        key = "case.event.seen.same_input"
    elif kind == "seen" and details.get("runs"):
        key = "case.event.seen.new_input"

    def level(name: str | None) -> str:
        return msg.level_label(name, lang) if name and msg.has(f"level.{name}") else ""

    values = {
        "level": level(event.get("to_level") or details.get("level") or details.get("state")),
        "from_level": level(event.get("from_level")),
        "to_level": level(event.get("to_level")),
        "deadline": _day(details.get("deadline_at")),
        "deadline_was": _day(details.get("deadline_was")),
        "amount": _fmt_wan(details.get("amount_fen")),
        "prev_amount": _fmt_wan(details.get("prev_amount_fen")),
        "runs": details.get("runs", ""),
        "reason": event.get("reason", ""),
        "state_label": msg.t(f"case.cell.{details['state']}", lang)
        if msg.has(f"case.cell.{details.get('state')}")
        else str(details.get("state", "")),
        "missing": "、".join(details.get("missing_departments", [])),
        "files": "、".join(str(f) for f in details.get("failed_files", [])),
        "why": reason_text(details, lang),
    }
    return msg.t(key, lang, **values)


def reason_text(details: dict[str, Any], lang: str) -> str:
    """The engine's reason for an ungraded cell, in words, from what the event kept (scope, years, figures)."""
    reason = details.get("reason")
    key = f"reason.{reason}"
    if not reason or not msg.has(key):
        return ""
    values = {
        "scope": details.get("scope", ""),
        "category": details.get("category_en" if lang == "en" else "category_zh", ""),
        "year": details.get("year", ""),
        "prev_year": details.get("prev_year", ""),
        "amount": _fmt_wan(details.get("amount_fen")),
        "prev_amount": _fmt_wan(details.get("prev_amount_fen")),
    }
    try:
        return msg.t(key, lang, **values)
    except (KeyError, IndexError):
        return (
            msg.t(f"case.cell.{details.get('state')}", lang)
            if msg.has(f"case.cell.{details.get('state')}")
            else ""
        )


def _day(text: str | None) -> str:
    day = beijing_date(text) if text else None
    return day.isoformat() if day else "—"


def who_text(event: dict[str, Any], lang: str) -> str:
    kind = event["actor_kind"]
    if kind == "run":
        return msg.t("case.run", lang, run=event["run_id"])
    return (
        f"{event['actor']}（{msg.t(f'case.actor.{kind}', lang)}）"
        if lang == "zh"
        else (f"{event['actor']} ({msg.t(f'case.actor.{kind}', lang)})")
    )


def where_text(event: dict[str, Any], lang: str) -> str:
    if event.get("run_id") is None:
        return ""
    if event.get("file"):
        return msg.t("case.run_file", lang, run=event["run_id"], file=event["file"])
    return msg.t("case.run", lang, run=event["run_id"])


def history_rows(events: Sequence[dict[str, Any]], lang: str) -> list[dict[str, str]]:
    return [
        {
            "case.col.when": beijing_minutes(e["at"]),
            "case.col.who": who_text(e, lang),
            "case.col.what": event_text(e, lang),
            "case.col.where": where_text(e, lang),
        }
        for e in events
    ]
