"""The gateway in-process over three OPDs with catalog files, counting what each request really does.

``executions`` counts the operations Strawberry ran and ``reads`` the
federation engine's reads (every upstream call goes through one), so a test
can show that an answer from the whole-answer cache ran nothing and asked
no OPD. OPD ``dinkes`` has a webhook secret (``SECRET``), ``dpk`` names a
secret variable that is not set, ``diskominfo`` has none.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from starlette.applications import Starlette
from starlette.routing import Route

from gateway.app import create_app
from gateway.config import load_config
from gateway.officers import key_sha256, new_officer_key
from schema import GraphQLView

KEYS = {"dinkes-ppid": new_officer_key(), "ppid-utama": new_officer_key()}
SECRET = "webhook-" + secrets.token_hex(16)
SECRET_ENV = "PPID_TEST_WEBHOOK_SECRET_DINKES"
UNSET_SECRET_ENV = "PPID_TEST_WEBHOOK_SECRET_NOWHERE"
OPDS = {"diskominfo": "Dinas Komunikasi dan Informatika", "dinkes": "Dinas Kesehatan", "dpk": "DPK"}
READS = ("documents", "document", "documents_by_id", "information_list", "profiles", "upstream_health")

DOCUMENTS = "{ documents(first: 20) { totalCount nodes { id title year opd { slug } } } }"


def catalog(slug: str, count: int = 2) -> dict[str, Any]:
    """A catalog of ``count`` documents of OPD ``slug``."""
    return {
        "documents": [
            {"id": str(i), "title": f"Laporan {slug} {i}", "category": "BERKALA", "year": 2020 + i}
            for i in range(1, count + 1)
        ]
    }


def write_config(directory: Path, cache: dict[str, Any] | None = None) -> Path:
    """The gateway's config over the three OPDs (catalogs written beside it), with officers."""
    opds = []
    for slug, name in OPDS.items():
        (directory / f"{slug}.yaml").write_text(yaml.safe_dump(catalog(slug)), encoding="utf-8")
        opd: dict[str, Any] = {
            "slug": slug,
            "name": name,
            "short_name": slug.upper(),
            "connector": {"kind": "files", "catalog": f"{slug}.yaml"},
        }
        if slug == "dinkes":
            opd["webhook_secret_env"] = SECRET_ENV
        elif slug == "dpk":
            opd["webhook_secret_env"] = UNSET_SECRET_ENV
        opds.append(opd)
    officers = [
        {"id": "dinkes-ppid", "name": "PPID Pembantu Dinkes", "role": "PPID", "opd": "dinkes"},
        {"id": "ppid-utama", "name": "PPID Utama Banten", "role": "PPID_UTAMA"},
    ]
    config: dict[str, Any] = {
        "ppid_utama": "diskominfo",
        "database": {"url": f"sqlite+aiosqlite:///{directory / 'ledger.db'}"},
        "delivery": {"enabled": False},
        "opds": opds,
        "officers": [{**officer, "key_sha256": key_sha256(KEYS[str(officer["id"])])} for officer in officers],
    }
    if cache is not None:
        config["cache"] = cache
    path = directory / "gateway.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def signed(body: bytes, *, secret: str = SECRET, at: float | None = None) -> dict[str, str]:
    """The webhook headers for ``body``, as an OPD's script makes them."""
    timestamp = str(int(time.time() if at is None else at))
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"X-PPID-Timestamp": timestamp, "X-PPID-Signature": f"sha256={mac}"}


def officer(name: str) -> dict[str, str]:
    """The headers of a request made with officer ``name``'s key."""
    return {"Authorization": f"Bearer {KEYS[name]}"}


@dataclass
class Gateway:
    """A started app, a client to it, and counters of what it ran."""

    app: Starlette
    client: httpx.AsyncClient
    executions: int = 0
    reads: Counter[str] = field(default_factory=Counter)
    during_execution: Callable[[], Awaitable[None]] | None = None
    """Called inside each execution, before it runs (a test's way to act while a query runs)."""

    async def post(
        self, query: str, headers: dict[str, str] | None = None, **variables: Any
    ) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables:
            body["variables"] = variables
        return await self.client.post("/graphql", json=body, headers=headers)

    @property
    def view(self) -> GraphQLView:
        [route] = [r for r in self.app.routes if isinstance(r, Route) and r.path == "/graphql"]
        view = route.endpoint
        assert isinstance(view, GraphQLView)
        return view


@asynccontextmanager
async def running(config: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Gateway]:
    """The app of ``config`` started, with its executions and engine reads counted."""
    app = create_app(load_config(config), migrate=True)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway.test") as client,
    ):
        gateway = Gateway(app, client)
        execute = gateway.view.schema.execute

        async def counted_execute(*args: Any, **kwargs: Any) -> Any:
            gateway.executions += 1
            if gateway.during_execution is not None:
                await gateway.during_execution()
            return await execute(*args, **kwargs)

        monkeypatch.setattr(gateway.view.schema, "execute", counted_execute)
        federation = app.state.federation
        for name in READS:
            monkeypatch.setattr(federation, name, _counting(gateway.reads, name, getattr(federation, name)))
        yield gateway


def _counting(reads: Counter[str], name: str, read: Callable[..., Awaitable[Any]]) -> Callable[..., Any]:
    async def counted(*args: Any, **kwargs: Any) -> Any:
        reads[name] += 1
        return await read(*args, **kwargs)

    return counted


@pytest.fixture
async def gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Gateway]:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    monkeypatch.delenv(UNSET_SECRET_ENV, raising=False)
    async with running(write_config(tmp_path), monkeypatch) as started:
        yield started
