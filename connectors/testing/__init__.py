"""The connector contract kit: check that a connector keeps the promises of :mod:`connectors.base`.

An OPD developer writes one test file that imports the suite and defines two
fixtures, the way a SQLAlchemy dialect imports ``sqlalchemy.testing.suite``:

``fixture_server``
    A :class:`~connectors.testing.server.ContractServer`: the upstream with
    known ``documents`` and fault switches (``fail_with(status)``,
    ``send_garbage()``, ``hang()``, ``heal()``). For an HTTP upstream, wrap a
    fake of it in :class:`~connectors.testing.server.HttpContractServer`: a
    handler for ``httpx.MockTransport``, or ``httpx.ASGITransport(app=...)``
    over a small Starlette or FastAPI app. Nothing listens on a socket. For
    a connector that reads a database table, :class:`~connectors.testing.sql.SqlContractServer`
    makes the faults in the database itself (SQLite or PostgreSQL).
``connector_factory``
    A callable ``(server) -> Connector`` building the connector against
    ``server.base_url``, with ``server.http`` as its shared client.

The suite (:mod:`connectors.testing.suite`) then checks every capability the
connector declares and skips the others, with the reason: valid records,
exempt documents without files, ids stable across calls, each document once
whatever the page size, declared orders followed across pages, pushed-down
filters equal to :func:`connectors.filtering.document_matches`, an unknown id
is ``None``, typed errors (``UpstreamUnavailable`` on 500 / 503,
``UpstreamBadResponse`` on garbage, ``UpstreamTimeout`` on a hang), ``probe``,
and ``aclose`` leaving no response open and the shared client usable.

The pytest plugin (:mod:`connectors.testing.plugin`, entry point
``ppid_gateway_connectors``) marks those tests ``connector_contract`` and
provides the ``contract_documents`` and ``json_contract_server`` fixtures.
Async tests are marked ``pytest.mark.asyncio``, so the suite runs in
pytest-asyncio's strict mode as in auto mode.

A complete example. The connector, ``acme_connector.py`` (an OPD whose API
answers ``GET /documents?page=&per_page=`` with ``{"data": [...], "total": n}``
and ``GET /documents/{id}`` with ``{"data": {...}}`` or 404)::

    from __future__ import annotations

    import httpx
    import pydantic

    from connectors import Capability, Connector, Document, DocumentPage, DocumentQuery, Pushdown
    from connectors.errors import InvalidToken, UpstreamBadResponse
    from connectors.http import fetch_json, fetch_optional_json


    class AcmeSettings(pydantic.BaseModel):
        base_url: str


    class AcmeConnector(Connector):
        kind = "acme"
        Settings = AcmeSettings
        capabilities = frozenset({Capability.DOCUMENTS, Capability.DOCUMENT})
        pushdown = Pushdown.nothing()

        async def list_documents(self, query: DocumentQuery) -> DocumentPage:
            page, size = self._position(query)
            request = self.http.build_request(
                "GET", f"{self.settings.base_url}/documents", params={"page": page, "per_page": size}
            )
            body = (await fetch_json(self.http, request)).body
            try:
                items = tuple(Document.model_validate(item) for item in body["data"])
                total = int(body["total"])
            except (KeyError, TypeError, ValueError) as exc:
                raise UpstreamBadResponse(f"acme documents page {page}: {exc}") from exc
            more = page * size < total
            return DocumentPage(items=items, next_token=f"{page + 1}:{size}" if more else None, total=total)

        async def get_document(self, local_id: str) -> Document | None:
            url = f"{self.settings.base_url}/documents/{local_id}"
            answer = await fetch_optional_json(self.http, self.http.build_request("GET", url))
            if answer is None:
                return None
            try:
                return Document.model_validate(answer.body["data"])
            except (KeyError, TypeError, ValueError) as exc:
                raise UpstreamBadResponse(f"acme document {local_id}: {exc}") from exc

        @staticmethod
        def _position(query: DocumentQuery) -> tuple[int, int]:
            # The token carries its page size, so it stays valid whatever the caller asks next.
            if query.token is None:
                return 1, query.page_size
            page, _, size = query.token.partition(":")
            if not (page.isdigit() and size.isdigit()):
                raise InvalidToken(f"not an acme token: {query.token!r}")
            return int(page), int(size)

The contract test, ``test_acme_contract.py``::

    from __future__ import annotations

    import pytest

    from acme_connector import AcmeConnector, AcmeSettings
    from connectors import OpdRef
    from connectors.testing.server import HttpContractServer, json_documents_handler, sample_documents
    from connectors.testing.suite import *  # noqa: F403


    @pytest.fixture
    def fixture_server():
        # Your own fake of the OPD's API goes here; the kit's JSON handler happens to speak Acme's.
        documents = sample_documents()
        return HttpContractServer(json_documents_handler(documents), documents)


    @pytest.fixture
    def connector_factory():
        def make(server):
            settings = AcmeSettings(base_url=server.base_url)
            return AcmeConnector(OpdRef(slug="acme", name="Dinas Acme"), settings, server.http)

        return make

Run it with ``pytest test_acme_contract.py``; ``-m connector_contract``
selects only the contract tests.
"""

from __future__ import annotations

from .server import (
    ContractServer,
    Fault,
    FaultyTransport,
    HttpContractServer,
    json_documents_handler,
    sample_documents,
)

__all__ = [
    "ContractServer",
    "Fault",
    "FaultyTransport",
    "HttpContractServer",
    "json_documents_handler",
    "sample_documents",
]
