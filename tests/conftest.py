"""Shared test settings.

Hypothesis deadlines are off: CI runs on a small shared machine where one slow example is load,
not a bug. Property tests still run their full number of examples.
"""

from hypothesis import settings

settings.register_profile("budget-guard", deadline=None, print_blob=True)
settings.load_profile("budget-guard")
