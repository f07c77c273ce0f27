"""The ``budget-guard`` command line (a package: one module per command, shared options in one)."""

from budget_guard.cli.main import cli, main

__all__ = ["cli", "main"]
