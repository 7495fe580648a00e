"""The cache's public names, which the federation engine and the HTTP layer use, and who imports aiocache."""

from __future__ import annotations

import re
from pathlib import Path

import cache

ROOT = Path(__file__).resolve().parents[2]


def test_the_public_names_are_exported_once_each() -> None:
    assert set(cache.__all__) == {
        "MISSING",
        "Cache",
        "CacheUnavailable",
        "MemoryCache",
        "Missing",
        "RedisCache",
        "ResilientCache",
        "keys",
        "open_cache",
    }
    assert len(cache.__all__) == len(set(cache.__all__))  # ruff (RUF022) keeps it sorted
    for name in cache.__all__:
        assert getattr(cache, name) is not None


def test_only_the_cache_package_imports_aiocache() -> None:
    importers = [
        path.relative_to(ROOT).as_posix()
        for package in ("gateway", "connectors", "schema", "simulator", "bench")
        for path in sorted((ROOT / package).rglob("*.py"))
        if re.search(r"^\s*(import|from)\s+aiocache\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert importers == []
