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
from budget_guard.outputs.escape import echo
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


_paper_options = [
    rules_option,
    click.option("--issuer", help="发文机关 (default: the rules' supervision.papers.issuer)."),
    click.option("--doc-number", "doc_number", help="督办文号, e.g. 财督〔2025〕3号 (default: the rules')."),
    click.option(
        "--date", "paper_date", help="日期 on the paper, YYYY-MM-DD (default: today, Beijing time)."
    ),
    click.option("--signer", help="签发人 (default: the rules'; unset: a line to sign on)."),
    click.option(
        "--government-unit",
        "government_unit",
        help="责任单位 of government-level cases (default: the rules' supervision.papers.government_unit).",
    ),
]


def _with_paper_options(command):
    for option in reversed(_paper_options):
        command = option(command)
    return command


def _heading(
    rules_path: Path | None,
    issuer: str | None,
    doc_number: str | None,
    paper_date: str | None,
    signer: str | None,
    government_unit: str | None,
):
    """The title block from the rules' ``supervision.papers`` and the options (validated, in words)."""
    import datetime as dt

    from budget_guard.errors import BudgetGuardError
    from budget_guard.reports.paper import heading_from

    day = None
    if paper_date is not None:
        try:
            day = dt.date.fromisoformat(paper_date.strip())
        except ValueError:
            raise BudgetGuardError.from_key("case.paper_date", value=paper_date) from None
    for name, value in (
        ("--issuer", issuer),
        ("--doc-number", doc_number),
        ("--signer", signer),
        ("--government-unit", government_unit),
    ):
        if value is not None and not value.strip():
            raise BudgetGuardError.from_key("case.paper_option_empty", option=name)
    rules = load_rules(rules_path)

    def clean(value: str | None) -> str | None:
        return value.strip() if value else None

    return heading_from(
        rules,
        issuer=clean(issuer),
        doc_number=clean(doc_number),
        date=day,
        signer=clean(signer),
        government_unit=clean(government_unit),
    )


def _with_filters(command):
    for option in reversed(_filters):
        command = option(command)
    return command


def _filter(
    states: tuple[str, ...], levels: tuple[str, ...], department: str | None, overdue: bool, include_all: bool
) -> CaseFilter:
    return CaseFilter(tuple(states), tuple(levels), department or None, overdue, active_only=not include_all)


def warn_bad_rows(store: CaseStore, lang: str) -> None:
    """One warning line per damaged ledger row that was skipped (case number, field, value)."""
    for bad in store.bad_rows:
        echo(msg.t("cli.warning", lang, message=bad.message(lang)), err=True)


@click.group("cases")
def cases() -> None:
    """挂牌督办 cases: list, show, add a 整改情况 note, close (销号), export the 督办单."""


@cases.command("list")
@ledger_option
@_with_filters
@rules_option
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
    rules_path: Path | None,
    as_json: bool,
    lang: str,
) -> int:
    """Open cases, overdue first (filters: --state, --level, --department, --overdue, --all)."""
    from budget_guard.reports.paper import heading_from

    store = CaseStore(ledger_path, create=False, readonly=True)
    now = current_clock()()
    chosen = ordered(store.cases(), now, _filter(states, levels, department, overdue, include_all))
    warn_bad_rows(store, lang)
    unit = heading_from(load_rules(rules_path)).unit_for(lang)  # 责任单位 of government-level cases
    rows = sheet_rows(chosen, now, lang, unit)
    if as_json:
        emit_json([{**{k.removeprefix("case.col."): v for k, v in r.items()}} for r in rows])
        return EXIT_OK
    if not rows:
        echo(msg.t("cli.cases_none", lang))
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
        echo("".join(pad(msg.t(c, lang), w) for c, w in zip(columns, widths, strict=True)).rstrip())
        for r in rows:
            echo("".join(pad(str(r[c]), w) for c, w in zip(columns, widths, strict=True)).rstrip())

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
    store = CaseStore(ledger_path, create=False, readonly=True)
    now = current_clock()()
    case = store.case(number)
    events = store.history(number)
    warn_bad_rows(store, lang)
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
        echo(f"{msg.t(column, lang)}: {value if value not in (None, '') else '—'}")
    echo(msg.t("cli.cases_behind", lang, sources=case.sources or "—"))
    echo(msg.t("cli.cases_history", lang))
    for h in history_rows(events, lang):
        where = f"  [{h['case.col.where']}]" if h["case.col.where"] else ""
        echo(f"  {h['case.col.when']}  {h['case.col.who']}  {h['case.col.what']}{where}")
    return EXIT_OK


@cases.command("changes")
@ledger_option
@click.option("--department", help="Only units whose name contains this text.")
@click.option("--all", "include_all", is_flag=True, help="Also list units with no change.")
@json_option
@lang_option
@handles_errors
def changes_command(
    ledger_path: Path, department: str | None, include_all: bool, as_json: bool, lang: str
) -> int:
    """What changed since the last submission, per unit: cells turned red/yellow/达标, cases opened,
    rectified, escalated (this run against the previous run of different data; re-runs are not submissions)."""
    from budget_guard.cases.changes import case_lines, cell_text, scope_title, submission_changes

    store = CaseStore(ledger_path, create=False)
    found = submission_changes(store.run_cells(), store.case_events_by_run(), scope=department or None)
    if as_json:
        emit_json([c.record(lang) for c in found if include_all or c.changed])
        return EXIT_OK
    if not found:
        echo(msg.t("cli.cases_changes_none", lang))
        return EXIT_OK

    def show() -> None:
        quiet = 0
        for change in found:
            if not (include_all or change.changed):
                quiet += 1
                continue
            echo(scope_title(change, lang))
            for cell in change.cells:
                echo(f"  {cell_text(cell, lang)}")
            if not change.cells:
                echo(f"  {msg.t('case.changes.no_cell', lang)}")
            for line in case_lines(change, lang):
                echo(f"  {line}")
        if quiet:
            echo(msg.t("cli.cases_changes_unchanged", lang, count=quiet))

    print_quietly(show)
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
        echo(
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
        echo(msg.t("cli.cases_closed", lang, number=case.number, who=actor.name))
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
@_with_paper_options
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
    rules_path: Path | None,
    issuer: str | None,
    doc_number: str | None,
    paper_date: str | None,
    signer: str | None,
    government_unit: str | None,
    as_json: bool,
    lang: str,
) -> int:
    """Write the 督办单 (one row per open case, overview, history) as XLSX/HTML/Markdown/JSON."""
    from budget_guard.reports import chosen_formats
    from budget_guard.reports.case_sheet import CASE_SHEET_FORMATS, CaseSheet, write_case_sheet

    wanted = chosen_formats(formats, CASE_SHEET_FORMATS, "output.case_sheet_formats")
    store = CaseStore(ledger_path, create=False, readonly=True)
    now = current_clock()()
    case_filter = _filter(states, levels, department, overdue, include_all)
    chosen = ordered(store.cases(), now, case_filter)
    heading = _heading(rules_path, issuer, doc_number, paper_date, signer, government_unit)
    sheet = CaseSheet(tuple(chosen), store.all_events(), now, str(ledger_path), case_filter, heading=heading)
    warn_bad_rows(store, lang)
    paths = write_case_sheet(sheet, out_dir, wanted, lang)
    if as_json:
        emit_json({"cases": len(chosen), "reports": {k: str(v) for k, v in paths.items()}})
    else:
        echo(msg.t("cli.cases_exported", lang, paths=", ".join(str(p) for p in paths.values())))
    return EXIT_OK


@cases.command("notice")
@ledger_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the 整改通知书.",
)
@click.option("--format", "formats", default="xlsx,pdf", show_default=True, help="Comma-separated: xlsx,pdf.")
@click.option("--department", help="Only the 责任单位 whose name contains this text.")
@_with_paper_options
@json_option
@lang_option
@handles_errors
def notice_cases(
    ledger_path: Path,
    out_dir: Path,
    formats: str,
    department: str | None,
    rules_path: Path | None,
    issuer: str | None,
    doc_number: str | None,
    paper_date: str | None,
    signer: str | None,
    government_unit: str | None,
    as_json: bool,
    lang: str,
) -> int:
    """整改通知书: one page per 责任单位 with its waiting cases (XLSX, and PDF through LibreOffice)."""
    from budget_guard.reports import chosen_formats
    from budget_guard.reports.notice import NOTICE_FORMATS, notices, write_notices

    wanted = chosen_formats(formats, NOTICE_FORMATS, "output.notice_formats")
    heading = _heading(rules_path, issuer, doc_number, paper_date, signer, government_unit)
    store = CaseStore(ledger_path, create=False)
    now = current_clock()()
    found = notices(ordered(store.cases(), now, CaseFilter()), heading, lang, unit=department or None)
    paths = write_notices(found, heading, now, out_dir, wanted, lang)
    if as_json:
        emit_json(
            {
                "units": [n.unit for n in found],
                "cases": sum(len(n.cases) for n in found),
                "reports": {k: str(v) for k, v in paths.items()},
            }
        )
    else:
        echo(
            msg.t(
                "cli.cases_notices",
                lang,
                units=len(found),
                paths=", ".join(str(p) for p in paths.values()),
            )
        )
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
        echo(msg.t("cli.cases_swept", lang, **changes.counts()))
    return EXIT_OK


def print_changes(changes, lang: str) -> None:
    """The one line check/batch print about what this run did to the cases."""
    echo(msg.t("cli.cases_changes", lang, **changes.counts()))
    if changes.rerun:
        echo(f"  {msg.t('cli.cases_rerun', lang, count=len(changes.rerun))}")
    for kind in ("opened", "escalated", "listed", "rectified", "reopened", "not_rectified"):
        numbers = getattr(changes, kind)
        if numbers:
            echo(f"  {msg.t(f'cli.cases_kind.{kind}', lang)}: {', '.join(numbers)}")


__all__ = ["cases", "print_changes"]
