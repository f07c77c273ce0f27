"""Shared test settings.

Hypothesis deadlines are off: CI runs on a small shared machine where one slow example is load,
not a bug. Property tests still run their full number of examples.
"""

import os
import shutil

import pytest
from hypothesis import settings

settings.register_profile("budget-guard", deadline=None, print_blob=True)
settings.load_profile("budget-guard")

# Tests drop files into an inbox and run batch at once; a deployment keeps the 10-second settle
# interval (docs/cli.md). Subprocesses inherit it. The settle tests set their own interval.
os.environ.setdefault("BUDGET_GUARD_SETTLE_SECONDS", "0")


CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright never downloads a browser here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session; each test opens its own page (or context)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="session")
def spark():
    """One local Spark for the whole session (starting one costs seconds; every Spark test shares it)."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java (openjdk-17-jre-headless)")
    from budget_guard.engine.backends import spark_backend

    session = spark_backend.session("local[2]")
    try:
        yield session
    finally:
        session.stop()
