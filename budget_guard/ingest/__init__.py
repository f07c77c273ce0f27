"""The ingest stage: read the spreadsheets finance bureaus have into the canonical budget table.

``read_budget(paths) -> LoadResult`` is the entry point; one module per layout does the reading
(``long``, and the published layouts), with ``detect``, ``numbers``, ``encodings`` and ``grid`` shared.
"""

from budget_guard.ingest.load_result import FileReport, LoadResult, SheetReport
from budget_guard.ingest.reader import read_budget

__all__ = ["FileReport", "LoadResult", "SheetReport", "read_budget"]
