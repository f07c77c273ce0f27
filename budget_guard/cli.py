"""The ``budget-guard`` command: argument parsing, output and exit codes only (the work is in batch.py).

Exit codes (docs/cli.md): 0 nothing at or above the fail level; 1 findings at or above it;
2 unreadable input, invalid rules or bad arguments (one clear line, never a traceback);
3 another batch run holds the lock; 4 an internal error (a bug: the traceback is printed);
5 every input read but nothing compared like for like (never a sign-off); 130 interrupted.
With ``--json``, ``check`` and ``batch`` print exactly one summary line on every exit.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import sys
import traceback
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__, i18n
from .batch import (
    DEFAULT_FAIL_ON,
    DEFAULT_STATE_NAME,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_TERMINATED,
    FAIL_LEVELS,
    NOTHING_COMPARED,
    BatchLocked,
    BatchOutcome,
    CheckOutcome,
    Progress,
    Terminated,
    load_error_hints,
    open_ledger,
    run_batch,
    run_check,
    run_history,
)
from .clock import beijing_short, now_utc, utc_text
from .engine.states import OUTCOME_INPUT_FAILED, STATES
from .errors import BudgetGuardError, InputError, Place, RulesError
from .inbox import LEDGER_MISSING, settle_seconds_default
from .ingest.outcomes import table_summary_lines
from .ingest.sources import escape_controls
from .limits import DEFAULT_LIMITS, Limits
from .reports import DEFAULT_FORMATS, parse_formats
from .rulebook import LEVEL_ORDER, load_rules
from .table import STAGES

DEFAULT_OUT = "budget-guard-out"
DEFAULT_SAMPLE_DIR = "budget-guard-sample"
PROGRESS_MODES = ("auto", "text", "jsonl", "none")

_lang_option = click.option(
    "--lang",
    type=click.Choice(i18n.LANGS),
    default=i18n.DEFAULT_LANG,
    show_default=True,
    help="Language of reports and messages.",
)
_json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON summary on stdout (for schedulers)."
)


class _JsonSummary:
    """``check``/``batch --json`` print exactly one summary line on every exit (2, 3, 4, 130 too).

    The command prints its own record when it finishes; ``main`` prints a short one for any
    exit that happened before (bad input, lock held, a bug, an interrupt), so a scheduler
    always has a last stdout line to push.
    """

    commands = ("check", "batch")

    def __init__(self) -> None:
        self.wanted = False
        self.emitted = False
        self.command = ""
        self.messages: list[str] = []

    def start(self, argv: list[str]) -> None:
        self.__init__()
        self.command = next((a for a in argv if not a.startswith("-")), "")
        self.wanted = self.command in self.commands and "--json" in argv

    def fallback(self, code: int) -> dict[str, Any]:
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


_SUMMARY = _JsonSummary()


def _emit_json(record: Any) -> None:
    """One line of JSON: schedulers (Airflow's XCom, log shippers) take the last stdout line."""
    click.echo(json.dumps(record, ensure_ascii=False, default=str))
    _SUMMARY.emitted = True


def _print_quietly(show: Callable[..., None], *args: Any) -> None:
    """Print a summary; if the reader of stdout went away (``| head``) stop printing, keep the exit code."""
    try:
        show(*args)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _error(message: str, lang: str, hint: str = "") -> None:
    """The error line, and under it the hint line saying how to fix it.

    Control characters from file names (newline, ESC) are shown escaped, never sent raw.
    """
    _SUMMARY.messages.append(message)
    click.echo(escape_controls(i18n.t("cli.error", lang, message=message)), err=True)
    if hint:
        click.echo(escape_controls(i18n.t("cli.hint", lang, hint=hint)), err=True)


def handles_errors(command: Callable[..., int]) -> Callable[..., int]:
    """Map exceptions to exit codes: user errors → one line and 2, lock → 3, bugs → traceback and 4."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> int:
        lang = kwargs.get("lang", i18n.DEFAULT_LANG)
        try:
            return command(*args, **kwargs)
        except BatchLocked as exc:
            text = i18n.t("cli.locked", lang, path=exc.lock_path) + f" — {exc.message(lang)}"
            _SUMMARY.messages.append(text)
            click.echo(text, err=True)
            return EXIT_LOCKED
        except RulesError as exc:
            sep = "：" if lang == "zh" else ": "
            for place, zh, en in exc.problems:
                where = place.describe(lang)
                text = zh if lang == "zh" else en
                _error(f"{where}{sep}{text}" if where else text, lang)
            click.echo(i18n.t("cli.hint", lang, hint=exc.hint(lang)), err=True)
            return EXIT_INPUT
        except BudgetGuardError as exc:
            _error(exc.text(lang), lang, exc.hint(lang))
            return EXIT_INPUT
        except OSError as exc:
            _error(f"{exc.filename or ''} {exc.strerror or exc}".strip(), lang)
            return EXIT_INPUT
        except KeyboardInterrupt as exc:
            _quiet_after_interrupt()
            return EXIT_TERMINATED if isinstance(exc, Terminated) else EXIT_INTERRUPTED

    return wrapper


def _quiet_after_interrupt() -> None:
    """After Ctrl-C or SIGTERM, half-written workbooks are collected at exit; their "Exception ignored
    … I/O operation on closed file" is noise about files already removed, not news for the user."""
    sys.unraisablehook = lambda unraisable: None


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


def _limits(
    max_file_mb: float,
    max_unpacked_mb: float,
    max_cells: int,
    max_cell_chars: int,
    max_amount_yuan: int,
    settle_seconds: float | None = None,
) -> Limits:
    return Limits(
        max_file_mb=max_file_mb,
        max_unpacked_mb=max_unpacked_mb,
        max_cells=max_cells,
        max_cell_chars=max_cell_chars,
        max_amount_yuan=max_amount_yuan,
        settle_seconds=settle_seconds_default() if settle_seconds is None else settle_seconds,
    )


def _limit_options(command: Callable[..., int]) -> Callable[..., int]:
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
        return lambda event, values: click.echo(
            json.dumps({"event": event, "time": utc_text(), **values}, ensure_ascii=False, default=str),
            err=True,
        )

    run: dict[str, Any] = {}

    def say(line: str) -> None:
        """One log line: Beijing time, the batch run id once known, the text."""
        stamp = beijing_short(now_utc())
        if "id" in run:
            click.echo(i18n.t("cli.log_line", lang, time=stamp, run=run["id"], text=line), err=True)
        else:
            click.echo(f"{stamp} {line}", err=True)

    def text(event: str, values: dict[str, Any]) -> None:
        if values.get("run_id") is not None:
            run["id"] = values["run_id"]
        if event == "file_done":
            outcome = (
                i18n.level_label(values["worst_level"], lang)
                + i18n.t("cli.lines", lang, lines=values["lines"])
                if values["status"] == "processed"
                else i18n.t(f"outcome.{values['status']}", lang)
                + (f" — {values['message']}" if values["message"] else "")
            )
            say(i18n.t("cli.batch_file", lang, outcome=outcome, **values))
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
            say(i18n.t(key, lang, **values))

    return text


def _formats(formats: str, ge: bool | None, ge_default: bool) -> tuple[str, ...]:
    """The report formats; Great Expectations by ``--ge/--no-ge``, else as ``--format`` says, else
    the command's default (``check`` off: it costs seconds per run; ``batch`` on: its Data Docs are kept)."""
    chosen = parse_formats(formats)
    wanted = ge if ge is not None else ("ge" in chosen or ge_default)
    return tuple(f for f in chosen if f != "ge") + (("ge",) if wanted else ())


def _display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _display_width(text), 1)


def _print_levels(counts: dict[str, int], lang: str) -> None:
    labels = [i18n.level_label(lv.value, lang) for lv in LEVEL_ORDER] + [i18n.t("col.level", lang)]
    width = max(_display_width(label) for label in labels) + 2
    click.echo(_pad(i18n.t("col.level", lang), width) + i18n.t("col.count", lang))
    for level in reversed(LEVEL_ORDER):
        click.echo(_pad(i18n.level_label(level.value, lang), width) + str(counts.get(level.value, 0)))


def _print_states(counts: dict[str, int], lang: str) -> None:
    """One line of cell counts by state (达标 only counts cells compared like for like)."""
    parts = [f"{i18n.t(f'state.{state}', lang)} {counts.get(state, 0)}" for state in reversed(STATES)]
    click.echo(i18n.t("cli.states", lang, counts=(" · ").join(parts)))


def _print_check(outcome: CheckOutcome, lang: str) -> None:
    ev = outcome.evaluation
    run = outcome.run
    if run is not None:
        click.echo(run.headline(lang))  # the first line says what the run is (or is not) worth
    _print_levels(ev.level_counts(), lang)
    _print_states(ev.state_counts(), lang)
    click.echo("\n".join(table_summary_lines(outcome.load, lang)))
    click.echo(ev.reconciliation_text(lang))
    for note in ev.note_texts(lang):
        click.echo(note)
    from .cases.policy import red_messages

    _print_reds(red_messages(ev), lang)  # each red that opens no case says why (rules' supervision)
    worst = (
        i18n.t(f"outcome.{run.outcome}", lang)
        if run is not None
        else i18n.level_label(ev.worst_level(), lang)
    )
    click.echo(
        i18n.t(
            "cli.outcome",
            lang,
            worst=worst,
            fail_on=_fail_on_text(outcome.fail_on, lang),
            code=outcome.exit_code,
        )
    )
    click.echo(i18n.t("cli.reports", lang, paths=", ".join(str(p) for p in outcome.reports.values())))


MAX_REDS_SHOWN = 20  # the terminal lists this many red findings; the reports have all


def _fail_on_text(fail_on: str, lang: str) -> str:
    return (
        i18n.value("value.fail_on", fail_on, lang) if fail_on == "none" else i18n.level_label(fail_on, lang)
    )


def _print_reds(messages: list[tuple[str, str]], lang: str, names: list[str] | None = None) -> None:
    """The red findings themselves (what a supervisor acts on), not only their number."""
    if not messages:
        return
    click.echo(i18n.t("cli.red_findings", lang, count=len(messages)))
    for i, (zh, en) in enumerate(messages[:MAX_REDS_SHOWN]):
        prefix = f"{names[i]}：" if names and lang == "zh" else (f"{names[i]}: " if names else "")
        click.echo(f"  - {prefix}{zh if lang == 'zh' else en}")
    if len(messages) > MAX_REDS_SHOWN:
        click.echo("  " + i18n.t("cli.red_more", lang, count=len(messages) - MAX_REDS_SHOWN))


def _print_batch(outcome: BatchOutcome, lang: str) -> None:
    click.echo(
        i18n.t(
            "cli.batch_summary",
            lang,
            processed=len(outcome.files),
            failed=outcome.failed,
            skipped=outcome.skipped,
        )
    )
    for f in outcome.files:
        level = (
            i18n.level_label(f.worst_level, lang) if f.worst_level else i18n.t(f"outcome.{f.status}", lang)
        )
        if f.status == NOTHING_COMPARED:
            level = i18n.t("outcome.nothing_compared", lang)
        click.echo(escape_controls(f"  {f.name}  {level}  {f.report_dir or ''}  {f.message}".rstrip()))
    for note in outcome.notes:
        click.echo(escape_controls(f"  {note.message(lang)}"))
    reds = outcome.red_findings
    _print_reds([(zh, en) for _, zh, en in reds], lang, names=[name for name, _, _ in reds])


def _print_cases(changes: Any, lang: str, not_updated: bool) -> None:
    from .cases.commands import print_changes

    if not_updated:
        click.echo(i18n.t("cli.cases_not_updated", lang, count=len(changes.not_rectified)))
        return
    print_changes(changes, lang)


_fail_on_option = click.option(
    "--fail-on",
    type=click.Choice(FAIL_LEVELS),
    default=DEFAULT_FAIL_ON,
    show_default=True,
    help="Exit 1 when a finding is at or above this level ('none': never).",
)
_rules_option = click.option(
    "--rules",
    "rules_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Rules YAML (default: the packaged rules/four_no_decrease.yaml).",
)
_format_option = click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    help="Comma-separated report formats: json,xlsx,html,md (ge = Great Expectations, as --ge).",
)


def _ge_option(default_on: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--ge/--no-ge",
        "ge",
        default=None,
        help="Run the Great Expectations checkpoint and build Data Docs (seconds per run; default: "
        + ("on" if default_on else "off, or on when --format lists ge")
        + ").",
    )


_stage_option = click.option(
    "--stage", type=click.Choice(STAGES), help="Compare this stage (default: the rules')."
)
_ledger_option = click.option(
    "--ledger",
    "ledger_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite ledger: record this run and update its 挂牌督办 cases (docs/cases.md).",
)
_progress_option = click.option(
    "--progress",
    type=click.Choice(PROGRESS_MODES),
    default="auto",
    show_default=True,
    help="Progress on stderr: auto = text on a terminal, nothing otherwise.",
)


def _engine_options(command: Callable[..., int]) -> Callable[..., int]:
    """--engine / --spark-master / --spark-table (docs/cli.md, README "Large data")."""
    from .scale_cli import engine_options

    return engine_options(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budget-guard")
def cli() -> None:
    """budget-guard: 过紧日子 and 四个只增不减 guardrail checks on department budget tables."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@_rules_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_OUT,
    show_default=True,
    help="Folder for the reports.",
)
@_format_option
@_fail_on_option
@_lang_option
@_stage_option
@click.option("--department", help="Department name for tables that do not state it.")
@click.option("--year", type=click.IntRange(1990, 2100), help="Fiscal year for tables that do not state it.")
@click.option(
    "--aliases",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Department aliases (YAML or CSV) so a renamed department is compared as one.",
)
@_ledger_option
@_json_option
@_ge_option(default_on=False)
@_progress_option
@_limit_options
@_engine_options
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
    from .cases.clock import current_clock

    rules = load_rules(rules_path)
    limits = _limits(max_file_mb, max_unpacked_mb, max_cells, max_cell_chars, max_amount_yuan)
    outcome = run_check(
        list(inputs),
        rules,
        out_dir,
        formats=_formats(formats, ge, ge_default=False),
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
        _print_quietly(_emit_json, outcome.as_record())
    else:
        _print_quietly(_print_check, outcome, lang)
        if outcome.cases is not None:
            _print_quietly(_print_cases, outcome.cases, lang, bool(outcome.message))
    if outcome.message:
        _error(outcome.message, lang, load_error_hints(outcome.load, lang))
    return outcome.exit_code


@cli.command()
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
@_rules_option
@_format_option
@_fail_on_option
@_lang_option
@_stage_option
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
@_ledger_option
@_json_option
@_ge_option(default_on=True)
@_progress_option
@_limit_options
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
    from .cases.clock import current_clock

    if ledger_path is not None and state_path is not None and ledger_path.resolve() != state_path.resolve():
        raise click.UsageError(i18n.t("cli.cases_ledger_conflict", lang))
    state_path = ledger_path or state_path
    rules = load_rules(rules_path)
    limits = _limits(max_file_mb, max_unpacked_mb, max_cells, max_cell_chars, max_amount_yuan, settle_seconds)
    outcome = run_batch(
        inbox,
        out_dir,
        rules,
        state_path=state_path,
        formats=_formats(formats, ge, ge_default=True),
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
        _print_quietly(_emit_json, outcome.as_record())
    else:
        _print_quietly(_print_batch, outcome, lang)
        if outcome.cases is not None:
            _print_quietly(_print_cases, outcome.cases, lang, False)
        if outcome.case_reports:
            paths = ", ".join(str(p) for p in outcome.case_reports.values())
            _print_quietly(click.echo, i18n.t("cli.cases_exported", lang, paths=paths))
    for note in outcome.notes:
        if note.refused or note.kind == LEDGER_MISSING:
            click.echo(escape_controls(i18n.t("cli.warning", lang, message=note.message(lang))), err=True)
    return outcome.exit_code


@cli.command()
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
@_json_option
@_lang_option
@handles_errors
def history(
    state_path: Path | None, out_dir: Path | None, limit: int, run_id: int | None, as_json: bool, lang: str
) -> int:
    """List batch runs and their outcome from the ledger (newest first)."""
    if state_path is None and out_dir is None:
        raise click.UsageError("give --state FILE or --out DIR")
    state = state_path or out_dir / DEFAULT_STATE_NAME
    if run_id is not None:
        ledger = open_ledger(state)
        known = [r["id"] for r in ledger.runs()]
        if run_id not in known:
            raise InputError(
                i18n.t("history.no_run", "zh", run=run_id, count=len(known), last=max(known, default="-")),
                i18n.t("history.no_run", "en", run=run_id, count=len(known), last=max(known, default="-")),
                Place(file=str(state)),
                hint_zh=i18n.t("history.no_run_hint", "zh"),
                hint_en=i18n.t("history.no_run_hint", "en"),
            )
        files = ledger.files(run_id)
        if as_json:
            _emit_json(files)
            return EXIT_OK
        if not files:
            click.echo(i18n.t("history.no_files", lang, run=run_id))
        _print_table(
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
                    i18n.value("value.outcome", f["status"], lang),
                    i18n.level_label(f["worst_level"], lang) if f["worst_level"] else "-",
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
        _emit_json(runs)
        return EXIT_OK
    if not runs:
        click.echo(i18n.t("cli.no_runs", lang, path=state))
        return EXIT_OK
    _print_table(
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
                i18n.value("value.run_status", r["status"], lang),
                "-" if r["exit_code"] is None else str(r["exit_code"]),
                str(r["files_new"]),
                str(r["files_failed"]),
                str(r["files_skipped"]),
                i18n.level_label(r["worst_level"], lang) if r["worst_level"] else "-",
            ]
            for r in runs
        ],
        lang,
    )
    return EXIT_OK


def _print_table(headers: list[str], rows: list[list[str]], lang: str) -> None:
    """Columns padded to the widest cell (CJK characters count two), the last column left free."""
    labels = [i18n.t(h, lang) for h in headers]
    widths = [
        max([_display_width(x) for x in [label, *(row[i] for row in rows)]]) + 2
        for i, label in enumerate(labels)
    ]
    for row in [labels, *rows]:
        click.echo("".join(_pad(cell, w) for cell, w in zip(row[:-1], widths, strict=False)) + row[-1])


@cli.group()
def rules() -> None:
    """Rules file commands."""


@rules.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@_json_option
@_lang_option
@handles_errors
def rules_check(path: Path, as_json: bool, lang: str) -> int:
    """Validate a rules file; errors name the line and key (exit 0 valid, 2 invalid)."""
    if as_json:
        try:
            parsed = load_rules(path)
        except RulesError as exc:
            _emit_json(
                {
                    "valid": False,
                    "problems": [
                        {"line": p.line, "key": p.key, "message_zh": zh, "message_en": en}
                        for p, zh, en in exc.problems
                    ],
                }
            )
            return EXIT_INPUT
        _emit_json(
            {
                "valid": True,
                "version": parsed.version,
                "sha256": parsed.sha256,
                "categories": [c.id for c in parsed.categories],
            }
        )
        return EXIT_OK
    parsed = load_rules(path)
    click.echo(
        i18n.t(
            "cli.rules_ok",
            lang,
            path=path,
            version=parsed.version,
            categories=len(parsed.categories),
            sha=(parsed.sha256 or "")[:12],
        )
    )
    return EXIT_OK


@cli.command()
@click.argument(
    "directory", required=False, type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_SAMPLE_DIR
)
@_lang_option
@handles_errors
def sample(directory: Path, lang: str) -> int:
    """Write the sample city budget (CSV, XLSX, manifest.json of planted violations) into DIRECTORY."""
    from .sample import write_sample

    paths = write_sample(directory)
    click.echo(i18n.t("cli.sample_written", lang, paths=", ".join(str(p) for p in paths)))
    return EXIT_OK


if __name__ != "__main__":  # ``python -m budget_guard.cli`` runs the package's module (below)
    from .cases.commands import cases as _cases_group

    cli.add_command(_cases_group)
    from .scale_cli import convert as _convert_command

    cli.add_command(_convert_command)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the command and exit with its code.

    SIGTERM (systemd, Airflow) unwinds like Ctrl-C: the run is marked interrupted, temp files go, exit 143.
    """
    with contextlib.suppress(ValueError):  # not the main thread (embedded): leave signals alone
        signal.signal(signal.SIGTERM, _raise_terminated)
    args = list(sys.argv[1:] if argv is None else argv)
    _SUMMARY.start(args)
    try:
        code = cli.main(args=args, prog_name="budget-guard", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = EXIT_INPUT
    except Terminated:
        _quiet_after_interrupt()
        code = EXIT_TERMINATED
    except (click.Abort, KeyboardInterrupt):
        _quiet_after_interrupt()
        code = EXIT_INTERRUPTED
    except Exception:  # noqa: BLE001 — a bug: say so, with the traceback, and a distinct code
        traceback.print_exc()
        text = "budget-guard internal error (a bug, please report it with the traceback above)"
        _SUMMARY.messages.append(text)
        click.echo(text, err=True)
        code = EXIT_INTERNAL
    code = int(code or 0)
    if _SUMMARY.wanted and not _SUMMARY.emitted:
        with contextlib.suppress(BrokenPipeError, OSError):
            _emit_json(_SUMMARY.fallback(code))
    return code


if __name__ == "__main__":
    from budget_guard.cli import main as _package_main  # the module with every command registered

    sys.exit(_package_main())
