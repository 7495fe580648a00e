"""Fixture upstreams for the contract suite: what a ``fixture_server`` fixture returns.

:class:`ContractServer` is the protocol the suite needs. :class:`HttpContractServer`
implements it for any HTTP upstream: it wraps an ``httpx`` transport (a
``MockTransport`` over a handler, or an ``ASGITransport`` over a fake app) with
fault switches, so nothing listens on a socket. :func:`json_documents_handler`
is a ready REST-like upstream serving a list of documents as JSON.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import httpx

from ..records import Document, InformationCategory

__all__ = [
    "GARBAGE_BODY",
    "ContractServer",
    "Fault",
    "FaultyTransport",
    "HttpContractServer",
    "json_documents_handler",
    "sample_documents",
]

GARBAGE_BODY = b"<html><body>502 Bad Gateway (nginx)</body></html>\x00\xff"
"""What a garbage answer carries: an HTML error page, claiming to be JSON, with broken bytes."""


@runtime_checkable
class ContractServer(Protocol):
    """An upstream with known data and fault switches: what the ``fixture_server`` fixture returns.

    The suite reads ``documents`` and flips the switches; the author's
    ``connector_factory`` reads ``base_url`` and ``http`` to build the
    connector. A fault switch that the upstream cannot simulate (a file
    cannot hang) calls ``pytest.skip`` with the reason. A switch may be a
    coroutine function (``async def hang``) when flipping it takes I/O, such as
    locking a database table; the suite awaits what a switch returns.
    """

    base_url: str
    """Where the connector points: a URL, or for a file source the catalog's path."""

    @property
    def documents(self) -> Sequence[Document]:
        """Every document the upstream holds, as the connector should normalize them.

        The suite compares ``local_id``, ``title``, ``category`` and ``year``; any order.
        Read-only, so that a plain attribute of any sequence type (a tuple) implements it.
        """
        ...

    @property
    def http(self) -> httpx.AsyncClient:
        """The shared client to hand to the connector; its requests reach this upstream."""
        ...

    def fail_with(self, status: int) -> Awaitable[None] | None:
        """From now on, answer every request with ``status`` (``500``, ``503``, ``429``)."""
        ...

    def send_garbage(self) -> Awaitable[None] | None:
        """From now on, answer every request with ``200`` and a body that is not what the connector reads."""
        ...

    def hang(self) -> Awaitable[None] | None:
        """From now on, never answer in time: the connector must raise ``UpstreamTimeout``."""
        ...

    def heal(self) -> Awaitable[None] | None:
        """Clear every fault."""
        ...

    async def aclose(self) -> None:
        """Release the server's own resources (its client). Called by the suite after each test."""
        ...


class Fault(enum.Enum):
    """The fault a :class:`FaultyTransport` is simulating."""

    NONE = "none"
    """Pass requests through."""
    STATUS = "status"
    """Answer with an error status."""
    GARBAGE = "garbage"
    """Answer 200 with :data:`GARBAGE_BODY`."""
    HANG = "hang"
    """Raise ``httpx.ReadTimeout``, what httpx raises when the client's timeout expires."""


class _TrackedStream(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, owner: FaultyTransport) -> None:
        self._inner = inner
        self._owner = owner
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._owner.open_responses -= 1
            await self._inner.aclose()


class FaultyTransport(httpx.AsyncBaseTransport):
    """Wraps a transport with fault switches and counts the responses left open.

    A hang does not wait: it raises ``httpx.ReadTimeout`` at once, so a
    timeout test costs nothing and does not depend on the connector's
    timeout settings (only on its translating the error).
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        """Wrap ``inner``, with no fault set."""
        self.inner = inner
        self.fault = Fault.NONE
        """The fault being simulated."""
        self.status = 500
        """The status answered under ``Fault.STATUS``."""
        self.requests: list[httpx.Request] = []
        """Every request seen, oldest first."""
        self.open_responses = 0
        """Responses handed out and not yet closed: a connector must close every one it opens."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """Answer ``request`` according to the fault, or pass it to the wrapped transport."""
        self.requests.append(request)
        if self.fault is Fault.HANG:
            raise httpx.ReadTimeout("contract kit: the upstream hangs", request=request)
        if self.fault is Fault.STATUS:
            return httpx.Response(self.status, json={"message": "contract kit fault"}, request=request)
        if self.fault is Fault.GARBAGE:
            headers = {"Content-Type": "application/json"}
            return httpx.Response(200, content=GARBAGE_BODY, headers=headers, request=request)
        response = await self.inner.handle_async_request(request)
        # A response built with its content (MockTransport) is already read and closed; hand out a
        # fresh, unread one, so that the client closing it (or not) is what the count sees.
        if response.is_stream_consumed:
            inner: httpx.AsyncByteStream = httpx.ByteStream(response.content)
        elif isinstance(response.stream, httpx.AsyncByteStream):
            inner = response.stream
        else:
            return response
        self.open_responses += 1
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_TrackedStream(inner, self),
            request=request,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        """Close the wrapped transport."""
        await self.inner.aclose()


class HttpContractServer:
    """A :class:`ContractServer` over an in-process HTTP upstream.

    ``upstream`` is a handler for ``httpx.MockTransport`` (``request ->
    response``, sync or async) or any ``httpx.AsyncBaseTransport`` (such as
    ``httpx.ASGITransport(app=...)`` over a Starlette or FastAPI fake of the
    OPD's API).
    """

    def __init__(
        self,
        upstream: httpx.AsyncBaseTransport | Callable[[httpx.Request], Any],
        documents: Sequence[Document],
        *,
        base_url: str = "https://opd.contract.test",
    ) -> None:
        """Serve ``upstream`` at ``base_url``; ``documents`` is what it holds."""
        inner = upstream if isinstance(upstream, httpx.AsyncBaseTransport) else httpx.MockTransport(upstream)
        self.transport = FaultyTransport(inner)
        """The transport with the fault switches; its ``requests`` and ``open_responses`` are public."""
        self.base_url = base_url
        self.documents = tuple(documents)
        self._http = httpx.AsyncClient(transport=self.transport, timeout=5.0)

    @property
    def http(self) -> httpx.AsyncClient:
        """The client to hand to the connector."""
        return self._http

    def fail_with(self, status: int) -> None:
        """Answer every request with ``status``."""
        self.transport.fault, self.transport.status = Fault.STATUS, status

    def send_garbage(self) -> None:
        """Answer every request with 200 and :data:`GARBAGE_BODY`."""
        self.transport.fault = Fault.GARBAGE

    def hang(self) -> None:
        """Time every request out."""
        self.transport.fault = Fault.HANG

    def heal(self) -> None:
        """Pass requests through again."""
        self.transport.fault = Fault.NONE

    async def aclose(self) -> None:
        """Close the client (and with it the transport)."""
        await self._http.aclose()


def _document_json(document: Document) -> dict[str, Any]:
    return document.model_dump(mode="json", exclude_none=True)


def json_documents_handler(documents: Sequence[Document]) -> Callable[[httpx.Request], httpx.Response]:
    """A REST-like upstream for ``httpx.MockTransport``, serving ``documents`` in the given order.

    ``GET /documents?page=&per_page=`` answers ``{"data": [...], "total": n}``
    (pages numbered from 1); ``GET /documents/{local_id}`` answers
    ``{"data": {...}}`` or 404. Each item is the document's own JSON
    (``Document.model_dump(mode="json")``), so a ``rest`` connector maps it
    field by field. Anything else is a 404.
    """
    by_id = {document.local_id: document for document in documents}

    def handle(request: httpx.Request) -> httpx.Response:
        parts = [part for part in request.url.path.split("/") if part]
        if parts == ["documents"]:
            page = int(request.url.params.get("page", 1))
            size = int(request.url.params.get("per_page", 10))
            chunk = documents[(page - 1) * size : page * size]
            body = {"data": [_document_json(d) for d in chunk], "total": len(documents)}
            return httpx.Response(200, json=body)
        if len(parts) == 2 and parts[0] == "documents" and parts[1] in by_id:
            return httpx.Response(200, json={"data": _document_json(by_id[parts[1]])})
        return httpx.Response(404, json={"message": "not found"})

    return handle


def sample_documents() -> list[Document]:
    """Twelve documents covering every category, exempt ones, missing years and dates, and equal titles."""
    categories = list(InformationCategory)
    types = ["Laporan", "SOP", "Peraturan"]
    documents = []
    for n in range(1, 13):
        published = dt.datetime(2020 + n % 5, 1 + n % 12, 1 + n, 9, tzinfo=dt.UTC) if n % 6 else None
        documents.append(
            Document(
                local_id=f"doc-{n:02d}",
                title=f"Laporan Kinerja {2019 + n % 2}" if n % 3 == 0 else f"Dokumen Publik {n}",
                category=categories[n % 4],
                summary=f"Ringkasan dokumen nomor {n}",
                type=types[n % 3],
                year=None if n == 7 else 2019 + n % 5,
                published_at=published,
                file_url=f"https://opd.contract.test/files/doc-{n:02d}.pdf",
            )
        )
    return documents
