"""``python -m budget_guard.cli``: the same entry point as the ``budget-guard`` script."""

import sys

from budget_guard.cli.main import main

sys.exit(main())
