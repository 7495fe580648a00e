"""Every upstream failure reaches the engine as a typed connector error, naming what to look at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from connectors import (
    DocumentQuery,
    ListQuery,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from connectors.rest import RestConnector

from .upstream import documents_block, raw_documents

MakeRest = Callable[[dict[str, Any]], RestConnector]


def block(**list_options: Any) -> dict[str, Any]:
    return {
        "documents": documents_block("page", **list_options) | {"item": {"path": "/api/docs/{id}"}},
        "information_list": {
            "list": {"path": "/api/dip", "items": "data", "pagination": {"style": "none"}},
            "fields": {"id": "id", "title": "judul", "category": "kategori"},
        },
        "profile": {"path": "/api/profil", "root": "data"},
    }


async def call(connector: RestConnector, operation: str) -> object:
    if operation == "list_documents":
        return await connector.list_documents(DocumentQuery())
    if operation == "get_document":
        return await connector.get_document("1")
    if operation == "information_list":
        return await connector.information_list(ListQuery())
    return await connector.profile()


OPERATIONS = ["list_documents", "get_document", "information_list", "profile"]


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    ("failure", "error"),
    [
        (httpx.ConnectTimeout("timed out"), UpstreamTimeout),
        (httpx.ReadTimeout("timed out"), UpstreamTimeout),
        (httpx.ConnectError("connection refused"), UpstreamUnavailable),
        (httpx.RemoteProtocolError("peer closed"), UpstreamUnavailable),
        (httpx.TooManyRedirects("loop"), UpstreamBadResponse),
    ],
)
async def test_transport_failures_are_translated(
    operation: str,
    failure: Exception,
    error: type[UpstreamError],
    router: respx.Router,
    make_rest: MakeRest,
) -> None:
    router.route().mock(side_effect=failure)
    connector = make_rest(block())

    with pytest.raises(error) as caught:
        await call(connector, operation)
    assert caught.value.__cause__ is failure
    assert "GET https://opd.example.go.id/ppid/api/" in str(caught.value)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("status", [500, 502, 503, 429])
async def test_server_errors_and_rate_limits_mean_unavailable(
    operation: str, status: int, router: respx.Router, make_rest: MakeRest
) -> None:
    router.route().mock(return_value=httpx.Response(status, headers={"Retry-After": "30"}, text="busy"))
    connector = make_rest(block())

    with pytest.raises(UpstreamUnavailable, match="retry after 30") as caught:
        await call(connector, operation)
    assert caught.value.status_code == status


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("status", [400, 401, 403, 302])
async def test_other_statuses_are_bad_responses(
    operation: str, status: int, router: respx.Router, make_rest: MakeRest
) -> None:
    router.route().mock(return_value=httpx.Response(status, json={"error": "no"}))
    connector = make_rest(block())

    with pytest.raises(UpstreamBadResponse, match=f"HTTP {status}"):
        await call(connector, operation)


@pytest.mark.parametrize("operation", ["list_documents", "information_list", "profile"])
async def test_a_404_on_a_list_or_profile_is_a_bad_response(
    operation: str, router: respx.Router, make_rest: MakeRest
) -> None:
    router.route().mock(return_value=httpx.Response(404))
    connector = make_rest(block())

    with pytest.raises(UpstreamBadResponse, match="HTTP 404"):
        await call(connector, operation)


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("body", [b"<html>Maintenance</html>", b"", b'{"data": [', b"\xff\xfe\x00garbage"])
async def test_a_body_that_is_not_json_is_a_bad_response(
    operation: str, body: bytes, router: respx.Router, make_rest: MakeRest
) -> None:
    router.route().mock(return_value=httpx.Response(200, content=body, headers={"Content-Type": "text/html"}))
    connector = make_rest(block())

    with pytest.raises(UpstreamBadResponse, match="not JSON"):
        await call(connector, operation)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"meta": {}}, "data"),  # no array at all
        ({"data": {"id": 1}}, "data"),  # an object where the array should be
        ({"data": [*raw_documents(3), "oops"]}, "data[3]"),  # an item that is not an object
        ({"data": [*raw_documents(3), {"id": 4, "kategori": "berkala"}]}, "data[3].judul"),  # missing
        ({"data": [*raw_documents(3), {"id": 4, "judul": 17, "kategori": "berkala"}]}, "data[3].judul"),
        ({"data": [*raw_documents(3), {"id": 4, "judul": "", "kategori": "berkala"}]}, "data[3].judul"),
        ({"data": [{"id": 1.5, "judul": "x", "kategori": "berkala"}]}, "data[0].id"),
        ({"data": [{"id": 1, "judul": "x", "kategori": "rahasia"}]}, "data[0].kategori"),
        ({"data": [{"id": 1, "judul": "x", "kategori": "berkala", "tahun": 1800}]}, "data[0].tahun"),
        ({"data": [{"id": 1, "judul": "x", "kategori": "berkala", "tahun": "soon"}]}, "data[0].tahun"),
        ({"data": [{"id": 1, "judul": "x", "kategori": "berkala"}], "meta": {"total": -1}}, "meta.total"),
        ({"data": [{"id": 1, "judul": "x", "kategori": "berkala"}], "meta": "none"}, "meta.total"),
    ],
)
async def test_a_body_of_the_wrong_shape_names_the_field_path(
    body: Any, field: str, router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/docs").mock(return_value=httpx.Response(200, json=body))
    connector = make_rest(block())

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.list_documents(DocumentQuery())
    assert caught.value.field == field
    assert repr(field) in str(caught.value)


async def test_a_nested_path_through_a_scalar_names_both_places(
    router: respx.Router, make_rest: MakeRest
) -> None:
    body = {"data": [{"id": 1, "judul": "x", "kategori": "berkala", "berkas": "not-an-object"}]}
    router.get("/api/docs").mock(return_value=httpx.Response(200, json=body))
    connector = make_rest(
        {
            "documents": documents_block("page")
            | {"fields": {"id": "id", "title": "judul", "category": "kategori", "file_url": "berkas.0.url"}}
        }
    )

    with pytest.raises(UpstreamBadResponse, match=r"at data\[0\]\.berkas, got string") as caught:
        await connector.list_documents(DocumentQuery())
    assert caught.value.field == "data[0].berkas[0].url"


async def test_an_item_endpoint_without_its_root_is_a_bad_response(
    router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/docs/1").mock(return_value=httpx.Response(200, json={"error": None}))
    options = block()
    options["documents"]["item"]["root"] = "data"
    connector = make_rest(options)

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.get_document("1")
    assert caught.value.field == "data"


async def test_a_profile_of_the_wrong_shape_names_the_field(
    router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/profil").mock(return_value=httpx.Response(200, json={"data": ["not", "an", "object"]}))
    connector = make_rest(block())

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.profile()
    assert caught.value.field == "data"


async def test_a_per_call_timeout_is_sent_with_each_request(
    router: respx.Router, make_rest: MakeRest
) -> None:
    route = router.get("/api/docs").mock(return_value=httpx.Response(200, json={"data": []}))
    connector = make_rest(block() | {"timeout_s": 1.5})

    await connector.list_documents(DocumentQuery())

    assert route.calls.last.request.extensions["timeout"] == httpx.Timeout(1.5).as_dict()
