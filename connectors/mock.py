"""A connector test double, in the manner of ``httpx.MockTransport``."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from pydantic import BaseModel

from .base import Connector
from .capabilities import Capability, Pushdown
from .intake import Submission, UpstreamReceipt, UpstreamRequestStatus
from .queries import DocumentQuery, ListQuery, OpdRef
from .records import Document, DocumentPage, InformationListPage, OpdProfile

__all__ = ["MockCall", "MockConnector"]

MockHandler = Callable[["MockCall"], Any | Awaitable[Any]]


class MockCall:
    """One call made to a :class:`MockConnector`: the operation and its argument."""

    __slots__ = ("argument", "operation")

    def __init__(self, operation: str, argument: Any) -> None:
        self.operation = operation
        """The method called: ``list_documents``, ``get_document``, ``information_list``, ``profile``,
        ``submit_request``, ``request_status``."""
        self.argument = argument
        """The argument passed: the ``DocumentQuery``, local id, ``ListQuery``, ``Submission`` or
        reference; ``None`` for ``profile``."""

    def __repr__(self) -> str:
        return f"MockCall({self.operation!r}, {self.argument!r})"


class _NoSettings(BaseModel):
    pass


class MockConnector(Connector):
    """A connector whose every operation is answered by ``handler(call)``.

    The handler returns the record (or page) for the call, may be async, and
    may raise any :mod:`connectors.errors` type to simulate a failing OPD.
    Every call is kept in ``calls``, so tests can count upstream calls::

        def handler(call):
            if call.operation == "profile":
                raise UpstreamUnavailable("down")
            ...
        connector = MockConnector(handler, opd=OpdRef("dinkes", "Dinas Kesehatan"))

    For ``submit_request`` the handler returns an ``UpstreamReceipt`` (and is
    the one to keep it idempotent on the registration number); for
    ``request_status``, an ``UpstreamRequestStatus``. The default capabilities
    are the four reads: pass ``capabilities`` to declare intake.
    """

    kind = "mock"
    Settings = _NoSettings

    def __init__(
        self,
        handler: MockHandler,
        *,
        opd: OpdRef | None = None,
        capabilities: frozenset[Capability] | None = None,
        pushdown: Pushdown | None = None,
        http: httpx.AsyncClient | None = None,
    ) -> None:
        super().__init__(
            opd or OpdRef(slug="mock", name="Mock OPD"),
            _NoSettings(),
            http if http is not None else httpx.AsyncClient(transport=httpx.MockTransport(_refuse)),
        )
        self.handler = handler
        self.capabilities = (
            capabilities
            if capabilities is not None
            else frozenset(
                {Capability.DOCUMENTS, Capability.DOCUMENT, Capability.INFORMATION_LIST, Capability.PROFILE}
            )
        )
        self.pushdown = pushdown if pushdown is not None else Pushdown()
        self.calls: list[MockCall] = []
        """Every call made so far, oldest first."""
        self.closed = False
        """True once ``aclose`` ran."""

    async def _call(self, operation: str, argument: Any) -> Any:
        call = MockCall(operation, argument)
        self.calls.append(call)
        result = self.handler(call)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """Answer from the handler."""
        result: DocumentPage = await self._call("list_documents", query)
        return result

    async def get_document(self, local_id: str) -> Document | None:
        """Answer from the handler."""
        result: Document | None = await self._call("get_document", local_id)
        return result

    async def information_list(self, query: ListQuery) -> InformationListPage:
        """Answer from the handler."""
        result: InformationListPage = await self._call("information_list", query)
        return result

    async def profile(self) -> OpdProfile:
        """Answer from the handler."""
        result: OpdProfile = await self._call("profile", None)
        return result

    async def submit_request(self, submission: Submission) -> UpstreamReceipt:
        """Answer from the handler; the gateway calls it only when ``capabilities`` has ``REQUEST_INTAKE``."""
        result: UpstreamReceipt = await self._call("submit_request", submission)
        return result

    async def request_status(self, reference: str) -> UpstreamRequestStatus:
        """Answer from the handler; the gateway calls it only when ``capabilities`` has ``REQUEST_STATUS``."""
        result: UpstreamRequestStatus = await self._call("request_status", reference)
        return result

    async def aclose(self) -> None:
        """Mark the double closed."""
        self.closed = True


def _refuse(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"MockConnector made a real HTTP request: {request.method} {request.url}")
