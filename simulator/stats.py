"""Counting requests per OPD and endpoint, so tests can count upstream calls."""

from __future__ import annotations

from collections import Counter

__all__ = ["ENDPOINTS", "RequestStats"]

ENDPOINTS = (
    "documents",
    "document",
    "information_list",
    "profile",
    "file",
    "request_intake",
    "request_status",
    "request_cancel",
    "other",
)
"""The endpoint names counted, the same for every dialect (``request_*``: an OPD's request API)."""


class RequestStats:
    """Requests received per OPD and endpoint, including those a knob turned into a failure."""

    def __init__(self) -> None:
        self._counts: dict[str, Counter[str]] = {}

    def count(self, slug: str, endpoint: str) -> None:
        """Record one request to ``endpoint`` of ``slug``."""
        self._counts.setdefault(slug, Counter())[endpoint] += 1

    def snapshot(self, slugs: list[str]) -> dict[str, dict[str, int]]:
        """``{slug: {endpoint: count}}`` for ``slugs``, with every endpoint present (zeros included)."""
        return {
            slug: {endpoint: self._counts.get(slug, Counter())[endpoint] for endpoint in ENDPOINTS}
            for slug in slugs
        }

    def reset(self) -> None:
        """Forget every count."""
        self._counts.clear()
