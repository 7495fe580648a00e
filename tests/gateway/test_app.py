"""The app factory in-process: endpoints, compression and CORS for browser clients."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import yaml

from gateway.app import create_app
from gateway.config import load_config


def catalog(count: int) -> dict[str, object]:
    return {
        "documents": [
            {"id": str(i), "title": f"Laporan Kinerja {i}", "category": "BERKALA", "year": 2020 + i % 6}
            for i in range(count)
        ]
    }


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "dpk.yaml").write_text(yaml.safe_dump(catalog(60)), encoding="utf-8")
    config = {
        "ppid_utama": "dpk",
        "server": {"cors_origins": ["https://ppid.bantenprov.go.id"]},
        "opds": [
            {
                "slug": "dpk",
                "name": "Dinas Perpustakaan dan Kearsipan",
                "short_name": "DPK",
                "connector": {"kind": "files", "catalog": "dpk.yaml"},
            }
        ],
    }
    (tmp_path / "gateway.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    app = create_app(load_config(tmp_path / "gateway.yaml"), migrate=True)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as test_client:
            yield test_client


async def test_readyz_says_ready_once_started(client: httpx.AsyncClient) -> None:
    assert (await client.get("/readyz")).json() == {
        "status": "ok",
        "checks": {
            "config": "ok",
            "opds": 1,
            "database": "ok",
            "deliveries": {"pending": 0, "failed": 0, "oldest_pending_age_s": None},
            "cache": "ok",
        },
    }


async def test_large_responses_are_gzipped_for_clients_that_accept_it(client: httpx.AsyncClient) -> None:
    query = {"query": "{ documents(first: 60) { nodes { id title year } } }"}
    response = await client.post("/graphql", json=query, headers={"accept-encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert len(response.json()["data"]["documents"]["nodes"]) == 60
    raw = await client.post("/graphql", json=query, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert len(gzip.compress(raw.content)) < len(raw.content)


async def test_a_configured_portal_origin_may_call_from_a_browser(client: httpx.AsyncClient) -> None:
    preflight = await client.options(
        "/graphql",
        headers={
            "origin": "https://ppid.bantenprov.go.id",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://ppid.bantenprov.go.id"
    other = await client.post(
        "/graphql", json={"query": "{ opds { slug } }"}, headers={"origin": "https://elsewhere.example"}
    )
    assert "access-control-allow-origin" not in other.headers


def test_the_demo_makes_its_personal_data_key_once_readable_by_its_owner_only(tmp_path: Path) -> None:
    from gateway.demo import KEY_FILE, demo_personal_data_key
    from gateway.identity.crypto import load_master_key

    key = demo_personal_data_key(tmp_path)
    assert len(load_master_key(key)) == 32
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert demo_personal_data_key(tmp_path) == key


async def test_readyz_says_when_the_ledger_is_not_migrated(tmp_path: Path) -> None:
    (tmp_path / "dpk.yaml").write_text(yaml.safe_dump(catalog(1)), encoding="utf-8")
    config = {
        "ppid_utama": "dpk",
        "opds": [
            {
                "slug": "dpk",
                "name": "DPK",
                "short_name": "DPK",
                "connector": {"kind": "files", "catalog": "dpk.yaml"},
            }
        ],
    }
    (tmp_path / "gateway.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    app = create_app(load_config(tmp_path / "gateway.yaml"))  # no migrate: a fresh, empty SQLite file
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            ready = (await client.get("/readyz")).json()
    assert ready["status"] == "degraded"
    assert ready["checks"]["database"].startswith("not migrated: run `ppid-gateway migrate")
