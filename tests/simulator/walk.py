"""Reading each dialect the way a client would: following its pagination to the end."""

from __future__ import annotations

from typing import Any

import httpx

from simulator import SIM_TOKEN, SIM_TOKEN_HEADER, Dialect

HEADERS = {SIM_TOKEN_HEADER: SIM_TOKEN}

DOCUMENTS_PATH = {
    Dialect.LARAVEL: "/api/v1/documents",
    Dialect.DRF: "/api/dokumen/",
    Dialect.EXPORT: "/export/documents.json",
}
ID_FIELD = {Dialect.LARAVEL: "id", Dialect.DRF: "uuid", Dialect.EXPORT: "id"}


def walk(
    client: httpx.Client,
    dialect: Dialect,
    url: str,
    params: dict[str, Any] | list[tuple[str, Any]] | None = None,
    *,
    page_size: int = 7,
) -> tuple[list[dict[str, Any]], list[int | None]]:
    """Every item of a list endpoint, and the total each page reported."""
    items: list[dict[str, Any]] = []
    totals: list[int | None] = []
    query: list[tuple[str, Any]] = list(params.items()) if isinstance(params, dict) else list(params or [])
    if dialect is Dialect.LARAVEL:
        query.append(("per_page", page_size))
    elif dialect is Dialect.DRF:
        query.append(("limit", page_size))
    next_url: str | None = str(httpx.URL(url, params=query))
    while next_url is not None:
        response = client.get(next_url, headers=HEADERS)
        response.raise_for_status()
        body = response.json()
        if dialect is Dialect.LARAVEL:
            items += body["data"]
            totals.append(body["meta"]["total"])
            next_url = body["links"]["next"]
        elif dialect is Dialect.DRF:
            items += body["results"]
            totals.append(body["count"])
            next_url = body["next"]
        else:
            items += body["items"] if isinstance(body, dict) else body
            total = response.headers.get("X-Total-Count")
            totals.append(int(total) if total is not None else None)
            next_url = response.links.get("next", {}).get("url")
        assert len(totals) < 1000, "pagination does not end"
    return items, totals


def ids(dialect: Dialect, items: list[dict[str, Any]]) -> list[str]:
    """The local ids of ``items``, as strings (the gateway's view)."""
    return [str(item[ID_FIELD[dialect]]) for item in items]


def resolve(body: Any, path: str) -> Any:
    """A dotted body path, as ``connectors.rest`` reads it; a missing key raises ``KeyError``."""
    if path == "":
        return body
    value = body
    for part in path.split("."):
        if value is None:
            return None
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value
