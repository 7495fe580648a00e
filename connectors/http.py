"""Calling an OPD over HTTP, with every failure translated into a connector error.

The one place where ``httpx`` errors and HTTP statuses become
:mod:`connectors.errors` types, in the manner of httpx's own
``map_httpcore_exceptions``. Connectors that speak JSON over HTTP (``rest``,
WordPress, CKAN, GraphQL) send through :func:`fetch_json` and never see a bare
``httpx`` error::

    httpx.TimeoutException          → UpstreamTimeout
    httpx.TransportError (connect…) → UpstreamUnavailable
    HTTP 5xx, 429                   → UpstreamUnavailable(status_code=…)
    other non-2xx                   → UpstreamBadResponse
    a body that is not JSON         → UpstreamBadResponse
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from .errors import UpstreamBadResponse, UpstreamTimeout, UpstreamUnavailable

__all__ = [
    "JsonResponse",
    "check_status",
    "describe_request",
    "fetch_json",
    "fetch_optional_json",
    "read_json",
    "send",
    "translate_http_errors",
]


@dataclass(frozen=True, slots=True)
class JsonResponse:
    """A successful upstream answer: its decoded JSON body and the response it came in."""

    body: Any
    """The decoded body."""
    response: httpx.Response
    """The response, for headers (totals, ``Link``) and its final URL."""

    def link(self, rel: str) -> str | None:
        """The absolute URL of the ``Link`` header entry with ``rel`` (``next``), or ``None``.

        Raises ``UpstreamBadResponse`` when the entry is not a URL.
        """
        entry = self.response.links.get(rel)
        if not entry or not entry.get("url"):
            return None
        # A relative link is relative to the URL that answered, as in a browser.
        try:
            return str(self.response.url.join(entry["url"]))
        except httpx.InvalidURL as exc:
            message = f"invalid {rel} link {entry['url']!r}: {exc}"
            raise UpstreamBadResponse(message, field="header Link") from exc


def describe_request(request: httpx.Request) -> str:
    """``GET https://host/path?query`` for error messages, without any credentials in the URL."""
    url = request.url.copy_with(userinfo=b"") if request.url.userinfo else request.url
    return f"{request.method} {url}"


@contextmanager
def translate_http_errors(what: str) -> Iterator[None]:
    """Re-raise ``httpx`` errors raised in the block as connector errors; ``what`` prefixes messages."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise UpstreamTimeout(f"{what}: no answer in time ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise UpstreamUnavailable(f"{what}: {type(exc).__name__}: {exc or 'connection failed'}") from exc
    except httpx.HTTPStatusError as exc:
        check_status(exc.response, what)
        raise  # pragma: no cover - check_status raised for every non-2xx status
    except (httpx.DecodingError, httpx.TooManyRedirects) as exc:
        raise UpstreamBadResponse(f"{what}: {exc}") from exc
    except httpx.HTTPError as exc:
        raise UpstreamUnavailable(f"{what}: {type(exc).__name__}: {exc}") from exc
    except httpx.InvalidURL as exc:
        # Only upstream data (a next link) can make a URL invalid: config URLs are validated at start.
        raise UpstreamBadResponse(f"{what}: invalid URL: {exc}") from exc


def check_status(response: httpx.Response, what: str) -> None:
    """Return on 2xx; raise the connector error for any other status."""
    status = response.status_code
    if 200 <= status < 300:
        return
    if status >= 500 or status == 429:
        retry = response.headers.get("Retry-After")
        hint = f", retry after {retry}" if retry else ""
        raise UpstreamUnavailable(f"{what}: HTTP {status}{hint}", status_code=status)
    raise UpstreamBadResponse(f"{what}: unexpected HTTP {status}")


def read_json(response: httpx.Response, what: str) -> Any:
    """The decoded JSON body; ``UpstreamBadResponse`` when it is not JSON."""
    try:
        return response.json()
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
        content_type = response.headers.get("Content-Type", "no Content-Type")
        raise UpstreamBadResponse(f"{what}: the body is not JSON ({content_type})") from exc


async def send(http: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    """Send ``request``; a GET that met a pooled connection the server had just closed is sent once more.

    A server may close an idle keep-alive connection at the moment the pool
    reuses it; the request then fails without having reached the server
    (``RemoteProtocolError``). Resending is safe for a GET, and it is what
    browsers do. Errors are left untranslated: call inside
    :func:`translate_http_errors`.
    """
    try:
        return await http.send(request)
    except httpx.RemoteProtocolError:
        if request.method != "GET":
            raise
        return await http.send(request)


async def fetch_json(http: httpx.AsyncClient, request: httpx.Request) -> JsonResponse:
    """Send ``request`` and return its JSON body; any failure is a connector error."""
    what = describe_request(request)
    with translate_http_errors(what):
        response = await send(http, request)
    check_status(response, what)
    return JsonResponse(read_json(response, what), response)


async def fetch_optional_json(http: httpx.AsyncClient, request: httpx.Request) -> JsonResponse | None:
    """Like :func:`fetch_json`, but ``None`` when the upstream answers 404 (an item that does not exist)."""
    what = describe_request(request)
    with translate_http_errors(what):
        response = await send(http, request)
    if response.status_code == 404:
        return None
    check_status(response, what)
    return JsonResponse(read_json(response, what), response)
