"""What every command shares: options, the one-line JSON summary, and how errors become exit codes.

One module so that a command never imports another command's private helpers.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from budget_guard import messages as msg
from budget_guard.cli.language import environment_lang
from budget_guard.clock import beijing_short, now_utc, utc_text
from budget_guard.engine.backends import DEFAULT_ENGINE, ENGINES
from budget_guard.errors import BudgetGuardError, RulesError
from budget_guard.extras import installed
from budget_guard.model.limits import DEFAULT_LIMITS, Limits
from budget_guard.model.table import STAGES
from budget_guard.outputs.escape import echo, json_text
from budget_guard.reports import DEFAULT_FORMATS, parse_formats
from budget_guard.runs.exit_codes import (
    DEFAULT_FAIL_ON,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_TERMINATED,
    FAIL_LEVELS,
    Terminated,
)
from budget_guard.runs.lock import BatchLocked

if TYPE_CHECKING:
    from budget_guard.runs.check import Progress

# The engine, the readers and the reports are imported where a command uses them, never at the top:
# ``budget-guard --help`` and ``budget-guard rules check`` start without pandas (issue #26).

DEFAULT_OUT = "budget-guard-out"


DEFAULT_SAMPLE_DIR = "budget-guard-sample"


PROGRESS_MODES = ("auto", "text", "jsonl", "none")


lang_option = click.option(
    "--lang",
    type=click.Choice(msg.LANGS),
    default=environment_lang,  # BUDGET_GUARD_LANG, else the locale, else zh (cli/language.py)
    show_default=False,
    help="Language of reports and messages (default: BUDGET_GUARD_LANG or the locale, else Chinese).",
)


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON summary on stdout (for schedulers)."
)


class JsonSummary:
    """``check``/``batch --json`` print exactly one summary line on every exit (2, 3, 4, 130 too).

    The command prints its own record when it finishes; ``main`` prints a short one for any
    exit that happened before (bad input, lock held, a bug, an interrupt), so a scheduler
    always has a last stdout line to push.
    """

    commands = ("check", "batch")

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.wanted = False
        self.emitted = False
        self.command = ""
        self.messages: list[str] = []

    def start(self, argv: list[str]) -> None:
        self._reset()
        self.command = next((a for a in argv if not a.startswith("-")), "")
        self.wanted = self.command in self.commands and "--json" in argv

    def fallback(self, code: int) -> dict[str, Any]:
        from budget_guard.engine.states import OUTCOME_INPUT_FAILED

        outcome = {
            EXIT_INPUT: OUTCOME_INPUT_FAILED,
            EXIT_LOCKED: "locked",
            EXIT_INTERNAL: "internal_error",
            EXIT_INTERRUPTED: "interrupted",
            EXIT_TERMINATED: "interrupted",
        }.get(code, "error")
        return {
            "command": self.command,
            "exit_code": code,
            "outcome": outcome,
            "message": " | ".join(self.messages),
        }


SUMMARY = JsonSummary()


def emit_json(record: Any) -> None:
    """One line of JSON: schedulers (Airflow's XCom, log shippers) take the last stdout line."""
    echo(json_text(record, default=str))
    SUMMARY.emitted = True


def print_quietly(show: Callable[..., None], *args: Any) -> None:
    """Print a summary; if the reader of stdout went away (``| head``) stop printing, keep the exit code."""
    try:
        show(*args)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def print_error(message: str, lang: str, hint: str = "") -> None:
    """The error line, and under it the hint line saying how to fix it.

    Control characters from file names (newline, ESC) are shown escaped, never sent raw.
    """
    from budget_guard.ingest.files.sources import escape_controls

    SUMMARY.messages.append(message)
    echo(escape_controls(msg.t("cli.error", lang, message=message)), err=True)
    if hint:
        echo(escape_controls(msg.t("cli.hint", lang, hint=hint)), err=True)


def handles_errors(command: Callable[..., int]) -> Callable[..., int]:
    """Map exceptions to exit codes: user errors → one line and 2, lock → 3, bugs → traceback and 4."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        lang = kwargs.get("lang", msg.DEFAULT_LANG)
        try:
            return command(*args, **kwargs)
        except BatchLocked as exc:
            text = msg.t("cli.locked", lang, path=exc.lock_path) + f" — {exc.message(lang)}"
            SUMMARY.messages.append(text)
            echo(text, err=True)
            return EXIT_LOCKED
        except RulesError as exc:
            sep = "：" if lang == "zh" else ": "
            for place, zh, en in exc.problems:
                where = place.describe(lang)
                text = zh if lang == "zh" else en
                print_error(f"{where}{sep}{text}" if where else text, lang)
            echo(msg.t("cli.hint", lang, hint=exc.hint(lang)), err=True)
            return EXIT_INPUT
        except BudgetGuardError as exc:
            print_error(exc.text(lang), lang, exc.hint(lang))
            return EXIT_INPUT
        except OSError as exc:
            print_error(f"{exc.filename or ''} {exc.strerror or exc}".strip(), lang)
            return EXIT_INPUT
        except KeyboardInterrupt as exc:
            quiet_after_interrupt()
            return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED

    return wrapper


def quiet_after_interrupt() -> None:
    """After Ctrl-C or SIGTERM, half-written workbooks are collected at exit; their "Exception ignored
    … I/O operation on closed file" is noise about files already removed, not news for the user."""
    sys.unraisablehook = lambda unraisable: None


def raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def limits_from_options(
    max_file_mb: float,
    max_unpacked_mb: float,
    max_cells: int,
    max_cell_chars: int,
    max_amount_yuan: int,
    settle_seconds: float | None = None,
) -> Limits:
    from budget_guard.runs.inbox import settle_seconds_default

    return Limits(
        max_file_mb=max_file_mb,
        max_unpacked_mb=max_unpacked_mb,
        max_cells=max_cells,
        max_cell_chars=max_cell_chars,
        max_amount_yuan=max_amount_yuan,
        settle_seconds=settle_seconds_default() if settle_seconds is None else settle_seconds,
    )


def limit_options(command: Callable[..., int]) -> Callable[..., int]:
    """The input limits (docs/cli.md, "Limits"), the same flags on check and batch."""
    d = DEFAULT_LIMITS
    for option in reversed(
        (
            click.option(
                "--max-file-mb",
                type=click.FloatRange(min=0),
                default=d.max_file_mb,
                show_default=True,
                help="Largest input file (MB).",
            ),
            click.option(
                "--max-unpacked-mb",
                type=click.FloatRange(min=0),
                default=d.max_unpacked_mb,
                show_default=True,
                help="Largest decompressed size of a zipped workbook (MB).",
            ),
            click.option(
                "--max-cells",
                type=click.IntRange(min=1),
                default=d.max_cells,
                show_default=True,
                help="Largest used range of one sheet (rows x columns).",
            ),
            click.option(
                "--max-cell-chars",
                type=click.IntRange(min=1),
                default=d.max_cell_chars,
                show_default=True,
                help="Longest cell; a longer one rejects its row.",
            ),
            click.option(
                "--max-amount-yuan",
                type=click.IntRange(min=1),
                default=d.max_amount_yuan,
                show_default=True,
                help="Largest amount of one line (yuan).",
            ),
        )
    ):
        command = option(command)
    return command


def make_progress(mode: str, lang: str) -> Progress:
    """Text lines on a terminal, nothing when stderr is not one (``auto``), or JSON lines on request."""
    if mode == "auto":
        mode = "text" if sys.stderr.isatty() else "none"
    if mode == "none":
        return lambda event, values: None
    if mode == "jsonl":
        return lambda event, values: echo(
            json_text({"event": event, "time": utc_text(), **values}, default=str),
            err=True,
        )

    run: dict[str, Any] = {}

    def say(line: str) -> None:
        """One log line: Beijing time, the batch run id once known, the text."""
        stamp = beijing_short(now_utc())
        if "id" in run:
            echo(msg.t("cli.log_line", lang, time=stamp, run=run["id"], text=line), err=True)
        else:
            echo(f"{stamp} {line}", err=True)

    def text(event: str, values: dict[str, Any]) -> None:
        if values.get("run_id") is not None:
            run["id"] = values["run_id"]
        if event == "file_done":
            outcome = (
                msg.level_label(values["worst_level"], lang) + msg.t("cli.lines", lang, lines=values["lines"])
                if values["status"] == "processed"
                else msg.t(f"outcome.{values['status']}", lang)
                + (f" — {values['message']}" if values["message"] else "")
            )
            say(msg.t("cli.batch_file", lang, outcome=outcome, **values))
            return
        key = {
            "read_start": "cli.reading",
            "read_done": "cli.read_done",
            "evaluate": "cli.evaluating",
            "ge": "cli.ge_running",
            "write": "cli.writing",
            "batch_start": "cli.batch_start",
        }.get(event)
        if key:
            values = {"count": values.get("files"), **values}
            say(msg.t(key, lang, **values))

    return text


def formats_with_ge(formats: str, ge: bool | None, ge_default: bool) -> tuple[str, ...]:
    """The report formats; Great Expectations by ``--ge/--no-ge``, else as ``--format`` says, else
    the command's default (``check`` off: it costs seconds per run; ``batch`` on when the ``[ge]`` extra is
    installed: its Data Docs are kept). Asked for explicitly without the extra, the run says which to install."""
    chosen = parse_formats(formats)
    wanted = ge if ge is not None else ("ge" in chosen or (ge_default and installed("great_expectations")))
    return tuple(f for f in chosen if f != "ge") + (("ge",) if wanted else ())


fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(FAIL_LEVELS),
    default=DEFAULT_FAIL_ON,
    show_default=True,
    help="Exit 1 when a finding is at or above this level ('none': never).",
)


rules_option = click.option(
    "--rules",
    "rules_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rules YAML (default: the packaged rules/four_no_decrease.yaml).",
)


format_option = click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    help="Comma-separated report formats: json,xlsx,html,md (ge = Great Expectations, as --ge).",
)


def ge_option(default_on: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--ge/--no-ge",
        "ge",
        default=None,
        help="Run the Great Expectations checkpoint and build Data Docs (seconds per run; default: "
        + ("on" if default_on else "off, or on when --format lists ge")
        + ").",
    )


stage_option = click.option(
    "--stage", type=click.Choice(STAGES), help="Compare this stage (default: the rules')."
)


ledger_option = click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite ledger: record this run and update its 挂牌督办 cases (docs/cases.md).",
)


progress_option = click.option(
    "--progress",
    type=click.Choice(PROGRESS_MODES),
    default="auto",
    show_default=True,
    help="Progress on stderr: auto = text on a terminal, nothing otherwise.",
)


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
