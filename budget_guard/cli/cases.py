"""``budget-guard cases list|show|note|close|export|sweep``: the 督办台账 from the command line.

Who did it is the OS user running the command (``getpass``); times are printed in Beijing
time. Exit codes as in docs/cli.md: 0 done, 2 a user error (unknown number, empty reason, no
ledger), never a traceback.
"""

from __future__ import annotations

from pathlib import Path

import click

from budget_guard import messages as msg
from budget_guard.cases.actor import os_user
from budget_guard.cases.lifecycle import STATES
from budget_guard.cases.view import LEVELS_WORST_FIRST, CaseFilter, history_rows, ordered, sheet_rows
from budget_guard.cli.options import (
    emit_json,
    handles_errors,
    json_option,
    lang_option,
    print_quietly,
    rules_option,
)
from budget_guard.cli.output import pad
from budget_guard.clock import current_clock
from budget_guard.ledger.cases import CaseStore
from budget_guard.model.rulebook import load_rules
from budget_guard.runs.exit_codes import EXIT_OK

ledger_option = click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The SQLite ledger check/batch --ledger wrote.",
)
_filters = [
    click.option(
        "--state", "states", multiple=True, type=click.Choice(STATES), help="Only this state (repeatable)."
    ),
    click.option(
        "--level",
        "levels",
        multiple=True,
        type=click.Choice(LEVELS_WORST_FIRST),
        help="Only this level (repeatable).",
    ),
    click.option("--department", help="Only cases whose responsible unit contains this text."),
    click.option("--overdue", is_flag=True, help="Only cases past their 整改时限."),
    click.option("--all", "include_all", is_flag=True, help="Include 已整改 and 已销号 cases."),
]


def _with_filters(command):
    for option in reversed(_filters):
        command = option(command)
    return command


def _filter(
    states: tuple[str, ...], levels: tuple[str, ...], department: str | None, overdue: bool, include_all: bool
) -> CaseFilter:
    return CaseFilter(tuple(states), tuple(levels), department or None, overdue, active_only=not include_all)


@click.group("cases")
def cases() -> None:
    """挂牌督办 cases: list, show, add a 整改情况 note, close (销号), export the 督办单."""


@cases.command("list")
@ledger_option
@_with_filters
@json_option
@lang_option
@handles_errors
def list_cases(
    ledger_path: Path,
    states: tuple[str, ...],
    levels: tuple[str, ...],
    department: str | None,
    overdue: bool,
    include_all: bool,
    as_json: bool,
    lang: str,
) -> int:
    """Open cases, overdue first (filters: --state, --level, --department, --overdue, --all)."""
    store = CaseStore(ledger_path, create=False)
    now = current_clock()()
    chosen = ordered(store.cases(), now, _filter(states, levels, department, overdue, include_all))
    rows = sheet_rows(chosen, now, lang)
    if as_json:
        emit_json([{**{k.removeprefix("case.col."): v for k, v in r.items()}} for r in rows])
        return EXIT_OK
    if not rows:
        click.echo(msg.t("cli.cases_none", lang))
        return EXIT_OK

    def show() -> None:
        columns = (
            "case.col.number",
            "case.col.state",
            "case.col.level",
            "case.col.unit",
            "case.col.category",
            "case.col.deadline",
        )
        widths = (18, 22, 16, 20, 14, 12)
        click.echo("".join(pad(msg.t(c, lang), w) for c, w in zip(columns, widths, strict=True)).rstrip())
        for r in rows:
            click.echo("".join(pad(str(r[c]), w) for c, w in zip(columns, widths, strict=True)).rstrip())

    print_quietly(show)
    return EXIT_OK


@cases.command("show")
@click.argument("number")
@ledger_option
@json_option
@lang_option
@handles_errors
def show_case(number: str, ledger_path: Path, as_json: bool, lang: str) -> int:
    """One case: what it is about, the lines behind it, and its whole history."""
    store = CaseStore(ledger_path, create=False)
    now = current_clock()()
    case = store.case(number)
    events = store.history(number)
    row = sheet_rows([case], now, lang)[0]
    if as_json:
        emit_json(
            {
                **{k.removeprefix("case.col."): v for k, v in row.items()},
                "key": case.key.text(),
                "sources": case.sources,
                "history": events,
            }
        )
        return EXIT_OK
    for column in (
        "case.col.number",
        "case.col.unit",
        "case.col.category",
        "case.col.year",
        "case.col.level",
        "case.col.state",
        "case.col.rectification",
        "case.col.found",
        "case.col.deadline",
        "case.col.progress",
        "case.col.description",
    ):
        value = {
            "case.col.year": case.key.year,
            "case.col.rectification": case.rectification_en if lang == "en" else case.rectification_zh,
        }.get(column, row.get(column))
        click.echo(f"{msg.t(column, lang)}: {value if value not in (None, '') else '—'}")
    click.echo(msg.t("cli.cases_behind", lang, sources=case.sources or "—"))
    click.echo(msg.t("cli.cases_history", lang))
    for h in history_rows(events, lang):
        where = f"  [{h['case.col.where']}]" if h["case.col.where"] else ""
        click.echo(f"  {h['case.col.when']}  {h['case.col.who']}  {h['case.col.what']}{where}")
    return EXIT_OK


@cases.command("note")
@click.argument("number")
@click.option("--text", "text", required=True, help="整改情况: what the unit has done so far.")
@ledger_option
@json_option
@lang_option
@handles_errors
def note_case(number: str, text: str, ledger_path: Path, as_json: bool, lang: str) -> int:
    """Add a 整改情况 note (待整改 → 整改中); recorded with the OS user and the time."""
    actor = os_user()
    case = CaseStore(ledger_path, create=False).note(number, text, actor, now=current_clock()())
    if as_json:
        emit_json({"number": case.number, "state": case.state, "who": actor.name})
    else:
        click.echo(
            msg.t(
                "cli.cases_noted",
                lang,
                number=case.number,
                who=actor.name,
                state=msg.t(f"case.state.{case.state}", lang),
            )
        )
    return EXIT_OK


@cases.command("close")
@click.argument("number")
@click.option("--reason", required=True, help="Why the case is closed (销号理由); required.")
@ledger_option
@json_option
@lang_option
@handles_errors
def close_case(number: str, reason: str, ledger_path: Path, as_json: bool, lang: str) -> int:
    """Close a case (已销号) with a reason; recorded with the OS user and the time."""
    actor = os_user()
    case = CaseStore(ledger_path, create=False).close(number, reason, actor, now=current_clock()())
    if as_json:
        emit_json({"number": case.number, "state": case.state, "who": actor.name})
    else:
        click.echo(msg.t("cli.cases_closed", lang, number=case.number, who=actor.name))
    return EXIT_OK


@cases.command("export")
@ledger_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the 督办单.",
)
@click.option(
    "--format",
    "formats",
    default="xlsx,html,md,json",
    show_default=True,
    help="Comma-separated: xlsx,html,md,json.",
)
@_with_filters
@json_option
@lang_option
@handles_errors
def export_cases(
    ledger_path: Path,
    out_dir: Path,
    formats: str,
    states: tuple[str, ...],
    levels: tuple[str, ...],
    department: str | None,
    overdue: bool,
    include_all: bool,
    as_json: bool,
    lang: str,
) -> int:
    """Write the 督办单 (one row per open case, overview, history) as XLSX/HTML/Markdown/JSON."""
    from budget_guard.errors import BudgetGuardError
    from budget_guard.reports.case_sheet import CASE_SHEET_FORMATS, CaseSheet, write_case_sheet

    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in CASE_SHEET_FORMATS]
    if unknown or not wanted:
        raise BudgetGuardError(
            f"未知的督办单格式：{', '.join(unknown) or '（空）'}；可选：{', '.join(CASE_SHEET_FORMATS)}",
            f"unknown format(s): {', '.join(unknown) or '(none)'}; choose from {', '.join(CASE_SHEET_FORMATS)}",
        )
    store = CaseStore(ledger_path, create=False)
    now = current_clock()()
    case_filter = _filter(states, levels, department, overdue, include_all)
    chosen = ordered(store.cases(), now, case_filter)
    sheet = CaseSheet(tuple(chosen), store.all_events(), now, str(ledger_path), case_filter)
    paths = write_case_sheet(sheet, out_dir, wanted, lang)
    if as_json:
        emit_json({"cases": len(chosen), "reports": {k: str(v) for k, v in paths.items()}})
    else:
        click.echo(msg.t("cli.cases_exported", lang, paths=", ".join(str(p) for p in paths.values())))
    return EXIT_OK


@cases.command("sweep")
@ledger_option
@rules_option
@json_option
@lang_option
@handles_errors
def sweep_cases(ledger_path: Path, rules_path: Path | None, as_json: bool, lang: str) -> int:
    """Apply the escalation ladder now, without a run (e.g. daily from cron between batches)."""
    from budget_guard.cases import supervision_of

    supervision = supervision_of(load_rules(rules_path))
    changes = CaseStore(ledger_path, create=False).sweep(supervision, os_user(), now=current_clock()())
    if as_json:
        emit_json(changes.as_record())
    else:
        click.echo(msg.t("cli.cases_swept", lang, **changes.counts()))
    return EXIT_OK


def print_changes(changes, lang: str) -> None:
    """The one line check/batch print about what this run did to the cases."""
    click.echo(msg.t("cli.cases_changes", lang, **changes.counts()))
    for kind in ("opened", "escalated", "listed", "rectified", "reopened"):
        numbers = getattr(changes, kind)
        if numbers:
            click.echo(f"  {msg.t(f'cli.cases_kind.{kind}', lang)}: {', '.join(numbers)}")


__all__ = ["cases", "print_changes"]
