"""Starting costs nothing heavy: the public API is imported name by name when first used."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import budget_guard


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(out.stdout.split())


def test_importing_the_package_loads_no_dataframe_library():
    loaded = _modules_after("import budget_guard")
    assert not loaded & {"pandas", "numpy", "pydantic", "pyarrow", "budget_guard.engine"}


def test_every_public_name_still_imports_from_the_package():
    loaded = _modules_after("from budget_guard import read_budget, load_rules, evaluate, write_reports")
    assert {"budget_guard.engine.evaluate", "budget_guard.ingest", "budget_guard.reports"} <= loaded
    for name in budget_guard.__all__:
        assert getattr(budget_guard, name).__name__ == name
    assert sorted(budget_guard._PUBLIC) == budget_guard.__all__


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        budget_guard.no_such_name  # noqa: B018


HEAVY = {"pandas", "numpy", "pyarrow", "openpyxl", "duckdb", "budget_guard.engine.evaluate", "budget_guard.ingest"}
RULES = Path(__file__).resolve().parent.parent / "rules" / "four_no_decrease.yaml"


def _modules_after_cli(*args: str) -> set[str]:
    code = (
        "import sys\nfrom budget_guard.cli import main\n"
        f"code = main({list(args)!r})\nprint('MODULES', code, ' '.join(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("MODULES "))
    _, code_text, *modules = line.split()
    assert code_text == "0", out
    return set(modules)


def test_help_and_rules_check_start_without_the_engine():
    assert not _modules_after_cli("--help") & (HEAVY | {"pydantic", "budget_guard.model.rulebook"})
    loaded = _modules_after_cli("rules", "check", str(RULES))
    assert "budget_guard.model.rulebook" in loaded and not loaded & HEAVY


def test_help_lists_every_command_with_its_own_short_help():
    """The command list in --help comes from COMMANDS (nothing imported): the same as the commands say,
    in the command line's language (their help is the catalogue's, cli/language.py)."""
    from budget_guard.cli.language import localize, localize_command
    from budget_guard.cli.main import COMMANDS, cli

    runner = CliRunner()
    for lang in ("en", "zh"):
        localize(cli, lang)
        lazy = runner.invoke(cli, ["--help"]).output
        eager = click.Group(name=cli.name, help=cli.help, params=cli.params)
        for name, (module, _key) in COMMANDS.items():
            command = getattr(importlib.import_module(module), name)
            localize_command(command, (name,), lang)
            eager.add_command(command, name)
        heading = "Commands:" if lang == "en" else "命令:"
        listed = lazy.split(heading)[1]
        assert listed == runner.invoke(eager, ["--help"]).output.split(heading)[1]
        assert all(name in listed for name in COMMANDS)
    localize(cli, "zh")
