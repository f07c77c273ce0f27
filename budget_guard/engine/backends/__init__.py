"""One module per engine that runs the line-level half (classify + sum) and returns a ``LineSummary``.

- ``pandas_backend``: the default, in memory, for spreadsheets (the dashboard, a city's CLI run).
- ``sql``: the one query (the compiled selectors + the group sums) that every SQL engine runs.
- ``duckdb_backend``: embedded DuckDB reading CSV/Parquet directly, larger than memory.
- ``spark_backend``: PySpark (local or a cluster) reading Parquet/CSV paths or a Hive table.

The summary half (year over year, grade, findings) is shared: ``engine/evaluate.py``.
"""

ENGINES: tuple[str, ...] = ("pandas", "duckdb", "spark")
DEFAULT_ENGINE = "pandas"
