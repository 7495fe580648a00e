"""The simulated WordPress site answers the way the WordPress REST API documents it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from connectors.wordpress import WordPressSettings
from simulator.dialects import wordpress as dialect
from simulator.directory import load_opds
from simulator.seed import seed_opd

SEED = seed_opd(load_opds()[0])
MEDIA = [item for item in dialect.wp_items(SEED) if item.source == "media"]


@pytest.fixture
async def wp() -> AsyncIterator[httpx.AsyncClient]:
    """A client on the simulated site."""
    transport = httpx.ASGITransport(app=Starlette(routes=dialect.routes(SEED)))
    async with httpx.AsyncClient(transport=transport, base_url="https://opd.example.go.id") as client:
        yield client


async def test_a_collection_pages_with_wp_headers_and_links(wp: httpx.AsyncClient) -> None:
    response = await wp.get("/wp-json/wp/v2/media", params={"per_page": 5, "page": 2})

    assert response.status_code == 200
    assert len(response.json()) == 5
    assert response.headers["X-WP-Total"] == str(len(MEDIA))
    assert response.headers["X-WP-TotalPages"] == str(-(-len(MEDIA) // 5))
    assert set(response.links) == {"prev", "next"}
    first = response.json()[0]
    assert {"id", "date", "date_gmt", "modified_gmt", "slug", "link", "title", "caption", "mime_type"} <= set(
        first
    )
    assert {"source_url", "media_details"} <= set(first)


async def test_the_default_order_is_newest_first(wp: httpx.AsyncClient) -> None:
    dates = [item["date"] for item in (await wp.get("/wp-json/wp/v2/media", params={"per_page": 100})).json()]

    assert dates == sorted(dates, reverse=True)
    ascending = await wp.get("/wp-json/wp/v2/media", params={"per_page": 100, "order": "asc"})
    assert [item["date"] for item in ascending.json()] == sorted(dates)


async def test_past_the_last_page_is_a_wp_400(wp: httpx.AsyncClient) -> None:
    response = await wp.get("/wp-json/wp/v2/media", params={"page": 999})

    assert response.status_code == 400
    assert response.json()["code"] == "rest_post_invalid_page_number"
    assert response.json()["data"] == {"status": 400}


async def test_per_page_above_100_is_an_invalid_param(wp: httpx.AsyncClient) -> None:
    response = await wp.get("/wp-json/wp/v2/posts", params={"per_page": 101})

    assert response.status_code == 400
    assert response.json()["code"] == "rest_invalid_param"


async def test_rest_route_answers_like_pretty_permalinks(wp: httpx.AsyncClient) -> None:
    pretty = await wp.get("/wp-json/wp/v2/posts", params={"search": "laporan"})
    plain = await wp.get("/", params={"rest_route": "/wp/v2/posts", "search": "laporan"})

    assert plain.json() == pretty.json()
    assert plain.headers["X-WP-Total"] == pretty.headers["X-WP-Total"]
    missing = await wp.get("/", params={"rest_route": "/wp/v2/nothing"})
    assert (missing.status_code, missing.json()["code"]) == (404, "rest_no_route")


async def test_after_and_before_are_exclusive_local_times(wp: httpx.AsyncClient) -> None:
    moment = MEDIA[0].date.replace(tzinfo=None).isoformat(timespec="seconds")

    after = (await wp.get("/wp-json/wp/v2/media", params={"after": moment, "per_page": 100})).json()
    before = (await wp.get("/wp-json/wp/v2/media", params={"before": moment, "per_page": 100})).json()

    assert all(item["date"] > moment for item in after)
    assert all(item["date"] < moment for item in before)
    assert len(after) + len(before) == len(MEDIA) - sum(1 for m in MEDIA if m.date == MEDIA[0].date)


async def test_categories_carry_the_slugs_of_the_connector_block(wp: httpx.AsyncClient) -> None:
    slugs = {term["slug"] for term in (await wp.get("/wp-json/wp/v2/categories")).json()}
    block = dict(dialect.connector_block("https://opd.example.go.id"))

    assert block.pop("kind") == "wordpress"
    assert set(WordPressSettings.model_validate(block).categories) <= slugs
    single = await wp.get(f"/wp-json/wp/v2/media/{MEDIA[0].id}")
    assert single.json()["id"] == MEDIA[0].id
    assert (await wp.get(f"/wp-json/wp/v2/posts/{MEDIA[0].id}")).status_code == 404
