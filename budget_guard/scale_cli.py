"""CLI for large data: ``check --engine duckdb|spark`` options and ``budget-guard convert``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from . import i18n
from .batch import EXIT_INPUT, EXIT_OK, load_error_text, unreadable_files
from .engine.backends import DEFAULT_ENGINE, ENGINES


def engine_options(command: Callable[..., int]) -> Callable[..., int]:
    """Which engine runs the line-level half, and where Spark is."""
    command = click.option(
        "--spark-table",
        help="Spark: read this catalog (Hive) table instead of paths (give any INPUT, e.g. '-').",
    )(command)
    command = click.option(
        "--spark-master",
        default="local[*]",
        show_default=True,
        help="Spark master URL (ignored when a SparkSession is already active, e.g. under spark-submit).",
    )(command)
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default=DEFAULT_ENGINE,
        show_default=True,
        help="pandas: spreadsheets in memory; duckdb / spark: canonical Parquet/CSV (see convert).",
    )(command)


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
@click.option("--lang", type=click.Choice(i18n.LANGS), default=i18n.DEFAULT_LANG, show_default=True)
def convert(inputs: tuple[Path, ...], out_dir: Path, stream: bool, lang: str) -> int:
    """Read spreadsheets once and write their canonical lines as Parquet for --engine duckdb|spark."""
    from .cli import handles_errors
    from .scaleout import convert as convert_files

    @handles_errors
    def run(lang: str) -> int:
        done = convert_files(list(inputs), out_dir, stream=stream)
        failed = unreadable_files(done.load)
        click.echo(
            i18n.t(
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
                f"{d} {y} {i18n.t(f'stage.{s}', lang) if i18n.has(f'stage.{s}') else s}"
                for d, y, s in done.shared_keys[:5]
            )
            click.echo(
                i18n.t("scale.stream_shared", lang, count=len(done.shared_keys), groups=shown), err=True
            )
        if failed:
            click.echo(i18n.t("cli.error", lang, message=load_error_text(done.load, lang)), err=True)
            return EXIT_INPUT
        return EXIT_OK

    return run(lang=lang)
