"""``budget-guard sample``: write the sample city, the published set and the 一体化 county."""

from __future__ import annotations

from pathlib import Path

import click

from budget_guard import messages as msg
from budget_guard.cli.options import DEFAULT_SAMPLE_DIR, handles_errors, lang_option
from budget_guard.outputs.escape import echo
from budget_guard.runs.exit_codes import EXIT_OK


@click.command()
@click.argument(
    "directory", required=False, type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_SAMPLE_DIR
)
@lang_option
@handles_errors
def sample(directory: Path, lang: str) -> int:
    """Write the sample city budget (CSV, XLSX, manifest.json of planted violations) into DIRECTORY."""
    from budget_guard.samples.city import write_sample

    paths = write_sample(directory)
    echo(msg.t("cli.sample_written", lang, count=len(paths)))
    for path in paths:
        echo(f"  {path}")
    return EXIT_OK
