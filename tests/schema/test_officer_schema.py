"""Officers over GraphQL, through the app with a real SQLite ledger: keys, scope, answers, and the audit."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from starlette.applications import Starlette

from gateway.app import create_app
from gateway.config import load_config
from gateway.kip.vocabulary import ObjectionReason, RequestKind
from gateway.ledger import NewRequest
from gateway.officers import key_sha256, new_officer_key

NIK = "3603124509900001"
NAME = "Siti Aminah"
EMAIL = "siti.aminah@example.org"
KEYS = {name: new_officer_key() for name in ("dinkes-ppid", "dinkes-atasan", "dpk-ppid", "ppid-utama")}

SUBMIT = """
mutation Submit($input: InformationRequestInput!) {
  submitInformationRequest(input: $input) { registrationNumber accessCode dueDate }
}
"""
STATUS = """
query Status($number: String!, $code: String) {
  requestStatus(registrationNumber: $number, accessCode: $code) {
    registrationNumber state dueDate opd { slug } history { state actor }
    detail {
      outcomeMessage refusalGround extensionReason decision
      requester { __typename name nik email }
    }
  }
}
"""
RESPOND = """
mutation Respond($input: RespondInput!) {
  respondToRequest(input: $input) { state detail { outcomeMessage requester { __typename nik } } }
}
"""
EXTEND = """
mutation Extend($input: ExtendInput!) {
  extendRequestDeadline(input: $input) { state dueDate detail { extensionReason } }
}
"""
DECIDE = """
mutation Decide($input: DecideObjectionInput!) {
  decideObjection(input: $input) { state detail { decision } }
}
"""
REROUTE = """
mutation Reroute($input: RerouteInput!) {
  rerouteRequest(input: $input) { state opd { slug } history { state actor } }
}
"""
INBOX = """
query Inbox($first: Int, $after: String, $opd: ID) {
  inbox(first: $first, after: $after, opd: $opd) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { registrationNumber kind state dueDate overdue details opd { slug } }
  }
}
"""
ME = "{ me { id name role opd { slug } } }"

Post = Callable[..., Any]


def write_config(directory: Path) -> Path:
    (directory / "catalog.yaml").write_text(
        yaml.safe_dump({"documents": [{"id": "1", "title": "Laporan Kinerja", "category": "BERKALA"}]}),
        encoding="utf-8",
    )
    connector = {"connector": {"kind": "files", "catalog": "catalog.yaml"}}
    officers = [
        {"id": "dinkes-ppid", "name": "PPID Pembantu Dinkes", "role": "PPID", "opd": "dinkes"},
        {"id": "dinkes-atasan", "name": "Atasan PPID Dinkes", "role": "ATASAN", "opd": "dinkes"},
        {"id": "dpk-ppid", "name": "PPID Pembantu DPK", "role": "PPID", "opd": "dpk"},
        {"id": "ppid-utama", "name": "PPID Utama Banten", "role": "PPID_UTAMA"},
    ]
    config = {
        "ppid_utama": "diskominfo",
        "opds": [
            {"slug": "diskominfo", "name": "Dinas Kominfo", "short_name": "Diskominfo", **connector},
            {"slug": "dinkes", "name": "Dinas Kesehatan", "short_name": "Dinkes", **connector},
            {"slug": "dpk", "name": "Dinas Perpustakaan dan Kearsipan", "short_name": "DPK", **connector},
        ],
        "officers": [{**officer, "key_sha256": key_sha256(KEYS[str(officer["id"])])} for officer in officers],
    }
    path = directory / "gateway.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@asynccontextmanager
async def running(config_path: Path) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    app = create_app(load_config(config_path), migrate=True)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield app, client


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    async with running(write_config(tmp_path)) as running_gateway:
        yield running_gateway


@pytest.fixture
def post(gateway: tuple[Starlette, httpx.AsyncClient]) -> Post:
    _, client = gateway

    async def post(query: str, *, as_: str | None = None, header: str = "bearer", **variables: Any) -> Any:
        headers = {}
        if as_ is not None:
            headers = (
                {"Authorization": f"Bearer {KEYS[as_]}"} if header == "bearer" else {"X-API-Key": KEYS[as_]}
            )
        response = await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert response.status_code == 200, response.text
        return response.json()

    return post


async def submit(post: Post, opd: str = "dinkes") -> dict[str, str]:
    requester = {"name": NAME, "nik": NIK, "address": "Jl. Raya Serang No. 5", "email": EMAIL}
    answer = await post(
        SUBMIT,
        input={
            "opd": opd,
            "requester": requester,
            "details": "Data cakupan imunisasi 2025",
            "purpose": "Penelitian",
            "obtainMethod": "COPY_SOFT",
            "deliveryMethod": "EMAIL",
        },
    )
    assert "errors" not in answer, answer
    receipt: dict[str, str] = answer["data"]["submitInformationRequest"]
    return receipt


def only_error(answer: dict[str, Any]) -> dict[str, Any]:
    [error] = answer["errors"]
    extensions: dict[str, Any] = error["extensions"]
    return extensions


async def test_an_officers_answer_reaches_the_citizens_cek_status(post: Post) -> None:
    receipt = await submit(post)
    answer = await post(
        RESPOND,
        as_="dinkes-ppid",
        input={
            "registrationNumber": receipt["registrationNumber"],
            "outcome": "GRANTED",
            "message": "Data terlampir.",
            "attachedDocumentIds": ["dinkes:1"],
        },
    )
    assert answer["data"]["respondToRequest"] == {
        "state": "GRANTED",
        "detail": {
            "outcomeMessage": "Data terlampir.",
            "requester": {"__typename": "UnmaskedRequester", "nik": NIK},
        },
    }
    seen = await post(STATUS, number=receipt["registrationNumber"], code=receipt["accessCode"])
    status = seen["data"]["requestStatus"]
    assert status["state"] == "GRANTED"
    assert [event["actor"] for event in status["history"]] == ["REQUESTER", "OFFICER", "OFFICER"]
    assert status["detail"]["outcomeMessage"] == "Data terlampir."
    assert status["detail"]["requester"] == {
        "__typename": "MaskedRequester",
        "name": "S*** A***",
        "nik": "3603********0001",
        "email": "s***@example.org",
    }


async def test_an_officer_sees_the_requester_in_full_and_each_read_is_audited(
    post: Post, tmp_path: Path
) -> None:
    receipt = await submit(post)
    answer = await post(STATUS, as_="dinkes-ppid", header="x-api-key", number=receipt["registrationNumber"])
    requester = answer["data"]["requestStatus"]["detail"]["requester"]
    assert requester == {"__typename": "UnmaskedRequester", "name": NAME, "nik": NIK, "email": EMAIL}
    with sqlite3.connect(tmp_path / "ppid-gateway.db") as db:
        reads = db.execute("SELECT actor_kind, actor_id, fields FROM personal_data_reads").fetchall()
    assert [(kind, actor) for kind, actor, _ in reads] == [("OFFICER", "dinkes-ppid")]
    assert set(json.loads(reads[0][2])) == {"name", "nik", "address", "email"}

    citizen = await post(STATUS, number=receipt["registrationNumber"], code=receipt["accessCode"])
    text = json.dumps(citizen)
    assert NIK not in text and NAME not in text and EMAIL not in text
    public = await post(STATUS, number=receipt["registrationNumber"])
    assert public["data"]["requestStatus"]["detail"] is None


async def test_another_opds_officer_is_forbidden(post: Post) -> None:
    receipt = await submit(post)
    number = receipt["registrationNumber"]
    answer = await post(RESPOND, as_="dpk-ppid", input={"registrationNumber": number, "outcome": "GRANTED"})
    assert answer["data"] is None
    extensions = only_error(answer)
    assert extensions["code"] == "FORBIDDEN"
    assert "routed to dinkes; your key is for dpk" in answer["errors"][0]["message"]
    assert "ditujukan ke dinkes" in extensions["message_id"]
    status = await post(STATUS, as_="dpk-ppid", number=number)
    assert only_error(status)["code"] == "FORBIDDEN"


async def test_officer_operations_need_a_valid_key_but_public_ones_do_not(
    post: Post, gateway: tuple[Starlette, httpx.AsyncClient]
) -> None:
    receipt = await submit(post)
    number = receipt["registrationNumber"]
    without = await post(RESPOND, input={"registrationNumber": number, "outcome": "GRANTED"})
    assert only_error(without)["code"] == "UNAUTHENTICATED"
    assert "Authorization: Bearer" in without["errors"][0]["message"]
    assert only_error(await post(INBOX))["code"] == "UNAUTHENTICATED"
    assert await post(ME) == {"data": {"me": None}}

    _, client = gateway
    wrong_key = "not-the-key-of-anyone-at-all"
    bad = {"Authorization": f"Bearer {wrong_key}"}
    for query in (ME, INBOX):
        answer = (await client.post("/graphql", json={"query": query}, headers=bad)).json()
        assert only_error(answer)["code"] == "UNAUTHENTICATED"
        assert wrong_key not in json.dumps(answer)
    status = await client.post(
        "/graphql", json={"query": STATUS, "variables": {"number": number}}, headers=bad
    )
    assert only_error(status.json())["code"] == "UNAUTHENTICATED"
    # a public query does not care about a stale key
    opds = (await client.post("/graphql", json={"query": "{ opds { slug } }"}, headers=bad)).json()
    assert [opd["slug"] for opd in opds["data"]["opds"]] == ["diskominfo", "dinkes", "dpk"]


async def test_me_says_who_is_signed_in(post: Post) -> None:
    me = await post(ME, as_="dinkes-atasan")
    assert me["data"]["me"] == {
        "id": "dinkes-atasan",
        "name": "Atasan PPID Dinkes",
        "role": "ATASAN",
        "opd": {"slug": "dinkes"},
    }
    utama = await post(ME, as_="ppid-utama", header="x-api-key")
    assert utama["data"]["me"]["role"] == "PPID_UTAMA" and utama["data"]["me"]["opd"] is None


async def test_extending_twice_is_a_rule_violation(post: Post) -> None:
    receipt = await submit(post)
    extend = {"registrationNumber": receipt["registrationNumber"], "reason": "Data di 8 puskesmas."}
    first = await post(EXTEND, as_="dinkes-ppid", input=extend)
    extended = first["data"]["extendRequestDeadline"]
    assert extended["state"] == "EXTENDED" and extended["detail"]["extensionReason"] == "Data di 8 puskesmas."
    assert date.fromisoformat(extended["dueDate"]) > date.fromisoformat(receipt["dueDate"])
    again = await post(EXTEND, as_="ppid-utama", input=extend)
    extensions = only_error(again)
    assert (extensions["code"], extensions["key"]) == ("RULE_VIOLATION", "EXTENSION_ALREADY_USED")
    assert extensions["message_en"] and extensions["message_id"]


async def test_refusing_without_a_pasal_17_ground_is_a_rule_violation(post: Post) -> None:
    receipt = await submit(post)
    refuse = {
        "registrationNumber": receipt["registrationNumber"],
        "outcome": "REFUSED",
        "message": "Dikecualikan.",
    }
    answer = await post(RESPOND, as_="dinkes-ppid", input=refuse)
    assert (only_error(answer)["code"], only_error(answer)["key"]) == (
        "RULE_VIOLATION",
        "REFUSAL_WITHOUT_GROUND",
    )
    grounded = await post(RESPOND, as_="dinkes-ppid", input={**refuse, "refusalGround": "H"})
    assert grounded["data"]["respondToRequest"]["state"] == "REFUSED"


async def test_bad_fields_are_bad_user_input_listing_each(post: Post) -> None:
    receipt = await submit(post)
    answer = await post(
        RESPOND,
        as_="dinkes-ppid",
        input={
            "registrationNumber": receipt["registrationNumber"],
            "outcome": "GRANTED",
            "holdingBody": "BPN",
            "attachedDocumentIds": ["not-an-id"],
        },
    )
    extensions = only_error(answer)
    assert extensions["code"] == "BAD_USER_INPUT"
    assert [field["path"] for field in extensions["fields"]] == ["holdingBody", "attachedDocumentIds[0]"]
    unknown = await post(
        RESPOND, as_="ppid-utama", input={"registrationNumber": "PI/2026/DINKES/999999", "outcome": "GRANTED"}
    )
    assert only_error(unknown)["code"] == "NOT_FOUND"


async def test_ppid_utama_reroutes_and_the_new_opds_officer_takes_over(post: Post) -> None:
    receipt = await submit(post, opd="diskominfo")
    number = receipt["registrationNumber"]
    reroute = {"registrationNumber": number, "opd": "dpk", "reason": "Arsip dikelola DPK"}
    refused = await post(REROUTE, as_="dinkes-ppid", input=reroute)
    assert only_error(refused)["code"] == "FORBIDDEN"
    answer = await post(REROUTE, as_="ppid-utama", input=reroute)
    moved = answer["data"]["rerouteRequest"]
    assert moved["opd"] == {"slug": "dpk"} and moved["state"] == "RECEIVED"
    assert moved["history"][-1] == {"state": "RECEIVED", "actor": "PPID_UTAMA"}
    inbox = await post(INBOX, as_="dpk-ppid")
    assert [node["registrationNumber"] for node in inbox["data"]["inbox"]["nodes"]] == [number]
    status = await post(STATUS, number=number)
    assert status["data"]["requestStatus"]["opd"] == {"slug": "dpk"}
    answered = await post(
        RESPOND, as_="dpk-ppid", input={"registrationNumber": number, "outcome": "NOT_HELD"}
    )
    assert answered["data"]["respondToRequest"]["state"] == "NOT_HELD"


async def test_the_inbox_pages_through_an_opds_requests(post: Post) -> None:
    numbers = [(await submit(post))["registrationNumber"] for _ in range(3)]
    await submit(post, opd="dpk")
    first = (await post(INBOX, as_="dinkes-ppid", first=2))["data"]["inbox"]
    assert first["totalCount"] == 3 and first["pageInfo"]["hasNextPage"] is True
    assert first["nodes"][0]["details"] == "Data cakupan imunisasi 2025"
    after = first["pageInfo"]["endCursor"]
    rest = (await post(INBOX, as_="dinkes-ppid", first=2, after=after))["data"]["inbox"]
    assert [node["registrationNumber"] for node in first["nodes"] + rest["nodes"]] == numbers
    assert rest["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": True,
        "endCursor": rest["pageInfo"]["endCursor"],
    }
    forbidden = await post(INBOX, as_="dinkes-ppid", opd="dpk")
    assert only_error(forbidden)["code"] == "FORBIDDEN"
    everything = (await post(INBOX, as_="ppid-utama"))["data"]["inbox"]
    assert everything["totalCount"] == 4
    wrong_cursor = await post(INBOX, as_="ppid-utama", after=after)
    assert [field["path"] for field in only_error(wrong_cursor)["fields"]] == ["after"]


async def test_a_ppid_key_cannot_decide_an_objection_and_the_atasans_can(
    post: Post, gateway: tuple[Starlette, httpx.AsyncClient]
) -> None:
    receipt = await submit(post)
    app, _ = gateway
    async with app.state.ledger.transaction() as tx:
        request = await tx.find_by_registration_number(receipt["registrationNumber"])
        await tx.insert_request(
            NewRequest(
                registration_number="KB/2026/DINKES/000001",
                kind=RequestKind.OBJECTION,
                opd_slug="dinkes",
                routed_by=request.routed_by,
                received_at=request.received_at,
                receipt_date=request.receipt_date,
                due_date=request.due_date,
                access_code_hash=request.access_code_hash,
                name_enc=request.name_enc,
                nik_enc=request.nik_enc,
                parent_id=request.id,
                objection_reason=ObjectionReason.C,
                objection_statement="Belum dijawab",
            )
        )
    decide = {"registrationNumber": "KB/2026/DINKES/000001", "decision": "Keberatan diterima."}
    refused = await post(DECIDE, as_="dinkes-ppid", input=decide)
    assert only_error(refused)["code"] == "FORBIDDEN"
    assert "decides objections" in refused["errors"][0]["message"]
    decided = await post(DECIDE, as_="dinkes-atasan", input=decide)
    assert decided["data"]["decideObjection"] == {
        "state": "DECIDED",
        "detail": {"decision": "Keberatan diterima."},
    }


async def test_an_answer_to_an_officer_is_never_kept_by_a_cache(
    post: Post, gateway: tuple[Starlette, httpx.AsyncClient]
) -> None:
    receipt = await submit(post)
    _, client = gateway
    params = {"query": STATUS, "variables": json.dumps({"number": receipt["registrationNumber"]})}
    officer = await client.get("/graphql", params=params, headers={"X-API-Key": KEYS["dinkes-ppid"]})
    assert officer.json()["data"]["requestStatus"]["detail"]["requester"]["nik"] == NIK
    assert officer.headers["cache-control"] == "no-store"
    assert {"authorization", "x-api-key"} <= {v.strip().lower() for v in officer.headers["vary"].split(",")}
    public = await client.get("/graphql", params=params)
    assert public.json()["data"]["requestStatus"]["detail"] is None
    # a citizen's request status is never kept either (it changes when an officer acts), unlike public reads
    assert public.headers["cache-control"] == "no-store"
