"""Automatic persisted queries, spoken as an Apollo client does, over POST and GET."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import httpx
import pytest

from .conftest import DOCUMENTS, Gateway

INVALIDATE = "mutation { invalidateCache(opd: null) }"


def persisted(query: str, *, version: int = 1, sha: str | None = None) -> dict[str, Any]:
    digest = sha if sha is not None else hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def get_params(query: str | None, extensions: dict[str, Any], **variables: Any) -> dict[str, str]:
    params = {"extensions": json.dumps(extensions)}
    if query is not None:
        params["query"] = query
    if variables:
        params["variables"] = json.dumps(variables)
    return params


def assert_not_found(answer: httpx.Response) -> None:
    assert answer.status_code == 200  # Apollo's clients read the error, then send the query
    [error] = answer.json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert error["message"] == "PersistedQueryNotFound"
    assert answer.headers["cache-control"] == "no-store"


async def test_the_apollo_round_trip_over_post(gateway: Gateway) -> None:
    hash_only = {"extensions": persisted(DOCUMENTS)}
    assert_not_found(await gateway.client.post("/graphql", json=hash_only))
    assert gateway.executions == 0

    registered = await gateway.client.post("/graphql", json={"query": DOCUMENTS, **hash_only})
    assert registered.status_code == 200
    assert registered.json()["data"]["documents"]["totalCount"] == 6

    by_hash = await gateway.client.post("/graphql", json=hash_only)
    assert by_hash.status_code == 200
    assert by_hash.json() == registered.json()


async def test_the_apollo_round_trip_over_get_makes_urls_a_cdn_can_keep(gateway: Gateway) -> None:
    query = "query Page($first: Int) { documents(first: $first) { totalCount nodes { id } } }"
    extensions = persisted(query)
    # a browser-like Accept must not turn a hash-only GET into GraphiQL
    browser = {"accept": "text/html,application/json;q=0.9,*/*;q=0.8"}
    missing = await gateway.client.get(
        "/graphql", params=get_params(None, extensions, first=3), headers=browser
    )
    assert_not_found(missing)

    registered = await gateway.client.get("/graphql", params=get_params(query, extensions, first=3))
    assert registered.json()["data"]["documents"]["nodes"] == [
        {"id": "dinkes:1"},
        {"id": "dinkes:2"},
        {"id": "diskominfo:1"},
    ]
    by_hash = await gateway.client.get(
        "/graphql", params=get_params(None, extensions, first=3), headers=browser
    )
    again = await gateway.client.get("/graphql", params=get_params(None, extensions, first=3))

    assert by_hash.json() == registered.json()
    assert by_hash.headers["x-cache"] == "HIT"  # the same query and variables, whichever way they came
    assert again.headers["x-cache"] == "HIT"
    assert again.headers["cache-control"] == "public, max-age=30"
    assert again.headers["etag"] == registered.headers["etag"]
    assert gateway.executions == 1


async def test_a_hash_that_is_not_the_querys_is_refused(gateway: Gateway) -> None:
    wrong = persisted(DOCUMENTS, sha=hashlib.sha256(b"{ opds { slug } }").hexdigest())
    answer = await gateway.client.post("/graphql", json={"query": DOCUMENTS, "extensions": wrong})

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["message"] == "provided sha does not match query"
    assert gateway.executions == 0
    # and nothing was registered under that hash
    assert_not_found(await gateway.client.post("/graphql", json={"extensions": wrong}))


@pytest.mark.parametrize(
    ("extensions", "says"),
    [
        (persisted(DOCUMENTS, version=2), "unsupported persisted query version 2"),
        (persisted(DOCUMENTS, sha="abc"), "64 hex digits"),
        ({"persistedQuery": "yes"}, "must be an object"),
    ],
)
async def test_a_malformed_persisted_query_is_refused_with_the_reason(
    gateway: Gateway, extensions: dict[str, Any], says: str
) -> None:
    answer = await gateway.client.post("/graphql", json={"extensions": extensions})

    assert answer.status_code == 400
    [error] = answer.json()["errors"]
    assert says in error["message"]
    assert error["extensions"]["code"] == "BAD_REQUEST"


async def test_a_persisted_mutation_is_still_refused_over_get(gateway: Gateway) -> None:
    extensions = persisted(INVALIDATE)
    await gateway.client.post("/graphql", json={"query": INVALIDATE, "extensions": extensions})  # registered

    over_get = await gateway.client.get("/graphql", params=get_params(None, extensions))

    assert over_get.status_code == 400
    assert over_get.text == "mutations are not allowed when using GET"


async def test_a_text_that_is_not_graphql_is_answered_but_not_registered(gateway: Gateway) -> None:
    broken = "{ documents(first: 1) { totalCount }"
    extensions = persisted(broken)
    answer = await gateway.client.post("/graphql", json={"query": broken, "extensions": extensions})

    assert answer.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert_not_found(await gateway.client.post("/graphql", json={"extensions": extensions}))
