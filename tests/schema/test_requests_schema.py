"""Requests over GraphQL: submit, Cek Status, cancel, through the app with a real SQLite ledger."""

from __future__ import annotations

import json
import re
import socket
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from gateway.app import StartupError, create_app
from gateway.config import load_config

NIK = "3603124509900001"
NAME = "Siti Aminah"
PHONE = "081234567890"
EMAIL = "siti.aminah@example.org"
ADDRESS = "Jl. Raya Serang No. 5, Tangerang"
PERSONAL = (NIK, NAME, "Siti", "Aminah", PHONE, "1234567890", EMAIL, "siti.aminah", "Raya Serang")

SUBMIT = """
mutation Submit($input: InformationRequestInput!) {
  submitInformationRequest(input: $input) {
    registrationNumber accessCode opd { slug } routedBy receivedAt dueDate state
  }
}
"""
STATUS = """
query Status($number: String!, $code: String) {
  requestStatus(registrationNumber: $number, accessCode: $code) {
    registrationNumber kind opd { slug } state overdue receivedAt dueDate
    history { at state actor }
    detail {
      details purpose obtainMethod deliveryMethod
      requester { type name nik address phone email occupation }
    }
  }
}
"""
CANCEL = """
mutation Cancel($input: CancelRequestInput!) {
  cancelRequest(input: $input) { registrationNumber state history { state actor } detail { details } }
}
"""

Post = Callable[..., Any]


def request_input(**changes: Any) -> dict[str, Any]:
    requester = {"name": NAME, "nik": NIK, "address": ADDRESS, "phone": PHONE, "email": EMAIL}
    requester.update(changes.pop("requester", {}))
    return {
        "opd": "dpk",
        "requester": requester,
        "details": "Laporan realisasi anggaran tahun 2025",
        "purpose": "Bahan liputan berita",
        "obtainMethod": "COPY_SOFT",
        "deliveryMethod": "EMAIL",
        **changes,
    }


def write_config(directory: Path, database: dict[str, Any] | None = None) -> Path:
    (directory / "dpk.yaml").write_text(
        yaml.safe_dump({"documents": [{"id": "1", "title": "Laporan Kinerja", "category": "BERKALA"}]}),
        encoding="utf-8",
    )
    opd = {"connector": {"kind": "files", "catalog": "dpk.yaml"}}
    config: dict[str, Any] = {
        "ppid_utama": "diskominfo",
        "opds": [
            {"slug": "diskominfo", "name": "Dinas Kominfo", "short_name": "Diskominfo", **opd},
            {"slug": "dpk", "name": "Dinas Perpustakaan dan Kearsipan", "short_name": "DPK", **opd},
        ],
    }
    if database is not None:
        config["database"] = database
    path = directory / "gateway.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@asynccontextmanager
async def running(config_path: Path, *, migrate: bool) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(load_config(config_path), migrate=migrate)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
            yield client


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with running(write_config(tmp_path), migrate=True) as client:
        yield client


@pytest.fixture
def post(client: httpx.AsyncClient) -> Post:
    async def post(query: str, **variables: Any) -> dict[str, Any]:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    return post


async def submit(post: Post, **changes: Any) -> dict[str, Any]:
    answer = await post(SUBMIT, input=request_input(**changes))
    assert "errors" not in answer, answer
    receipt: dict[str, Any] = answer["data"]["submitInformationRequest"]
    return receipt


def request_count(directory: Path) -> int:
    with sqlite3.connect(directory / "ppid-gateway.db") as db:
        (count,) = db.execute("SELECT count(*) FROM requests").fetchone()
    return int(count)


async def test_a_submission_gets_a_receipt(post: Post) -> None:
    receipt = await submit(post)
    assert re.fullmatch(r"PI/\d{4}/DPK/\d{6}", receipt["registrationNumber"])
    assert receipt["opd"] == {"slug": "dpk"}
    assert receipt["routedBy"] == "EXPLICIT"
    assert receipt["state"] == "RECEIVED"
    assert len(receipt["accessCode"]) >= 8
    received = datetime.fromisoformat(receipt["receivedAt"])
    due = date.fromisoformat(receipt["dueDate"])
    # ten working days: two weeks at least, and never on a weekend
    assert received.date() + timedelta(days=13) <= due <= received.date() + timedelta(days=30)
    assert due.weekday() < 5
    routed = await submit(post, opd=None)
    assert routed["routedBy"] == "DEFAULT"
    assert routed["opd"] == {"slug": "diskominfo"}


async def test_status_without_the_code_shows_nothing_personal(post: Post) -> None:
    receipt = await submit(post)
    answer = await post(STATUS, number=receipt["registrationNumber"])
    status = answer["data"]["requestStatus"]
    assert status["detail"] is None
    assert status["state"] == "RECEIVED" and status["kind"] == "INFORMATION"
    assert status["overdue"] is False
    assert status["history"] == [{"at": status["receivedAt"], "state": "RECEIVED", "actor": "REQUESTER"}]
    text = json.dumps(answer)
    for value in PERSONAL:
        assert value not in text
    assert receipt["accessCode"] not in text


async def test_status_with_the_code_shows_the_masked_requester(post: Post) -> None:
    receipt = await submit(post)
    answer = await post(STATUS, number=receipt["registrationNumber"], code=receipt["accessCode"])
    detail = answer["data"]["requestStatus"]["detail"]
    assert detail["requester"]["nik"] == "3603********0001"
    assert detail["details"] == "Laporan realisasi anggaran tahun 2025"
    assert detail["obtainMethod"] == "COPY_SOFT" and detail["deliveryMethod"] == "EMAIL"
    text = json.dumps(answer)
    for value in (NIK, NAME, PHONE, EMAIL):
        assert value not in text


async def test_a_wrong_code_is_refused_with_a_code(post: Post) -> None:
    receipt = await submit(post)
    answer = await post(STATUS, number=receipt["registrationNumber"], code="WRONG-CODE-0000")
    assert answer["data"]["requestStatus"] is None
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "RULE_VIOLATION"
    assert error["extensions"]["key"] == "WRONG_ACCESS_CODE"


async def test_an_unknown_number_is_null_and_a_malformed_one_is_bad_input(post: Post) -> None:
    answer = await post(STATUS, number="PI/2026/DPK/999999")
    assert answer == {"data": {"requestStatus": None}}
    malformed = await post(STATUS, number="not a number")
    [error] = malformed["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert [field["path"] for field in error["extensions"]["fields"]] == ["registrationNumber"]


async def test_invalid_input_lists_every_field_and_writes_nothing(post: Post, tmp_path: Path) -> None:
    bad = request_input(
        requester={"nik": "12345", "phone": None, "email": None},
        details="",
        obtainMethod="COPY_HARD",
        deliveryMethod="EMAIL",
        opd="nowhere",
        idempotencyKey=" ",
    )
    answer = await post(SUBMIT, input=bad)
    assert answer["data"] is None
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    paths = [field["path"] for field in error["extensions"]["fields"]]
    # by e-mail with no e-mail address: the contact problem is on requester.email
    assert paths == ["requester.nik", "requester.email", "details", "deliveryMethod", "opd", "idempotencyKey"]
    for field in error["extensions"]["fields"]:
        assert field["message_en"] and field["message_id"]
    assert NIK not in json.dumps(answer)
    assert request_count(tmp_path) == 0


async def test_field_paths_are_the_graphql_input_names(post: Post) -> None:
    answer = await post(SUBMIT, input=request_input(requester={"type": "ORGANIZATION", "nik": None}))
    [error] = answer["errors"]
    assert [field["path"] for field in error["extensions"]["fields"]] == ["requester.legalEntityNumber"]


async def test_a_retry_with_the_idempotency_key_returns_the_same_receipt(post: Post, tmp_path: Path) -> None:
    first = await submit(post, idempotencyKey="3b0c6e2a-retry")
    again = await submit(post, idempotencyKey="3b0c6e2a-retry")
    assert again == first
    assert request_count(tmp_path) == 1
    other = await post(SUBMIT, input=request_input(idempotencyKey="3b0c6e2a-retry", details="Something else"))
    [error] = other["errors"]
    assert [field["path"] for field in error["extensions"]["fields"]] == ["idempotencyKey"]


async def test_a_cancelled_request_shows_cancelled(post: Post) -> None:
    receipt = await submit(post)
    number, code = receipt["registrationNumber"], receipt["accessCode"]
    wrong = await post(CANCEL, input={"registrationNumber": number, "accessCode": "WRONG-CODE-0000"})
    assert wrong["errors"][0]["extensions"]["key"] == "WRONG_ACCESS_CODE"
    answer = await post(
        CANCEL, input={"registrationNumber": number, "accessCode": code, "reason": "Sudah dapat"}
    )
    cancelled = answer["data"]["cancelRequest"]
    assert cancelled["state"] == "CANCELLED"
    assert [event["state"] for event in cancelled["history"]] == ["RECEIVED", "CANCELLED"]
    assert cancelled["detail"]["details"] == "Laporan realisasi anggaran tahun 2025"
    status = await post(STATUS, number=number)
    assert status["data"]["requestStatus"]["state"] == "CANCELLED"
    again = await post(CANCEL, input={"registrationNumber": number, "accessCode": code})
    assert again["errors"][0]["extensions"]["code"] == "RULE_VIOLATION"
    unknown = await post(CANCEL, input={"registrationNumber": "PI/2026/DPK/999999", "accessCode": code})
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_mutations_are_refused_over_get(client: httpx.AsyncClient) -> None:
    query = 'mutation { cancelRequest(input: {registrationNumber: "x", accessCode: "y"}) { state } }'
    response = await client.get("/graphql", params={"query": query})
    assert response.status_code in (400, 405)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


async def test_a_database_that_is_down_fails_requests_but_not_reads(tmp_path: Path) -> None:
    database = {"url": f"postgresql+asyncpg://ppid@127.0.0.1:{closed_port()}/ppid", "connect_timeout_s": 1}
    async with running(write_config(tmp_path, database), migrate=False) as client:
        answer = (
            await client.post("/graphql", json={"query": SUBMIT, "variables": {"input": request_input()}})
        ).json()
        [error] = answer["errors"]
        assert error["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
        assert "nothing was recorded" in error["message"] and "try again" in error["message"]
        status = (
            await client.post(
                "/graphql", json={"query": STATUS, "variables": {"number": "PI/2026/DPK/000001"}}
            )
        ).json()
        assert status["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        documents = (await client.post("/graphql", json={"query": "{ documents { totalCount } }"})).json()
        assert documents["data"]["documents"]["totalCount"] == 2
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["status"] == "degraded"
        assert ready.json()["checks"]["database"] == "unavailable"


async def test_an_unmigrated_database_fails_requests_clearly_and_readyz_says_why(tmp_path: Path) -> None:
    async with running(write_config(tmp_path), migrate=False) as client:
        answer = (
            await client.post("/graphql", json={"query": SUBMIT, "variables": {"input": request_input()}})
        ).json()
        assert answer["errors"][0]["extensions"] == {"code": "SERVICE_UNAVAILABLE"}
        ready = (await client.get("/readyz")).json()
        assert ready["checks"]["database"].startswith("not migrated")


def test_the_gateway_refuses_to_start_without_its_personal_data_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PPID_PERSONAL_DATA_KEY", raising=False)
    config = load_config(write_config(tmp_path))
    with pytest.raises(StartupError, match="PPID_PERSONAL_DATA_KEY"):
        create_app(config)
    monkeypatch.setenv("PPID_PERSONAL_DATA_KEY", "not base64 at all!")
    with pytest.raises(StartupError, match="PPID_PERSONAL_DATA_KEY"):
        create_app(config)
