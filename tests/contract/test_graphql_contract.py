"""The contract suite against the builtin ``graphql`` connector reading one OPD of a second ppid-gateway.

The upstream is a real regency gateway (``gateway.app.create_app``) run in
process behind ``httpx.ASGITransport``; its OPDs are ``files`` catalogs. The
kit's fault switches act on the transport, between the two gateways, so a 500,
garbage or a hang is what the province would see from a failing regency.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from connectors import OpdRef
from connectors.base import Connector
from connectors.graphql import GraphQLConnector, GraphQLSettings
from connectors.records import Document, InformationCategory
from connectors.testing.server import ContractServer, HttpContractServer, sample_documents
from connectors.testing.suite import *  # noqa: F403 - the whole contract suite runs here
from gateway.app import create_app
from gateway.config import load_config

BASE = "https://regency.contract.test"


def _catalog_row(document: Document) -> dict[str, Any]:
    row = document.model_dump(mode="json", exclude_none=True)
    row["id"] = row.pop("local_id")
    return row


def _catalog(documents: Sequence[Document]) -> dict[str, Any]:
    """A full files catalog: the documents, a DIP and a profile, so every capability is exercised."""
    categories = list(InformationCategory)
    return {
        "documents": [_catalog_row(document) for document in documents],
        "information_list": [
            {
                "id": f"dip-{n}",
                "number": str(n),
                "title": f"Informasi Publik {n}",
                "category": categories[n % 4].value,
            }
            for n in range(1, 8)
        ],
        "profile": {
            "description": "PPID Pembantu Dinas Kesehatan",
            "vision": "Masyarakat sehat",
            "contact": {"email": "ppid@dinkes.regency.test"},
            "menu": [{"section": "PROFILE", "available": True, "url": "https://dinkes.regency.test/ppid"}],
        },
    }


class RegencyServer(HttpContractServer):
    """The regency gateway with the kit's fault switches, and which of its OPDs the connector reads."""

    def __init__(self, transport: httpx.AsyncBaseTransport, documents: Sequence[Document], upstream_opd: str):
        super().__init__(transport, documents, base_url=BASE)
        self.upstream_opd = upstream_opd


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The regency's two catalogs, written once: the gateway only reads them."""
    folder = tmp_path_factory.mktemp("regency")
    documents = sample_documents()
    (folder / "dinkes.yaml").write_text(yaml.safe_dump(_catalog(documents)), encoding="utf-8")
    documents_only = {"documents": [_catalog_row(document) for document in documents]}
    (folder / "dpk.yaml").write_text(yaml.safe_dump(documents_only), encoding="utf-8")
    return folder


@pytest.fixture(params=["dinkes", "dpk"], ids=["full-opd", "documents-only-opd"])
async def fixture_server(
    catalogs: Path, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[ContractServer]:
    """A regency gateway whose two OPDs both hold the kit's sample documents, under the same ids.

    ``dinkes`` also has a DIP and a profile; ``dpk`` has documents only, so the
    connector must settle its capabilities on ``probe`` rather than fail it.
    Sharing ids, the two OPDs show whether the connector reads only its own.
    The expected documents are the samples themselves: the graphql connector's
    local id is the part of the upstream's global id after ``<slug>:``, which
    is the catalog's own id.
    """
    config = {
        "ppid_utama": "dpk",
        # Federated reads need no request ledger, so the database is never migrated nor opened.
        "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'regency.db'}"},
        # No response cache: a healed fault must not be served from a cache, nor a fault cached.
        "cache": {"response_ttl_s": 0, "stale_if_error_s": 0},
        "opds": [
            {
                "slug": "dinkes",
                "name": "Dinas Kesehatan",
                "short_name": "Dinkes",
                "connector": {"kind": "files", "catalog": str(catalogs / "dinkes.yaml")},
            },
            {
                "slug": "dpk",
                "name": "Dinas Perpustakaan",
                "short_name": "DPK",
                "connector": {"kind": "files", "catalog": str(catalogs / "dpk.yaml")},
            },
        ],
    }
    (tmp_path / "gateway.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    app = create_app(load_config(tmp_path / "gateway.yaml"))
    # ASGITransport sends no lifespan events; the gateway's startup (connectors, clients) runs here.
    async with app.router.lifespan_context(app):
        server = RegencyServer(httpx.ASGITransport(app=app), sample_documents(), request.param)
        try:
            yield server
        finally:
            await server.aclose()


@pytest.fixture
def connector_factory() -> Callable[[ContractServer], Connector]:
    """A graphql connector reading the server's regency OPD as a province OPD of its own."""

    def make(server: ContractServer) -> Connector:
        assert isinstance(server, RegencyServer)
        settings = GraphQLSettings.model_validate(
            {"endpoint": f"{server.base_url}/graphql", "upstream_opd": server.upstream_opd}
        )
        ref = OpdRef(slug=f"tangkab-{server.upstream_opd}", name="OPD Kab. Tangerang")
        return GraphQLConnector(ref, settings, server.http)

    return make
