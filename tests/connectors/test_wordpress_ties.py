"""The wordpress connector against a WordPress that scrambles ties in dates.

WordPress sorts ``orderby=date`` (its default) by the date alone: items
published in the same second come back in no guaranteed order, and not the
same order from one request to the next. The fake site here shuffles every tie
afresh on each request, so a connector paging by number over a date order would
skip or repeat items.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from connectors import Document, DocumentQuery, OpdRef
from connectors.wordpress import WordPressConnector, WordPressSettings

SITE = "https://dinkes.example.go.id"
OPD = OpdRef(slug="dinkes", name="Dinas Kesehatan")
WIB = dt.timedelta(hours=7)


@dataclass(frozen=True)
class Item:
    id: int
    source: str
    date: dt.datetime
    """Local (WIB), naive."""
    title: str


class ScramblingSite:
    """A WordPress REST API of ``items`` that returns ties in a new random order on every request."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self.random = random.Random(7)
        self.calls: dict[str, int] = {}
        self.orders: list[tuple[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        route = request.url.path.removeprefix("/wp-json/wp/v2/")
        params = request.url.params
        if route == "categories":
            return httpx.Response(200, json=[], headers={"X-WP-Total": "0", "X-WP-TotalPages": "0"})
        self.calls[route] = self.calls.get(route, 0) + 1
        self.orders.append((params.get("orderby", "date"), params.get("order", "desc")))
        after = dt.datetime.fromisoformat(params["after"]) if "after" in params else None
        before = dt.datetime.fromisoformat(params["before"]) if "before" in params else None
        words = params.get("search", "").lower().split()
        chosen = [
            item
            for item in self.items
            if item.source == route
            and (after is None or item.date > after)
            and (before is None or item.date < before)
            and all(word in item.title.lower() for word in words)
        ]
        descending = params.get("order", "desc") == "desc"
        if params.get("orderby", "date") == "id":
            chosen.sort(key=lambda item: item.id, reverse=descending)
        else:
            # Ties in a fresh order on every request, as MySQL may return them.
            noise = {item.id: self.random.random() for item in chosen}
            chosen.sort(key=lambda item: (item.date, noise[item.id]), reverse=descending)
        page, per_page = int(params.get("page", "1")), int(params.get("per_page", "10"))
        pages = math.ceil(len(chosen) / per_page)
        if page > pages and chosen:
            body = {
                "code": "rest_post_invalid_page_number",
                "message": "past the last",
                "data": {"status": 400},
            }
            return httpx.Response(400, json=body)
        headers = {"X-WP-Total": str(len(chosen)), "X-WP-TotalPages": str(pages)}
        chunk = chosen[(page - 1) * per_page : page * per_page]
        return httpx.Response(200, json=[self._render(item) for item in chunk], headers=headers)

    @staticmethod
    def _render(item: Item) -> dict[str, Any]:
        rendered: dict[str, Any] = {
            "id": item.id,
            "date": item.date.isoformat(timespec="seconds"),
            "date_gmt": (item.date - WIB).isoformat(timespec="seconds"),
            "title": {"rendered": item.title},
            "categories": [],
            "link": f"{SITE}/?p={item.id}",
        }
        if item.source == "media":
            rendered["source_url"] = f"{SITE}/wp-content/uploads/{item.id}.pdf"
        return rendered


def tied_items() -> list[Item]:
    """Media and posts with big ties: 25 items in one second, across both sources and page ends."""
    base = dt.datetime(2024, 1, 1, 8, 0, 0)
    moments = [
        base,
        base,
        base - dt.timedelta(days=1),
        base + dt.timedelta(hours=3),
        dt.datetime(2023, 12, 31, 23, 59, 59),
        dt.datetime(2023, 6, 1, 10, 0, 0),
    ]
    items = []
    for n in range(60):
        moment = base if n % 5 else moments[n // 5 % len(moments)]
        if n % 11 == 0:
            moment = dt.datetime(2023, 12, 31, 23, 59, 59)
        source = "media" if n % 3 else "posts"
        word = "laporan" if n % 2 else "anggaran"
        items.append(Item(1000 - 7 * n, source, moment, f"{word.title()} kesehatan {n}"))
    return items


def make_connector(http: httpx.AsyncClient, **options: Any) -> WordPressConnector:
    settings = WordPressSettings.model_validate({"base_url": SITE, "sources": ["media", "posts"], **options})
    return WordPressConnector(OPD, settings, http)


@pytest.fixture
def site() -> ScramblingSite:
    return ScramblingSite(tied_items())


@pytest.fixture
async def http(site: ScramblingSite) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.MockTransport(site)) as client:
        yield client


async def walk(connector: WordPressConnector, page_size: int) -> list[Document]:
    found: list[Document] = []
    token: str | None = None
    for _ in range(2_000):
        page = await connector.list_documents(DocumentQuery(page_size=page_size, token=token))
        found.extend(page.items)
        token = page.next_token
        if token is None:
            return found
    pytest.fail("the walk does not end")


def ids(documents: list[Document]) -> list[str]:
    return [doc.local_id for doc in documents]


def test_the_fake_site_has_ties_that_cross_pages() -> None:
    dates = [item.date for item in tied_items()]
    assert max(dates.count(date) for date in dates) > 20


@pytest.mark.parametrize("page_size", [1, 3, 4, 7, 100])
async def test_a_walk_reads_every_item_once_though_ties_cross_pages(
    http: httpx.AsyncClient, page_size: int
) -> None:
    walked = await walk(make_connector(http), page_size)
    assert len(ids(walked)) == len(set(ids(walked))), "an item was read twice"
    assert sorted(ids(walked)) == sorted(f"{item.source}-{item.id}" for item in tied_items())


async def test_pages_are_asked_in_id_order(http: httpx.AsyncClient, site: ScramblingSite) -> None:
    await walk(make_connector(http), 10)
    assert site.orders and set(site.orders) == {("id", "asc")}
