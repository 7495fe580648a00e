"""The pytest plugin of the contract kit, registered under the ``pytest11`` entry point.

It adds the ``connector_contract`` marker, puts it on every test collected
from :mod:`connectors.testing.suite` (so ``-m connector_contract`` selects the
contract tests and ``-m "not connector_contract"`` leaves them out), and
provides fixtures for writing a ``fixture_server``:

``contract_documents``
    :func:`~connectors.testing.server.sample_documents`: twelve varied documents.
``json_contract_server``
    An :class:`~connectors.testing.server.HttpContractServer` serving
    ``contract_documents`` through :func:`~connectors.testing.server.json_documents_handler`,
    closed after the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from ..records import Document
from .server import HttpContractServer, json_documents_handler, sample_documents

__all__ = [
    "MARKER",
    "contract_documents",
    "json_contract_server",
    "pytest_collection_modifyitems",
    "pytest_configure",
]

MARKER = "connector_contract"
"""The marker put on every contract-suite test."""

_SUITE_MODULE = "connectors.testing.suite"


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, so that ``--strict-markers`` accepts it."""
    config.addinivalue_line("markers", f"{MARKER}: a test of the connectors.testing contract suite")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that comes from the contract suite."""
    for item in items:
        function = getattr(item, "function", None)
        if getattr(function, "__module__", None) == _SUITE_MODULE:
            item.add_marker(MARKER)


@pytest.fixture
def contract_documents() -> list[Document]:
    """Twelve sample documents: every category, exempt ones, undated ones, repeated titles."""
    return sample_documents()


@pytest_asyncio.fixture
async def json_contract_server(contract_documents: list[Document]) -> AsyncIterator[HttpContractServer]:
    """A JSON upstream of ``contract_documents`` (``/documents``, ``/documents/{id}``) with fault switches."""
    server = HttpContractServer(json_documents_handler(contract_documents), contract_documents)
    try:
        yield server
    finally:
        await server.aclose()
