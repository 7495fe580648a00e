"""The ``wordpress`` connector: documents from a WordPress site's REST API (media, posts, pages)."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Mapping
from typing import Any

import httpx

from ..base import Connector
from ..capabilities import Capability, Pushdown
from ..errors import ConnectorConfigError, InvalidToken, UpstreamBadResponse
from ..filtering import document_matches
from ..http import (
    check_status,
    describe_request,
    fetch_json,
    fetch_optional_json,
    read_json,
    send,
    translate_http_errors,
)
from ..queries import DocumentFilter, DocumentQuery, OpdRef
from ..records import Document, DocumentPage
from .mapping import DocumentMapper, split_local_id
from .settings import WordPressSettings

__all__ = ["WordPressConnector"]

_MAX_PER_PAGE = 100
_PAST_LAST_PAGE = "rest_post_invalid_page_number"
_Params = list[tuple[str, str | int | float | bool | None]]


class WordPressConnector(Connector):
    """Reads an OPD's WordPress site through its REST API.

    Every configured source (media, posts, pages) is read in turn; a document's
    local id is its source and WordPress id (``media-123``). Categories come from
    the site's ``/wp/v2/categories`` (ids → slugs), mapped by
    :attr:`WordPressSettings.categories`.

    Pushdown: the free-text query goes upstream as ``search=`` (WordPress
    matches each word in the title, excerpt or content, a superset of ours,
    so each page is filtered again here and its total is unknown); the year
    bounds as ``after``/``before`` on the local publication date, exactly the
    year this connector reports. No order is pushed down: WordPress sorts by
    date without a tie-break (documents published in one batch share a time)
    and by raw HTML titles in MySQL's collation, so neither is the engine's
    total order. Pages are asked in id order (``orderby=id``), a total order, so
    that an item sharing its date with another across a page boundary is
    neither read twice nor skipped. Categories are not filtered upstream
    either: they are derived here from several WordPress terms.

    Continuation tokens are ``<source index>:<page>:<per page>``.
    """

    kind = "wordpress"
    Settings = WordPressSettings
    settings: WordPressSettings
    """The validated ``connector:`` block."""
    capabilities = frozenset({Capability.DOCUMENTS, Capability.DOCUMENT})
    pushdown = Pushdown(query=True, years=True)

    def __init__(self, opd: OpdRef, settings: WordPressSettings, http: httpx.AsyncClient) -> None:
        """Build headers and the mapper; ``ConnectorConfigError`` when the password variable is unset."""
        super().__init__(opd, settings, http)
        self._base = str(settings.base_url).rstrip("/")
        self._headers = {"Accept": "application/json", **_auth_headers(settings)}
        self._timeout = httpx.Timeout(settings.timeout_s) if settings.timeout_s else httpx.USE_CLIENT_DEFAULT
        self._mapper = DocumentMapper(settings.categories, settings.default_category)
        # The site's category list, shared by every request: (read at, id → slug).
        self._slugs: tuple[float, dict[int, str]] | None = None

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """One page of one source; the token moves on to the next source when one ends."""
        index, page, per_page = self._step(query)
        source = self.settings.sources[index]
        params: _Params = [
            ("page", page),
            ("per_page", per_page),
            # Paged by number, so in a total order: under WordPress's default (by date, ties in no set
            # order) an item sharing its date with one across a page boundary could be read twice or never.
            ("orderby", "id"),
            ("order", "asc"),
            *_filter_params(query),
        ]
        request = self._request(f"/wp/v2/{source}", params)
        what = describe_request(request)
        with translate_http_errors(what):
            response = await send(self.http, request)
        total: int | None = None
        total_pages: int | None = page - 1
        items: list[Any] = []
        if not _past_last_page(response, what):
            check_status(response, what)
            body = read_json(response, what)
            if not isinstance(body, list):
                raise UpstreamBadResponse(f"{what}: expected a list of items", field="(body)")
            items, total = body, _int_header(response, "X-WP-Total", what)
            total_pages = _int_header(response, "X-WP-TotalPages", what)
        slugs = await self._category_slugs() if items else {}
        documents = [self._mapper.read(source, item, f"[{n}]", slugs, what) for n, item in enumerate(items)]
        if query.filter.query:
            documents = [doc for doc in documents if document_matches(doc, query.filter)]
        next_token: str | None = None
        more = page < total_pages if total_pages is not None else len(items) >= per_page
        if items and more:
            next_token = f"{index}:{page + 1}:{per_page}"
        elif index + 1 < len(self.settings.sources):
            next_token = f"{index + 1}:1:{per_page}"
        known_total = total if len(self.settings.sources) == 1 and not query.filter.query else None
        return DocumentPage(items=tuple(documents), next_token=next_token, total=known_total)

    async def get_document(self, local_id: str) -> Document | None:
        """The document ``media-123`` from ``/wp/v2/media/123``; ``None`` for a 404 or an id not of ours."""
        parsed = split_local_id(local_id)
        if parsed is None or parsed[0] not in self.settings.sources:
            return None
        source, wp_id = parsed
        reply = await fetch_optional_json(self.http, self._request(f"/wp/v2/{source}/{wp_id}", []))
        if reply is None:
            return None
        slugs = await self._category_slugs()
        return self._mapper.read(
            source, reply.body, "(body)", slugs, describe_request(reply.response.request)
        )

    def _step(self, query: DocumentQuery) -> tuple[int, int, int]:
        if query.token is None:
            size = self.settings.per_page or max(1, min(query.page_size, _MAX_PER_PAGE))
            return 0, 1, size
        try:
            index, page, per_page = (int(part) for part in query.token.split(":"))
        except ValueError:
            raise InvalidToken(f"not a wordpress continuation token: {query.token!r}") from None
        if not (0 <= index < len(self.settings.sources) and page >= 1 and 1 <= per_page <= _MAX_PER_PAGE):
            raise InvalidToken(f"continuation token out of range: {query.token!r}")
        return index, page, per_page

    def _request(self, route: str, params: _Params) -> httpx.Request:
        if self.settings.pretty_permalinks:
            url, query = f"{self._base}/wp-json{route}", params
        else:
            url, query = f"{self._base}/", [("rest_route", route), *params]
        return self.http.build_request("GET", url, params=query, headers=self._headers, timeout=self._timeout)

    async def _category_slugs(self) -> Mapping[int, str]:
        now = time.monotonic()
        if self._slugs is not None and now - self._slugs[0] < self.settings.categories_ttl_s:
            return self._slugs[1]
        slugs: dict[int, str] = {}
        page = 1
        while True:
            reply = await fetch_json(
                self.http, self._request("/wp/v2/categories", [("page", page), ("per_page", _MAX_PER_PAGE)])
            )
            what = describe_request(reply.response.request)
            if not isinstance(reply.body, list):
                raise UpstreamBadResponse(f"{what}: expected a list of categories", field="(body)")
            for n, term in enumerate(reply.body):
                cid = term.get("id") if isinstance(term, dict) else None
                slug = term.get("slug") if isinstance(term, dict) else None
                if not isinstance(cid, int) or not isinstance(slug, str):
                    raise UpstreamBadResponse(f"{what}: a category needs an id and a slug", field=f"[{n}]")
                slugs[cid] = slug
            pages = _int_header(reply.response, "X-WP-TotalPages", what)
            if not reply.body or pages is None or page >= pages:
                break
            page += 1
        self._slugs = (now, slugs)
        return slugs


def _filter_params(query: DocumentQuery) -> _Params:
    flt: DocumentFilter = query.filter
    params: _Params = []
    if flt.query:
        params.append(("search", " ".join(flt.query.split())))
    # WordPress's after/before are exclusive, on the local publication date.
    if flt.year_from is not None:
        params.append(("after", f"{flt.year_from - 1:04d}-12-31T23:59:59"))
    if flt.year_to is not None:
        params.append(("before", f"{flt.year_to + 1:04d}-01-01T00:00:00"))
    return params


def _past_last_page(response: httpx.Response, what: str) -> bool:
    # WordPress answers 400 rest_post_invalid_page_number for a page past the last: that is the end.
    if response.status_code != 400:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("code") == _PAST_LAST_PAGE


def _int_header(response: httpx.Response, name: str, what: str) -> int | None:
    raw = response.headers.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise UpstreamBadResponse(
            f"{what}: {name} is not a number: {raw!r}", field=f"header {name}"
        ) from None


def _auth_headers(settings: WordPressSettings) -> dict[str, str]:
    if settings.username is None or settings.password_env is None:
        return {}
    password = os.environ.get(settings.password_env)
    if not password:
        raise ConnectorConfigError(
            f"environment variable {settings.password_env} (the application password) is not set",
            key="password_env",
        )
    token = base64.b64encode(f"{settings.username}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}
