"""The line-level half on any SQL engine: run ``sql.py``'s queries, hand the seam to the summary half.

A backend (DuckDB, Spark) gives a ``run(query) -> DataFrame`` for its dialect over a table of
canonical lines; this module does the rest the same way for both, so their results can only
differ if the engines disagree on the SQL itself — which the equivalence tests would show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeAlias

import numpy as np
import pandas as pd
from sqlglot import exp

from budget_guard.engine.backends import sql
from budget_guard.engine.classify import compiled
from budget_guard.engine.compare import GOVERNMENT, SCOPE_COLUMNS
from budget_guard.engine.double_count import double_counted_sql
from budget_guard.engine.evaluate import Evaluation, evaluate_summary
from budget_guard.engine.execution import needs_pefa
from budget_guard.engine.lineage import SourceRequest, describe_rows
from budget_guard.engine.relation_failed import relation_failed_sql
from budget_guard.engine.seam import LineSummary, assemble
from budget_guard.engine.unclassified import LIST_COLUMNS, empty_summary, sort_summary
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import DEPARTMENT, SOURCE_FILE, SOURCE_ROW, SOURCE_SHEET, conform

# quoted: sqlglot.exp.Expr (the base of every node) is for the type checker; older sqlglot has no such name
Run: TypeAlias = "Callable[[exp.Expr], pd.DataFrame]"
# Optional engine abilities (DuckDB has all three; without them the result is fetched whole):
Materialize: TypeAlias = "Callable[[exp.Expr, str], None]"  # keep a query's result as a table of that name
Chunks: TypeAlias = "Callable[[exp.Expr], Iterator[pd.DataFrame]]"  # a result in bounded chunks
CopyParquet: TypeAlias = "Callable[[exp.Expr, Path], None]"  # a result written as Parquet by the engine
UNCLASSIFIED_TABLE = "unclassified_lines"


class SqlLines:
    """Canonical lines in a SQL engine (a view or table named ``source``), queried through ``run``."""

    def __init__(
        self,
        run: Run,
        source: str,
        rules: Rules,
        engine: str,
        file_totals: Callable[[], pd.DataFrame] | None = None,
        *,
        materialize: Materialize | None = None,
        chunks: Chunks | None = None,
        copy_parquet: CopyParquet | None = None,
        top_n_aggregate: bool = False,
    ) -> None:
        self.run = run
        self.materialize = materialize
        self.chunks = chunks
        self.copy_parquet = copy_parquet
        self.top_n_aggregate = top_n_aggregate  # arg_min(x, key, n): first source lines by a heap
        self.file_totals = file_totals  # per input file: file, lines, amount_fen (the load report)
        self.source = source
        self.rules = rules
        self.engine = engine
        self.compiled = compiled(rules)[0]
        # the engine's connection (DuckDB) or session (Spark), kept alive as long as the lines (drill-down)
        self.connection: object | None = None

    def line_summary(self) -> LineSummary:
        groups = self.run(sql.group_sums_select(self.compiled, self.source))
        return assemble(groups, self.compiled.ids)

    def unclassified(self) -> SqlUnclassified:
        return SqlUnclassified(self)

    def pefa_sums(self) -> pd.DataFrame | None:
        """What PEFA PI-1 / PI-2 read of the lines, one group-by in the engine (``sql.pefa_sums_select``)."""
        if not needs_pefa(self.rules):
            return None
        return self.run(sql.pefa_sums_select(self.source))


class SqlUnclassified:
    """The unclassified lines kept in the engine: summary in SQL, the list streamed or copied.

    With ``materialize`` they are selected once into a table (one classification scan) that the
    summary, the CSV and the Parquet file all read; otherwise each reads the query."""

    def __init__(self, lines: SqlLines) -> None:
        self._lines = lines
        self._source: str | None = None

    def _table(self) -> exp.Expr:
        lines = self._lines
        query = sql.unclassified_select(lines.compiled, lines.source, LIST_COLUMNS)
        if lines.materialize is None:
            return query.subquery("u", copy=False)
        if self._source is None:
            lines.materialize(query, UNCLASSIFIED_TABLE)
            self._source = UNCLASSIFIED_TABLE
        return exp.to_table(self._source)

    def _listed(self) -> exp.Select:
        return exp.select(*[exp.column(c) for c in LIST_COLUMNS]).from_(self._table(), copy=False)

    def summary(self) -> pd.DataFrame:
        found = self._lines.run(sql.unclassified_summary_select(self._table()))
        return sort_summary(found) if len(found) else empty_summary()

    def chunks(self) -> Iterator[pd.DataFrame]:
        if self._lines.chunks is None:
            yield self._lines.run(self._listed())
            return
        yield from self._lines.chunks(self._listed())

    def write_parquet(self, path: Path) -> None:
        if self._lines.copy_parquet is not None:
            self._lines.copy_parquet(self._listed(), path)
        else:
            self._lines.run(self._listed()).to_parquet(path, index=False)


class SqlLineage:
    """Sources of findings from one query over the lines (``sql.sources_select``)."""

    def __init__(self, lines: SqlLines, stage: str) -> None:
        self._lines = lines
        self._stage = stage

    def describe_cells(self, requests: Sequence[SourceRequest]) -> list[tuple[str, int]]:
        lines = self._lines
        heap = self._heap() if lines.top_n_aggregate else None
        query = sql.sources_select(
            lines.compiled, lines.source, self._stage, requests, (heap[2], heap[3], heap[1]) if heap else None
        )
        if query is None:
            return []
        found = lines.run(query)
        out: list[tuple[str, int]] = [("", 0)] * len(requests)
        if found.empty:
            return out
        if heap is not None:
            sheets, span, file_names, sheet_names = heap
            key = found[sql.SOURCE_KEY].to_numpy(dtype=np.int64)
            rows = key % span - 1
            pair = key // span
            file_codes, file_names = _decoded(pair // sheets, file_names)
            sheet_codes, sheet_names = _decoded(pair % sheets, sheet_names)
        else:
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

    def _heap(self) -> tuple[int, int, list, list] | None:
        """(sheet count, row span, file names, sheet names) of the heap key, or None when the key
        would not fit a BIGINT (or rows are negative): then the window ranking is used."""
        lines = self._lines
        files = lines.run(sql.source_names_select(lines.source, SOURCE_FILE))[SOURCE_FILE].tolist()
        sheets = lines.run(sql.source_names_select(lines.source, SOURCE_SHEET))[SOURCE_SHEET].tolist()
        bounds = lines.run(sql.source_rows_select(lines.source)).iloc[0]
        low, high = bounds["lo"], bounds["hi"]
        if pd.notna(low) and int(low) < 0:
            return None
        span = (int(high) if pd.notna(high) else 0) + 2
        if max(len(files), 1) * max(len(sheets), 1) * span >= 2**62:
            return None
        return max(len(sheets), 1), span, files, sheets


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


def _decoded(codes: np.ndarray, names: list) -> tuple[np.ndarray, list[str]]:
    """Heap-key codes (positions in the missing-first name list) as ``describe_rows`` codes: -1 for
    missing, else the position among the present names (which keep their sort order)."""
    missing_first = bool(names) and (
        names[0] is None or (isinstance(names[0], float) and names[0] != names[0])
    )
    present = [str(n) for n in (names[1:] if missing_first else names)]
    return (codes - 1 if missing_first else codes).astype(np.int64), present


def _codes(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes in sorted-name order (as the pandas index's categoricals), -1 for NULL."""
    codes, names = pd.factorize(values.astype(object).where(values.notna(), None), sort=True)
    return codes.astype(np.int64), [str(n) for n in names]


def evaluate_lines(lines: SqlLines, stage: str | None = None) -> Evaluation:
    """The whole evaluation of lines that stay in the SQL engine: sums, then the shared summary half."""
    rules = lines.rules
    stage = stage or rules.compare.stage
    overlaps, twice = double_counted_sql(lines.run, lines.source, rules)
    return evaluate_summary(
        lines.line_summary(),
        rules,
        stage,
        SqlLineage(lines, stage),
        unclassified=lines.unclassified(),
        drill=SqlDrill(lines),
        pefa_sums=lines.pefa_sums(),
        profiler=lambda: lines.run(sql.line_profile_select(lines.source)),
        engine=lines.engine,
        overlaps=tuple(overlaps),
        double_counted=twice,
        relation_failed=relation_failed_sql(lines.run, lines.source, rules),
    )
