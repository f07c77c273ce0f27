"""Starting costs nothing heavy: the public API is imported name by name when first used."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
