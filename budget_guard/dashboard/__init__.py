"""View models for the Streamlit dashboard (``app.py``): pure functions the page calls.

- ``pipeline``: uploads → ``read_budget`` → ``evaluate`` and the report downloads, as the CLI does
- ``whatif``: target rates and grading bands edited in the sidebar, as validated rules
- ``views``: display tables, one module per view (overview, matrix, trend, departments, lines, findings …)
- ``charts``: Altair specs (compliance heatmap, year-over-year trend with the target)
- ``palette``: level colours, the same fills as the XLSX 督办单
- ``cache``: the only Streamlit-aware module; caches ingest and evaluation on file and rules hashes

Everything except ``cache`` is testable without Streamlit.
"""
