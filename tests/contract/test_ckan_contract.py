"""The contract suite against the builtin ``ckan`` connector reading a simulated Satu Data portal."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette

from connectors import OpdRef
from connectors.base import Connector
from connectors.ckan import CkanConnector, CkanSettings
from connectors.testing.server import ContractServer, HttpContractServer
from connectors.testing.suite import *  # noqa: F403 - the whole contract suite runs here
from simulator.dialects import ckan as portal
from simulator.directory import load_opds
from simulator.seed import seed_opd

BASE = "https://satudata.contract.test"
# BKD has a document without a year (a package without the extra), which a year filter must never keep.
SLUG = "bkd"
OTHERS = ("bpbd",)


@pytest.fixture
def fixture_server() -> ContractServer:
    """A portal of the OPD and another organization, through ASGI with the kit's fault switches.

    The expected documents are the ones the portal serves, as the connector reads them
    (``served_documents``: each resource's year is its package's ``tahun`` extra).
    """
    seeds = {opd.slug: seed_opd(opd) for opd in load_opds() if opd.slug in (SLUG, *OTHERS)}
    app = Starlette(routes=portal.routes(seeds[SLUG], *(seeds[slug] for slug in OTHERS)))
    expected = portal.served_documents(seeds[SLUG])
    return HttpContractServer(httpx.ASGITransport(app=app), expected, base_url=BASE)


@pytest.fixture
def connector_factory() -> Callable[[ContractServer], Connector]:
    """The ckan connector configured by the dialect's own connector block."""

    def make(server: ContractServer) -> Connector:
        block = portal.connector_block(server.base_url, SLUG)
        block.pop("kind")
        return CkanConnector(
            OpdRef(slug=SLUG, name="Badan Kepegawaian Daerah"),
            CkanSettings.model_validate(block),
            server.http,
        )

    return make
