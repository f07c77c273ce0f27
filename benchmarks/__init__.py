"""Benchmarks for budget-guard: ``python -m benchmarks.run --sizes 10k,100k,1m`` (see docs/performance.md)."""
