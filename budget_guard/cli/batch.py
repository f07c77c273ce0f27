"""``budget-guard batch``: process the new files of an inbox under a lock, for cron/systemd/Airflow."""

from __future__ import annotations

from pathlib import Path

import click

from budget_guard import messages as msg
from budget_guard.cli.options import (
    emit_json,
    fail_on_option,
    format_option,
    formats_with_ge,
    ge_option,
    handles_errors,
    json_option,
    lang_option,
    ledger_option,
    limit_options,
    limits_from_options,
    make_progress,
    print_quietly,
    progress_option,
    rules_option,
    stage_option,
)
from budget_guard.cli.output import print_batch, print_cases
from budget_guard.ingest.files.sources import escape_controls
from budget_guard.ledger.runs import DEFAULT_STATE_NAME
from budget_guard.model.rulebook import load_rules
from budget_guard.outputs.escape import echo
from budget_guard.runs.batch import run_batch
from budget_guard.runs.inbox import LEDGER_MISSING


@click.command()
@click.argument("inbox", type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the reports (one sub-folder per input file).",
)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"SQLite ledger (default: OUT/{DEFAULT_STATE_NAME}); the lock is STATE.lock.",
)
@rules_option
@format_option
@fail_on_option
@lang_option
@stage_option
@click.option(
    "--reprocess", is_flag=True, help="Process every file again, even if its hash is in the ledger."
)
@click.option(
    "--settle-seconds",
    type=click.FloatRange(min=0),
    default=None,
    help="Leave files modified less than this long ago for the next run [default: 10, or $BUDGET_GUARD_SETTLE_SECONDS].",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Read symlinks in the inbox that point outside it (refused by default).",
)
@click.option("--department", help="Department name for inbox tables that do not state it.")
@click.option(
    "--year", type=click.IntRange(1990, 2100), help="Fiscal year for inbox tables that do not state it."
)
@ledger_option
@json_option
@ge_option(default_on=True)
@progress_option
@limit_options
@handles_errors
def batch(
    inbox: Path,
    out_dir: Path,
    state_path: Path | None,
    rules_path: Path | None,
    formats: str,
    fail_on: str,
    lang: str,
    stage: str | None,
    reprocess: bool,
    settle_seconds: float | None,
    follow_symlinks: bool,
    department: str | None,
    year: int | None,
    ledger_path: Path | None,
    as_json: bool,
    ge: bool | None,
    progress: str,
    max_file_mb: float,
    max_unpacked_mb: float,
    max_cells: int,
    max_cell_chars: int,
    max_amount_yuan: int,
) -> int:
    """Process every new file in INBOX (new = content hash not in the ledger).

    With --ledger the cases are tracked in that file, which is also the batch ledger (--state).
    """
    from budget_guard.clock import current_clock

    if ledger_path is not None and state_path is not None and ledger_path.resolve() != state_path.resolve():
        raise click.UsageError(msg.t("cli.cases_ledger_conflict", lang))
    state_path = ledger_path or state_path
    rules = load_rules(rules_path)
    limits = limits_from_options(
        max_file_mb, max_unpacked_mb, max_cells, max_cell_chars, max_amount_yuan, settle_seconds
    )
    outcome = run_batch(
        inbox,
        out_dir,
        rules,
        state_path=state_path,
        formats=formats_with_ge(formats, ge, ge_default=True),
        lang=lang,
        fail_on=fail_on,
        stage=stage,
        reprocess=reprocess,
        progress=make_progress(progress, lang),
        limits=limits,
        follow_symlinks=follow_symlinks,
        department=department,
        year=year,
        track_cases=ledger_path is not None,
        clock=current_clock(),
    )
    if as_json:
        print_quietly(emit_json, outcome.as_record())
    else:
        print_quietly(print_batch, outcome, lang)
        if outcome.cases is not None:
            print_quietly(print_cases, outcome.cases, lang, False)
        if outcome.case_reports:
            paths = ", ".join(str(p) for p in outcome.case_reports.values())
            print_quietly(echo, msg.t("cli.cases_exported", lang, paths=paths))
    for bad in outcome.bad_rows:  # damaged case-ledger rows: reported, skipped, never a traceback
        echo(msg.t("cli.warning", lang, message=bad.message(lang)), err=True)
    for note in outcome.notes:
        if note.refused or note.kind == LEDGER_MISSING:
            echo(escape_controls(msg.t("cli.warning", lang, message=note.message(lang))), err=True)
    return outcome.exit_code
