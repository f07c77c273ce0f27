"""The line-level half on any SQL engine: run ``sql.py``'s queries, hand the seam to the summary half.

A backend (DuckDB, Spark) gives a ``run(query) -> DataFrame`` for its dialect over a table of
canonical lines; this module does the rest the same way for both, so their results can only
differ if the engines disagree on the SQL itself — which the equivalence tests would show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from sqlglot import exp

from ...rulebook import Rules
from ...table import DEPARTMENT, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, conform
from ..classify import CATEGORIES_COLUMN, CATEGORY_COUNT_COLUMN, compiled
from ..compare import GOVERNMENT, SCOPE_COLUMNS
from ..evaluate import Evaluation, evaluate_summary
from ..lineage import SourceRequest, describe_rows
from ..seam import LineSummary, assemble
from . import sql

Run = Callable[[exp.Expression], pd.DataFrame]


class SqlLines:
    """Canonical lines in a SQL engine (a view or table named ``source``), queried through ``run``."""

    def __init__(
        self,
        run: Run,
        source: str,
        rules: Rules,
        engine: str,
        file_totals: Callable[[], pd.DataFrame] | None = None,
    ) -> None:
        self.run = run
        self.file_totals = file_totals  # per input file: file, lines, amount_fen (the load report)
        self.source = source
        self.rules = rules
        self.engine = engine
        self.compiled = compiled(rules)[0]

    def line_summary(self) -> LineSummary:
        groups = self.run(sql.group_sums_select(self.compiled, self.source))
        return assemble(groups, self.compiled.ids)

    def unclassified(self) -> pd.DataFrame:
        lines = conform(self.run(sql.unclassified_select(self.compiled, self.source)))
        lines[CATEGORIES_COLUMN] = pd.Categorical([""] * len(lines))
        lines[CATEGORY_COUNT_COLUMN] = np.zeros(len(lines), dtype=np.int16)
        return lines


class SqlLineage:
    """Sources of findings from one query over the lines (``sql.sources_select``)."""

    def __init__(self, lines: SqlLines, stage: str) -> None:
        self._lines = lines
        self._stage = stage

    def describe_cells(self, requests: Sequence[SourceRequest]) -> list[tuple[str, int]]:
        query = sql.sources_select(self._lines.compiled, self._lines.source, self._stage, requests)
        if query is None:
            return []
        found = self._lines.run(query)
        out: list[tuple[str, int]] = [("", 0)] * len(requests)
        if found.empty:
            return out
        file_codes, file_names = _codes(found[SOURCE_FILE])
        sheet_codes, sheet_names = _codes(found[SOURCE_SHEET])
        rows = pd.to_numeric(found[SOURCE_ROW]).fillna(-1).to_numpy(dtype=np.int64)
        request = found[sql.REQUEST].to_numpy(dtype=np.int64)
        total = found[sql.SOURCE_TOTAL].to_numpy(dtype=np.int64)
        order = np.argsort(request, kind="stable")
        starts = np.flatnonzero(np.r_[True, np.diff(request[order]) != 0])
        ends = np.r_[starts[1:], len(order)]
        for start, end in zip(starts, ends, strict=True):
            pick = order[start:end]
            count = int(total[pick[0]])
            text = describe_rows(
                file_codes[pick], file_names, sheet_codes[pick], sheet_names, rows[pick], count
            )
            out[int(request[pick[0]])] = (text, count)
        return out


class SqlDrill:
    """The lines behind one summary number, fetched from the engine on demand."""

    def __init__(self, lines: SqlLines) -> None:
        self._lines = lines

    def lines_behind(
        self, stage: str, scope_type: str, scope: str, category: str, years: list[int]
    ) -> pd.DataFrame:
        department = None if scope_type == GOVERNMENT else scope
        column = SCOPE_COLUMNS.get(scope_type, DEPARTMENT)
        query = sql.lines_select(
            self._lines.compiled, self._lines.source, stage, category, years, department, column
        )
        return conform(self._lines.run(query))


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes in sorted-name order (as the pandas index's categoricals), -1 for NULL."""
    codes, names = pd.factorize(values.astype(object).where(values.notna(), None), sort=True)
    return codes.astype(np.int64), [str(n) for n in names]


def evaluate_lines(lines: SqlLines, stage: str | None = None) -> Evaluation:
    """The whole evaluation of lines that stay in the SQL engine: sums, then the shared summary half."""
    rules = lines.rules
    stage = stage or rules.compare.stage
    return evaluate_summary(
        lines.line_summary(),
        rules,
        stage,
        SqlLineage(lines, stage),
        unclassified=lines.unclassified(),
        drill=SqlDrill(lines),
        engine=lines.engine,
    )
