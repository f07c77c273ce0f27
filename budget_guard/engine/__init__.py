"""The pure engine: classify lines into categories, sum them, compare years, grade, build findings.

No file I/O, no printing, no Streamlit. DataFrames and the validated rules in, DataFrames and
frozen dataclasses out, so the same steps serve the CLI, the dashboard and the Python API.
"""
