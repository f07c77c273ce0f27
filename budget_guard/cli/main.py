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
import importlib
import signal
import sys
import traceback

import click

from budget_guard import __version__
from budget_guard import messages as msg
from budget_guard.cli.language import LocalizedGroup, localize, localize_command, requested_lang, short_help
from budget_guard.cli.options import SUMMARY, emit_json, quiet_after_interrupt, raise_terminated
from budget_guard.outputs.escape import echo
from budget_guard.runs.exit_codes import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_TERMINATED,
    Terminated,
)

# command → (its module, its one-line help as ``budget-guard --help`` lists it). A command's module
# is imported when the command runs, so ``--help`` and ``rules check`` start without the engine
# (issue #26); tests/test_startup.py checks each line equals the command's own short help.
COMMANDS: dict[str, tuple[str, str]] = {
    name: (f"budget_guard.cli.{name}", f"cli.cmd.{name}")
    for name in ("batch", "cases", "check", "convert", "history", "rules", "sample")
}  # the help is the catalogue's (messages/text/cli_help.py), in the command line's language


class LazyCommands(LocalizedGroup):
    """A group whose commands are imported by name when invoked (click's lazy-loading pattern);
    the command list in ``--help`` comes from ``COMMANDS`` without importing them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS and name not in self.commands:
            module = importlib.import_module(COMMANDS[name][0])
            command = getattr(module, name)
            localize_command(command, (name,), self.lang)
            self.add_command(command, name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in self.commands or name not in COMMANDS:
                command = self.get_command(ctx, name)
                if command is None or command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                help_text = msg.t(COMMANDS[name][1], self.lang)
                rows.append(
                    (
                        name,
                        short_help(help_text, self.lang) or click.utils.make_default_short_help(help_text, limit),
                    )
                )
        with formatter.section(click.core._("Commands")):
            formatter.write_dl(rows)


@click.group(cls=LazyCommands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="budget-guard")
def cli() -> None:
    """budget-guard: 过紧日子 and 四个只增不减 guardrail checks on department budget tables."""


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the command and exit with its code.

    SIGTERM (systemd, Airflow) unwinds like Ctrl-C: the run is marked interrupted, temp files go, exit 143.
    """
    with contextlib.suppress(ValueError):  # not the main thread (embedded): leave signals alone
        signal.signal(signal.SIGTERM, raise_terminated)
    args = list(sys.argv[1:] if argv is None else argv)
    localize(cli, requested_lang(args))  # help, option texts and Click's messages in one language
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
        echo(text, err=True)
        code = EXIT_INTERNAL
    code = int(code or 0)
    if SUMMARY.wanted and not SUMMARY.emitted:
        with contextlib.suppress(BrokenPipeError, OSError):
            emit_json(SUMMARY.fallback(code))
    return code
