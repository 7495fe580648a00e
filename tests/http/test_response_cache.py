"""The whole-answer cache through the app: what is answered from it, and what never is."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway.response_store import ResponseStore

from .conftest import DOCUMENTS, Gateway, officer, running, write_config

SUBMIT = """
mutation Submit($input: InformationRequestInput!) {
  submitInformationRequest(input: $input) { registrationNumber }
}
"""
SUBMISSION = {
    "opd": "dinkes",
    "requester": {"name": "Siti Aminah", "nik": "3603124509900001", "address": "Jl. Raya Serang No. 5",
                  "email": "siti.aminah@example.org"},
    "details": "Data cakupan imunisasi 2025",
    "purpose": "Penelitian",
    "obtainMethod": "COPY_SOFT",
    "deliveryMethod": "EMAIL",
}  # fmt: skip
BY_OPD = "query ByOpd($opds: [ID!]) { documents(filter: {opds: $opds}) { totalCount nodes { id } } }"


async def test_a_repeated_anonymous_query_is_answered_without_running_it(gateway: Gateway) -> None:
    first = await gateway.post(DOCUMENTS)
    second = await gateway.post(DOCUMENTS)

    assert first.status_code == second.status_code == 200
    assert first.headers["x-cache"] == "MISS"
    assert second.headers["x-cache"] == "HIT"
    assert second.content == first.content
    assert second.headers["content-type"] == "application/json"
    assert second.headers["age"] == "0"
    assert first.json()["data"]["documents"]["totalCount"] == 6
    assert gateway.executions == 1
    assert gateway.reads == {"documents": 1}


async def test_the_same_query_written_differently_is_the_same_answer(gateway: Gateway) -> None:
    warm = await gateway.post(BY_OPD, opds=["dinkes", "dpk"])
    reformatted = """
        # the portal's search page
        query ByOpd($opds: [ID!]) {
          documents(filter: { opds: $opds }) {
            totalCount
            nodes { id }
          }
        }
    """
    body = json.dumps({"variables": {"opds": ["dinkes", "dpk"]}, "query": reformatted, "operationName": None})
    again = await gateway.client.post("/graphql", content=body, headers={"content-type": "application/json"})

    assert again.headers["x-cache"] == "HIT"
    assert again.content == warm.content
    assert gateway.executions == 1
    # the reformatted bytes are now a key of their own: the next identical request needs no parse
    assert (
        await gateway.client.post("/graphql", content=body, headers={"content-type": "application/json"})
    ).headers["x-cache"] == "HIT"


async def test_other_variables_are_another_answer(gateway: Gateway) -> None:
    dinkes = await gateway.post(BY_OPD, opds=["dinkes"])
    dpk = await gateway.post(BY_OPD, opds=["dpk"])

    assert dpk.headers["x-cache"] == "MISS"
    assert dinkes.json()["data"]["documents"]["nodes"] == [{"id": "dinkes:1"}, {"id": "dinkes:2"}]
    assert dpk.json()["data"]["documents"]["nodes"] == [{"id": "dpk:1"}, {"id": "dpk:2"}]
    assert gateway.executions == 2


async def test_mutations_are_never_answered_from_the_cache(gateway: Gateway) -> None:
    first = await gateway.post(SUBMIT, input=SUBMISSION)
    second = await gateway.post(SUBMIT, input=SUBMISSION)

    numbers = {r.json()["data"]["submitInformationRequest"]["registrationNumber"] for r in (first, second)}
    assert len(numbers) == 2
    assert "x-cache" not in second.headers
    assert second.headers["cache-control"] == "no-store"
    assert gateway.executions == 2


async def test_a_request_with_an_officer_key_is_never_answered_from_the_cache_nor_kept(
    gateway: Gateway,
) -> None:
    await gateway.post(DOCUMENTS)
    as_officer = await gateway.post(DOCUMENTS, headers=officer("dinkes-ppid"))
    with_a_wrong_key = await gateway.post(DOCUMENTS, headers={"X-API-Key": "not-a-key-of-anyone"})

    assert gateway.executions == 3
    for answer in (as_officer, with_a_wrong_key):
        assert "x-cache" not in answer.headers
        assert answer.headers["cache-control"] == "no-store"
    assert as_officer.json()["data"]["documents"]["totalCount"] == 6

    other = "{ opds { slug name } }"
    await gateway.post(other, headers=officer("ppid-utama"))
    anonymous = await gateway.post(other)
    assert anonymous.headers["x-cache"] == "MISS"
    assert gateway.executions == 5


async def test_answers_with_errors_are_never_kept(gateway: Gateway) -> None:
    unknown = await gateway.post(BY_OPD, opds=["nowhere"])
    again = await gateway.post(BY_OPD, opds=["nowhere"])

    assert again.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert again.headers["x-cache"] != "HIT"
    assert unknown.content == again.content
    assert gateway.executions == 2


async def test_an_answer_with_one_failed_opd_is_never_kept(gateway: Gateway, tmp_path: Path) -> None:
    (tmp_path / "dpk.yaml").unlink()  # DPK's catalog is gone: its OPD fails, the others answer
    partial = await gateway.post(DOCUMENTS)
    again = await gateway.post(DOCUMENTS)

    body = again.json()
    assert body["data"]["documents"]["totalCount"] == 4
    assert [error["extensions"]["opd"] for error in body["errors"]] == ["dpk"]
    assert partial.headers["x-cache"] == again.headers["x-cache"] == "MISS"
    assert gateway.executions == 2


@pytest.mark.parametrize(
    "query",
    [
        "{ upstreams { opd { slug } status } }",
        '{ requestStatus(registrationNumber: "PI/2026/DINKES/000001") { state } }',
        "{ opds { slug } upstreams { status } }",
        # hidden in a fragment, inline or named, still found
        "{ opds { slug } ... on Query { upstreams { status } } }",
        "query { ...Live } fragment Live on Query { opds { slug } upstreams { status } }",
    ],
)
async def test_live_and_personal_fields_are_never_kept(gateway: Gateway, query: str) -> None:
    await gateway.post(query)
    again = await gateway.post(query)

    assert again.headers["cache-control"] == "no-store"
    assert "x-cache" not in again.headers
    assert gateway.executions == 2


async def test_introspection_is_kept_like_any_public_query(gateway: Gateway) -> None:
    query = "{ __schema { queryType { name } } }"
    await gateway.post(query)
    again = await gateway.post(query)

    assert again.json() == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert again.headers["x-cache"] == "HIT"
    assert gateway.executions == 1


async def test_a_hit_says_how_old_the_answer_is(gateway: Gateway) -> None:
    now = [1_767_225_600.0]
    store: ResponseStore = gateway.app.state.responses
    gateway.app.state.responses = ResponseStore(store.cache, store.ttl_s, clock=lambda: now[0])
    await gateway.post(DOCUMENTS)
    now[0] += 12

    later = await gateway.post(DOCUMENTS)
    assert later.headers["x-cache"] == "HIT"
    assert later.headers["age"] == "12"


async def test_an_answer_made_while_the_cache_was_invalidated_is_not_kept(gateway: Gateway) -> None:
    async def invalidate_meanwhile() -> None:
        gateway.during_execution = None
        await gateway.app.state.invalidation.invalidate(None, by="test")

    gateway.during_execution = invalidate_meanwhile
    first = await gateway.post(DOCUMENTS)
    second = await gateway.post(DOCUMENTS)
    third = await gateway.post(DOCUMENTS)

    assert first.status_code == 200
    assert [r.headers["x-cache"] for r in (first, second, third)] == ["MISS", "MISS", "HIT"]
    assert gateway.executions == 2


async def test_a_response_ttl_of_zero_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path, cache={"response_ttl_s": 0})
    async with running(config, monkeypatch) as gateway:
        answers = [await gateway.post(DOCUMENTS) for _ in range(2)]
        got = await gateway.client.get("/graphql", params={"query": DOCUMENTS})

    assert all("x-cache" not in answer.headers for answer in answers)
    assert got.headers["cache-control"] == "no-store"
    assert gateway.executions == 3


async def test_a_batch_or_a_stream_is_left_to_strawberry(gateway: Gateway) -> None:
    batch: list[dict[str, Any]] = [{"query": DOCUMENTS}, {"query": DOCUMENTS}]
    answer = await gateway.client.post("/graphql", json=batch)
    assert answer.status_code == 400  # batching is off, as before
    malformed = await gateway.client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.text == "Unable to parse request body as JSON"
