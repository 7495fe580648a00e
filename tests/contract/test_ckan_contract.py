"""The contract suite against the builtin ``ckan`` connector reading a simulated Satu Data portal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette

from connectors import OpdRef
from connectors.base import Connector
from connectors.ckan import CkanConnector, CkanSettings
from connectors.records import Document
from connectors.testing.server import ContractServer, HttpContractServer
from connectors.testing.suite import *  # noqa: F403 - the whole contract suite runs here
from simulator.dialects import ckan as portal
from simulator.directory import load_opds
from simulator.seed import OpdSeed, seed_opd

BASE = "https://satudata.contract.test"
SLUG = "bpbd"
OTHERS = ("bkd",)


def expected_documents(seed: OpdSeed) -> list[Document]:
    """The seed's documents in the connector's id space: ``<package-name>/<resource-id>``.

    Each resource carries its package's year: the UTC year of ``metadata_created``.
    """
    return [
        doc.model_copy(
            update={
                "local_id": f"{package.name}/{portal.resource_id(seed, doc)}",
                "year": package.created.astimezone(dt.UTC).year,
            }
        )
        for package in portal.portal_packages([seed])
        for doc in package.documents
    ]


@pytest.fixture
def fixture_server() -> ContractServer:
    """A portal of the OPD and another organization, through ASGI with the kit's fault switches."""
    seeds = {opd.slug: seed_opd(opd) for opd in load_opds() if opd.slug in (SLUG, *OTHERS)}
    app = Starlette(routes=portal.routes(seeds[SLUG], *(seeds[slug] for slug in OTHERS)))
    return HttpContractServer(httpx.ASGITransport(app=app), expected_documents(seeds[SLUG]), base_url=BASE)


@pytest.fixture
def connector_factory() -> Callable[[ContractServer], Connector]:
    """The ckan connector configured by the dialect's own connector block."""

    def make(server: ContractServer) -> Connector:
        block = portal.connector_block(server.base_url, SLUG)
        block.pop("kind")
        return CkanConnector(
            OpdRef(slug=SLUG, name="Badan Penanggulangan Bencana Daerah"),
            CkanSettings.model_validate(block),
            server.http,
        )

    return make
