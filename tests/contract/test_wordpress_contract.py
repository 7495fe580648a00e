"""The contract suite against the builtin ``wordpress`` connector reading a simulated WordPress site."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette

from connectors import OpdRef
from connectors.base import Connector
from connectors.records import Document
from connectors.testing.server import ContractServer, HttpContractServer
from connectors.testing.suite import *  # noqa: F403 - the whole contract suite runs here
from connectors.wordpress import WordPressConnector, WordPressSettings
from simulator.dialects import wordpress as dialect
from simulator.directory import load_opds
from simulator.seed import OpdSeed, seed_opd

BASE = "https://bpbd.contract.test"


def _seed() -> OpdSeed:
    """An OPD whose site still links an exempt file: the connector must drop it."""
    for opd in load_opds():
        seed = seed_opd(opd)
        if seed.leaked_exempt_ids:
            return seed
    raise LookupError("no seed leaks an exempt file")


def expected_documents(seed: OpdSeed) -> list[Document]:
    """The seed's documents in the connector's id space: ``<source>-<wp id>``, the year of the local date."""
    return [
        item.document.model_copy(update={"local_id": f"{item.source}-{item.id}", "year": item.date.year})
        for item in dialect.wp_items(seed)
    ]


@pytest.fixture
def fixture_server() -> ContractServer:
    """The simulated WordPress site of an OPD, served through ASGI with the kit's fault switches."""
    seed = _seed()
    app = Starlette(routes=dialect.routes(seed))
    return HttpContractServer(httpx.ASGITransport(app=app), expected_documents(seed), base_url=BASE)


@pytest.fixture
def connector_factory() -> Callable[[ContractServer], Connector]:
    """The wordpress connector configured by the dialect's own connector block."""

    def make(server: ContractServer) -> Connector:
        block = dialect.connector_block(server.base_url)
        block.pop("kind")
        return WordPressConnector(
            OpdRef(slug="bpbd", name="Badan Penanggulangan Bencana Daerah"),
            WordPressSettings.model_validate(block),
            server.http,
        )

    return make
