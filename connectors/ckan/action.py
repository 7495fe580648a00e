"""Calling one CKAN action and unwrapping its ``{"help", "success", "result"}`` envelope.

CKAN answers every action with an envelope. A failure has ``"success": false``
and an ``error`` object whose ``__type`` says what went wrong
(``Not Found Error`` with HTTP 404, ``Validation Error`` 409,
``Authorization Error`` 403). They become connector errors::

    transport failure, timeout        → UpstreamTimeout / UpstreamUnavailable (connectors.http)
    HTTP 5xx or 429, envelope or not  → UpstreamUnavailable(status_code=…)
    Not Found Error (404), if allowed → None
    any other success: false, or 4xx → UpstreamBadResponse, with CKAN's error type and message
    not JSON, no envelope             → UpstreamBadResponse naming the field
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from ..errors import UpstreamBadResponse
from ..http import check_status, describe_request, read_json, send, translate_http_errors

__all__ = ["call_action"]


async def call_action(
    http: httpx.AsyncClient,
    request: httpx.Request,
    *,
    missing_ok: bool = False,
) -> tuple[Any, str] | None:
    """The ``result`` of the action ``request`` calls, with the request described for messages.

    ``None`` when ``missing_ok`` and CKAN answers ``Not Found Error``;
    otherwise every failure is raised as a :mod:`connectors.errors` type.
    """
    what = describe_request(request)
    with translate_http_errors(what):
        response = await send(http, request)
    status = response.status_code
    if status >= 500 or status == 429:
        check_status(response, what)  # raises UpstreamUnavailable, whatever the body
    body = read_json(response, what)
    if not isinstance(body, Mapping):
        raise UpstreamBadResponse(f"{what}: not a CKAN action envelope (a JSON object)", field="<body>")
    success = body.get("success")
    if success is False or "error" in body:
        error = body.get("error")
        kind, message = _describe_error(error)
        if missing_ok and kind == "Not Found Error":
            return None
        raise UpstreamBadResponse(f"{what}: CKAN {kind} (HTTP {status}): {message}")
    check_status(response, what)  # a 2xx envelope that claims success is trusted; anything else is not
    if success is not True:
        raise UpstreamBadResponse(f"{what}: the envelope's success is {success!r}, not true", field="success")
    if "result" not in body:
        raise UpstreamBadResponse(f"{what}: the envelope has no result", field="result")
    return body["result"], what


def _describe_error(error: Any) -> tuple[str, str]:
    # The message of a validation error is spread over its field keys: {"rows": ["Invalid integer"]}.
    if not isinstance(error, Mapping):
        return "error", repr(error)
    kind = str(error.get("__type") or "error")
    if "message" in error:
        return kind, str(error["message"])
    details = [f"{key}: {_join(value)}" for key, value in error.items() if key != "__type"]
    return kind, "; ".join(details) or "no message"


def _join(value: Any) -> str:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(str(part) for part in value)
    return str(value)
