"""``budget-guard history``: the runs a ledger recorded, and the files of one run."""

from __future__ import annotations

from pathlib import Path

import click

from budget_guard import messages as msg
from budget_guard.cli.options import emit_json, handles_errors, json_option, lang_option
from budget_guard.cli.output import print_table
from budget_guard.clock import beijing_short
from budget_guard.errors import InputError, Place
from budget_guard.ledger.runs import DEFAULT_STATE_NAME, open_ledger
from budget_guard.outputs.escape import echo
from budget_guard.runs.batch import run_history
from budget_guard.runs.exit_codes import EXIT_OK


@click.command()
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The ledger batch wrote (or give --out).",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"The batch --out folder (ledger OUT/{DEFAULT_STATE_NAME}).",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=20, show_default=True, help="Newest runs to list."
)
@click.option("--run", "run_id", type=int, help="List the files of this run.")
@json_option
@lang_option
@handles_errors
def history(
    state_path: Path | None, out_dir: Path | None, limit: int, run_id: int | None, as_json: bool, lang: str
) -> int:
    """List batch runs and their outcome from the ledger (newest first)."""
    if state_path is not None:
        state = state_path
    elif out_dir is not None:
        state = out_dir / DEFAULT_STATE_NAME
    else:
        raise click.UsageError(msg.t("error.ledger.no_history_file", lang))
    if run_id is not None:
        ledger = open_ledger(state)
        known = [r["id"] for r in ledger.runs()]
        if run_id not in known:
            raise InputError(
                msg.t("history.no_run", "zh", run=run_id, count=len(known), last=max(known, default="-")),
                msg.t("history.no_run", "en", run=run_id, count=len(known), last=max(known, default="-")),
                Place(file=str(state)),
                hint_zh=msg.t("history.no_run_hint", "zh"),
                hint_en=msg.t("history.no_run_hint", "en"),
            )
        files = ledger.files(run_id)
        if as_json:
            emit_json(files)
            return EXIT_OK
        if not files:
            echo(msg.t("history.no_files", lang, run=run_id))
        print_table(
            [
                "history.processed_at",
                "history.status",
                "history.worst",
                "history.sha",
                "history.size",
                "history.file",
                "history.message",
            ],
            [
                [
                    beijing_short(f["processed_at"]),
                    msg.value("value.outcome", f["status"], lang),
                    msg.level_label(f["worst_level"], lang) if f["worst_level"] else "-",
                    f["sha256"][:12],
                    str(f["size"]),
                    f["name"],
                    f["message"] or "",
                ]
                for f in files
            ],
            lang,
        )
        return EXIT_OK
    runs = run_history(state, limit)
    if as_json:
        emit_json(runs)
        return EXIT_OK
    if not runs:
        echo(msg.t("cli.no_runs", lang, path=state))
        return EXIT_OK
    print_table(
        [
            "history.run",
            "history.started",
            "history.finished",
            "history.status",
            "history.exit",
            "history.new",
            "history.failed",
            "history.skipped",
            "history.worst",
        ],
        [
            [
                str(r["id"]),
                beijing_short(r["started_at"]),
                beijing_short(r["finished_at"]) or "-",
                msg.value("value.run_status", r["status"], lang),
                "-" if r["exit_code"] is None else str(r["exit_code"]),
                str(r["files_new"]),
                str(r["files_failed"]),
                str(r["files_skipped"]),
                msg.level_label(r["worst_level"], lang) if r["worst_level"] else "-",
            ]
            for r in runs
        ],
        lang,
    )
    return EXIT_OK
