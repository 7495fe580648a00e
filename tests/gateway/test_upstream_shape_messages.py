"""An upstream that changed shape: the error names the request, the JSON field path and what was expected."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from connectors import DocumentQuery, OpdRef, UpstreamBadResponse
from connectors.ckan import CkanConnector, CkanSettings
from connectors.rest import RestConnector, RestSettings
from connectors.wordpress import WordPressConnector, WordPressSettings

SITE = "https://opd.example.go.id"
Handler = Callable[[httpx.Request], httpx.Response]


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[Handler], httpx.AsyncClient]]:
    clients: list[httpx.AsyncClient] = []

    def make(handler: Handler) -> httpx.AsyncClient:
        clients.append(httpx.AsyncClient(transport=httpx.MockTransport(handler)))
        return clients[-1]

    yield make
    for client in clients:
        await client.aclose()


async def bad_response(connector: Any) -> UpstreamBadResponse:
    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.list_documents(DocumentQuery(page_size=10))
    return caught.value


async def test_rest_names_the_item_field(serve: Callable[[Handler], httpx.AsyncClient]) -> None:
    rows: list[dict[str, Any]] = [{"id": i, "judul": f"Dokumen {i}", "kategori": "BERKALA"} for i in range(5)]
    rows[3]["judul"] = 123
    http = serve(lambda request: httpx.Response(200, json={"data": rows}))
    settings = RestSettings.model_validate(
        {
            "base_url": SITE,
            "documents": {
                "list": {"path": "/api/dokumen", "items": "data", "pagination": {"style": "none"}},
                "fields": {"id": "id", "title": "judul", "category": "kategori"},
            },
        }
    )

    error = await bad_response(RestConnector(OpdRef("dinkes", "Dinkes"), settings, http))

    assert error.field == "data[3].judul"
    assert str(error).startswith(f"GET {SITE}/api/dokumen")
    assert "valid string" in str(error)


def wordpress_site(change: Callable[[list[dict[str, Any]]], None]) -> Handler:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/categories"):
            return httpx.Response(200, json=[], headers={"X-WP-TotalPages": "1"})
        items = [
            {
                "id": i,
                "title": {"rendered": f"Laporan {i}"},
                "date": "2024-01-15T08:00:00",
                "source_url": f"{SITE}/wp-content/uploads/{i}.pdf",
                "categories": [],
            }
            for i in range(4)
        ]
        change(items)
        return httpx.Response(200, json=items, headers={"X-WP-Total": "4", "X-WP-TotalPages": "1"})

    return handle


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        (
            lambda items: items[2].update(title="Laporan"),
            "[2].title.rendered",
            "expected an object at title, got the string 'Laporan'",
        ),
        (
            lambda items: items[1].update(date=20240115),
            "[1].date",
            "expected a string, got the number 20240115",
        ),
        (lambda items: items[3].update(id="7"), "[3].id", "expected an integer, got the string '7'"),
        (lambda items: items[0].pop("source_url"), "[0].source_url", "a required field is missing"),
    ],
    ids=["object-became-string", "string-became-number", "number-became-string", "field-removed"],
)
async def test_wordpress_names_the_request_the_field_and_what_was_expected(
    serve: Callable[[Handler], httpx.AsyncClient],
    change: Callable[[list[dict[str, Any]]], None],
    field: str,
    expected: str,
) -> None:
    settings = WordPressSettings.model_validate({"base_url": SITE, "sources": ["media"]})
    connector = WordPressConnector(OpdRef("bpbd", "BPBD"), settings, serve(wordpress_site(change)))

    error = await bad_response(connector)

    assert error.field == field
    assert str(error).startswith(f"GET {SITE}/wp-json/wp/v2/media")
    assert f": {expected} (field {field!r})" in str(error)


async def test_ckan_names_the_request_the_field_and_what_was_expected(
    serve: Callable[[Handler], httpx.AsyncClient],
) -> None:
    packages: list[dict[str, Any]] = [
        {
            "name": f"paket-{i}",
            "title": f"Paket {i}",
            "organization": {"name": "dinkes"},
            "resources": [{"id": f"r{i}", "name": f"Data {i}", "url": f"{SITE}/{i}.csv"}],
        }
        for i in range(5)
    ]
    packages[3]["resources"][0]["name"] = 5
    body = {"success": True, "result": {"count": 5, "results": packages}}
    settings = CkanSettings.model_validate({"base_url": SITE, "organization": "dinkes"})
    connector = CkanConnector(
        OpdRef("dinkes", "Dinkes"), settings, serve(lambda r: httpx.Response(200, json=body))
    )

    error = await bad_response(connector)

    assert error.field == "result.results[3].resources[0].name"
    assert str(error).startswith(f"GET {SITE}/api/3/action/package_search")
    assert "expected a string as name, got 5" in str(error)
