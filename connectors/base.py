"""The connector contract: one small abstract class per OPD system."""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel

from .capabilities import Capability, Pushdown
from .errors import NotSupported
from .intake import Submission, UpstreamReceipt, UpstreamRequestStatus
from .queries import DocumentQuery, ListQuery, OpdRef
from .records import Document, DocumentPage, InformationListPage, OpdProfile

__all__ = ["Connector"]


class Connector(abc.ABC):
    """Turns one OPD's system into normalized records.

    A subclass sets ``kind`` (its name in config), ``Settings`` (a pydantic
    model validated from the OPD's ``connector:`` block, without the ``kind``
    key), and overrides the methods of the capabilities it declares. The
    gateway builds one instance per OPD at start and calls it concurrently
    from many requests, so an instance keeps no per-request state.

    ``capabilities`` and ``pushdown`` are class attributes by default; a
    connector whose abilities depend on its settings (the generic ``rest``
    connector) sets them per instance in ``__init__``.

    Every method raises only :mod:`connectors.errors` types.
    """

    kind: ClassVar[str]
    """The name used in config: ``connector: {kind: rest, ...}``."""
    Settings: ClassVar[type[BaseModel]]
    """The pydantic model of this connector's settings."""
    capabilities: frozenset[Capability] = frozenset()
    """The operations this connector supports."""
    pushdown: Pushdown = Pushdown()
    """The filters and orderings it applies upstream."""

    def __init__(self, opd: OpdRef, settings: Any, http: httpx.AsyncClient) -> None:
        """Keep the OPD, the validated settings and the gateway's shared HTTP client.

        The client is shared by every connector (connection pooling); a
        connector must not close it. Per-request options (headers, auth,
        timeouts) go on each request.
        """
        self.opd = opd
        self.settings = settings
        self.http = http

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """One page of documents (``DOCUMENTS``).

        Apply what ``pushdown`` declares from ``query.filter`` and
        ``query.order``; the engine has already removed what is not declared.
        """
        raise NotSupported(f"{self.kind} connector does not list documents")

    async def get_document(self, local_id: str) -> Document | None:
        """One document by local id, or ``None`` when the OPD has no such document (``DOCUMENT``)."""
        raise NotSupported(f"{self.kind} connector does not fetch single documents")

    async def information_list(self, query: ListQuery) -> InformationListPage:
        """One page of the OPD's DIP (``INFORMATION_LIST``)."""
        raise NotSupported(f"{self.kind} connector does not provide an information list")

    async def profile(self) -> OpdProfile:
        """The OPD's PPID profile and standard menu (``PROFILE``)."""
        raise NotSupported(f"{self.kind} connector does not provide a profile")

    async def submit_request(self, submission: Submission) -> UpstreamReceipt:
        """Deliver a request, objection or cancellation to the OPD's own PPID system (``REQUEST_INTAKE``).

        Must be idempotent on ``submission.registration_number``: the gateway's
        outbox retries, so delivering the same submission again returns the
        same reference (``duplicate=True`` when the connector can tell) and
        creates nothing new at the OPD. Never resend a request on your own
        after it may have reached the OPD unless the OPD deduplicates it.

        Raise ``UpstreamTimeout`` or ``UpstreamUnavailable`` when it may succeed
        later, :class:`~connectors.errors.SubmissionRejected` when the OPD
        refuses this submission for good, ``NotSupported`` for an operation the
        OPD's system cannot take (a ``CANCEL`` where it has no cancellation).
        The submission holds personal data in plain text: never log it.
        """
        raise NotSupported(f"{self.kind} connector does not accept requests")

    async def request_status(self, reference: str) -> UpstreamRequestStatus:
        """The state of a request the OPD received, by the reference of its receipt (``REQUEST_STATUS``)."""
        raise NotSupported(f"{self.kind} connector does not report request states")

    async def probe(self) -> None:
        """Check that the OPD answers; raise an ``UpstreamError`` when it does not.

        The default fetches the cheapest declared read: the profile, else one
        document, else one DIP entry. When the upstream answers that a read is
        not supported (an OPD that publishes no profile), the next one is
        tried: that OPD is reachable. ``NotSupported`` only when none is.
        ``ppid-gateway check`` and the health report call it.
        """
        reads: list[tuple[Capability, Callable[[], Awaitable[object]]]] = [
            (Capability.PROFILE, self.profile),
            (Capability.DOCUMENTS, lambda: self.list_documents(DocumentQuery(page_size=1))),
            (Capability.INFORMATION_LIST, lambda: self.information_list(ListQuery(page_size=1))),
        ]
        refused: NotSupported | None = None
        for capability, read in reads:
            if capability not in self.capabilities:
                continue
            try:
                await read()
                return
            except NotSupported as exc:
                refused = exc
        if refused is not None:
            raise refused

    async def aclose(self) -> None:  # noqa: B027 - optional hook, empty on purpose
        """Release what the connector opened itself (files, pools). The default does nothing."""

    def supports(self, capability: Capability) -> bool:
        """True when the connector declares ``capability``."""
        return capability in self.capabilities
