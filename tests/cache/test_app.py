"""The gateway with its cache: opened at start, shown by ``/readyz``, never needed to answer a query."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml

from cache import RedisCache, ResilientCache
from gateway.app import create_app
from gateway.config import load_config

from ..conftest import TestRedis
from .conftest import free_port

DOCUMENTS = {"query": "{ documents(first: 5) { totalCount nodes { title } } }"}


@asynccontextmanager
async def gateway(directory: Path, cache: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway over one OPD with a catalog file, with ``cache`` as its ``cache:`` block."""
    document = {"id": "1", "title": "Laporan Kinerja 2024", "category": "BERKALA", "year": 2024}
    catalog = {"documents": [document]}
    (directory / "dpk.yaml").write_text(yaml.safe_dump(catalog), encoding="utf-8")
    config = {
        "ppid_utama": "dpk",
        "cache": cache,
        "opds": [
            {
                "slug": "dpk",
                "name": "Dinas Perpustakaan dan Kearsipan",
                "short_name": "DPK",
                "connector": {"kind": "files", "catalog": "dpk.yaml"},
            }
        ],
    }
    (directory / "gateway.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    app = create_app(load_config(directory / "gateway.yaml"), migrate=True)
    async with app.router.lifespan_context(app):
        assert isinstance(app.state.cache, ResilientCache)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield client


async def test_with_redis_down_queries_are_answered_and_readyz_says_the_cache_is_degraded(
    tmp_path: Path,
) -> None:
    port = free_port()
    async with gateway(tmp_path, {"url": f"redis://:hunter2-secret@127.0.0.1:{port}/0"}) as client:
        for _ in range(2):
            answer = (await client.post("/graphql", json=DOCUMENTS)).json()
            assert answer["data"]["documents"]["totalCount"] == 1
            assert answer["data"]["documents"]["nodes"] == [{"title": "Laporan Kinerja 2024"}]
        ready = await client.get("/readyz")

    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"].startswith(
        f"degraded: the cache at redis://127.0.0.1:{port}/0 does not answer: ConnectionError"
    )
    assert "hunter2" not in ready.text


async def test_the_memory_cache_is_always_ready(tmp_path: Path) -> None:
    async with gateway(tmp_path, {"url": "memory://", "max_entries": 100}) as client:
        body = (await client.get("/readyz")).json()
    assert body["status"] == "ok"
    assert body["checks"]["cache"] == "ok"


async def test_a_redis_that_answers_is_ready(tmp_path: Path, test_redis: TestRedis) -> None:
    key_prefix = f"{test_redis.key_prefix}-app-{secrets.token_hex(4)}"
    try:
        async with gateway(tmp_path, {"url": test_redis.url, "key_prefix": key_prefix}) as client:
            answer = (await client.post("/graphql", json=DOCUMENTS)).json()
            assert answer["data"]["documents"]["totalCount"] == 1
            body = (await client.get("/readyz")).json()
    finally:
        leftovers = RedisCache(test_redis.url, key_prefix=key_prefix)
        await leftovers.delete_prefix("")
        await leftovers.aclose()
    assert body["checks"]["cache"] == "ok"
    assert body["status"] == "ok"
