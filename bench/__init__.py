"""Benchmarks: `python -m bench` (README, docs/benchmarks.md)."""
