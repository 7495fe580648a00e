"""The connector contract suite: ``from connectors.testing.suite import *`` in a test file.

The importing module (or its ``conftest.py``) defines two fixtures:

``fixture_server``
    A :class:`~connectors.testing.server.ContractServer`: an upstream with
    known documents and fault switches (:class:`~connectors.testing.server.HttpContractServer`
    for HTTP upstreams).
``connector_factory``
    A callable ``(server) -> Connector`` that builds the connector under test
    pointed at ``server.base_url`` with ``server.http`` as its shared client.

Every test checks one declared capability and skips, with the reason, when the
connector does not declare it. The capabilities and pushdown are read after a
healthy ``probe()``, so a connector whose abilities follow its upstream has
settled them. Async tests carry ``pytest.mark.asyncio`` and the connector
fixture is a ``pytest_asyncio`` fixture, so the suite runs in pytest-asyncio's
strict mode as well as in auto mode.

The classes are plain pytest classes: subclass one in your module under the
same name to override a test (say, to mark it ``xfail`` with a reason).
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import pytest_asyncio

from ..base import Connector
from ..capabilities import Capability
from ..errors import UpstreamBadResponse, UpstreamError, UpstreamTimeout, UpstreamUnavailable
from ..filtering import document_matches, order_key, query_words
from ..queries import DocumentFilter, DocumentOrder, DocumentQuery, ListQuery
from ..records import Document, InformationCategory, InformationListEntry, OpdProfile
from .server import ContractServer, FaultyTransport

__all__ = [
    "TestDocumentsContract",
    "TestErrorsContract",
    "TestInformationListContract",
    "TestLifecycleContract",
    "TestPaginationContract",
    "TestProfileContract",
    "TestPushdownContract",
    "contract_connector",
    "walk_documents",
]

PAGE_SIZES = (1, 2, 5, 50)
"""The page sizes every walk is repeated with."""
COMPARED_FIELDS = ("local_id", "title", "category", "year")
"""The fields compared with ``fixture_server.documents``."""
UNKNOWN_ID = "contract-kit-no-such-document-4242"
"""A local id no upstream holds."""

ConnectorFactory = Callable[[ContractServer], Connector]
"""What the ``connector_factory`` fixture returns."""


@pytest_asyncio.fixture
async def contract_connector(
    fixture_server: ContractServer, connector_factory: ConnectorFactory
) -> AsyncIterator[Connector]:
    """The connector under test, probed on a healthy upstream; closed, with the server, after the test."""
    connector = connector_factory(fixture_server)
    try:
        await connector.probe()
        yield connector
    finally:
        await connector.aclose()
        await fixture_server.aclose()


async def walk_documents(
    connector: Connector,
    *,
    page_size: int,
    flt: DocumentFilter | None = None,
    order: DocumentOrder | None = None,
    limit: int = 10_000,
) -> list[Document]:
    """Every document of every page, following continuation tokens; fails on a token loop.

    ``limit`` bounds the number of pages, so that a connector that never ends
    fails instead of hanging the run.
    """
    documents: list[Document] = []
    token: str | None = None
    seen_tokens: set[str] = set()
    for _ in range(limit):
        page = await connector.list_documents(
            DocumentQuery(filter=flt or DocumentFilter(), order=order, page_size=page_size, token=token)
        )
        documents.extend(page.items)
        token = page.next_token
        if token is None:
            return documents
        assert token not in seen_tokens, f"continuation token {token!r} came back: pagination loops"
        seen_tokens.add(token)
    pytest.fail(f"list_documents did not end after {limit} pages of {page_size}")


def _require(connector: Connector, capability: Capability) -> None:
    if capability not in connector.capabilities:
        pytest.skip(f"the {connector.kind} connector does not declare {capability.name}")


def _ids(documents: list[Document]) -> list[str]:
    return [document.local_id for document in documents]


def _assert_each_once(documents: list[Document], what: str) -> None:
    ids = _ids(documents)
    repeated = sorted({local_id for local_id in ids if ids.count(local_id) > 1})
    assert not repeated, f"{what}: documents listed more than once: {repeated}"


def _declared_orders(connector: Connector) -> list[DocumentOrder]:
    return [order for order in DocumentOrder if order.value in connector.pushdown.orders]


def _sorted(documents: list[Document], order: DocumentOrder) -> list[Document]:
    return sorted(documents, key=lambda document: order_key(document, order))


def _shape(document: Document) -> tuple[Any, ...]:
    return tuple(getattr(document, name) for name in COMPARED_FIELDS)


def _sample_filters(aspect: str, documents: list[Document]) -> list[DocumentFilter]:
    """Filters on one aspect, built from the data so that they select some documents and not others."""
    if aspect == "categories":
        present = sorted({d.category for d in documents}, key=lambda c: c.value)
        pairs = [frozenset(present[:2])] if len(present) > 1 else []
        return [DocumentFilter(categories=frozenset({c})) for c in present] + [
            DocumentFilter(categories=pair) for pair in pairs
        ]
    if aspect == "years":
        years = sorted({d.year for d in documents if d.year is not None})
        if not years:
            return [DocumentFilter(year_from=2000, year_to=2001)]
        middle = years[len(years) // 2]
        return [
            DocumentFilter(year_from=middle, year_to=middle),
            DocumentFilter(year_from=years[0], year_to=middle),
            DocumentFilter(year_from=middle, year_to=years[-1]),
            DocumentFilter(year_from=years[-1] + 1, year_to=years[-1] + 5),
        ]
    if aspect == "type":
        types = sorted({d.type for d in documents if d.type})
        return [DocumentFilter(type=t) for t in types[:3]] + [DocumentFilter(type="tidak-ada-jenis-ini")]
    words = [word for d in documents[:3] for word in query_words(d.title) if len(word) > 3]
    filters = [DocumentFilter(query=word) for word in dict.fromkeys(words)][:3]
    if documents:
        filters.append(DocumentFilter(query=" ".join(query_words(documents[0].title)[:2]).upper()))
    return [*filters, DocumentFilter(query="tidak-ada-dokumen-seperti-ini")]


class TestDocumentsContract:
    """``DOCUMENTS`` and ``DOCUMENT``: valid records, the upstream's data, stable ids."""

    @pytest.mark.asyncio
    async def test_listing_returns_every_document_of_the_upstream(
        self, contract_connector: Connector, fixture_server: ContractServer
    ) -> None:
        """Walking every page yields exactly the server's documents, as valid ``Document`` records."""
        _require(contract_connector, Capability.DOCUMENTS)
        listed = await walk_documents(contract_connector, page_size=50)
        assert all(isinstance(d, Document) for d in listed), "list_documents must return Document records"
        _assert_each_once(listed, "one walk")
        expected = {d.local_id: _shape(d) for d in fixture_server.documents}
        assert {d.local_id: _shape(d) for d in listed} == expected

    @pytest.mark.asyncio
    async def test_exempt_documents_carry_no_file(self, contract_connector: Connector) -> None:
        """A ``DIKECUALIKAN`` document is listed without file URL, media type or size."""
        _require(contract_connector, Capability.DOCUMENTS)
        listed = await walk_documents(contract_connector, page_size=50)
        exempt = [d for d in listed if d.category is InformationCategory.DIKECUALIKAN]
        leaked = [d.local_id for d in exempt if (d.file_url, d.mime_type, d.size_bytes) != (None, None, None)]
        assert not leaked, f"exempt documents with a file: {leaked}"

    @pytest.mark.asyncio
    async def test_ids_are_stable_across_calls(self, contract_connector: Connector) -> None:
        """Two walks of the same upstream give the same ids in the same order."""
        _require(contract_connector, Capability.DOCUMENTS)
        first = await walk_documents(contract_connector, page_size=5)
        second = await walk_documents(contract_connector, page_size=5)
        assert _ids(first) == _ids(second)

    @pytest.mark.asyncio
    async def test_total_is_exact_when_given(
        self, contract_connector: Connector, fixture_server: ContractServer
    ) -> None:
        """A page's ``total``, when the connector knows it, counts every matching document."""
        _require(contract_connector, Capability.DOCUMENTS)
        page = await contract_connector.list_documents(DocumentQuery(page_size=2))
        if page.total is None:
            pytest.skip(f"the {contract_connector.kind} connector does not report totals")
        assert page.total == len(fixture_server.documents)

    @pytest.mark.asyncio
    async def test_get_document_agrees_with_the_listing(self, contract_connector: Connector) -> None:
        """``get_document`` of a listed id returns that document."""
        _require(contract_connector, Capability.DOCUMENT)
        _require(contract_connector, Capability.DOCUMENTS)
        listed = await walk_documents(contract_connector, page_size=50)
        for document in listed[:5]:
            fetched = await contract_connector.get_document(document.local_id)
            assert fetched is not None, f"get_document({document.local_id!r}) of a listed document is None"
            assert _shape(fetched) == _shape(document)

    @pytest.mark.asyncio
    async def test_get_document_of_an_unknown_id_is_none(self, contract_connector: Connector) -> None:
        """An id the upstream does not hold is ``None``, not an error."""
        _require(contract_connector, Capability.DOCUMENT)
        assert await contract_connector.get_document(UNKNOWN_ID) is None


class TestPaginationContract:
    """Walking pages of any size visits every document once, in the order asked for."""

    @pytest.mark.asyncio
    @pytest.mark.parametrize("page_size", PAGE_SIZES)
    async def test_natural_order_is_the_same_whatever_the_page_size(
        self, contract_connector: Connector, page_size: int
    ) -> None:
        """Without an order, every page size yields each document once, in one and the same order."""
        _require(contract_connector, Capability.DOCUMENTS)
        reference = await walk_documents(contract_connector, page_size=max(PAGE_SIZES))
        walked = await walk_documents(contract_connector, page_size=page_size)
        _assert_each_once(walked, f"page size {page_size}")
        assert _ids(walked) == _ids(reference)

    @pytest.mark.asyncio
    @pytest.mark.parametrize("page_size", PAGE_SIZES)
    @pytest.mark.parametrize("order", list(DocumentOrder), ids=lambda order: order.value)
    async def test_declared_order_is_followed_across_pages(
        self, contract_connector: Connector, order: DocumentOrder, page_size: int
    ) -> None:
        """A pushed-down order pages through every document once, sorted as ``order_key`` sorts."""
        _require(contract_connector, Capability.DOCUMENTS)
        if order.value not in contract_connector.pushdown.orders:
            pytest.skip(f"the {contract_connector.kind} connector does not push down order {order.value}")
        everything = await walk_documents(contract_connector, page_size=max(PAGE_SIZES))
        walked = await walk_documents(contract_connector, page_size=page_size, order=order)
        _assert_each_once(walked, f"order {order.value}, page size {page_size}")
        expected = _sorted(everything, order)
        assert _ids(walked) == _ids(expected)


class TestPushdownContract:
    """A pushed-down filter selects what :func:`connectors.filtering.document_matches` selects."""

    @pytest.mark.asyncio
    @pytest.mark.parametrize("aspect", ["query", "categories", "years", "type"])
    async def test_pushed_down_filter_equals_engine_filtering(
        self, contract_connector: Connector, aspect: str
    ) -> None:
        """For each sample filter on ``aspect`` and each declared order, upstream and engine agree."""
        _require(contract_connector, Capability.DOCUMENTS)
        if not getattr(contract_connector.pushdown, aspect):
            pytest.skip(f"the {contract_connector.kind} connector does not push down {aspect}")
        everything = await walk_documents(contract_connector, page_size=50)
        for flt in _sample_filters(aspect, everything):
            wanted = [d for d in everything if document_matches(d, flt)]
            for order in [None, *_declared_orders(contract_connector)]:
                walked = await walk_documents(contract_connector, page_size=3, flt=flt, order=order)
                _assert_each_once(walked, f"{flt}, order {order}")
                if order is None:
                    assert sorted(_ids(walked)) == sorted(_ids(wanted)), f"pushed-down {flt} disagrees"
                else:
                    expected = _sorted(wanted, order)
                    assert _ids(walked) == _ids(expected), f"pushed-down {flt} in order {order.value}"


_FAULTS: dict[str, tuple[Callable[[ContractServer], Awaitable[None] | None], type[UpstreamError]]] = {
    "status-500": (lambda server: server.fail_with(500), UpstreamUnavailable),
    "status-503": (lambda server: server.fail_with(503), UpstreamUnavailable),
    "garbage": (lambda server: server.send_garbage(), UpstreamBadResponse),
    "timeout": (lambda server: server.hang(), UpstreamTimeout),
}


def _held_id(server: ContractServer) -> str:
    # an id the upstream holds: a connector may rightly answer None without a request for one of
    # another shape (``media-123``, ``<package>/<resource>``), which would prove nothing here
    return server.documents[0].local_id if server.documents else "doc-1"


_OPERATIONS: dict[str, tuple[Capability | None, Callable[[Connector, ContractServer], Awaitable[object]]]] = {
    "list_documents": (Capability.DOCUMENTS, lambda c, s: c.list_documents(DocumentQuery(page_size=5))),
    "get_document": (Capability.DOCUMENT, lambda c, s: c.get_document(_held_id(s))),
    "information_list": (
        Capability.INFORMATION_LIST,
        lambda c, s: c.information_list(ListQuery(page_size=5)),
    ),
    "profile": (Capability.PROFILE, lambda c, s: c.profile()),
    "probe": (None, lambda c, s: c.probe()),
}


class TestErrorsContract:
    """A failing upstream gives typed errors, never a raw ``httpx``, JSON or ``KeyError`` exception."""

    @pytest.mark.asyncio
    @pytest.mark.parametrize("operation", list(_OPERATIONS))
    @pytest.mark.parametrize("fault", list(_FAULTS))
    async def test_upstream_fault_raises_a_typed_error(
        self, contract_connector: Connector, fixture_server: ContractServer, fault: str, operation: str
    ) -> None:
        """5xx → ``UpstreamUnavailable``, garbage → ``UpstreamBadResponse``, hang → ``UpstreamTimeout``."""
        capability, call = _OPERATIONS[operation]
        if capability is not None:
            _require(contract_connector, capability)
        switch, expected = _FAULTS[fault]
        flipped = switch(fixture_server)
        if inspect.isawaitable(flipped):  # a switch that acts on a database or a process does I/O
            await flipped
        try:
            await call(contract_connector, fixture_server)
        except expected:
            return
        except Exception as exc:
            pytest.fail(
                f"{operation} under {fault} raised {type(exc).__module__}.{type(exc).__qualname__} ({exc}); "
                f"the contract wants {expected.__name__}: translate it at the connector's boundary",
                pytrace=False,
            )
        pytest.fail(f"{operation} under {fault} returned normally; the contract wants {expected.__name__}")


class TestInformationListContract:
    """``INFORMATION_LIST``: valid entries, each once, whatever the page size."""

    @pytest.mark.asyncio
    async def test_pages_list_each_entry_once(self, contract_connector: Connector) -> None:
        """Pages of 1 and of 100 give the same entries, each once."""
        _require(contract_connector, Capability.INFORMATION_LIST)
        walks: list[list[str]] = []
        for size in (1, 100):
            entries: list[InformationListEntry] = []
            token: str | None = None
            for _ in range(10_000):
                page = await contract_connector.information_list(ListQuery(page_size=size, token=token))
                entries.extend(page.items)
                token = page.next_token
                if token is None:
                    break
            assert all(isinstance(e, InformationListEntry) for e in entries)
            ids = [e.local_id for e in entries]
            assert len(ids) == len(set(ids)), f"page size {size}: entries listed more than once"
            walks.append(ids)
        assert walks[0] == walks[1]


class TestProfileContract:
    """``PROFILE``: one valid profile."""

    @pytest.mark.asyncio
    async def test_profile_is_a_profile(self, contract_connector: Connector) -> None:
        """``profile()`` returns an ``OpdProfile``, the same twice."""
        _require(contract_connector, Capability.PROFILE)
        first = await contract_connector.profile()
        assert isinstance(first, OpdProfile)
        assert await contract_connector.profile() == first


class TestLifecycleContract:
    """``probe`` and ``aclose``."""

    @pytest.mark.asyncio
    async def test_probe_succeeds_on_a_healthy_upstream(self, contract_connector: Connector) -> None:
        """``probe()`` returns without raising when the upstream answers, again and again."""
        await contract_connector.probe()
        await contract_connector.probe()

    @pytest.mark.asyncio
    async def test_aclose_releases_what_the_connector_opened(
        self, fixture_server: ContractServer, connector_factory: ConnectorFactory
    ) -> None:
        """After use and ``aclose``, no upstream response is left open and the shared client still works."""
        connector = connector_factory(fixture_server)
        try:
            await connector.probe()
            if Capability.DOCUMENTS in connector.capabilities:
                await walk_documents(connector, page_size=5)
            if Capability.DOCUMENT in connector.capabilities:
                await connector.get_document(UNKNOWN_ID)
            await connector.aclose()
            assert not fixture_server.http.is_closed, "aclose closed the gateway's shared HTTP client"
            transport = getattr(fixture_server, "transport", None)
            if isinstance(transport, FaultyTransport):
                assert transport.open_responses == 0, f"{transport.open_responses} responses left open"
        finally:
            await fixture_server.aclose()
