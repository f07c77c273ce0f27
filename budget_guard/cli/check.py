"""``budget-guard check``: read files, evaluate, write the reports, exit by the worst finding."""

from __future__ import annotations

from pathlib import Path

import click

from budget_guard import messages as msg
from budget_guard.cli.options import (
    DEFAULT_OUT,
    emit_json,
    engine_options,
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
    print_error,
    print_quietly,
    progress_option,
    rules_option,
    stage_option,
)
from budget_guard.cli.output import print_cases, print_check
from budget_guard.model.rulebook import load_rules
from budget_guard.outputs.escape import echo
from budget_guard.runs.check import load_error_hints, run_check


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@rules_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the reports.",
)
@format_option
@fail_on_option
@lang_option
@stage_option
@click.option("--department", help="Department name for tables that do not state it.")
@click.option("--year", type=click.IntRange(1990, 2100), help="Fiscal year for tables that do not state it.")
@click.option(
    "--aliases",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Department aliases (YAML or CSV) so a renamed department is compared as one.",
)
@ledger_option
@json_option
@ge_option(default_on=False)
@progress_option
@limit_options
@engine_options
@handles_errors
def check(
    inputs: tuple[Path, ...],
    rules_path: Path | None,
    out_dir: Path,
    formats: str,
    fail_on: str,
    lang: str,
    stage: str | None,
    department: str | None,
    year: int | None,
    aliases: Path | None,
    ledger_path: Path | None,
    as_json: bool,
    ge: bool | None,
    progress: str,
    max_file_mb: float,
    max_unpacked_mb: float,
    max_cells: int,
    max_cell_chars: int,
    max_amount_yuan: int,
    engine: str,
    spark_master: str,
    spark_table: str | None,
) -> int:
    """Check FILE_OR_DIR... and write the reports into --out."""
    from budget_guard.clock import current_clock

    rules = load_rules(rules_path)
    limits = limits_from_options(max_file_mb, max_unpacked_mb, max_cells, max_cell_chars, max_amount_yuan)
    outcome = run_check(
        list(inputs),
        rules,
        out_dir,
        formats=formats_with_ge(formats, ge, ge_default=False),
        lang=lang,
        fail_on=fail_on,
        stage=stage,
        department=department,
        year=year,
        progress=make_progress(progress, lang),
        limits=limits,
        aliases=aliases,
        ledger_path=ledger_path,
        clock=current_clock(),
        engine=engine,
        spark_master=spark_master,
        spark_table=spark_table,
    )
    if as_json:
        print_quietly(emit_json, outcome.as_record())
    else:
        print_quietly(print_check, outcome, lang)
        if outcome.cases is not None:
            print_quietly(print_cases, outcome.cases, lang, bool(outcome.message))
    for bad in outcome.bad_rows:  # damaged ledger rows: reported, skipped, never a traceback
        echo(msg.t("cli.warning", lang, message=bad.message(lang)), err=True)
    if outcome.message:
        print_error(outcome.message, lang, load_error_hints(outcome.load, lang))
    return outcome.exit_code
