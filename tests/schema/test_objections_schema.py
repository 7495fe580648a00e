"""Objections and disputes over GraphQL, through the app with a real SQLite ledger."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors import ExemptionGround
from gateway.config import DatabaseConfig
from gateway.kip.vocabulary import RequestState
from gateway.kip.working_days import receipt_date
from gateway.ledger import Ledger

from .test_requests_schema import NIK, SUBMIT, request_input, running, write_config

OBJECT = """
mutation Object($input: ObjectionInput!) {
  submitObjection(input: $input) {
    registrationNumber accessCode opd { slug } routedBy receivedAt dueDate state
  }
}
"""
DISPUTE = """
mutation Dispute($input: DisputeObjectionInput!) {
  disputeObjection(input: $input) {
    registrationNumber kind state history { state actor } detail { disputedAt }
  }
}
"""
STATUS = """
query Status($number: String!, $code: String) {
  requestStatus(registrationNumber: $number, accessCode: $code) {
    registrationNumber kind state dueDate
    detail {
      parentRegistrationNumber objectionReason objectionStatement decision decidedAt disputedAt
      objections { registrationNumber reason state dueDate }
      requester { nik }
    }
  }
}
"""
STATEMENT = "Permohonan saya ditolak tanpa uji konsekuensi. Mohon informasi dibuka."


@dataclass
class Gateway:
    """The app over HTTP, and its ledger for what officers would do (their mutations are not needed here)."""

    client: httpx.AsyncClient
    ledger: Ledger

    async def post(self, query: str, **variables: Any) -> dict[str, Any]:
        response = await self.client.post("/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    async def submit(self) -> dict[str, Any]:
        answer = await self.post(SUBMIT, input=request_input())
        receipt: dict[str, Any] = answer["data"]["submitInformationRequest"]
        return receipt

    async def update(self, number: str, **changes: Any) -> None:
        async with self.ledger.transaction() as tx:
            row = await tx.find_by_registration_number(number)
            assert row is not None
            await tx.update_request(row, **changes)

    async def refuse(self, number: str) -> None:
        now = datetime.now(UTC)
        await self.update(
            number, state=RequestState.REFUSED, refusal_ground=ExemptionGround.A, responded_at=now
        )


@pytest.fixture
async def gateway(tmp_path: Path) -> AsyncIterator[Gateway]:
    async with running(write_config(tmp_path), migrate=True) as client:
        ledger = await Ledger.open(DatabaseConfig(url=f"sqlite+aiosqlite:///{tmp_path / 'ppid-gateway.db'}"))
        try:
            yield Gateway(client, ledger)
        finally:
            await ledger.aclose()


def objection_input(receipt: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "registrationNumber": receipt["registrationNumber"],
        "accessCode": receipt["accessCode"],
        "reason": "A",
        "statement": STATEMENT,
        **changes,
    }


async def test_an_objection_to_a_refusal_gets_a_receipt_and_shows_in_both_statuses(gateway: Gateway) -> None:
    request = await gateway.submit()
    await gateway.refuse(request["registrationNumber"])

    answer = await gateway.post(OBJECT, input=objection_input(request))

    assert "errors" not in answer, answer
    objection = answer["data"]["submitObjection"]
    assert re.fullmatch(r"KB/\d{4}/DPK/000001", objection["registrationNumber"])
    assert (objection["opd"], objection["routedBy"], objection["state"]) == (
        {"slug": "dpk"},
        "EXPLICIT",
        "RECEIVED",
    )
    assert objection["accessCode"] != request["accessCode"]
    received = datetime.fromisoformat(objection["receivedAt"])
    due = date.fromisoformat(objection["dueDate"])
    assert 40 <= (due - receipt_date(received)).days <= 60  # 30 working days: six weeks and holidays

    public = await gateway.post(STATUS, number=objection["registrationNumber"])
    status = public["data"]["requestStatus"]
    assert (status["kind"], status["state"], status["detail"]) == ("OBJECTION", "RECEIVED", None)

    mine = await gateway.post(STATUS, number=objection["registrationNumber"], code=objection["accessCode"])
    detail = mine["data"]["requestStatus"]["detail"]
    assert detail["parentRegistrationNumber"] == request["registrationNumber"]
    assert (detail["objectionReason"], detail["objectionStatement"]) == ("A", STATEMENT)
    assert detail["requester"]["nik"] == "3603********0001"
    assert NIK not in json.dumps(mine)

    parent = await gateway.post(STATUS, number=request["registrationNumber"], code=request["accessCode"])
    assert parent["data"]["requestStatus"]["detail"]["objections"] == [
        {
            "registrationNumber": objection["registrationNumber"],
            "reason": "A",
            "state": "RECEIVED",
            "dueDate": objection["dueDate"],
        }
    ]


async def test_a_reason_that_has_not_arisen_is_a_rule_violation_in_both_languages(gateway: Gateway) -> None:
    request = await gateway.submit()
    answer = await gateway.post(OBJECT, input=objection_input(request, reason="C"))
    assert answer["data"] is None
    [error] = answer["errors"]
    extensions = error["extensions"]
    assert (extensions["code"], extensions["key"], extensions["rule"]) == (
        "RULE_VIOLATION",
        "OBJECTION_REASON_NOT_ARISEN",
        "UU KIP Pasal 35(1)",
    )
    assert "reasons open now: b" in extensions["message_en"]
    assert "alasan yang dapat diajukan sekarang: b" in extensions["message_id"]


async def test_bad_objection_input_lists_every_field(gateway: Gateway) -> None:
    request = await gateway.submit()
    answer = await gateway.post(
        OBJECT, input=objection_input(request, registrationNumber="PI 2026", statement=" ", idempotencyKey="")
    )
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    fields = error["extensions"]["fields"]
    assert [field["path"] for field in fields] == ["registrationNumber", "statement", "idempotencyKey"]
    assert all(field["message_en"] and field["message_id"] for field in fields)


async def test_wrong_codes_unknown_numbers_and_objections_to_objections_are_refused(gateway: Gateway) -> None:
    request = await gateway.submit()
    wrong = await gateway.post(
        OBJECT, input=objection_input(request, reason="B", accessCode="WRONG-CODE-0000")
    )
    assert wrong["errors"][0]["extensions"]["key"] == "WRONG_ACCESS_CODE"
    unknown = await gateway.post(
        OBJECT, input=objection_input(request, reason="B", registrationNumber="PI/2026/DPK/999999")
    )
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    objection = (await gateway.post(OBJECT, input=objection_input(request, reason="B")))["data"][
        "submitObjection"
    ]
    again = await gateway.post(OBJECT, input=objection_input(objection, reason="B"))
    assert again["errors"][0]["extensions"]["key"] == "OBJECTION_TO_OBJECTION"


async def test_a_retry_with_the_idempotency_key_returns_the_same_objection_receipt(gateway: Gateway) -> None:
    request = await gateway.submit()
    first = await gateway.post(
        OBJECT, input=objection_input(request, reason="B", idempotencyKey="kb-retry-1")
    )
    again = await gateway.post(
        OBJECT, input=objection_input(request, reason="B", idempotencyKey="kb-retry-1")
    )
    assert again == first
    assert "errors" not in first


async def test_a_dispute_waits_for_the_decision_and_is_recorded_after_it(gateway: Gateway) -> None:
    request = await gateway.submit()
    objection = (await gateway.post(OBJECT, input=objection_input(request, reason="B")))["data"][
        "submitObjection"
    ]
    dispute = {"registrationNumber": objection["registrationNumber"], "accessCode": objection["accessCode"]}

    early = await gateway.post(DISPUTE, input=dispute)
    assert early["data"] is None
    assert early["errors"][0]["extensions"]["key"] == "DISPUTE_BEFORE_LAPSE"

    decided_at = datetime.now(UTC)
    await gateway.update(
        objection["registrationNumber"],
        state=RequestState.DECIDED,
        decision="Ditolak.",
        decided_at=decided_at,
    )
    answer = await gateway.post(DISPUTE, input={**dispute, "note": "Register KI Banten 012/2026"})
    assert "errors" not in answer, answer
    disputed = answer["data"]["disputeObjection"]
    assert (disputed["kind"], disputed["state"]) == ("OBJECTION", "DISPUTED")
    assert disputed["history"][-1] == {"state": "DISPUTED", "actor": "REQUESTER"}
    assert disputed["detail"]["disputedAt"] is not None

    status = await gateway.post(STATUS, number=objection["registrationNumber"], code=objection["accessCode"])
    detail = status["data"]["requestStatus"]["detail"]
    assert detail["decision"] == "Ditolak."
    assert datetime.fromisoformat(detail["decidedAt"]) == decided_at


async def test_a_request_number_cannot_be_disputed(gateway: Gateway) -> None:
    request = await gateway.submit()
    answer = await gateway.post(
        DISPUTE,
        input={"registrationNumber": request["registrationNumber"], "accessCode": request["accessCode"]},
    )
    assert answer["errors"][0]["extensions"]["key"] == "DISPUTE_NEEDS_OBJECTION"
