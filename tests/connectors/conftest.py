"""Fixtures for connector tests: an HTTP client whose transport is a respx router."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import respx

from connectors import OpdRef
from connectors.rest import RestConnector, RestSettings

from .upstream import BASE

OPD = OpdRef(slug="dinkes", name="Dinas Kesehatan")


@pytest.fixture
def router() -> respx.Router:
    """The fake upstream: routes are added by each test."""
    return respx.Router(base_url=BASE, assert_all_called=False)


@pytest.fixture
async def http(router: respx.Router) -> AsyncIterator[httpx.AsyncClient]:
    """The shared client, its transport injected (never monkeypatched), closed after the test."""
    async with httpx.AsyncClient(transport=httpx.MockTransport(router.async_handler)) as client:
        yield client


@pytest.fixture
def make_rest(http: httpx.AsyncClient) -> Callable[[dict[str, Any]], RestConnector]:
    """Build a rest connector from a connector block (without ``kind``); ``base_url`` defaults to BASE."""

    def make(options: dict[str, Any]) -> RestConnector:
        settings = RestSettings.model_validate({"base_url": BASE, **options})
        return RestConnector(OPD, settings, http)

    return make
