"""The ``budget-guard`` command group and its entry point: every command registered, exit codes mapped.

Each command lives in a module of its own (check, batch, history, rules, cases, convert, sample)
and shares its options through ``options.py``; the work itself is in ``budget_guard.runs``.

Exit codes (docs/cli.md): 0 nothing at or above the fail level; 1 findings at or above it;
2 unreadable input, invalid rules or bad arguments (one clear line, never a traceback);
3 another batch run holds the lock; 4 an internal error (a bug: the traceback is printed);
5 every input read but nothing compared like for like (never a sign-off); 130 interrupted.
With ``--json``, ``check`` and ``batch`` print exactly one summary line on every exit.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import traceback

import click

from budget_guard import __version__
from budget_guard.cli.batch import batch
from budget_guard.cli.cases import cases
from budget_guard.cli.check import check
from budget_guard.cli.convert import convert
from budget_guard.cli.history import history
from budget_guard.cli.options import SUMMARY, emit_json, quiet_after_interrupt, raise_terminated
from budget_guard.cli.rules import rules
from budget_guard.cli.sample import sample
from budget_guard.runs.exit_codes import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Terminated,
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budget-guard")
def cli() -> None:
    """budget-guard: 过紧日子 and 四个只增不减 guardrail checks on department budget tables."""


for _command in (check, batch, history, rules, cases, convert, sample):
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the command and exit with its code.

    SIGTERM (systemd, Airflow) unwinds like Ctrl-C: the run is marked interrupted, temp files go, exit 143.
    """
    with contextlib.suppress(ValueError):  # not the main thread (embedded): leave signals alone
        signal.signal(signal.SIGTERM, raise_terminated)
    args = list(sys.argv[1:] if argv is None else argv)
    SUMMARY.start(args)
    try:
        code = cli.main(args=args, prog_name="budget-guard", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = EXIT_INPUT
    except Terminated:
        quiet_after_interrupt()
        code = EXIT_TERMINATED
    except (click.Abort, KeyboardInterrupt):
        quiet_after_interrupt()
        code = EXIT_INTERRUPTED
    except Exception:  # noqa: BLE001 — a bug: say so, with the traceback, and a distinct code
        traceback.print_exc()
        text = "budget-guard internal error (a bug, please report it with the traceback above)"
        SUMMARY.messages.append(text)
        click.echo(text, err=True)
        code = EXIT_INTERNAL
    code = int(code or 0)
    if SUMMARY.wanted and not SUMMARY.emitted:
        with contextlib.suppress(BrokenPipeError, OSError):
            emit_json(SUMMARY.fallback(code))
    return code
