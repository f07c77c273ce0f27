"""挂牌督办: findings become supervision cases that stay open until a later run shows them rectified.

- ``identity``: what a case is about (scope × category × year × stage) and what a run observed
- ``lifecycle``: 待整改 → 整改中 → 已整改 / 已销号, 挂牌督办; every change an event
- ``escalation``: the ladder from the rules' ``supervision`` section
- ``store``: the tables in the batch ledger's SQLite file (schema version, migrations, WAL)
- ``clock`` / ``actor``: when (UTC stored, Beijing shown; injectable) and who

``track_evaluation`` is what check/batch call after each evaluation.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from budget_guard.cases.actor import Actor, os_user, run_actor
from budget_guard.cases.evidence import scope_hash, scope_hashes
from budget_guard.cases.identity import CaseKey, Observation, latest_year, observations
from budget_guard.cases.lifecycle import ACTIVE_STATES, STATES, Case, RunContext
from budget_guard.cases.lines import recorded_lines
from budget_guard.clock import Clock, FixedClock, current_clock, use_clock
from budget_guard.engine.compare import GOVERNMENT
from budget_guard.engine.evaluate import Evaluation
from budget_guard.errors import Place, RulesError, rules_problem
from budget_guard.ledger.cases import CASES_SCHEMA_VERSION, CaseStore, RunChanges
from budget_guard.model.rulebook import Rules, Supervision


def supervision_of(rules: Rules) -> Supervision:
    """The rules' ``supervision`` section; cases cannot be tracked without one."""
    if rules.supervision is None:
        raise RulesError(
            [rules_problem(Place(file=rules.source_path, key="supervision"), "rules.no_supervision")],
            rules.source_path or "",
        )
    return rules.supervision


def track_evaluation(
    store: CaseStore,
    evaluation: Evaluation,
    *,
    run_id: int,
    file: str,
    now: datetime | None = None,
    sweep: bool = True,
) -> RunChanges:
    """Open, follow, rectify and escalate cases from one evaluation (one file of a batch, or a check)."""
    supervision = supervision_of(evaluation.rules)
    latest = latest_year(evaluation)

    def opens(obs: Observation) -> bool:
        return supervision.open_years == "all" or obs.key.year == latest

    ctx = RunContext(run_id=run_id, file=file, actor=run_actor(run_id))
    hashes = scope_hashes(evaluation)
    several = len(evaluation.departments) >= 2

    def present(key: CaseKey) -> bool:
        """This run sent lines of the case's scope in its stage (a government total needs several departments)."""
        if key.stage != evaluation.stage or (key.scope_type == GOVERNMENT and not several):
            return False
        return bool(scope_hash(hashes, key.scope_type, key.scope))

    return store.apply_run(
        observations(evaluation, hashes),
        supervision,
        ctx,
        open_years=opens,
        now=now,
        sweep=sweep,
        present=present,
        lines_for=lambda key: recorded_lines(evaluation, key),
    )


def not_confirmed_run(
    store: CaseStore,
    *,
    run_id: int,
    file: str,
    failed: Iterable[str],
    now: datetime | None = None,
    last_file: str | None = None,
) -> RunChanges:
    """A run with a file that could not be read updates no case; each waiting case is told why
    (in a batch, only the cases last found in a file of that name: ``last_file``)."""
    ctx = RunContext(run_id=run_id, file=file, actor=run_actor(run_id))
    return store.not_confirmed_run(ctx, "file_failed", files=failed, now=now, last_file=last_file)


def write_open_cases(
    store: CaseStore,
    out_dir: str | Path,
    formats: Iterable[str],
    lang: str,
    *,
    now: datetime | None = None,
    rules: Rules | None = None,
) -> dict[str, Path]:
    """The 督办单 of every case still waiting (挂牌督办, 待整改, 整改中) into ``out_dir``, after a run.

    Written as ``督办单.<fmt>`` for each of the run's formats the 督办单 has (xlsx, html, md, json);
    returns ``case_<fmt>`` → path for the run's summary.
    """
    from budget_guard.cases.view import CaseFilter, ordered
    from budget_guard.reports.case_sheet import CASE_SHEET_FORMATS, CaseSheet, write_case_sheet
    from budget_guard.reports.paper import heading_from

    wanted = [f for f in CASE_SHEET_FORMATS if f in set(formats)]
    if not wanted:
        return {}
    now = now or store.clock()
    chosen = ordered(store.cases(), now, CaseFilter())
    sheet = CaseSheet(
        tuple(chosen), store.all_events(), now, store.path.name, CaseFilter(), heading=heading_from(rules)
    )
    return {f"case_{fmt}": path for fmt, path in write_case_sheet(sheet, out_dir, wanted, lang).items()}


def finish_run(store: CaseStore, rules: Rules, run_id: int, *, now: datetime | None = None) -> RunChanges:
    """After a batch's last file: the escalation ladder, once, as that run."""
    return store.sweep(supervision_of(rules), run_actor(run_id), now=now, run_id=run_id)


__all__ = [
    "ACTIVE_STATES",
    "CASES_SCHEMA_VERSION",
    "STATES",
    "Actor",
    "Case",
    "CaseKey",
    "CaseStore",
    "Clock",
    "FixedClock",
    "RunChanges",
    "current_clock",
    "finish_run",
    "not_confirmed_run",
    "os_user",
    "supervision_of",
    "track_evaluation",
    "use_clock",
    "write_open_cases",
]
