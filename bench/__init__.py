"""Benchmarks: each prints its figures and writes them as JSON (DESIGN.md §10).

Nothing here is a test, and no test asserts a timing. Run one with
``python -m bench.<name> --help``; docs/performance.md keeps the latest
figures with the machine they came from.
"""
