"""``budget-guard rules check``: validate a rules file, with the line of every fault."""

from __future__ import annotations

from pathlib import Path

import click

from budget_guard import messages as msg
from budget_guard.cli.options import emit_json, handles_errors, json_option, lang_option
from budget_guard.errors import RulesError
from budget_guard.model.rulebook import load_rules
from budget_guard.outputs.escape import echo
from budget_guard.runs.exit_codes import EXIT_INPUT, EXIT_OK


@click.group()
def rules() -> None:
    """Rules file commands."""


@rules.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@json_option
@lang_option
@handles_errors
def rules_check(path: Path, as_json: bool, lang: str) -> int:
    """Validate a rules file; errors name the line and key (exit 0 valid, 2 invalid)."""
    if as_json:
        try:
            parsed = load_rules(path)
        except RulesError as exc:
            emit_json(
                {
                    "valid": False,
                    "problems": [
                        {"line": p.line, "key": p.key, "message_zh": zh, "message_en": en}
                        for p, zh, en in exc.problems
                    ],
                }
            )
            return EXIT_INPUT
        emit_json(
            {
                "valid": True,
                "version": parsed.version,
                "sha256": parsed.sha256,
                "categories": [c.id for c in parsed.categories],
            }
        )
        return EXIT_OK
    parsed = load_rules(path)
    echo(
        msg.t(
            "cli.rules_ok",
            lang,
            path=path,
            version=parsed.version,
            categories=len(parsed.categories),
            sha=(parsed.sha256 or "")[:12],
        )
    )
    return EXIT_OK
