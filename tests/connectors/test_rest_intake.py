"""The rest connector delivers submissions once, reads the OPD's answers, and reads request states."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx
from pydantic import ValidationError

from connectors import (
    WIB,
    Capability,
    ConnectorConfigError,
    ExemptionGround,
    NotSupported,
    RequestState,
    SubmissionRejected,
    UpstreamBadResponse,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from connectors.rest import RestConnector, RestSettings

from .submissions import cancellation, information_request, objection
from .upstream import BASE

MakeRest = Callable[[dict[str, Any]], RestConnector]

SECRET = {"secret_header": "X-PPID-Secret", "secret_env": "DINKES_INTAKE_SECRET"}
REFERENCE = "440/0012/DINKES/2026"
ENCODED = "440%2F0012%2FDINKES%2F2026"


def intake(**options: Any) -> dict[str, Any]:
    """An ``intake`` block: POST /api/permohonan, the reference at ``data.id``, a shared secret."""
    return {"path": "/api/permohonan", "reference": "data.id", **SECRET, **options}


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DINKES_INTAKE_SECRET", "s3cret")


def created(reference: str = REFERENCE, **data: Any) -> httpx.Response:
    return httpx.Response(201, json={"data": {"id": reference, **data}})


async def test_a_submission_is_posted_once_in_the_default_shape_with_secret_and_idempotency_key(
    router: respx.Router, make_rest: MakeRest
) -> None:
    route = router.post("/api/permohonan").mock(return_value=created(diterima="2026-03-02T02:31:00Z"))
    connector = make_rest({"intake": intake(accepted_at="data.diterima")})

    receipt = await connector.submit_request(information_request())

    assert receipt.reference == REFERENCE
    assert receipt.accepted_at == dt.datetime(2026, 3, 2, 2, 31, tzinfo=dt.UTC)
    assert not receipt.duplicate
    assert route.call_count == 1
    request = route.calls.last.request
    assert request.headers["X-PPID-Secret"] == "s3cret"
    assert request.headers["Idempotency-Key"] == "PI/2026/DINKES/000001"
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.content) == {
        "registration_number": "PI/2026/DINKES/000001",
        "kind": "INFORMATION",
        "received_at": "2026-03-02T09:30:00+07:00",
        "due_date": "2026-03-16",
        "requester": {
            "type": "INDIVIDUAL",
            "name": "Siti Rahmawati",
            "nik": "3603014101900001",
            "address": "Jl. Ahmad Yani No. 5, Serang",
            "phone": "+6281234567890",
            "email": "siti@example.id",
            "occupation": "Peneliti",
        },
        "details": "Data cakupan imunisasi dasar per kabupaten tahun 2025",
        "purpose": "Penelitian skripsi tentang layanan kesehatan",
        "obtain_method": "COPY_SOFT",
        "delivery_method": "EMAIL",
    }


def test_capabilities_follow_the_intake_and_status_blocks(make_rest: MakeRest) -> None:
    status = {"path": "/api/permohonan/{reference}", "state": "data.status"}

    assert Capability.REQUEST_INTAKE not in make_rest({}).capabilities
    with_intake = make_rest({"intake": intake()}).capabilities
    assert Capability.REQUEST_INTAKE in with_intake and Capability.REQUEST_STATUS not in with_intake
    assert make_rest({"intake": intake(status=status)}).capabilities == {
        Capability.REQUEST_INTAKE,
        Capability.REQUEST_STATUS,
    }


async def test_fields_rename_the_body_keys_and_can_leave_one_out(
    router: respx.Router, make_rest: MakeRest
) -> None:
    route = router.post("/api/permohonan").mock(return_value=created())
    fields = {
        "registration_number": "nomor_registrasi",
        "requester": "pemohon",
        "requester.name": "pemohon.nama",
        "reason": "keberatan.alasan",
        "statement": "keberatan.kasus_posisi",
        "due_date": None,
    }
    connector = make_rest({"intake": intake(fields=fields)})

    await connector.submit_request(objection())

    body = json.loads(route.calls.last.request.content)
    assert body["nomor_registrasi"] == "KB/2026/DINKES/000001"
    assert body["pemohon"]["nama"] == "Siti Rahmawati"
    assert body["pemohon"]["nik"] == "3603014101900001"
    assert body["keberatan"] == {
        "alasan": "C",
        "kasus_posisi": "Permohonan saya belum dijawab sampai batas waktu.",
    }
    assert body["parent_registration_number"] == "PI/2026/DINKES/000001"
    assert "due_date" not in body and "registration_number" not in body and "requester" not in body


async def test_a_conflict_with_the_existing_reference_is_a_repeated_delivery_not_an_error(
    router: respx.Router, make_rest: MakeRest
) -> None:
    answers = iter(
        [created(), httpx.Response(409, json={"message": "sudah terdaftar", "data": {"id": REFERENCE}})]
    )
    route = router.post("/api/permohonan").mock(side_effect=lambda request: next(answers))
    connector = make_rest({"intake": intake()})

    first = await connector.submit_request(information_request())
    again = await connector.submit_request(information_request())

    assert (first.reference, first.duplicate) == (REFERENCE, False)
    assert (again.reference, again.duplicate) == (REFERENCE, True)
    assert route.call_count == 2


async def test_a_conflict_without_a_reference_names_the_missing_field(
    router: respx.Router, make_rest: MakeRest
) -> None:
    router.post("/api/permohonan").mock(return_value=httpx.Response(409, json={"message": "duplicate"}))
    connector = make_rest({"intake": intake()})

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.submit_request(information_request())

    assert caught.value.field == "data.id"


async def test_a_laravel_422_is_a_rejection_naming_our_field(
    router: respx.Router, make_rest: MakeRest
) -> None:
    errors = {"pemohon.nik": ["NIK harus 16 digit."], "rincian_informasi": ["Wajib diisi."]}
    router.post("/api/permohonan").mock(
        return_value=httpx.Response(
            422, json={"message": "NIK harus 16 digit. (and 1 more error)", "errors": errors}
        )
    )
    fields = {"requester.nik": "pemohon.nik", "details": "rincian_informasi"}
    connector = make_rest({"intake": intake(fields=fields)})

    with pytest.raises(SubmissionRejected) as caught:
        await connector.submit_request(information_request())

    assert caught.value.field == "requester.nik"
    assert caught.value.status_code == 422
    assert "NIK harus 16 digit." in str(caught.value)
    assert "pemohon.nik" in str(caught.value)
    assert "3603014101900001" not in str(caught.value)


async def test_a_drf_400_with_nested_errors_is_a_rejection_naming_our_field(
    router: respx.Router, make_rest: MakeRest
) -> None:
    body = {"requester": {"email": ["Enter a valid email address."]}}
    router.post("/api/permohonan").mock(return_value=httpx.Response(400, json=body))
    connector = make_rest({"intake": intake()})

    with pytest.raises(SubmissionRejected) as caught:
        await connector.submit_request(information_request())

    assert caught.value.field == "requester.email"
    assert "Enter a valid email address." in str(caught.value)


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408, 401, 403])
async def test_server_errors_throttling_and_refused_credentials_are_worth_retrying(
    status: int, router: respx.Router, make_rest: MakeRest
) -> None:
    route = router.post("/api/permohonan").mock(return_value=httpx.Response(status, json={"message": "no"}))
    connector = make_rest({"intake": intake()})

    with pytest.raises(UpstreamUnavailable) as caught:
        await connector.submit_request(information_request())

    assert caught.value.status_code == status
    assert route.call_count == 1


async def test_a_timeout_is_retryable_and_the_post_is_sent_once(
    router: respx.Router, make_rest: MakeRest
) -> None:
    route = router.post("/api/permohonan").mock(side_effect=httpx.ReadTimeout("slow"))
    connector = make_rest({"intake": intake()})

    with pytest.raises(UpstreamTimeout):
        await connector.submit_request(information_request())

    assert route.call_count == 1


async def test_a_post_on_a_connection_the_server_closed_is_not_resent(
    router: respx.Router, make_rest: MakeRest
) -> None:
    route = router.post("/api/permohonan").mock(side_effect=httpx.RemoteProtocolError("closed"))
    connector = make_rest({"intake": intake()})

    with pytest.raises(UpstreamUnavailable):
        await connector.submit_request(information_request())

    assert route.call_count == 1


async def test_a_cancellation_goes_to_the_cancel_path_of_the_encoded_reference(
    router: respx.Router, make_rest: MakeRest
) -> None:
    route = router.post(f"/api/permohonan/{REFERENCE}/batal").mock(return_value=httpx.Response(200, json={}))
    connector = make_rest({"intake": intake(cancel_path="/api/permohonan/{reference}/batal")})

    receipt = await connector.submit_request(cancellation(REFERENCE))

    assert receipt.reference == REFERENCE  # the body did not repeat it: the one we sent
    request = route.calls.last.request
    assert ENCODED.encode() in request.url.raw_path
    assert json.loads(request.content) == {
        "registration_number": "PI/2026/DINKES/000001",
        "kind": "INFORMATION",
        "received_at": "2026-03-03T09:30:00+07:00",
        "cancel_reason": "Informasi sudah saya peroleh dari situs resmi.",
    }


async def test_a_cancellation_the_opd_cannot_take_is_refused_before_any_call(
    router: respx.Router, make_rest: MakeRest
) -> None:
    route = router.post(path__startswith="/ppid/api/permohonan").mock(return_value=created())
    without_cancel = make_rest({"intake": intake()})
    with_cancel = make_rest({"intake": intake(cancel_path="/api/permohonan/{reference}/batal")})

    with pytest.raises(NotSupported, match="cancel_path"):
        await without_cancel.submit_request(cancellation(REFERENCE))
    with pytest.raises(SubmissionRejected) as caught:
        await with_cancel.submit_request(cancellation(None))

    assert caught.value.field == "reference"
    assert route.call_count == 0


STATUS = {
    "path": "/api/permohonan/{reference}",
    "state": "data.status",
    "values": {"Diproses": "IN_PROCESS", "Ditolak": "REFUSED", "Tidak Dikuasai": "NOT_HELD"},
    "message": "data.keterangan",
    "updated_at": "data.diperbarui",
    "refusal_ground": "data.dasar_penolakan",
    "ground_values": {"Pasal 17 huruf h": "H"},
    "holding_body": "data.badan_penguasa",
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"status": "Diproses"}, (RequestState.IN_PROCESS, None, None)),
        (
            {"status": "Ditolak", "dasar_penolakan": "Pasal 17 huruf h"},
            (RequestState.REFUSED, ExemptionGround.H, None),
        ),
        ({"status": "Ditolak", "dasar_penolakan": "j"}, (RequestState.REFUSED, ExemptionGround.J, None)),
        (
            {"status": "tidak dikuasai", "badan_penguasa": "BPS Banten"},
            (RequestState.NOT_HELD, None, "BPS Banten"),
        ),
        ({"status": "granted", "dasar_penolakan": ""}, (RequestState.GRANTED, None, None)),
    ],
)
async def test_a_state_is_read_through_its_labels(
    data: dict[str, Any],
    expected: tuple[RequestState, ExemptionGround | None, str | None],
    router: respx.Router,
    make_rest: MakeRest,
) -> None:
    body = {"data": {"keterangan": "Catatan PPID", "diperbarui": "2026-03-05T10:00:00", **data}}
    route = router.get(f"/api/permohonan/{REFERENCE}").mock(return_value=httpx.Response(200, json=body))
    connector = make_rest({"intake": intake(status=STATUS)})

    status = await connector.request_status(REFERENCE)

    assert status.reference == REFERENCE
    assert (status.state, status.refusal_ground, status.holding_body) == expected
    assert status.message == "Catatan PPID"
    assert status.updated_at == dt.datetime(2026, 3, 5, 10, tzinfo=WIB)
    request = route.calls.last.request
    assert ENCODED.encode() in request.url.raw_path
    assert request.headers["X-PPID-Secret"] == "s3cret"


async def test_an_unknown_state_label_or_reference_is_a_bad_response(
    router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/permohonan/1").mock(
        return_value=httpx.Response(200, json={"data": {"status": "Diarsipkan"}})
    )
    router.get("/api/permohonan/2").mock(return_value=httpx.Response(404, json={"message": "not found"}))
    connector = make_rest({"intake": intake(status=STATUS)})

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.request_status("1")
    assert caught.value.field == "data.status"
    with pytest.raises(UpstreamBadResponse, match="does not know reference '2'"):
        await connector.request_status("2")
    with pytest.raises(NotSupported):
        await make_rest({"intake": intake()}).request_status("1")


def test_a_missing_intake_secret_stops_construction_naming_the_key(
    make_rest: MakeRest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DINKES_INTAKE_SECRET")

    with pytest.raises(ConnectorConfigError) as caught:
        make_rest({"intake": intake()})

    assert caught.value.key == "intake.secret_env"
    assert "DINKES_INTAKE_SECRET" in str(caught.value)


async def test_intake_auth_replaces_the_connectors_auth_on_intake_calls(
    router: respx.Router, make_rest: MakeRest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("READ_KEY", "r3ad")
    monkeypatch.setenv("INTAKE_TOKEN", "wr1te")
    route = router.post("/api/permohonan").mock(return_value=created())
    auth = {"type": "api_key", "token_env": "READ_KEY"}
    own = {"type": "bearer", "token_env": "INTAKE_TOKEN"}
    connector = make_rest({"auth": auth, "intake": intake(auth=own)})
    shared = make_rest({"auth": auth, "intake": intake()})

    await connector.submit_request(information_request())
    headers = route.calls.last.request.headers
    assert headers["Authorization"] == "Bearer wr1te" and "X-API-Key" not in headers
    await shared.submit_request(information_request())
    assert route.calls.last.request.headers["X-API-Key"] == "r3ad"

    monkeypatch.delenv("INTAKE_TOKEN")
    with pytest.raises(ConnectorConfigError) as caught:
        make_rest({"auth": auth, "intake": intake(auth=own)})
    assert caught.value.key == "intake.auth.token_env"


@pytest.mark.parametrize(
    ("block", "problem"),
    [
        (intake(cancel_path="/api/permohonan/batal"), "cancel_path needs {reference}"),
        (intake(status={"path": "/api/permohonan", "state": "status"}), "status path needs {reference}"),
        (intake(fields={"detail": "rincian"}), "unknown intake field 'detail'"),
        (intake(fields={"details": "isi", "purpose": "isi"}), "would both be written at isi"),
        (intake(fields={"details": "pemohon", "requester.name": "pemohon.nama"}), "would both be written"),
        ({"path": "/x", "reference": "id", "secret_header": "X-Secret"}, "secret_header and secret_env"),
        ({"path": "/x"}, "reference"),
    ],
)
def test_intake_settings_are_checked_at_load(block: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem.replace("{", r"\{").replace("}", r"\}")):
        RestSettings.model_validate({"base_url": BASE, "intake": block})
