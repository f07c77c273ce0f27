"""Shared test settings.

Hypothesis deadlines are off: CI runs on a small shared machine where one slow example is load,
not a bug. Property tests still run their full number of examples.
"""

import os

from hypothesis import settings

settings.register_profile("budget-guard", deadline=None, print_blob=True)
settings.load_profile("budget-guard")

# Tests drop files into an inbox and run batch at once; a deployment keeps the 10-second settle
# interval (docs/cli.md). Subprocesses inherit it. The settle tests set their own interval.
os.environ.setdefault("BUDGET_GUARD_SETTLE_SECONDS", "0")
