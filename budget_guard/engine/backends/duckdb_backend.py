"""The line-level half on embedded DuckDB: CSV / Parquet in the canonical schema, read in place.

DuckDB streams the files through the compiled query with a memory limit and spills to a temp
folder, so a table far larger than memory is summed on one machine. ``budget-guard convert`` writes
spreadsheets as such a Parquet dataset.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
from sqlglot import exp

from budget_guard.engine.backends import sql
from budget_guard.engine.backends.sql_engine import SqlLines
from budget_guard.engine.unclassified import CHUNK_LINES
from budget_guard.errors import InputError, Place, required
from budget_guard.model.rulebook import Rules
from budget_guard.model.table import AMOUNT_FEN, DEPARTMENT

DIALECT = "duckdb"
LINES_VIEW = "canonical_lines"
DEFAULT_MEMORY_LIMIT = "3GB"
TABLE_SUFFIXES = {".parquet": "parquet", ".csv": "csv"}


def table_files(paths: Sequence[str | Path]) -> dict[str, list[str]]:
    """The Parquet and CSV files among ``paths`` (folders searched recursively), by kind."""
    found: dict[str, list[str]] = {"parquet": [], "csv": []}
    for given in paths:
        path = Path(given)
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        if not path.exists():
            raise InputError.from_key("input.file_missing", Place(file=str(path)))
        for candidate in candidates:
            kind = TABLE_SUFFIXES.get(candidate.suffix.lower())
            if kind:
                found[kind].append(str(candidate))
    if not found["parquet"] and not found["csv"]:
        raise InputError.from_key("engine.no_tables", Place(file=", ".join(str(p) for p in paths)))
    return found


def _quoted_list(files: list[str]) -> str:
    return "[" + ", ".join(exp.Literal.string(f).sql(dialect=DIALECT) for f in files) + "]"


def open_lines(
    paths: Sequence[str | Path],
    rules: Rules,
    *,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    temp_directory: str | Path | None = None,
    threads: int | None = None,
) -> SqlLines:
    """A DuckDB connection whose view ``canonical_lines`` reads ``paths``; raises ``InputError`` for
    files DuckDB cannot read or lines without a department."""
    import duckdb

    files = table_files(paths)
    con = duckdb.connect()
    con.execute(f"SET memory_limit = {exp.Literal.string(memory_limit).sql(dialect=DIALECT)}")
    con.execute("SET preserve_insertion_order = false")
    if temp_directory is not None:
        con.execute(f"SET temp_directory = {exp.Literal.string(str(temp_directory)).sql(dialect=DIALECT)}")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    # File names are SQLGlot string literals; options are appended as arguments, never spliced into
    # the built text (a folder named "x, union_by_name = true" stays a file name).
    readers = {
        "parquet": lambda f, options="": f"read_parquet({_quoted_list(f)}, union_by_name = true{options})",
        "csv": lambda f, options="": (
            f"read_csv({_quoted_list(f)}, header = true, all_varchar = true, union_by_name = true{options})"
        ),
    }
    parts = []
    try:
        for kind, chosen in files.items():
            if not chosen:
                continue
            raw = f"raw_{kind}"
            con.execute(f"CREATE VIEW {raw} AS SELECT * FROM {readers[kind](chosen)}")
            present = [row[0] for row in con.execute(f"DESCRIBE {raw}").fetchall()]
            sql.require_canonical(present, ", ".join(chosen))
            parts.append(sql.canonical_select(present, raw))
        view = parts[0] if len(parts) == 1 else exp.union(*parts, distinct=False)
        con.execute(f"CREATE VIEW {LINES_VIEW} AS {view.sql(dialect=DIALECT)}")
        counted = con.execute(f"SELECT count(*) FROM {LINES_VIEW} WHERE {DEPARTMENT} IS NULL").fetchone()
        missing = required(counted, "the one row of SELECT count(*)")[0]
    except duckdb.Error as exc:
        raise InputError.from_key("engine.unreadable", Place(file=", ".join(map(str, paths))), detail=exc) from None
    if missing:
        raise InputError.from_key(
            "engine.lines_without_department", Place(file=", ".join(map(str, paths))), count=missing
        )

    def run(query: exp.Expr) -> pd.DataFrame:
        try:
            return con.execute(query.sql(dialect=DIALECT)).df()
        except duckdb.Error as exc:
            raise InputError.from_key(
                "engine.query_failed", Place(file=", ".join(map(str, paths))), detail=exc
            ) from None

    def file_totals() -> pd.DataFrame:
        """Lines and 分 per input file (only the amount column is read)."""
        frames = []
        for kind, chosen in files.items():
            if chosen:
                reader = readers[kind](chosen, ", filename = true")
                frames.append(
                    run_text(
                        f"SELECT filename AS file, count(*) AS lines, CAST(sum(CAST({AMOUNT_FEN} AS BIGINT)) AS BIGINT)"
                        f" AS amount_fen FROM {reader} GROUP BY filename"
                    )
                )
        return pd.concat(frames, ignore_index=True)

    def run_text(text: str) -> pd.DataFrame:
        try:
            return con.execute(text).df()
        except duckdb.Error as exc:
            raise InputError.from_key(
                "engine.query_failed", Place(file=", ".join(map(str, paths))), detail=exc
            ) from None

    def materialize(query: exp.Expr, name: str) -> None:
        run_text(
            f"CREATE OR REPLACE TEMP TABLE {exp.to_identifier(name).sql(dialect=DIALECT)} AS {query.sql(dialect=DIALECT)}"
        )

    def chunks(query: exp.Expr) -> Iterator[pd.DataFrame]:
        try:
            reader = con.sql(query.sql(dialect=DIALECT)).to_arrow_reader(CHUNK_LINES)
            for batch in reader:
                yield batch.to_pandas()
        except duckdb.Error as exc:
            raise InputError.from_key(
                "engine.query_failed", Place(file=", ".join(map(str, paths))), detail=exc
            ) from None

    def copy_parquet(query: exp.Expr, path: Path) -> None:
        target = exp.Literal.string(str(path)).sql(dialect=DIALECT)
        run_text(f"COPY ({query.sql(dialect=DIALECT)}) TO {target} (FORMAT parquet)")

    lines = SqlLines(
        run,
        LINES_VIEW,
        rules,
        "duckdb",
        file_totals,
        materialize=materialize,
        chunks=chunks,
        copy_parquet=copy_parquet,
        top_n_aggregate=True,
    )
    lines.connection = con  # kept alive as long as the lines (drill-down queries)
    return lines
