"""A fake OPD list endpoint that pages in every style the rest connector knows."""

from __future__ import annotations

from typing import Any

import httpx

BASE = "https://opd.example.go.id/ppid"
"""The base_url of the rest connectors under test (with a path, to check joining)."""

FIELDS = {"id": "id", "title": "judul", "category": "kategori", "year": "tahun"}
"""The field mapping of :func:`raw_documents` items."""


def raw_documents(count: int) -> list[dict[str, Any]]:
    """``count`` upstream items with numeric ids 1..count."""
    return [
        {"id": n, "judul": f"Dokumen {n}", "kategori": "berkala", "tahun": 2020 + n % 4}
        for n in range(1, count + 1)
    ]


def _size(request: httpx.Request, name: str, default: int = 10) -> int:
    return int(request.url.params.get(name, default))


class FakeList:
    """Serves ``items`` at ``/api/docs`` in one pagination style; records the requests it saw."""

    def __init__(self, items: list[dict[str, Any]], style: str) -> None:
        self.items = items
        self.style = style
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return getattr(self, f"_{self.style}")(request)

    def _page(self, request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), _size(request, "per_page")
        chunk = self.items[(page - 1) * size : page * size]
        return httpx.Response(200, json={"data": chunk, "meta": {"total": len(self.items)}})

    def _page_header_total(self, request: httpx.Request) -> httpx.Response:
        page, size = int(request.url.params["page"]), _size(request, "per_page")
        chunk = self.items[(page - 1) * size : page * size]
        return httpx.Response(200, json=chunk, headers={"X-Total-Count": str(len(self.items))})

    def _offset(self, request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), _size(request, "limit")
        return httpx.Response(
            200, json={"count": len(self.items), "results": self.items[offset : offset + limit]}
        )

    def _cursor(self, request: httpx.Request) -> httpx.Response:
        after = int(request.url.params.get("after", 0))
        size = _size(request, "size")
        chunk = [item for item in self.items if item["id"] > after][:size]
        more = chunk and chunk[-1]["id"] < self.items[-1]["id"]
        return httpx.Response(
            200, json={"items": chunk, "paging": {"next": chunk[-1]["id"] if more else None}}
        )

    def _links(self, request: httpx.Request) -> tuple[list[dict[str, Any]], str | None]:
        page, size = int(request.url.params.get("page", 1)), _size(request, "per_page")
        chunk = self.items[(page - 1) * size : page * size]
        more = page * size < len(self.items)
        return chunk, f"api/docs?page={page + 1}&per_page={size}" if more else None

    def _next_link_body(self, request: httpx.Request) -> httpx.Response:
        chunk, link = self._links(request)
        # A root-relative link: the connector must resolve it against the URL that answered.
        return httpx.Response(200, json={"data": chunk, "links": {"next": f"/ppid/{link}" if link else None}})

    def _next_link_header(self, request: httpx.Request) -> httpx.Response:
        chunk, link = self._links(request)
        headers = {"Link": f'<{BASE}/{link}>; rel="next"'} if link else {}
        return httpx.Response(200, json=chunk, headers=headers)

    def _none(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"documents": self.items})


LIST_SETTINGS: dict[str, dict[str, Any]] = {
    "page": {"items": "data", "total": "meta.total"},
    "page_header_total": {"items": "", "total": "header:X-Total-Count", "pagination": {"style": "page"}},
    "offset": {"items": "results", "total": "count", "pagination": {"style": "offset"}},
    "cursor": {
        "items": "items",
        "pagination": {
            "style": "cursor",
            "cursor_param": "after",
            "size_param": "size",
            "next_cursor": "paging.next",
        },
    },
    "next_link_body": {"items": "data", "pagination": {"style": "next_link", "next_link": "links.next"}},
    "next_link_header": {"items": "", "pagination": {"style": "next_link"}},
    "none": {"items": "documents", "pagination": {"style": "none"}},
}
"""The ``documents.list`` block (without ``path``) that reads each style of :class:`FakeList`."""


def documents_block(style: str, **list_options: Any) -> dict[str, Any]:
    """A ``documents`` settings block for the :class:`FakeList` of ``style``."""
    return {
        "list": {"path": "/api/docs", **LIST_SETTINGS[style], **list_options},
        "fields": FIELDS,
    }
