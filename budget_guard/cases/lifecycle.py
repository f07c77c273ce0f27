"""The lifecycle of a case in the bureau's words, as pure functions: (case, what happened) → (case, events).

States: 待整改 ``open`` → 整改中 ``in_progress`` (a note was added) → 已整改 ``rectified`` (a later
run shows the cell 达标) or 已销号 ``closed`` (a person closed it with a reason); 挂牌督办
``listed`` for a red past its 整改时限. A case's level only goes up (white → yellow → red), by data
or by the escalation ladder (escalation.py). Every change yields an ``Event``; the store appends
them and never rewrites one.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypedDict

from budget_guard.cases.actor import Actor
from budget_guard.cases.identity import COMPLIANT, CaseKey, Observation
from budget_guard.clock import deadline_after, parse, to_text
from budget_guard.errors import BudgetGuardError
from budget_guard.model.rulebook import LEVEL_ORDER, Supervision

OPEN = "open"  # 待整改
IN_PROGRESS = "in_progress"  # 整改中
RECTIFIED = "rectified"  # 已整改
CLOSED = "closed"  # 已销号
LISTED = "listed"  # 挂牌督办
STATES = (LISTED, OPEN, IN_PROGRESS, RECTIFIED, CLOSED)  # the order lists and sheets use
ACTIVE_STATES = (LISTED, OPEN, IN_PROGRESS)  # still waiting for rectification

# event kinds (history rows; each has an i18n template ``case.event.<kind>``)
OPENED = "opened"
SEEN = "seen"
LEVEL_RAISED = "level_raised"
ESCALATED = "escalated"
LISTED_EVENT = "listed"
NOTED = "noted"
RECTIFIED_EVENT = "rectified"
NOT_RECTIFIED = "not_rectified"
REOPENED = "reopened"
CLOSED_EVENT = "closed"
SEEN_AFTER_CLOSE = "seen_after_close"

_RANK = {level.value: level.rank for level in LEVEL_ORDER}


@dataclass(frozen=True)
class RunContext:
    """Which run, and which file of it, produced an observation."""

    run_id: int
    file: str
    actor: Actor


@dataclass(frozen=True)
class Event:
    kind: str
    at: str
    actor: Actor
    from_state: str | None = None
    to_state: str | None = None
    from_level: str | None = None
    to_level: str | None = None
    run_id: int | None = None
    file: str | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class _Seen(TypedDict):
    """What every event of one run's observation carries (``Event`` keywords)."""

    run_id: int
    file: str
    details: dict[str, Any]


@dataclass(frozen=True)
class Case:
    """The current view of a case (the ``cases`` row); its history is the list of events."""

    key: CaseKey
    number: str
    state: str
    level: str
    rectification: str
    found_at: str
    level_since: str
    deadline_at: str
    consecutive_runs: int
    last_seen_at: str
    last_run_id: int | None
    last_file: str
    message_zh: str
    message_en: str
    sources: str
    source_lines: int
    amount_fen: int | None
    prev_amount_fen: int | None
    departments: tuple[str, ...]
    category_zh: str = ""
    category_en: str = ""
    rectification_zh: str = ""
    rectification_en: str = ""
    note: str = ""
    updated_at: str = ""
    counted_hash: str = ""  # the submission (evidence.py hash) the last counted finding came from
    gap_fen: int | None = None  # still missing to reach the target (分) at the last finding
    direction: str = ""  # decrease (还需压减) | no_decrease (还需增加)
    id: int | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE_STATES

    def overdue(self, now: datetime) -> bool:
        return self.active and now > parse(self.deadline_at)


def _figures(obs: Observation) -> dict[str, Any]:
    return {
        "amount_fen": obs.amount_fen,
        "prev_amount_fen": obs.prev_amount_fen,
        "state": obs.state,
        "reason": obs.reason,
        **_cell(obs.key, obs.category_zh, obs.category_en),
    }


def _cell(key: CaseKey, category_zh: str, category_en: str) -> dict[str, Any]:
    """What a reason's words name (scope, category, years), kept with the event."""
    return {
        "scope": key.scope,
        "year": key.year,
        "prev_year": key.year - 1,
        "category_zh": category_zh or key.category,
        "category_en": category_en or key.category,
    }


def open_case(
    obs: Observation, number: str, now: datetime, supervision: Supervision, ctx: RunContext
) -> tuple[Case, list[Event]]:
    """A finding with no case yet: 待整改, with the 整改时限 of its level and rectification type."""
    level = str(obs.state)
    at = to_text(now)
    kind = supervision.rectification.kind_for(obs.key.category)
    kind_name = supervision.rectification.types[kind].name
    case = Case(
        key=obs.key,
        number=number,
        state=OPEN,
        level=level,
        rectification=kind,
        found_at=at,
        level_since=at,
        deadline_at=to_text(deadline_after(now, supervision.deadline_for(level, obs.key.category))),
        consecutive_runs=1,
        last_seen_at=at,
        last_run_id=ctx.run_id,
        last_file=ctx.file,
        message_zh=obs.message_zh,
        message_en=obs.message_en,
        sources=obs.sources,
        source_lines=obs.source_lines,
        amount_fen=obs.amount_fen,
        prev_amount_fen=obs.prev_amount_fen,
        departments=obs.departments,
        category_zh=obs.category_zh,
        category_en=obs.category_en,
        rectification_zh=kind_name.zh,
        rectification_en=kind_name.en,
        updated_at=at,
        counted_hash=obs.input_hash,
        gap_fen=obs.gap_fen,
        direction=obs.direction,
    )
    event = Event(
        OPENED,
        at,
        ctx.actor,
        to_state=OPEN,
        to_level=level,
        run_id=ctx.run_id,
        file=ctx.file,
        details={**_figures(obs), "deadline_at": case.deadline_at},
    )
    return case, [event]


def new_evidence(case: Case, obs: Observation) -> bool:
    """Whether this observation comes from data other than the submission the case last counted.

    A re-run of the same data (same content hash of the scope's lines, evidence.py) is no new
    evidence: it is recorded as seen and changes nothing. Without a hash (a ledger written before
    hashes were kept) a different run counts, as before.
    """
    if obs.input_hash and case.counted_hash:
        return obs.input_hash != case.counted_hash
    return True


def _with_finding(case: Case, obs: Observation, now: datetime, ctx: RunContext) -> Case:
    """The case's figures and text follow the latest finding; the streak counts distinct submissions."""
    return replace(
        case,
        consecutive_runs=case.consecutive_runs + 1,
        counted_hash=obs.input_hash,
        gap_fen=obs.gap_fen,
        direction=obs.direction or case.direction,
        last_seen_at=to_text(now),
        last_run_id=ctx.run_id,
        last_file=ctx.file,
        message_zh=obs.message_zh,
        message_en=obs.message_en,
        sources=obs.sources,
        source_lines=obs.source_lines,
        amount_fen=obs.amount_fen,
        prev_amount_fen=obs.prev_amount_fen,
        departments=obs.departments,
        category_zh=obs.category_zh or case.category_zh,
        category_en=obs.category_en or case.category_en,
        updated_at=to_text(now),
    )


def raise_level(case: Case, level: str, now: datetime, supervision: Supervision) -> Case:
    """A higher level starts its own 整改时限 from today."""
    return replace(
        case,
        level=level,
        level_since=to_text(now),
        deadline_at=to_text(deadline_after(now, supervision.deadline_for(level, case.key.category))),
        updated_at=to_text(now),
    )


def observe(
    case: Case, obs: Observation, now: datetime, supervision: Supervision, ctx: RunContext
) -> tuple[Case, list[Event]]:
    """What a later run's cell means for an existing case."""
    at = to_text(now)
    base: _Seen = {"run_id": ctx.run_id, "file": ctx.file, "details": _figures(obs)}
    if case.state == CLOSED:
        if obs.is_finding and obs.amount_fen != case.amount_fen:
            return replace(case, last_seen_at=at), [Event(SEEN_AFTER_CLOSE, at, ctx.actor, **base)]
        return case, []
    if obs.state == COMPLIANT:
        if case.state == RECTIFIED:
            return case, []
        missing = sorted(set(case.departments) - set(obs.departments))
        if case.key.scope_type == "government" and missing:
            details = {**base["details"], "missing_departments": missing}
            return case, [
                Event(NOT_RECTIFIED, at, ctx.actor, run_id=ctx.run_id, file=ctx.file, details=details)
            ]
        rectified = replace(
            case,
            state=RECTIFIED,
            last_seen_at=at,
            last_run_id=ctx.run_id,
            last_file=ctx.file,
            amount_fen=obs.amount_fen,
            prev_amount_fen=obs.prev_amount_fen,
            updated_at=at,
            counted_hash=obs.input_hash,
            gap_fen=0,
        )
        return rectified, [
            Event(RECTIFIED_EVENT, at, ctx.actor, from_state=case.state, to_state=RECTIFIED, **base)
        ]
    if not obs.is_finding:
        # 不可比 / 无数据 never rectifies a case: say so once per run, keep the case open.
        if case.state == RECTIFIED:
            return case, []
        return case, [Event(NOT_RECTIFIED, at, ctx.actor, **base)]
    events: list[Event] = []
    if case.state != RECTIFIED and not new_evidence(case, obs):
        # The same data run again: seen, and nothing else (no streak, no level, no deadline).
        seen = replace(case, last_seen_at=at, last_run_id=ctx.run_id, last_file=ctx.file)
        details = {**base["details"], "level": obs.state, "same_input": True, "runs": case.consecutive_runs}
        return seen, [Event(SEEN, at, ctx.actor, run_id=ctx.run_id, file=ctx.file, details=details)]
    if case.state == RECTIFIED:
        reopened = replace(_with_finding(case, obs, now, ctx), state=OPEN, consecutive_runs=1)
        reopened = raise_level(reopened, obs.state, now, supervision)
        events.append(
            Event(REOPENED, at, ctx.actor, from_state=RECTIFIED, to_state=OPEN, to_level=obs.state, **base)
        )
        return reopened, events
    updated = _with_finding(case, obs, now, ctx)
    seen_fields: _Seen = {
        **base,
        "details": {**base["details"], "level": obs.state, "runs": updated.consecutive_runs},
    }
    events.append(Event(SEEN, at, ctx.actor, **seen_fields))
    if _RANK[obs.state] > _RANK[case.level]:
        updated = raise_level(updated, obs.state, now, supervision)
        events.append(
            Event(
                LEVEL_RAISED,
                at,
                ctx.actor,
                from_level=case.level,
                to_level=obs.state,
                run_id=ctx.run_id,
                file=ctx.file,
                details={"deadline_at": updated.deadline_at},
            )
        )
    return updated, events


def not_confirmed(case: Case, why: str, now: datetime, ctx: RunContext, **details: Any) -> list[Event]:
    """A run that could not say whether a waiting case was rectified, and why (no line, file failed)."""
    if case.state not in ACTIVE_STATES:
        return []
    figures = {"state": why, "reason": why, **_cell(case.key, case.category_zh, case.category_en), **details}
    return [Event(NOT_RECTIFIED, to_text(now), ctx.actor, run_id=ctx.run_id, file=ctx.file, details=figures)]


def add_note(case: Case, text: str, actor: Actor, now: datetime) -> tuple[Case, list[Event]]:
    """整改情况: a note moves 待整改 to 整改中 (a 挂牌督办 case stays 挂牌督办 until rectified)."""
    text = text.strip()
    if not text:
        raise BudgetGuardError.from_key("case.note_empty")
    at = to_text(now)
    state = IN_PROGRESS if case.state == OPEN else case.state
    event = Event(NOTED, at, actor, from_state=case.state, to_state=state, reason=text)
    return replace(case, state=state, note=text, updated_at=at), [event]


def close_case(case: Case, reason: str, actor: Actor, now: datetime) -> tuple[Case, list[Event]]:
    """已销号 by a person, always with a reason; a red or 挂牌督办 case needs a verified person."""
    reason = reason.strip()
    if case.state == CLOSED:
        raise BudgetGuardError.from_key("case.already_closed", number=case.number)
    if not reason:
        raise BudgetGuardError.from_key("case.reason_missing")
    if (case.level == "red" or case.state == LISTED) and not actor.verified:
        raise BudgetGuardError.from_key("case.close_needs_sign_in")
    at = to_text(now)
    event = Event(CLOSED_EVENT, at, actor, from_state=case.state, to_state=CLOSED, reason=reason)
    return replace(case, state=CLOSED, updated_at=at), [event]
