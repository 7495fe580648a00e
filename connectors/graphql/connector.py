"""The ``graphql`` connector: one OPD of an upstream ppid-gateway, read through its public GraphQL API."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import httpx

from ..base import Connector
from ..capabilities import Capability, Pushdown
from ..errors import NotSupported, UpstreamBadResponse
from ..queries import DocumentOrder, DocumentQuery, ListQuery, OpdRef
from ..records import Document, DocumentPage, InformationListEntry, InformationListPage, OpdProfile
from ..rest.auth import read_secret
from ..validation import build_record
from .queries import (
    DOCUMENT_QUERY,
    DOCUMENTS_QUERY,
    INFORMATION_LIST_QUERY,
    PROFILE_QUERY,
    execute,
    field,
    mapping,
)
from .settings import GraphQLSettings

__all__ = ["GraphQLConnector"]

# GraphQL field → record field, for the records whose names differ only in case.
_DOCUMENT_FIELDS = {
    "localId": "local_id",
    "title": "title",
    "summary": "summary",
    "category": "category",
    "exemptionGround": "exemption_ground",
    "type": "type",
    "year": "year",
    "publishedAt": "published_at",
    "updatedAt": "updated_at",
    "fileUrl": "file_url",
    "mimeType": "mime_type",
    "sizeBytes": "size_bytes",
    "sourceUrl": "source_url",
}
_ENTRY_FIELDS = {
    "number": "number",
    "title": "title",
    "summary": "summary",
    "category": "category",
    "holdingUnit": "holding_unit",
    "responsibleOfficial": "responsible_official",
    "madeAt": "made_at",
    "formats": "formats",
    "retentionPeriod": "retention_period",
    "year": "year",
}
_PROFILE_FIELDS = {
    "description": "description",
    "vision": "vision",
    "mission": "mission",
    "tasks": "tasks",
    "serviceStatement": "service_statement",
    "structureUrl": "structure_url",
    "updatedAt": "updated_at",
}
_CONTACT_FIELDS = {
    "name": "name",
    "email": "email",
    "phone": "phone",
    "address": "address",
    "officeHours": "office_hours",
}
_MENU_FIELDS = {"section": "section", "available": "available", "url": "url", "updatedAt": "updated_at"}


class GraphQLConnector(Connector):
    """Reads one OPD of an upstream ppid-gateway, per :class:`~connectors.graphql.GraphQLSettings`.

    Ids: a document's local id here is the upstream's local id, so the
    upstream's global id ``dinkes:123`` is ``<our-slug>:123`` here and
    ``get_document("123")`` asks the upstream for ``document(id: "dinkes:123")``.
    A document whose upstream id is not of ``upstream_opd`` is a bad response.

    Pages: ``documents(filter: {opds: [upstream_opd], …}, orderBy, first,
    after)``; the upstream's ``pageInfo.endCursor`` is the continuation token
    (opaque, passed back as ``after``), its ``totalCount`` the total. The
    upstream filters and orders with the same engine
    (:mod:`connectors.filtering`), so every filter and every order is pushed
    down. A token the upstream refuses (``BAD_USER_INPUT`` on ``after``) is an
    ``InvalidToken``.

    Capabilities: ``DOCUMENTS``, ``DOCUMENT``, ``INFORMATION_LIST``
    (``informationList(opd:)``) and ``PROFILE`` (``opd(slug) { profile menu }``)
    are all declared until :meth:`probe` has asked the upstream: it keeps those
    the upstream OPD answers and drops those it does not support (a ``files``
    catalog without a profile).
    """

    kind = "graphql"
    Settings = GraphQLSettings
    settings: GraphQLSettings
    """The validated ``connector:`` block."""
    capabilities = frozenset(
        {Capability.DOCUMENTS, Capability.DOCUMENT, Capability.INFORMATION_LIST, Capability.PROFILE}
    )
    pushdown = Pushdown.everything()

    def __init__(self, opd: OpdRef, settings: GraphQLSettings, http: httpx.AsyncClient) -> None:
        """Build the headers; ``ConnectorConfigError`` when the credential's variable is unset."""
        super().__init__(opd, settings, http)
        self._headers = {"Accept": "application/json", "Content-Type": "application/json"}
        if settings.auth_env:
            self._headers[settings.auth_header] = read_secret(settings.auth_env, "auth_env")
        self._timeout = httpx.Timeout(settings.timeout_s) if settings.timeout_s else httpx.USE_CLIENT_DEFAULT
        self._endpoint = str(settings.endpoint)

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """One page of the upstream OPD's documents, filtered and ordered upstream."""
        flt = query.filter
        upstream_filter: dict[str, Any] = {"opds": [self.settings.upstream_opd]}
        if flt.categories:
            upstream_filter["categories"] = sorted(category.value for category in flt.categories)
        if flt.year_from is not None:
            upstream_filter["yearFrom"] = flt.year_from
        if flt.year_to is not None:
            upstream_filter["yearTo"] = flt.year_to
        if flt.query:
            upstream_filter["query"] = flt.query
        if flt.type:
            upstream_filter["type"] = flt.type
        variables = {
            "filter": upstream_filter,
            "orderBy": (query.order or DocumentOrder.NEWEST).value,
            "first": self._first(query.page_size),
            "after": query.token,
        }
        found, what = await self._execute(DOCUMENTS_QUERY, variables, "documents")
        nodes, next_token, total = _connection(found, "data.documents", what)
        items = tuple(
            self._document(node, f"data.documents.nodes[{index}]", what) for index, node in enumerate(nodes)
        )
        return DocumentPage(items=items, next_token=next_token, total=total)

    async def get_document(self, local_id: str) -> Document | None:
        """The document ``<upstream_opd>:<local_id>`` at the upstream, or ``None`` when it answers null."""
        variables = {"id": f"{self.settings.upstream_opd}:{local_id}"}
        found, what = await self._execute(DOCUMENT_QUERY, variables, "document")
        if found is None:
            return None
        return self._document(found, "data.document", what)

    async def information_list(self, query: ListQuery) -> InformationListPage:
        """One page of the upstream OPD's DIP."""
        variables = {
            "opd": self.settings.upstream_opd,
            "category": query.category.value if query.category is not None else None,
            "first": self._first(query.page_size),
            "after": query.token,
        }
        found, what = await self._execute(INFORMATION_LIST_QUERY, variables, "informationList")
        nodes, next_token, total = _connection(found, "data.informationList", what)
        items = tuple(
            self._entry(node, f"data.informationList.nodes[{index}]", what)
            for index, node in enumerate(nodes)
        )
        return InformationListPage(items=items, next_token=next_token, total=total)

    async def profile(self) -> OpdProfile:
        """The upstream OPD's profile and menu.

        ``UpstreamUnavailable`` when the upstream could not read it, ``NotSupported`` when it has none.
        """
        found, what = await self._execute(PROFILE_QUERY, {"slug": self.settings.upstream_opd}, "opd")
        opd = mapping(found, "data.opd", what)
        if opd.get("profile") is None:
            # A profile that failed comes with an error about the OPD (raised above); none means none.
            raise NotSupported(
                f"{what}: the upstream publishes no profile for {self.settings.upstream_opd!r}"
            )
        profile = mapping(opd["profile"], "data.opd.profile", what)
        data = _renamed(profile, _PROFILE_FIELDS)
        contact = profile.get("contact")
        if contact is not None:
            data["contact"] = _renamed(mapping(contact, "data.opd.profile.contact", what), _CONTACT_FIELDS)
        menu = field(opd, "menu", list, "data.opd", what)
        data["menu"] = tuple(
            _renamed(mapping(section, f"data.opd.menu[{index}]", what), _MENU_FIELDS)
            for index, section in enumerate(menu)
        )
        sources = {record: f"profile.{name}" for name, record in _PROFILE_FIELDS.items()}
        return build_record(OpdProfile, data, where="data.opd", sources=sources, origin=what)

    async def probe(self) -> None:
        """Read one item of each operation; keep the capabilities the upstream OPD supports.

        An upstream OPD that lacks a profile or a DIP is healthy: the operation
        it answers ``NotSupported`` (or ``SKIPPED``) is dropped from
        ``capabilities`` instead of failing the probe. Every other error is
        raised. ``NotSupported`` when the upstream OPD supports none of them.
        """
        checks: list[tuple[frozenset[Capability], Callable[[], Awaitable[object]]]] = [
            (frozenset({Capability.PROFILE}), self.profile),
            (
                frozenset({Capability.DOCUMENTS, Capability.DOCUMENT}),
                lambda: self.list_documents(DocumentQuery(page_size=1)),
            ),
            (frozenset({Capability.INFORMATION_LIST}), lambda: self.information_list(ListQuery(page_size=1))),
        ]
        supported: set[Capability] = set()
        unsupported: NotSupported | None = None
        for capabilities, call in checks:
            try:
                await call()
            except NotSupported as exc:
                unsupported = exc
                continue
            supported |= capabilities
        if not supported and unsupported is not None:
            raise unsupported
        # Set per instance: the class attribute stays the full set a fresh connector assumes.
        self.capabilities = frozenset(supported)

    def _first(self, page_size: int) -> int:
        return max(1, min(page_size, self.settings.page_size_max))

    async def _execute(self, query: str, variables: Mapping[str, Any], root: str) -> tuple[Any, str]:
        request = self.http.build_request(
            "POST",
            self._endpoint,
            json={"query": query, "variables": dict(variables)},
            headers=self._headers,
            timeout=self._timeout,
        )
        found = await execute(self.http, request, root=root, upstream_opd=self.settings.upstream_opd)
        return found, f"POST {self._endpoint} ({root})"

    def _document(self, node: Any, where: str, what: str) -> Document:
        node = mapping(node, where, what)
        local_id = field(node, "localId", str, where, what)
        global_id = field(node, "id", str, where, what)
        if global_id != f"{self.settings.upstream_opd}:{local_id}":
            message = f"{what}: the document {global_id!r} is not {self.settings.upstream_opd!r}'s"
            raise UpstreamBadResponse(message, field=f"{where}.id")
        return build_record(
            Document,
            _renamed(node, _DOCUMENT_FIELDS),
            where=where,
            sources=_sources(_DOCUMENT_FIELDS),
            origin=what,
        )

    def _entry(self, node: Any, where: str, what: str) -> InformationListEntry:
        node = mapping(node, where, what)
        global_id = field(node, "id", str, where, what)
        prefix = f"{self.settings.upstream_opd}:"
        if not global_id.startswith(prefix):
            message = f"{what}: the entry {global_id!r} is not {self.settings.upstream_opd!r}'s"
            raise UpstreamBadResponse(message, field=f"{where}.id")
        data = _renamed(node, _ENTRY_FIELDS)
        data["local_id"] = global_id.removeprefix(prefix)
        if isinstance(data.get("formats"), list):
            data["formats"] = tuple(data["formats"])
        sources = _sources(_ENTRY_FIELDS) | {"local_id": "id"}
        return build_record(InformationListEntry, data, where=where, sources=sources, origin=what)


def _renamed(node: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    return {record: node[name] for name, record in names.items() if node.get(name) is not None}


def _sources(names: Mapping[str, str]) -> dict[str, str]:
    return {record: name for name, record in names.items()}


def _connection(found: Any, where: str, what: str) -> tuple[list[Any], str | None, int]:
    """``(nodes, next token, total)`` of a connection object at ``where``."""
    connection = mapping(found, where, what)
    nodes = field(connection, "nodes", list, where, what)
    total = field(connection, "totalCount", int, where, what)
    page_info = mapping(connection.get("pageInfo"), f"{where}.pageInfo", what)
    has_next = field(page_info, "hasNextPage", bool, f"{where}.pageInfo", what)
    if not has_next:
        return nodes, None, total
    cursor = field(page_info, "endCursor", str, f"{where}.pageInfo", what)
    return nodes, cursor, total
