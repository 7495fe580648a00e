"""The shared HTTP helpers translate every httpx failure and status at the boundary."""

from __future__ import annotations

import httpx
import pytest

from connectors import UpstreamBadResponse, UpstreamTimeout, UpstreamUnavailable
from connectors.http import describe_request, fetch_json, fetch_optional_json, translate_http_errors


def client(handler: httpx.MockTransport) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=handler)


async def test_fetch_json_returns_the_body_and_the_response() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"ok": True}))
    async with client(transport) as http:
        reply = await fetch_json(http, http.build_request("GET", "https://opd.example.go.id/api"))
    assert reply.body == {"ok": True}
    assert reply.response.status_code == 200


async def test_fetch_optional_json_answers_none_on_404_only() -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(404 if "missing" in request.url.path else 410)
    )
    async with client(transport) as http:
        assert await fetch_optional_json(http, http.build_request("GET", "https://x.go.id/missing")) is None
        with pytest.raises(UpstreamBadResponse, match="HTTP 410"):
            await fetch_optional_json(http, http.build_request("GET", "https://x.go.id/gone"))


@pytest.mark.parametrize(
    ("raised", "expected"),
    [
        (httpx.PoolTimeout("pool"), UpstreamTimeout),
        (httpx.WriteError("broken pipe"), UpstreamUnavailable),
        (httpx.UnsupportedProtocol("gopher"), UpstreamUnavailable),
        (httpx.DecodingError("bad gzip"), UpstreamBadResponse),
        (httpx.InvalidURL("bad"), UpstreamBadResponse),
    ],
)
def test_translate_http_errors(raised: Exception, expected: type[Exception]) -> None:
    with (
        pytest.raises(expected, match=r"GET https://x\.go\.id") as caught,
        translate_http_errors("GET https://x.go.id"),
    ):
        raise raised
    assert caught.value.__cause__ is raised


def test_a_raised_status_error_is_translated_like_a_status() -> None:
    request = httpx.Request("GET", "https://x.go.id")
    response = httpx.Response(503, request=request)
    with pytest.raises(UpstreamUnavailable) as caught, translate_http_errors("GET https://x.go.id"):
        response.raise_for_status()
    assert caught.value.status_code == 503


def test_credentials_in_a_url_never_reach_a_message() -> None:
    request = httpx.Request("GET", "https://ppid:rahasia@x.go.id/api?page=2")
    assert describe_request(request) == "GET https://x.go.id/api?page=2"


async def test_a_link_header_that_is_not_a_url_is_a_bad_response() -> None:
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, json=[], headers={"Link": '<http://[::1>; rel="next"'})
    )
    async with client(transport) as http:
        reply = await fetch_json(http, http.build_request("GET", "https://x.go.id/api"))
    with pytest.raises(UpstreamBadResponse) as caught:
        reply.link("next")
    assert caught.value.field == "header Link"
    assert reply.link("prev") is None
