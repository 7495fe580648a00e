"""The GraphQL operations the connector sends, and how the upstream's answers and errors are read.

Every input travels as a variable, never inside the query text. The answer of
a ppid-gateway is read this way::

    transport failure, timeout, HTTP 5xx / 429   → UpstreamTimeout / UpstreamUnavailable (connectors.http)
    an error about our OPD (extensions.opd), or
    extensions.upstreams says it ERROR / TIMEOUT  → UpstreamUnavailable, upstream code and message kept
      (code NOT_SUPPORTED, or status SKIPPED      → NotSupported: the upstream OPD lacks the operation)
    BAD_USER_INPUT on the argument ``after``      → InvalidToken
    INTERNAL_SERVER_ERROR / SERVICE_UNAVAILABLE
      leaving the root field null                 → UpstreamUnavailable
    any other error leaving the root null
      (an unknown OPD slug), not JSON,
      a field missing or of the wrong type        → UpstreamBadResponse naming the field path

Errors about other OPDs of the upstream (an ``opds`` filter sends only ours, so
there should be none) do not fail the call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from ..errors import InvalidToken, NotSupported, UpstreamBadResponse, UpstreamUnavailable
from ..http import check_status, describe_request, read_json, send, translate_http_errors

__all__ = [
    "DOCUMENTS_QUERY",
    "DOCUMENT_QUERY",
    "INFORMATION_LIST_QUERY",
    "PROFILE_QUERY",
    "execute",
    "field",
    "mapping",
]

_DOCUMENT_FIELDS = """
    id localId title summary category exemptionGround type year
    publishedAt updatedAt fileUrl mimeType sizeBytes sourceUrl
"""

DOCUMENTS_QUERY = f"""
query Documents($filter: DocumentFilter, $orderBy: DocumentOrder!, $first: Int!, $after: String) {{
  documents(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {{
    totalCount
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {_DOCUMENT_FIELDS} }}
  }}
}}
"""
"""One page of the OPD's documents (``filter.opds`` is always the one upstream OPD)."""

DOCUMENT_QUERY = f"""
query Document($id: ID!) {{
  document(id: $id) {{ {_DOCUMENT_FIELDS} }}
}}
"""
"""One document by the upstream's global id."""

INFORMATION_LIST_QUERY = """
query InformationList($opd: ID!, $category: InformationCategory, $first: Int!, $after: String) {
  informationList(opd: $opd, category: $category, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id number title summary category holdingUnit responsibleOfficial madeAt formats
      retentionPeriod year
    }
  }
}
"""
"""One page of the OPD's DIP."""

PROFILE_QUERY = """
query Profile($slug: ID!) {
  opd(slug: $slug) {
    profile {
      description vision mission tasks serviceStatement structureUrl updatedAt
      contact { name email phone address officeHours }
    }
    menu { section available url updatedAt }
  }
}
"""
"""The OPD's profile and standard PPID menu."""

# Codes a ppid-gateway gives a failing OPD (connectors.errors codes and the engine's own).
_SERVER_CODES = frozenset({"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"})
_FAILED_STATUSES = frozenset({"ERROR", "TIMEOUT", "OPEN_CIRCUIT"})


async def execute(
    http: httpx.AsyncClient,
    request: httpx.Request,
    *,
    root: str,
    upstream_opd: str,
) -> Any:
    """The value of the root field ``root`` in the answer to ``request``; every failure a connector error.

    ``upstream_opd`` is the upstream's slug of our OPD: an error or upstream
    report about it means the OPD failed at the upstream, even when partial
    data came back.
    """
    what = describe_request(request)
    with translate_http_errors(what):
        response = await send(http, request)
    if response.status_code >= 500 or response.status_code == 429:
        check_status(response, what)  # UpstreamUnavailable, whatever the body
    body = read_json(response, what)
    if not isinstance(body, Mapping):
        raise UpstreamBadResponse(f"{what}: not a GraphQL response (a JSON object)", field="<body>")
    errors = body.get("errors")
    if errors is not None and not isinstance(errors, list):
        raise UpstreamBadResponse(f"{what}: the errors are not a list", field="errors")
    # Our OPD's own error first: it carries the upstream's message and code.
    for error in errors or ():
        _check_opd_error(error, what, upstream_opd)
    _check_upstream_report(body.get("extensions"), what, upstream_opd)
    data = body.get("data")
    # An error that left the root field null is the answer; one deeper in the data is found by reading it.
    answered = isinstance(data, Mapping) and data.get(root) is not None
    for index, error in enumerate(errors or ()):
        _check_error(error, index, what, has_data=answered)
    check_status(response, what)  # a 4xx without a GraphQL error we could read
    if not isinstance(data, Mapping):
        raise UpstreamBadResponse(f"{what}: the response has no data", field="data")
    if root not in data:
        raise UpstreamBadResponse(f"{what}: the data has no {root}", field=f"data.{root}")
    return data[root]


def _check_upstream_report(extensions: Any, what: str, upstream_opd: str) -> None:
    if not isinstance(extensions, Mapping):
        return
    upstreams = extensions.get("upstreams")
    if not isinstance(upstreams, list):
        return
    for entry in upstreams:
        if isinstance(entry, Mapping) and entry.get("opd") == upstream_opd:
            status = entry.get("status")
            if status in _FAILED_STATUSES:
                raise UpstreamUnavailable(f"{what}: upstream OPD {upstream_opd!r} did not answer ({status})")
            if status == "SKIPPED":
                raise NotSupported(f"{what}: upstream OPD {upstream_opd!r} does not support this (SKIPPED)")


def _code_and_message(error: Mapping[str, Any]) -> tuple[Mapping[str, Any], str, str]:
    extensions = error.get("extensions")
    extensions = extensions if isinstance(extensions, Mapping) else {}
    return extensions, str(extensions.get("code") or "no code"), str(error.get("message") or "no message")


def _check_opd_error(error: Any, what: str, upstream_opd: str) -> None:
    if not isinstance(error, Mapping):
        return
    extensions, code, message = _code_and_message(error)
    if extensions.get("opd") != upstream_opd:
        return
    if code == NotSupported.code:
        raise NotSupported(f"{what}: upstream OPD {upstream_opd!r} does not support this: {message}")
    raise UpstreamUnavailable(f"{what}: upstream OPD {upstream_opd!r} failed ({code}): {message}")


def _check_error(error: Any, index: int, what: str, *, has_data: bool) -> None:
    if not isinstance(error, Mapping):
        raise UpstreamBadResponse(f"{what}: an error is not an object", field=f"errors[{index}]")
    extensions, code, message = _code_and_message(error)
    if extensions.get("opd") is not None:
        return  # another upstream OPD failed (ours was checked first); its data is not ours
    if code == "BAD_USER_INPUT" and extensions.get("argument") == "after":
        raise InvalidToken(f"the upstream refused the continuation token: {message}")
    if has_data:
        return  # a field error deeper down leaves null where it struck; reading the data finds it
    if code in _SERVER_CODES:
        raise UpstreamUnavailable(f"{what}: upstream error ({code}): {message}")
    raise UpstreamBadResponse(f"{what}: upstream error ({code}): {message}")


def mapping(value: Any, where: str, what: str) -> Mapping[str, Any]:
    """``value`` when it is an object; ``UpstreamBadResponse`` naming ``where`` otherwise."""
    if not isinstance(value, Mapping):
        raise UpstreamBadResponse(f"{what}: expected an object, got {type(value).__name__}", field=where)
    return value


def field(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], where: str, what: str) -> Any:
    """``data[key]`` checked to be of ``kind`` (``bool`` never passes for ``int``); names ``where.key``."""
    value = data.get(key)
    ok = isinstance(value, kind) and not (isinstance(value, bool) and bool not in _types(kind))
    if not ok:
        raise UpstreamBadResponse(f"{what}: {key} is {value!r}", field=f"{where}.{key}")
    return value


def _types(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
