"""The escalation ladder from the rules' ``supervision.escalation``: yellow → red, red → 挂牌督办.

Run after each run's observations, over every case still waiting for rectification: a yellow
open at its 整改时限 (or found in N runs in a row) becomes red with a red's 整改时限 from today;
a red past its 整改时限 (or found in N runs in a row) becomes 挂牌督办. One rung per sweep, so a
freshly red case always gets its own 整改时限.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from budget_guard.cases.actor import Actor
from budget_guard.cases.lifecycle import (
    ACTIVE_STATES,
    ESCALATED,
    LISTED,
    LISTED_EVENT,
    Case,
    Event,
    raise_level,
)
from budget_guard.clock import parse, to_text
from budget_guard.model.rulebook import Escalation, Level, Supervision


def _due(rung: Escalation, case: Case, now: datetime) -> str | None:
    """Why this rung applies now (``deadline`` / ``consecutive_runs``), or None."""
    if rung.at_deadline and now > parse(case.deadline_at):
        return "deadline"
    if rung.consecutive_runs and case.consecutive_runs >= rung.consecutive_runs:
        return "consecutive_runs"
    return None


def escalate(
    case: Case, now: datetime, supervision: Supervision, actor: Actor, run_id: int | None
) -> tuple[Case, list[Event]]:
    if case.state not in ACTIVE_STATES or case.state == LISTED:
        return case, []
    ladder = supervision.escalation
    at = to_text(now)
    if case.level == Level.yellow.value:
        why = _due(ladder.yellow_to_red, case, now)
        if why:
            red = replace(raise_level(case, Level.red.value, now, supervision), consecutive_runs=0)
            event = Event(
                ESCALATED,
                at,
                actor,
                from_level=case.level,
                to_level=red.level,
                run_id=run_id,
                details={
                    "why": why,
                    "deadline_was": case.deadline_at,
                    "deadline_at": red.deadline_at,
                    "runs": case.consecutive_runs,
                },
            )
            return red, [event]
    elif case.level == Level.red.value:
        why = _due(ladder.red_to_listed, case, now)
        if why:
            listed = replace(case, state=LISTED, updated_at=at)
            event = Event(
                LISTED_EVENT,
                at,
                actor,
                from_state=case.state,
                to_state=LISTED,
                run_id=run_id,
                details={"why": why, "deadline_was": case.deadline_at, "runs": case.consecutive_runs},
            )
            return listed, [event]
    return case, []
