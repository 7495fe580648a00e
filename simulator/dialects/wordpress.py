"""The ``wordpress`` dialect: an OPD portal on WordPress, read through its REST API.

Each seed document becomes an attachment (``/wp-json/wp/v2/media``) when the
portal serves its file, else a post (``/wp-json/wp/v2/posts``); both share
WordPress's one id space. The KIP categories are WordPress categories
(:data:`CATEGORY_SLUGS`, listed at ``/wp/v2/categories``), also on media, as
when a plugin registers the ``category`` taxonomy for attachments.

What WordPress does, and the connector must cope with: titles and excerpts
are rendered HTML with texturized entities; ``date`` is the site's local time
(WIB) and ``date_gmt`` UTC, both without an offset; ``page``/``per_page``
(at most 100, default 10) with ``X-WP-Total``/``X-WP-TotalPages`` headers and a
``Link`` header; a page past the last answers 400
``rest_post_invalid_page_number``; ``search`` (every word in the title, excerpt
or content), ``after``/``before`` (exclusive, on the local date) and
``orderby=date|title|id`` with ``order=desc|asc`` (default: newest first).
The same routes answer at ``/?rest_route=/wp/v2/...``, as on a site with plain
permalinks.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import Scope

from connectors.filtering import normalize_text
from connectors.records import WIB, Document, InformationCategory

from ..seed import OpdSeed

__all__ = [
    "CATEGORY_SLUGS",
    "OTHER_CATEGORY",
    "connector_block",
    "endpoint_name",
    "routes",
    "served_documents",
    "wp_items",
]

CATEGORY_SLUGS = {
    InformationCategory.BERKALA: "informasi-berkala",
    InformationCategory.SERTA_MERTA: "informasi-serta-merta",
    InformationCategory.SETIAP_SAAT: "informasi-setiap-saat",
    InformationCategory.DIKECUALIKAN: "informasi-dikecualikan",
}
"""The WordPress category slug of each KIP category on the simulated site."""
OTHER_CATEGORY = (9, "berita", "Berita")
"""A category no connector maps (id, slug, name): some posts carry it as well."""

_CATEGORY_IDS = {category: 2 + n for n, category in enumerate(CATEGORY_SLUGS)}
_FIRST_ID = 101
_PER_PAGE = 10
_MAX_PER_PAGE = 100
_ORDERS = ("date", "title", "id")


@dataclass(frozen=True, slots=True)
class WpItem:
    """One seed document as WordPress stores it."""

    id: int
    """The post id (attachments and posts share one sequence)."""
    source: str
    """``media`` or ``posts``."""
    document: Document
    """The seed document."""
    date: dt.datetime
    """The local publication time (WIB, naive in the API)."""


def wp_items(seed: OpdSeed) -> list[WpItem]:
    """The seed's documents as WordPress items, in storage order."""
    items = []
    for n, doc in enumerate(seed.documents):
        moment = doc.published_at or dt.datetime(doc.year or 2020, 1, 2, 9, 0, tzinfo=WIB)
        source = "media" if doc.local_id in seed.files else "posts"
        # Gaps in the id sequence, as revisions and drafts leave them.
        items.append(WpItem(_FIRST_ID + 3 * n, source, doc, moment.astimezone(WIB)))
    return items


def endpoint_name(scope: Scope, route_name: str) -> str:
    """The counted endpoint of a request to the site: ``documents``, ``document``, ``file`` or ``other``."""
    if route_name == "file":
        return "file"
    if route_name == "wp_json":
        route = scope["path"].removeprefix("/wp-json")
    else:
        route = QueryParams(scope.get("query_string", b"")).get("rest_route") or ""
    parts = route.strip("/").split("/")
    if parts[:2] != ["wp", "v2"] or len(parts) < 3 or parts[2] not in ("media", "posts"):
        return "other"
    return "documents" if len(parts) == 3 else "document"


def served_documents(seed: OpdSeed) -> list[Document]:
    """``seed``'s documents as the ``wordpress`` connector reads them: ids ``<source>-<wp id>``.

    The year is that of the local (WIB) publication date; times are whole
    seconds, a post's last change its publication when it never changed;
    WordPress has no field for the type or an exemption ground. Links are
    left as the seed's.
    """
    served = []
    for item in wp_items(seed):
        published = item.date.replace(microsecond=0)
        changed = item.document.updated_at.replace(microsecond=0) if item.document.updated_at else published
        update = {"local_id": f"{item.source}-{item.id}", "year": item.date.year, "published_at": published}
        update |= {"updated_at": changed, "type": None, "exemption_ground": None}
        served.append(item.document.model_copy(update=update))
    return served


def _error(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "data": {"status": status}}, status_code=status)


def _wp_time(moment: dt.datetime | None, zone: dt.tzinfo) -> str | None:
    return moment.astimezone(zone).replace(tzinfo=None).isoformat(timespec="seconds") if moment else None


def _rendered(text: str) -> str:
    # wptexturize: an en dash and typographic quotes, then HTML-escaped.
    return html.escape(text.replace(" - ", " \u2013 "), quote=False).replace("\u2013", "&#8211;")


def _slug(item: WpItem) -> str:
    return "-".join(normalize_text(item.document.title).replace("/", " ").split())[:190] or str(item.id)


def _content(doc: Document) -> str:
    return (
        f"<p>{_rendered(doc.summary or '')}</p>\n<p><strong>Jenis:</strong> {_rendered(doc.type or '')}</p>\n"
    )


def _paragraph(text: str | None) -> str:
    return f"<p>{_rendered(text)}</p>\n" if text else ""


def _categories(item: WpItem) -> list[int]:
    ids = [_CATEGORY_IDS[item.document.category]]
    if item.source == "posts" and item.id % 2:
        ids.insert(0, OTHER_CATEGORY[0])
    return ids


def _render(item: WpItem, site: str, seed: OpdSeed) -> dict[str, Any]:
    doc = item.document
    common: dict[str, Any] = {
        "id": item.id,
        "date": _wp_time(item.date, WIB),
        "date_gmt": _wp_time(item.date, dt.UTC),
        "modified": _wp_time(doc.updated_at or item.date, WIB),
        "modified_gmt": _wp_time(doc.updated_at or item.date, dt.UTC),
        "slug": _slug(item),
        "status": "publish",
        "type": "attachment" if item.source == "media" else "post",
        "title": {"rendered": _rendered(doc.title)},
        "author": 1,
        "categories": _categories(item),
        "tags": [],
    }
    if item.source == "posts":
        return {
            **common,
            "link": f"{site}/{_slug(item)}/",
            "content": {"rendered": _content(doc), "protected": False},
            "excerpt": {"rendered": _paragraph(doc.summary), "protected": False},
        }
    served = seed.files[doc.local_id]
    return {
        **common,
        "link": f"{site}/?attachment_id={item.id}",
        "caption": {"rendered": _paragraph(doc.summary)},
        "description": {"rendered": _content(doc)},
        "alt_text": "",
        "media_type": "file",
        "mime_type": served.mime_type,
        "media_details": {"filesize": served.size_bytes},
        "source_url": f"{site}/{served.path}",
    }


def _searchable(item: WpItem) -> str:
    doc = item.document
    # WordPress searches the title, the excerpt (caption) and the content (description).
    return normalize_text(" ".join([doc.title, doc.summary or "", "Jenis:", doc.type or ""]))


def _local_bound(raw: str | None, name: str) -> dt.datetime | None:
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise _InvalidParamError(name, "Invalid date.") from None
    return moment.astimezone(WIB).replace(tzinfo=None) if moment.tzinfo else moment


class _InvalidParamError(Exception):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(reason)
        self.name = name
        self.reason = reason


def _int(params: QueryParams, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise _InvalidParamError(
            name, f"{name} is not of type integer." if not raw.isdigit() else f"{name} must be >= 1"
        )
    if maximum is not None and int(raw) > maximum:
        raise _InvalidParamError(name, f"{name} must be between 1 ({name}) and {maximum}.")
    return int(raw)


def _select(items: list[WpItem], params: QueryParams) -> list[WpItem]:
    after = _local_bound(params.get("after"), "after")
    before = _local_bound(params.get("before"), "before")
    words = normalize_text(params.get("search") or "").split()
    chosen = [
        item
        for item in items
        if (after is None or item.date.replace(tzinfo=None) > after)
        and (before is None or item.date.replace(tzinfo=None) < before)
        and all(word in _searchable(item) for word in words)
    ]
    orderby = params.get("orderby") or "date"
    order = params.get("order") or "desc"
    if orderby not in _ORDERS:
        raise _InvalidParamError("orderby", f"orderby is not one of {', '.join(_ORDERS)}.")
    if order not in ("asc", "desc"):
        raise _InvalidParamError("order", "order is not one of desc, asc.")
    keys: dict[str, Callable[[WpItem], Any]] = {
        "date": lambda item: (item.date, item.id),
        "title": lambda item: (normalize_text(item.document.title), item.id),
        "id": lambda item: item.id,
    }
    chosen.sort(key=keys[orderby], reverse=order == "desc")
    return chosen


def _collection(
    items: list[WpItem], params: QueryParams, url: str, render: Callable[[WpItem], Any]
) -> Response:
    try:
        page = _int(params, "page", 1)
        per_page = _int(params, "per_page", _PER_PAGE, _MAX_PER_PAGE)
        chosen = _select(items, params)
    except _InvalidParamError as invalid:
        return JSONResponse(
            {
                "code": "rest_invalid_param",
                "message": f"Invalid parameter(s): {invalid.name}",
                "data": {"status": 400, "params": {invalid.name: invalid.reason}},
            },
            status_code=400,
        )
    total = len(chosen)
    pages = math.ceil(total / per_page)
    if page > pages and total > 0:
        message = "The page number requested is larger than the number of pages available."
        return _error("rest_post_invalid_page_number", message, 400)
    headers = {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)}
    links = []
    if page > 1:
        links.append(f'<{_with_page(url, params, page - 1)}>; rel="prev"')
    if page < pages:
        links.append(f'<{_with_page(url, params, page + 1)}>; rel="next"')
    if links:
        headers["Link"] = ", ".join(links)
    chunk = chosen[(page - 1) * per_page : page * per_page]
    return JSONResponse([render(item) for item in chunk], headers=headers)


def _with_page(url: str, params: QueryParams, page: int) -> str:
    query = [(k, v) for k, v in params.multi_items() if k != "page"] + [("page", str(page))]
    return f"{url}?{QueryParams(query)}"


def _category_terms(site: str, counts: Mapping[int, int]) -> list[dict[str, Any]]:
    terms = [(1, "uncategorized", "Uncategorized")]
    terms += [(_CATEGORY_IDS[c], slug, slug.replace("-", " ").title()) for c, slug in CATEGORY_SLUGS.items()]
    terms.append(OTHER_CATEGORY)
    return [
        {
            "id": term_id,
            "count": counts.get(term_id, 0),
            "description": "",
            "link": f"{site}/category/{slug}/",
            "name": name,
            "slug": slug,
            "taxonomy": "category",
            "parent": 0,
        }
        for term_id, slug, name in terms
    ]


def routes(seed: OpdSeed) -> list[Route]:
    """The WordPress REST API of ``seed``'s OPD, at ``/wp-json/...`` and at ``/?rest_route=...``."""
    items = wp_items(seed)
    by_source = {source: [item for item in items if item.source == source] for source in ("media", "posts")}
    by_id = {item.id: item for item in items}
    counts: dict[int, int] = {}
    for item in items:
        for term_id in _categories(item):
            counts[term_id] = counts.get(term_id, 0) + 1

    def answer(route: str, params: QueryParams, site: str, url: str) -> Response:
        parts = route.strip("/").split("/")
        if parts[:2] != ["wp", "v2"] or len(parts) not in (3, 4):
            return _error("rest_no_route", "No route was found matching the URL and request method.", 404)
        collection = parts[2]
        if collection == "categories" and len(parts) == 3:
            terms = _category_terms(site, counts)
            per_page = min(int(params.get("per_page") or _PER_PAGE), _MAX_PER_PAGE)
            page = int(params.get("page") or 1)
            pages = math.ceil(len(terms) / per_page)
            headers = {"X-WP-Total": str(len(terms)), "X-WP-TotalPages": str(pages)}
            return JSONResponse(terms[(page - 1) * per_page : page * per_page], headers=headers)
        if collection not in by_source:
            return _error("rest_no_route", "No route was found matching the URL and request method.", 404)
        if len(parts) == 4:
            item = by_id.get(int(parts[3])) if parts[3].isdigit() else None
            if item is None or item.source != collection:
                return _error("rest_post_invalid_id", "Invalid post ID.", 404)
            return JSONResponse(_render(item, site, seed))
        return _collection(by_source[collection], params, url, lambda item: _render(item, site, seed))

    def site_of(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    async def pretty(request: Request) -> Response:
        site = site_of(request)
        route = "/" + request.path_params["route"]
        return answer(route, request.query_params, site, f"{site}/wp-json{route}")

    async def plain(request: Request) -> Response:
        site = site_of(request)
        route = request.query_params.get("rest_route")
        if route is None:
            return HTMLResponse(f"<!doctype html><title>{html.escape(seed.opd.name)}</title>")
        return answer(route, request.query_params, site, f"{site}/")

    return [
        Route("/wp-json/{route:path}", pretty, name="wp_json"),
        Route("/", plain, name="home"),
    ]


def connector_block(base_url: str, *, pretty_permalinks: bool = True) -> dict[str, Any]:
    """The ``connector:`` block (``kind: wordpress``) that reads this dialect at ``base_url``."""
    return {
        "kind": "wordpress",
        "base_url": base_url,
        "pretty_permalinks": pretty_permalinks,
        "sources": ["media", "posts"],
        "categories": {slug: category.name for category, slug in CATEGORY_SLUGS.items()},
        "default_category": InformationCategory.SETIAP_SAAT.name,
    }
