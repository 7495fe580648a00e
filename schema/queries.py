"""The root Query type. Resolvers are thin: they validate arguments and call the engine."""

from __future__ import annotations

import datetime as dt
import difflib

import strawberry

from connectors import DocumentFilter as EngineDocumentFilter
from connectors import DocumentOrder, InformationCategory

from .errors import bad_user_input, user_errors
from .officer_queries import OfficerQueries, resolve_status_for_caller
from .types.document import Document, DocumentConnection, DocumentFilter
from .types.information_list import InformationListConnection
from .types.opd import Opd
from .types.requests import RequestStatus
from .types.upstream import UpstreamHealth

MAX_QUERY_LENGTH = 200


@strawberry.input(description="Which OPDs to list.")
class OpdFilter:
    kinds: list[str] | None = strawberry.field(
        default=None, description="Only these kinds (badan, dinas, biro...)."
    )
    query: str | None = strawberry.field(default=None, description="Words in the name or short name.")
    active_on: dt.date | None = strawberry.field(
        default=None, description="Only OPDs that exist on this date (default: every OPD in the directory)."
    )


def engine_filter(flt: DocumentFilter | None) -> EngineDocumentFilter:
    """The engine's filter for a GraphQL filter, with argument checks."""
    if flt is None:
        return EngineDocumentFilter()
    if flt.query is not None and len(flt.query) > MAX_QUERY_LENGTH:
        raise bad_user_input(
            f"filter.query is longer than {MAX_QUERY_LENGTH} characters; shorten it", "filter.query"
        )
    if flt.year_from is not None and flt.year_to is not None and flt.year_from > flt.year_to:
        raise bad_user_input(
            f"filter.yearFrom ({flt.year_from}) is after filter.yearTo ({flt.year_to}); swap them",
            "filter.yearFrom",
        )
    return EngineDocumentFilter(
        categories=frozenset(InformationCategory(c.value) for c in flt.categories or ()),
        year_from=flt.year_from,
        year_to=flt.year_to,
        query=(flt.query or "").strip() or None,
        type=(flt.type or "").strip() or None,
    )


def check_slugs(info: strawberry.Info, slugs: list[str], argument: str) -> list[str]:
    """``slugs`` when every one is in the directory; else a ``BAD_USER_INPUT`` error naming ``argument``."""
    federation = info.context.federation
    for slug in slugs:
        if federation.opd(slug) is None:
            known = [opd.slug for opd in federation.opds()]
            close = difflib.get_close_matches(slug, known, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else "; the `opds` query lists every slug"
            raise bad_user_input(f"{argument}: unknown OPD slug {slug!r}{hint}", argument)
    return slugs


async def resolve_documents(
    info: strawberry.Info,
    filter: DocumentFilter | None,
    order_by: DocumentOrder,
    first: int,
    after: str | None,
    *,
    opds: list[str] | None = None,
) -> DocumentConnection:
    """Shared by ``Query.documents`` and ``Opd.documents``."""
    if opds is None and filter is not None and filter.opds is not None:
        opds = check_slugs(info, [str(slug) for slug in filter.opds], "filter.opds")
    with user_errors():
        page = await info.context.federation.documents(
            info.context.report,
            opds=opds,
            filter=engine_filter(filter),
            order=DocumentOrder(order_by.value),
            first=first,
            after=after,
        )
    return DocumentConnection.of(page, after=after)


async def resolve_information_list(
    info: strawberry.Info,
    opds: list[str] | None,
    category: InformationCategory | None,
    first: int,
    after: str | None,
) -> InformationListConnection:
    """Shared by ``Query.informationList`` and ``Opd.informationList``."""
    with user_errors():
        page = await info.context.federation.information_list(
            info.context.report,
            opds=opds,
            category=InformationCategory(category.value) if category is not None else None,
            first=first,
            after=after,
        )
    return InformationListConnection.of(page, after=after)


@strawberry.type
class Query(OfficerQueries):
    @strawberry.field(description="The OPDs of the directory, in directory order.")
    def opds(self, info: strawberry.Info, filter: OpdFilter | None = None) -> list[Opd]:
        configs = info.context.federation.opds()
        if filter is not None:
            if filter.kinds:
                kinds = {k.casefold() for k in filter.kinds}
                configs = [c for c in configs if (c.kind or "").casefold() in kinds]
            if filter.query:
                words = filter.query.casefold().split()
                configs = [
                    c for c in configs if all(w in f"{c.name} {c.short_name}".casefold() for w in words)
                ]
            if filter.active_on is not None:
                on = filter.active_on
                configs = [c for c in configs if c.is_active(on)]
        return [Opd(config=c) for c in configs]

    @strawberry.field(description="One OPD by slug. An unknown slug is an error that suggests close ones.")
    def opd(self, info: strawberry.Info, slug: strawberry.ID) -> Opd | None:
        (known,) = check_slugs(info, [str(slug)], "slug")
        config = info.context.federation.opd(known)
        return Opd(config=config) if config is not None else None

    @strawberry.field(description="Documents of every OPD (or the chosen ones), in one stable order.")
    async def documents(
        self,
        info: strawberry.Info,
        filter: DocumentFilter | None = None,
        order_by: DocumentOrder = DocumentOrder.NEWEST,
        first: int = 20,
        after: str | None = None,
    ) -> DocumentConnection:
        return await resolve_documents(info, filter, order_by, first, after)

    @strawberry.field(
        description='One document by its global id "<opd-slug>:<local-id>"; null when not found.'
    )
    async def document(self, info: strawberry.Info, id: strawberry.ID) -> Document | None:
        with user_errors():
            found = await info.context.federation.document(info.context.report, str(id))
        return Document(source=found) if found is not None else None

    @strawberry.field(description="The public information lists (DIP) of every OPD, or of one.")
    async def information_list(
        self,
        info: strawberry.Info,
        opd: strawberry.ID | None = None,
        category: InformationCategory | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> InformationListConnection:
        opds = check_slugs(info, [str(opd)], "opd") if opd is not None else None
        return await resolve_information_list(info, opds, category, first, after)

    @strawberry.field(
        description="Cek Status: a request by its registration number; its detail only with the access code "
        "(the requester masked), or with the key of an officer of its OPD or PPID Utama (in full, audited). "
        "Null when no request has this number."
    )
    async def request_status(
        self, info: strawberry.Info, registration_number: str, access_code: str | None = None
    ) -> RequestStatus | None:
        return await resolve_status_for_caller(info, registration_number, access_code)

    @strawberry.field(description="Probe every OPD's system now: status, latency, last error, circuit state.")
    async def upstreams(self, info: strawberry.Info) -> list[UpstreamHealth]:
        return [UpstreamHealth(source=h) for h in await info.context.federation.upstream_health()]
