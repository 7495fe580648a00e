"""The simulated FOIA-style request APIs over real HTTP, driven by the rest connector the config declares."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from connectors import (
    Capability,
    ConnectorConfigError,
    ExemptionGround,
    OpdRef,
    RequestState,
    SubmissionRejected,
    UpstreamUnavailable,
)
from connectors.rest import RestConnector, RestSettings
from gateway.config import parse_config
from simulator import (
    SIM_INTAKE_SECRET,
    SIM_INTAKE_SECRET_ENV,
    SIM_INTAKE_SECRET_HEADER,
    Dialect,
    Fleet,
    FleetError,
)
from simulator.dialects import rest_connector_block
from simulator.plan import default_dialects, default_intake, make_plan

from ..connectors.submissions import REQUESTER, cancellation, information_request, objection

LARAVEL, DRF = "dinkes", "dpupr"  # both take requests by default
SUBMIT_PATH = {LARAVEL: "/api/v1/permohonan", DRF: "/api/permohonan/"}
STATUS_PATH = {
    LARAVEL: "/api/v1/permohonan/401%2F0001%2FX%2F2026",
    DRF: "/api/permohonan/401%2F0001%2FX%2F2026/",
}
SECRET = {SIM_INTAKE_SECRET_HEADER: SIM_INTAKE_SECRET}


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    """dinkes (laravel) and dpupr (drf) with intake, and dishub (export) without, in one process."""
    with Fleet([LARAVEL, DRF, "dishub"], processes=1, auth=[]) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(fleet: Fleet) -> Iterator[None]:
    fleet.reset_knobs()
    fleet.reset_requests()
    fleet.reset_stats()
    yield
    fleet.reset_knobs()


@pytest.fixture(autouse=True)
def intake_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SIM_INTAKE_SECRET_ENV, SIM_INTAKE_SECRET)


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5.0, trust_env=False) as client:
        yield client


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0, trust_env=False) as client:
        yield client


def connector(fleet: Fleet, slug: str, http: httpx.AsyncClient) -> RestConnector:
    """The rest connector the gateway config declares for ``slug``."""
    block = rest_connector_block(fleet.dialects[slug], fleet.endpoints[slug], intake=True)
    block.pop("kind")
    return RestConnector(OpdRef(slug=slug, name=slug), RestSettings.model_validate(block), http)


def number(slug: str, sequence: int = 1) -> str:
    return f"PI/2026/{slug.upper()}/{sequence:06d}"


def test_five_laravel_and_four_drf_opds_take_requests_dinkes_among_them() -> None:
    chosen = default_intake()
    dialects = default_dialects()
    assert LARAVEL in chosen and DRF in chosen
    assert Counter(dialects[slug] for slug in chosen) == {Dialect.LARAVEL: 5, Dialect.DRF: 4}
    assert {plan.slug for plan in make_plan() if plan.intake} == chosen
    assert not make_plan([LARAVEL], dialects={LARAVEL: "export"})[0].intake
    assert [plan.intake for plan in make_plan([LARAVEL, DRF], intake=[DRF])] == [False, True]
    with pytest.raises(ValueError, match="takes no requests"):
        rest_connector_block(Dialect.EXPORT, "http://127.0.0.1:18100", intake=True)


def test_the_fleet_says_which_opds_take_requests(fleet: Fleet) -> None:
    assert fleet.intake == {LARAVEL, DRF}
    assert fleet.environment()[SIM_INTAKE_SECRET_ENV] == SIM_INTAKE_SECRET
    with pytest.raises(FleetError, match="takes no requests"):
        fleet.received("dishub")


@pytest.mark.parametrize("slug", [LARAVEL, DRF])
async def test_a_request_is_created_once_however_often_it_is_delivered(
    slug: str, fleet: Fleet, http: httpx.AsyncClient
) -> None:
    opd = connector(fleet, slug, http)
    submission = information_request(number(slug))

    first = await opd.submit_request(submission)
    again = await opd.submit_request(submission)

    assert re.fullmatch(rf"4\d\d/0\d{{3}}/{slug.upper()}/20\d\d", first.reference)
    assert not first.duplicate and first.accepted_at is not None
    assert (again.reference, again.duplicate) == (first.reference, True)
    [received] = fleet.received(slug)
    assert received["id"] == first.reference
    assert received["registration_number"] == number(slug)
    assert received["deliveries"] == 2
    assert received["state"] == "RECEIVED"
    stats = fleet.stats()[slug]
    assert stats["request_intake"] == 2


@pytest.mark.parametrize("slug", [LARAVEL, DRF])
async def test_the_body_arrives_in_the_dialects_own_names(
    slug: str, fleet: Fleet, http: httpx.AsyncClient
) -> None:
    await connector(fleet, slug, http).submit_request(objection(f"KB/2026/{slug.upper()}/000001"))

    [received] = fleet.received(slug)
    body = received["body"]
    if slug == LARAVEL:
        assert body["nomor_registrasi"] == "KB/2026/DINKES/000001"
        assert body["pemohon"]["nik"] == "3603014101900001"
        assert body["alasan_keberatan"] == "C"
    else:
        assert body["registration_number"] == "KB/2026/DPUPR/000001"
        assert body["requester"]["nik"] == "3603014101900001"
        assert body["reason"] == "C"
    assert received["kind"] == "OBJECTION"


@pytest.mark.parametrize("slug", [LARAVEL, DRF])
async def test_an_operator_changes_the_state_and_the_connector_reads_it(
    slug: str, fleet: Fleet, http: httpx.AsyncClient
) -> None:
    opd = connector(fleet, slug, http)
    receipt = await opd.submit_request(information_request(number(slug)))

    assert (await opd.request_status(receipt.reference)).state is RequestState.RECEIVED
    fleet.set_request_state(slug, receipt.reference, "REFUSED", message="Data pribadi.", refusal_ground="H")
    refused = await opd.request_status(receipt.reference)
    fleet.set_request_state(slug, receipt.reference, "NOT_HELD", holding_body="BPS Provinsi Banten")
    not_held = await opd.request_status(receipt.reference)

    assert (refused.state, refused.refusal_ground, refused.message) == (
        RequestState.REFUSED,
        ExemptionGround.H,
        "Data pribadi.",
    )
    assert refused.updated_at is not None and refused.updated_at.tzinfo is not None
    assert (not_held.state, not_held.holding_body) == (RequestState.NOT_HELD, "BPS Provinsi Banten")
    assert (not_held.refusal_ground, not_held.message) == (None, None)  # a new state clears the old outcome
    assert fleet.stats()[slug]["request_status"] == 3


@pytest.mark.parametrize("slug", [LARAVEL, DRF])
async def test_a_request_can_be_cancelled_until_it_has_an_outcome(
    slug: str, fleet: Fleet, http: httpx.AsyncClient
) -> None:
    opd = connector(fleet, slug, http)
    open_one = await opd.submit_request(information_request(number(slug, 1)))
    decided = await opd.submit_request(information_request(number(slug, 2)))
    fleet.set_request_state(slug, decided.reference, "GRANTED")

    cancelled = await opd.submit_request(cancellation(open_one.reference, number(slug, 1)))
    again = await opd.submit_request(cancellation(open_one.reference, number(slug, 1)))
    with pytest.raises(SubmissionRejected, match="cannot be cancelled"):
        await opd.submit_request(cancellation(decided.reference, number(slug, 2)))

    assert cancelled.reference == again.reference == open_one.reference
    status = await opd.request_status(open_one.reference)
    assert (status.state, status.message) == (
        RequestState.CANCELLED,
        "Informasi sudah saya peroleh dari situs resmi.",
    )
    states = {item["id"]: (item["state"], item["cancellations"]) for item in fleet.received(slug)}
    assert states == {open_one.reference: ("CANCELLED", 2), decided.reference: ("GRANTED", 0)}


@pytest.mark.parametrize("slug", [LARAVEL, DRF])
@pytest.mark.parametrize("headers", [{}, {SIM_INTAKE_SECRET_HEADER: "tebakan"}], ids=["missing", "wrong"])
def test_the_request_api_wants_the_shared_secret(
    slug: str, headers: dict[str, str], fleet: Fleet, client: httpx.Client
) -> None:
    base = fleet.endpoints[slug]

    assert client.post(base + SUBMIT_PATH[slug], json={}, headers=headers).status_code == 401
    assert client.get(base + STATUS_PATH[slug], headers=headers).status_code == 401
    assert client.get(base + STATUS_PATH[slug], headers=SECRET).status_code == 404
    assert fleet.received(slug) == []


async def test_a_missing_secret_variable_stops_the_connector_naming_the_key(
    fleet: Fleet, http: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SIM_INTAKE_SECRET_ENV)
    with pytest.raises(ConnectorConfigError, match=SIM_INTAKE_SECRET_ENV) as caught:
        connector(fleet, LARAVEL, http)
    assert caught.value.key == "intake.secret_env"


def test_laravel_answers_422_naming_each_bad_field(fleet: Fleet, client: httpx.Client) -> None:
    body = information_request(number(LARAVEL)).model_dump(
        mode="json", exclude_none=True
    )  # our names, not theirs
    answer = client.post(fleet.endpoints[LARAVEL] + "/api/v1/permohonan", json=body, headers=SECRET)

    assert answer.status_code == 422
    errors = answer.json()["errors"]
    # The kind itself is missing, so the kind's own fields (rincian_informasi...) are not judged yet.
    assert set(errors) == {
        "nomor_registrasi",
        "jenis",
        "tanggal_diterima",
        "pemohon.kategori",
        "pemohon.nama",
        "pemohon.alamat",
        "pemohon.telepon",
    }
    assert errors["nomor_registrasi"] == ["The nomor_registrasi field is required."]
    assert (
        client.post(fleet.endpoints[LARAVEL] + "/api/v1/permohonan", content=b"{", headers=SECRET).status_code
        == 422
    )
    assert fleet.received(LARAVEL) == []


async def test_a_rejected_submission_names_our_field_through_the_connector(
    fleet: Fleet, http: httpx.AsyncClient
) -> None:
    bad_nik = information_request(number(LARAVEL), requester=REQUESTER.model_copy(update={"nik": "12345"}))
    with pytest.raises(SubmissionRejected) as laravel:
        await connector(fleet, LARAVEL, http).submit_request(bad_nik)
    with pytest.raises(SubmissionRejected) as drf:
        await connector(fleet, DRF, http).submit_request(bad_nik)

    assert (laravel.value.field, laravel.value.status_code) == ("requester.nik", 422)
    assert (drf.value.field, drf.value.status_code) == ("requester.nik", 400)
    assert "16 digits" in str(laravel.value)
    assert fleet.received(LARAVEL) == [] and fleet.received(DRF) == []


async def test_the_knobs_apply_to_the_request_api(
    fleet: Fleet, http: httpx.AsyncClient, client: httpx.Client
) -> None:
    opd = connector(fleet, LARAVEL, http)
    submission = information_request(number(LARAVEL))

    fleet.set_knobs(LARAVEL, down=True)
    with pytest.raises(httpx.ConnectError):
        await http.post(fleet.endpoints[LARAVEL] + "/api/v1/permohonan", json={}, headers=SECRET)
    with pytest.raises(UpstreamUnavailable):
        await opd.submit_request(submission)
    fleet.set_knobs(LARAVEL, down=False, error_rate=1.0)
    with pytest.raises(UpstreamUnavailable) as failed:
        await opd.submit_request(submission)
    assert failed.value.status_code == 500
    assert fleet.received(LARAVEL) == []

    fleet.set_knobs(LARAVEL, error_rate=0.0)
    receipt = await opd.submit_request(submission)
    assert not receipt.duplicate
    assert [item["deliveries"] for item in fleet.received(LARAVEL)] == [1]


def test_the_control_api_refuses_unknown_requests_and_states(fleet: Fleet, client: httpx.Client) -> None:
    with pytest.raises(FleetError, match="404"):
        fleet.set_request_state(LARAVEL, "400/9999/DINKES/2026", "GRANTED")
    answer = client.post(
        fleet.endpoints[LARAVEL] + "/api/v1/permohonan",
        headers=SECRET,
        json={
            "nomor_registrasi": number(LARAVEL),
            "jenis": "INFORMATION",
            "tanggal_diterima": "2026-03-02T09:30:00+07:00",
            "pemohon": {
                "kategori": "ORGANIZATION",
                "nama": "LBH Banten",
                "alamat": "Serang",
                "email": "a@b.id",
            },
            "rincian_informasi": "Anggaran 2025",
            "tujuan_penggunaan": "Advokasi",
            "cara_memperoleh": "VIEW",
        },
    )
    assert answer.status_code == 422
    assert list(answer.json()["errors"]) == ["pemohon.nomor_badan_hukum"]
    reference = client.post(
        fleet.endpoints[DRF] + "/api/permohonan/",
        headers=SECRET,
        json=information_request(number(DRF)).model_dump(mode="json", exclude_none=True),
    ).json()["id"]
    with pytest.raises(FleetError, match="400"):
        fleet.set_request_state(DRF, reference, "OVERDUE")
    assert fleet.set_request_state(DRF, reference, "IN_PROCESS")["state"] == "IN_PROCESS"


async def test_the_fleet_config_declares_intake_where_the_simulator_takes_it(
    fleet: Fleet, http: httpx.AsyncClient, tmp_path: Path
) -> None:
    config = fleet.gateway_config(tmp_path / "catalogs")
    parsed = parse_config(yaml.safe_dump(config, allow_unicode=True), source="rendered", base_dir=tmp_path)

    taking = set()
    for opd in parsed.opds:
        resolved = opd.resolved_connector
        built = resolved.cls(OpdRef(slug=opd.slug, name=opd.name), resolved.settings, http)
        if Capability.REQUEST_INTAKE in built.capabilities:
            assert Capability.REQUEST_STATUS in built.capabilities
            taking.add(opd.slug)
            receipt = await built.submit_request(information_request(number(opd.slug)))
            assert [item["id"] for item in fleet.received(opd.slug)] == [receipt.reference]
    assert taking == fleet.intake
