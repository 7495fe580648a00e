"""The HTTP surface: health endpoints, GraphiQL, and bad requests answered clearly."""

from __future__ import annotations

import httpx
import pytest

from simulator import Fleet

from .conftest import graphql


def test_healthz_and_readyz_answer(fleet: Fleet, client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["opds"] == len(fleet.opds) == 43 + 3


def test_a_browser_gets_graphiql(client: httpx.Client) -> None:
    response = client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


@pytest.mark.parametrize(
    ("variables", "argument"),
    [
        ({"first": 0}, "first"),
        ({"first": 1000}, "first"),
        ({"first": 5, "after": "bm90IGEgY3Vyc29y"}, "after"),
    ],
)
def test_bad_arguments_over_http_name_the_argument(
    client: httpx.Client, variables: dict[str, object], argument: str
) -> None:
    body = graphql(
        client,
        "query($first: Int!, $after: String) { documents(first: $first, after: $after) { totalCount } }",
        **variables,
    )
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert "Traceback" not in error["message"]


def test_a_malformed_body_is_a_400_that_says_so(client: httpx.Client) -> None:
    response = client.post("/graphql", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "json" in response.text.lower()
    assert "Traceback" not in response.text


def test_a_query_with_a_syntax_error_says_where(client: httpx.Client) -> None:
    response = client.post("/graphql", json={"query": "{ documents(first: ) { totalCount } }"})
    body = response.json()
    [error] = body["errors"]
    assert error["locations"][0]["line"] == 1
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


def test_too_deep_a_query_is_refused(client: httpx.Client) -> None:
    nested = "documents(first: 1) { nodes { opd { " * 7 + "slug" + " } } }" * 7
    body = client.post("/graphql", json={"query": "{ " + nested + " }"}).json()
    assert "depth" in body["errors"][0]["message"].lower()
