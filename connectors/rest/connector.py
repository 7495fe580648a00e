"""The generic ``rest`` connector: any JSON API described by a declarative mapping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx

from ..base import Connector
from ..capabilities import Capability, Pushdown
from ..errors import NotSupported, UpstreamBadResponse
from ..fieldpath import MISSING, join_path, read_path
from ..http import JsonResponse, describe_request, fetch_json, fetch_optional_json
from ..intake import Submission, UpstreamReceipt, UpstreamRequestStatus
from ..queries import DocumentQuery, ListQuery, OpdRef
from ..records import Document, DocumentPage, InformationListPage, OpdProfile
from .auth import auth_headers, read_secret
from .intake import RestIntake
from .mapping import DocumentReader, InformationListReader, ProfileReader, read_items, read_total
from .pagination import PageStep, Pagination, pagination_for
from .settings import DocumentsSettings, FilterParams, InformationListSettings, ListEndpoint, RestSettings

__all__ = ["RestConnector"]

Params = list[tuple[str, str]]


class RestConnector(Connector):
    """Reads an OPD's JSON REST API through the mapping in :class:`~connectors.rest.settings.RestSettings`.

    Capabilities and pushdown follow from the settings (see the settings
    module). Secrets are read from the environment when the connector is
    built; a missing one raises ``ConnectorConfigError``. Every failure is
    raised as a :mod:`connectors.errors` type, naming the request and, for a
    body of the wrong shape, the upstream field path.
    """

    kind = "rest"
    Settings = RestSettings
    settings: RestSettings
    """The validated ``connector:`` block."""

    def __init__(self, opd: OpdRef, settings: RestSettings, http: httpx.AsyncClient) -> None:
        """Build headers, readers and pagination once; ``ConnectorConfigError`` for a missing secret."""
        super().__init__(opd, settings, http)
        self._headers = {"Accept": "application/json", **settings.headers, **auth_headers(settings.auth)}
        self._timeout = httpx.Timeout(settings.timeout_s) if settings.timeout_s else httpx.USE_CLIENT_DEFAULT
        self._base = str(settings.base_url).rstrip("/")
        origin = httpx.URL(str(settings.base_url))
        documents, dip, profile = settings.documents, settings.information_list, settings.profile
        self.capabilities = _capabilities(settings)
        self.pushdown = _pushdown(documents) if documents else Pushdown()
        if documents:
            self._documents = DocumentReader(documents.fields, documents.values, str(settings.base_url))
            self._document_pages = pagination_for(documents.list.pagination, origin)
        if dip:
            self._entries = InformationListReader(dip.fields, dip.values)
            self._entry_pages = pagination_for(dip.list.pagination, origin)
        if profile:
            self._profile = ProfileReader(profile.fields, profile.menu, str(settings.base_url))
        self._intake = self._build_intake(settings) if settings.intake else None

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """One page of documents, with the pushed-down filters and order sent upstream."""
        documents = self._need_documents()
        endpoint = documents.list
        step = self._document_pages.step(query.token, query.page_size)
        params = [*self._filter_params(endpoint, query), *self._order_params(endpoint, query)]
        reply, items, next_token, total = await self._page(endpoint, self._document_pages, step, params)
        origin = describe_request(reply.response.request)
        records = tuple(
            self._documents.read(item, where=join_path(endpoint.items, str(index)), origin=origin)
            for index, item in enumerate(items)
        )
        return DocumentPage(items=records, next_token=next_token, total=total)

    async def get_document(self, local_id: str) -> Document | None:
        """The document from the item endpoint (404: ``None``), else found by paging through the list."""
        documents = self._need_documents()
        if documents.item is None:
            return await self._find_in_list(local_id)
        path = documents.item.path.replace("{id}", quote(local_id, safe=""))
        reply = await fetch_optional_json(self.http, self._request(path))
        if reply is None:
            return None
        root = documents.item.root
        item = read_path(reply.body, root)
        if item is MISSING:
            raise UpstreamBadResponse("the item object is missing", field=join_path("", root))
        return self._documents.read(item, where=root, origin=describe_request(reply.response.request))

    async def information_list(self, query: ListQuery) -> InformationListPage:
        """One page of the DIP; a category the upstream cannot filter is filtered here."""
        dip = self._need_information_list()
        endpoint = dip.list
        step = self._entry_pages.step(query.token, query.page_size)
        params: Params = []
        if query.category is not None and endpoint.filters.category:
            params.append((endpoint.filters.category, self._entries.categories.label(query.category)))
        reply, items, next_token, total = await self._page(endpoint, self._entry_pages, step, params)
        origin = describe_request(reply.response.request)
        entries = tuple(
            self._entries.read(item, where=join_path(endpoint.items, str(index)), origin=origin)
            for index, item in enumerate(items)
        )
        if query.category is not None:
            entries = tuple(entry for entry in entries if entry.category is query.category)
            if endpoint.pagination.style == "none":
                total = len(entries)
            elif not endpoint.filters.category:
                total = None  # the upstream's total counts every category
        return InformationListPage(items=entries, next_token=next_token, total=total)

    async def profile(self) -> OpdProfile:
        """The PPID profile and menu."""
        profile = self.settings.profile
        if profile is None:
            raise NotSupported("this OPD's rest connector has no profile endpoint configured")
        reply = await fetch_json(self.http, self._request(profile.path))
        body = read_path(reply.body, profile.root)
        if body is MISSING:
            raise UpstreamBadResponse("the profile object is missing", field=join_path("", profile.root))
        return self._profile.read(body, where=profile.root, origin=describe_request(reply.response.request))

    async def submit_request(self, submission: Submission) -> UpstreamReceipt:
        """POST the submission to ``intake.path`` (a cancellation to ``intake.cancel_path``), once.

        See :mod:`connectors.rest.intake` for how the OPD's answers are read.
        """
        return await self._need_intake().submit(submission)

    async def request_status(self, reference: str) -> UpstreamRequestStatus:
        """The state of a delivered request, from ``intake.status``."""
        return await self._need_intake().status(reference)

    def _build_intake(self, settings: RestSettings) -> RestIntake:
        intake = settings.intake
        assert intake is not None
        credentials = (
            auth_headers(intake.auth, key="intake.auth") if intake.auth else auth_headers(settings.auth)
        )
        headers = {"Accept": "application/json", **settings.headers, **credentials}
        if intake.secret_header:
            headers[intake.secret_header] = read_secret(intake.secret_env, "intake.secret_env")
        return RestIntake(intake, http=self.http, base=self._base, headers=headers, timeout=self._timeout)

    def _need_intake(self) -> RestIntake:
        if self._intake is None:
            raise NotSupported("this OPD's rest connector has no intake configured")
        return self._intake

    async def _page(
        self, endpoint: ListEndpoint, pages: Pagination, step: PageStep, params: Params
    ) -> tuple[JsonResponse, list[Any], str | None, int | None]:
        if step.url is not None:
            # A next link already carries every parameter of the listing.
            request = self.http.build_request("GET", step.url, headers=self._headers, timeout=self._timeout)
        else:
            all_params = [*endpoint.params.items(), *params, *step.params]
            request = self._request(endpoint.path, all_params)
        reply = await fetch_json(self.http, request)
        items = read_items(reply.body, endpoint.items)
        total = read_total(reply, endpoint.total)
        if total is None and endpoint.pagination.style == "none":
            total = len(items)  # one response holds everything
        return reply, items, pages.next_token(step, reply, len(items), total), total

    async def _find_in_list(self, local_id: str) -> Document | None:
        token: str | None = None
        size = self._need_documents().list.pagination.max_page_size
        while True:
            page = await self.list_documents(DocumentQuery(page_size=size, token=token))
            for document in page.items:
                if document.local_id == local_id:
                    return document
            if page.next_token is None:
                return None
            if page.next_token == token:
                raise UpstreamBadResponse(f"the list does not advance past token {token!r}")
            token = page.next_token

    def _request(self, path: str, params: Sequence[tuple[str, str]] = ()) -> httpx.Request:
        url = f"{self._base}/{path.lstrip('/')}"
        return self.http.build_request(
            "GET", url, params=list(params) or None, headers=self._headers, timeout=self._timeout
        )

    def _filter_params(self, endpoint: ListEndpoint, query: DocumentQuery) -> Params:
        # The engine removed the filters we do not push down; a filter without a parameter is ignored.
        names: FilterParams = endpoint.filters
        flt = query.filter
        params: Params = []
        if flt.query and names.query:
            params.append((names.query, flt.query))
        if flt.categories and names.category:
            labels = sorted(self._documents.categories.label(category) for category in flt.categories)
            if names.category_style == "comma":
                params.append((names.category, ",".join(labels)))
            else:
                params.extend((names.category, label) for label in labels)
        if flt.year_from is not None and names.year_from and names.year_to:
            params.append((names.year_from, str(flt.year_from)))
        if flt.year_to is not None and names.year_from and names.year_to:
            params.append((names.year_to, str(flt.year_to)))
        if flt.type and names.type:
            params.append((names.type, flt.type))
        return params

    def _order_params(self, endpoint: ListEndpoint, query: DocumentQuery) -> Params:
        order = endpoint.order
        if query.order is None or order is None or query.order not in order.values:
            return []
        return [(order.param, order.values[query.order])]

    def _need_documents(self) -> DocumentsSettings:
        if self.settings.documents is None:
            raise NotSupported("this OPD's rest connector has no documents endpoint configured")
        return self.settings.documents

    def _need_information_list(self) -> InformationListSettings:
        if self.settings.information_list is None:
            raise NotSupported("this OPD's rest connector has no information_list endpoint configured")
        return self.settings.information_list


def _capabilities(settings: RestSettings) -> frozenset[Capability]:
    found: set[Capability] = set()
    if settings.documents is not None:
        found |= {Capability.DOCUMENTS, Capability.DOCUMENT}
    if settings.information_list is not None:
        found.add(Capability.INFORMATION_LIST)
    if settings.profile is not None:
        found.add(Capability.PROFILE)
    if settings.intake is not None:
        found.add(Capability.REQUEST_INTAKE)
        if settings.intake.status is not None:
            found.add(Capability.REQUEST_STATUS)
    return frozenset(found)


def _pushdown(documents: DocumentsSettings) -> Pushdown:
    filters = documents.list.filters
    order = documents.list.order
    return Pushdown(
        query=filters.query is not None,
        categories=filters.category is not None,
        years=filters.year_from is not None and filters.year_to is not None,
        type=filters.type is not None,
        orders=frozenset(o.value for o in order.values) if order else frozenset(),
    )
