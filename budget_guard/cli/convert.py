"""``budget-guard convert``: read spreadsheets once into a canonical Parquet dataset for DuckDB/Spark."""

from __future__ import annotations

from pathlib import Path

import click

from budget_guard import messages as msg
from budget_guard.cli.options import handles_errors, lang_option
from budget_guard.outputs.escape import echo
from budget_guard.runs.exit_codes import EXIT_INPUT, EXIT_OK
from budget_guard.runs.outcome import load_error_text, unreadable_files


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder for the Parquet dataset (lines.parquet) and rejected.csv.",
)
@click.option(
    "--stream",
    is_flag=True,
    help="Read one spreadsheet at a time and append it (a folder larger than memory); checks across "
    "files then run within each file only, and groups found in several files are named.",
)
@lang_option
def convert(inputs: tuple[Path, ...], out_dir: Path, stream: bool, lang: str) -> int:
    """Read spreadsheets once and write their canonical lines as Parquet for --engine duckdb|spark."""
    from budget_guard.runs.large_data import convert as convert_files

    @handles_errors
    def run(lang: str) -> int:
        done = convert_files(list(inputs), out_dir, stream=stream)
        failed = unreadable_files(done.load)
        echo(
            msg.t(
                "scale.converted",
                lang,
                lines=done.lines,
                files=len(done.load.files),
                rejected=len(done.load.rejected),
                path=done.dataset,
            )
        )
        if done.shared_keys:
            shown = "、".join(
                f"{d} {y} {msg.t(f'stage.{s}', lang) if msg.has(f'stage.{s}') else s}"
                for d, y, s in done.shared_keys[:5]
            )
            echo(msg.t("scale.stream_shared", lang, count=len(done.shared_keys), groups=shown), err=True)
        if failed:
            echo(msg.t("cli.error", lang, message=load_error_text(done.load, lang)), err=True)
            return EXIT_INPUT
        return EXIT_OK

    return run(lang=lang)
