"""Requests reach the OPDs that take them, exactly once, whatever fails on the way.

Real processes throughout: the simulated OPDs (FOIA-style intake over HTTP
with a shared secret), `ppid-gateway serve` (its outbox worker inside), and
the ledger on SQLite (and on PostgreSQL when ``PPID_TEST_DATABASE_URL`` is set).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import yaml
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from gateway.ledger.tables import outbox
from simulator import Fleet
from simulator.gateway_process import GatewayProcess
from tests.conftest import run_admin, run_in_thread

from .conftest import FAST_FEDERATION

pytestmark = pytest.mark.integration

OPD = "dinkes"  # takes requests over HTTP, and reports their states
# quick retries and a short lease, so that a test waits seconds, not minutes
DELIVERY = {
    "poll_interval_s": 0.2,
    "base_delay_s": 0.5,
    "max_delay_s": 2,
    "lease_s": 3,
    "attempt_timeout_s": 2,
    "status_poll_interval_s": 0.5,
}
SUBMIT = """
mutation Submit($input: InformationRequestInput!) {
  submitInformationRequest(input: $input) { registrationNumber accessCode opd { slug } dueDate state }
}
"""
STATUS = """
query Status($number: String!, $code: String) {
  requestStatus(registrationNumber: $number, accessCode: $code) {
    state history { state actor } detail { outcomeMessage }
  }
}
"""


def request_input(index: int = 0, **changes: Any) -> dict[str, Any]:
    return {
        "opd": OPD,
        "requester": {
            "name": "Siti Aminah",
            "nik": "3603124509900001",
            "address": "Jl. Raya Serang No. 5, Tangerang",
            "phone": "081234567890",
            "email": "siti.aminah@example.org",
        },
        "details": f"Data cakupan imunisasi per puskesmas, permohonan {index}",
        "purpose": "Penelitian",
        "obtainMethod": "COPY_SOFT",
        "deliveryMethod": "EMAIL",
        **changes,
    }


def write_config(fleet: Fleet, directory: Path, database_url: str, **delivery: Any) -> Path:
    config = fleet.gateway_config(directory / "catalogs", federation=FAST_FEDERATION, config_dir=directory)
    config["database"] = {"url": database_url}
    config["delivery"] = {**DELIVERY, **delivery}
    path = directory / "gateway.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    migrate = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "migrate", "--config", str(path)],
        capture_output=True,
        text=True,
        env=fleet.environment() | _env(),
        check=False,
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    return path


def _env() -> dict[str, str]:
    return {"PPID_PERSONAL_DATA_KEY": os.environ["PPID_PERSONAL_DATA_KEY"]}


def submit(gateway: GatewayProcess, index: int = 0) -> dict[str, Any]:
    response = httpx.post(
        gateway.graphql_url, json={"query": SUBMIT, "variables": {"input": request_input(index)}}, timeout=30
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    receipt: dict[str, Any] = body["data"]["submitInformationRequest"]
    return receipt


def eventually(check: Callable[[], bool], *, timeout: float = 30, what: str = "the condition") -> None:
    """Poll ``check`` (an observable state, never a sleep standing in for one) until it holds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout:g} s")
        time.sleep(0.1)


def received(fleet: Fleet, number: str) -> list[dict[str, Any]]:
    return [r for r in fleet.received(OPD) if r["registration_number"] == number]


@pytest.fixture
def clean_fleet(fleet: Fleet) -> Iterator[Fleet]:
    fleet.reset_requests([OPD])
    fleet.reset_knobs()
    try:
        yield fleet
    finally:
        fleet.reset_knobs()
        fleet.reset_requests([OPD])


def test_a_request_submitted_while_the_opd_is_down_is_delivered_once_when_it_returns(
    clean_fleet: Fleet, database_url: str, tmp_path: Path
) -> None:
    config = write_config(clean_fleet, tmp_path, database_url)
    with GatewayProcess(config, env=clean_fleet.environment()) as gateway:
        clean_fleet.set_knobs(OPD, down=True)
        receipt = submit(gateway)  # the citizen has the receipt at once
        assert receipt["opd"]["slug"] == OPD and receipt["registrationNumber"].startswith("PI/")
        time.sleep(1.5)  # several attempts fail while the OPD is down
        assert received(clean_fleet, receipt["registrationNumber"]) == []
        backlog = httpx.get(f"{gateway.url}/readyz").json()["checks"]["deliveries"]
        assert (backlog["pending"], backlog["failed"]) == (1, 0)

        clean_fleet.set_knobs(OPD, down=False)
        eventually(lambda: received(clean_fleet, receipt["registrationNumber"]) != [], what="the delivery")
        time.sleep(1)  # room for a wrong second delivery to show up
        [stored] = received(clean_fleet, receipt["registrationNumber"])
        assert stored["deliveries"] == 1
        backlog = httpx.get(f"{gateway.url}/readyz").json()["checks"]["deliveries"]
        assert backlog == {"pending": 0, "failed": 0, "oldest_pending_age_s": None}


def test_a_gateway_killed_mid_delivery_delivers_after_restart_exactly_once(
    clean_fleet: Fleet, database_url: str, tmp_path: Path
) -> None:
    config = write_config(clean_fleet, tmp_path, database_url)
    clean_fleet.set_knobs(OPD, hang=True)  # the attempt is in flight when the gateway dies
    first = GatewayProcess(config, env=clean_fleet.environment()).start()
    try:
        receipt = submit(first)
        eventually(lambda: clean_fleet.stats().get(OPD, {}).get("request_intake", 0) > 0, what="an attempt")
    finally:
        first.kill()
    clean_fleet.set_knobs(OPD, hang=False)
    assert received(clean_fleet, receipt["registrationNumber"]) == []

    with GatewayProcess(config, env=clean_fleet.environment()):
        eventually(lambda: received(clean_fleet, receipt["registrationNumber"]) != [], what="the delivery")
        time.sleep(1)
        [stored] = received(clean_fleet, receipt["registrationNumber"])
        assert stored["deliveries"] == 1


def test_the_opds_answer_reaches_the_citizens_status_and_no_log_line_holds_personal_data(
    clean_fleet: Fleet, database_url: str, tmp_path: Path
) -> None:
    config = write_config(clean_fleet, tmp_path, database_url)
    gateway = GatewayProcess(config, env=clean_fleet.environment(), log_level="debug")
    with gateway:
        receipt = submit(gateway)
        number, code = receipt["registrationNumber"], receipt["accessCode"]
        eventually(lambda: received(clean_fleet, number) != [], what="the delivery")
        [stored] = received(clean_fleet, number)
        clean_fleet.set_request_state(OPD, stored["id"], "GRANTED", message="Data terlampir.")

        def state() -> dict[str, Any]:
            answer = httpx.post(
                gateway.graphql_url,
                json={"query": STATUS, "variables": {"number": number, "code": code}},
                timeout=30,
            ).json()
            status: dict[str, Any] = answer["data"]["requestStatus"]
            return status

        eventually(lambda: state()["state"] == "GRANTED", what="the status sync")
        status = state()
        assert [event["state"] for event in status["history"]] == ["RECEIVED", "IN_PROCESS", "GRANTED"]
        assert status["detail"]["outcomeMessage"] == "Data terlampir."
    # the whole journey at debug level: submission, delivery, status sync, Cek Status with the code
    logs = gateway.output()
    assert number in logs  # the log did record the journey
    requester = request_input()["requester"]
    for value in (*requester.values(), "3603********0001", "6281234567890", "siti.aminah"):
        assert value not in logs, f"{value!r} appears in the gateway's log"


async def submit_concurrently(gateways: list[GatewayProcess], total: int) -> list[dict[str, Any]]:
    """``total`` submissions at once, spread over ``gateways`` in turn."""
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=100)) as client:

        async def one(index: int) -> dict[str, Any]:
            body = {"query": SUBMIT, "variables": {"input": request_input(index)}}
            answer = (await client.post(gateways[index % len(gateways)].graphql_url, json=body)).json()
            assert "errors" not in answer, answer
            receipt: dict[str, Any] = answer["data"]["submitInformationRequest"]
            return receipt

        return list(await asyncio.gather(*(one(index) for index in range(total))))


def test_two_gateways_on_one_postgresql_take_200_concurrent_requests_and_deliver_each_once(
    clean_fleet: Fleet, postgres_database: str, tmp_path: Path
) -> None:
    """Two replicas share one ledger: 200 distinct numbers, 200 deliveries, none lost, none doubled."""
    run_in_thread(lambda: run_admin(postgres_database, "DROP SCHEMA public CASCADE", "CREATE SCHEMA public"))
    # Leases and attempt timeouts long enough that no attempt times out on a busy machine: a timeout
    # after the OPD stored a request makes a second delivery (which the OPD answers as a duplicate),
    # and this test is about claims, which must never let two workers deliver the same entry.
    config = write_config(clean_fleet, tmp_path, postgres_database, lease_s=120, attempt_timeout_s=60)
    total = 200
    with (
        GatewayProcess(config, env=clean_fleet.environment()) as one,
        GatewayProcess(config, env=clean_fleet.environment()) as two,
    ):
        receipts = asyncio.run(submit_concurrently([one, two], total))
        numbers = {receipt["registrationNumber"] for receipt in receipts}
        assert len(numbers) == total

        eventually(lambda: len(clean_fleet.received(OPD)) >= total, timeout=120, what=f"{total} deliveries")
        time.sleep(1)  # room for a wrong second delivery to show up
        stored = clean_fleet.received(OPD)
        assert {r["registration_number"] for r in stored} == numbers
        assert [r["registration_number"] for r in stored if r["deliveries"] != 1] == []
    # the ledger agrees: every request has its one delivery recorded, with the OPD's reference
    outbox = asyncio.run(outbox_of(postgres_database))
    assert len(outbox) == total
    assert {status for status, _ in outbox} == {"DELIVERED"}
    assert {reference for _, reference in outbox} == {r["id"] for r in stored}


async def outbox_of(database_url: str) -> list[tuple[str, str]]:
    """Every outbox entry's status and the OPD's reference, read straight from the ledger."""
    engine = create_async_engine(database_url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            result = await connection.execute(sa.select(outbox.c.status, outbox.c.upstream_reference))
            return [(status.value, reference) for status, reference in result]
    finally:
        await engine.dispose()
