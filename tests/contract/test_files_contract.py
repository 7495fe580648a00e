"""The contract suite against the builtin ``files`` connector, over a YAML catalog it writes and breaks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from connectors import OpdRef
from connectors.base import Connector
from connectors.files import FilesConnector, FilesSettings
from connectors.records import Document
from connectors.testing.server import ContractServer, sample_documents
from connectors.testing.suite import *  # noqa: F403 - the whole contract suite runs here


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"the files connector made an HTTP request: {request.url}")


def _catalog_row(document: Document) -> dict[str, Any]:
    row = document.model_dump(mode="json", exclude_none=True)
    row["id"] = row.pop("local_id")
    return row


class CatalogServer:
    """A catalog file as the ``files`` connector's upstream: a fault is a missing or broken file."""

    def __init__(self, folder: Path, documents: Sequence[Document]) -> None:
        self.documents = tuple(documents)
        self.path = folder / "catalog.yaml"
        self.base_url = str(self.path)
        self._http = httpx.AsyncClient(transport=httpx.MockTransport(_refuse))
        self.heal()

    @property
    def http(self) -> httpx.AsyncClient:
        return self._http

    def fail_with(self, status: int) -> None:
        # A file system's "unavailable": the file is gone (an unmounted share).
        self.path.unlink()

    def send_garbage(self) -> None:
        self.path.write_text("documents:\n  - {id: 1, title: [not, a, title]\n\x00", encoding="utf-8")

    def hang(self) -> None:
        pytest.skip("a catalog file on disk cannot hang")

    def heal(self) -> None:
        catalog = {"documents": [_catalog_row(d) for d in self.documents]}
        self.path.write_text(yaml.safe_dump(catalog, allow_unicode=True), encoding="utf-8")

    async def aclose(self) -> None:
        await self._http.aclose()


@pytest.fixture
def fixture_server(tmp_path: Path) -> ContractServer:
    """The kit's sample documents as a YAML catalog."""
    return CatalogServer(tmp_path, sample_documents())


@pytest.fixture
def connector_factory() -> Callable[[ContractServer], Connector]:
    """A files connector reading the server's catalog."""

    def make(server: ContractServer) -> Connector:
        settings = FilesSettings.model_validate({"catalog": server.base_url})
        return FilesConnector(OpdRef(slug="dpk", name="Dinas Perpustakaan"), settings, server.http)

    return make


async def test_the_catalog_server_is_a_contract_server(tmp_path: Path) -> None:
    server = CatalogServer(tmp_path, [])
    try:
        assert isinstance(server, ContractServer)
        assert yaml.safe_load(server.path.read_text(encoding="utf-8")) == {"documents": []}
    finally:
        await server.aclose()
