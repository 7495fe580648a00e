"""The contract suite against the builtin ``rest`` connector reading a simulated Laravel OPD, in process."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from starlette.applications import Starlette

from connectors import OpdRef
from connectors.base import Connector
from connectors.rest import RestConnector, RestSettings
from connectors.testing.server import ContractServer, HttpContractServer
from connectors.testing.suite import *  # noqa: F403 - the whole contract suite runs here
from simulator import Dialect
from simulator.dialects import api_routes, rest_connector_block
from simulator.directory import load_opds
from simulator.seed import seed_opd

BASE = "https://dinkes.contract.test"


@pytest.fixture
def fixture_server() -> ContractServer:
    """A Laravel-dialect OPD of the simulator, served through ASGI with the kit's fault switches."""
    seed = seed_opd(load_opds()[0])
    app = Starlette(routes=api_routes(Dialect.LARAVEL, seed))
    return HttpContractServer(httpx.ASGITransport(app=app), seed.documents, base_url=BASE)


@pytest.fixture
def connector_factory() -> Callable[[ContractServer], Connector]:
    """The rest connector configured by the Laravel dialect's own connector block."""

    def make(server: ContractServer) -> Connector:
        block = rest_connector_block(Dialect.LARAVEL, server.base_url)
        block.pop("kind")
        return RestConnector(
            OpdRef(slug="dinkes", name="Dinas Kesehatan"), RestSettings.model_validate(block), server.http
        )

    return make
