"""Fault knobs over real HTTP, set at start and flipped at runtime through the control API."""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from simulator import Dialect, Fleet, FleetError

from .conftest import pick_opd

LARAVEL = pick_opd(Dialect.LARAVEL, leaking=False)
DRF = pick_opd(Dialect.DRF, leaking=False)
EXPORT = pick_opd(Dialect.EXPORT, leaking=False)


@pytest.fixture(scope="module")
def fleet() -> Iterator[Fleet]:
    knobs: dict[str, dict[str, Any]] = {"*": {"jitter_ms": 0}, EXPORT: {"down": True}}
    with Fleet([LARAVEL, DRF, EXPORT], processes=2, knobs=knobs, auth=[]) as fleet:
        yield fleet


@pytest.fixture(autouse=True)
def fresh_knobs(fleet: Fleet) -> Iterator[None]:
    fleet.reset_knobs()
    fleet.reset_stats()
    yield
    fleet.reset_knobs()


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as client:
        yield client


def _profile_url(fleet: Fleet, slug: str = LARAVEL) -> str:
    return fleet.endpoints[slug] + ("/api/v1/profil" if slug == LARAVEL else "/api/ppid/")


def test_an_opd_down_at_start_refuses_connections_on_its_reported_url(
    fleet: Fleet, client: httpx.Client
) -> None:
    assert fleet.down == {EXPORT}
    assert fleet.knobs(EXPORT).down
    url = fleet.endpoints[EXPORT]
    assert httpx.URL(url).port
    with pytest.raises(httpx.ConnectError):
        client.get(url + "/export/profile.json")


def test_a_down_opd_comes_up_and_goes_down_again_on_the_same_port(fleet: Fleet, client: httpx.Client) -> None:
    url = fleet.endpoints[EXPORT] + "/export/profile.json"
    fleet.set_knobs(EXPORT, down=False)
    assert client.get(url).status_code == 200
    fleet.reset_knobs([EXPORT])
    with pytest.raises(httpx.ConnectError):
        client.get(url)


def test_going_down_at_runtime_refuses_connections_until_it_comes_back(
    fleet: Fleet, client: httpx.Client
) -> None:
    url = _profile_url(fleet)
    assert client.get(url).status_code == 200
    fleet.set_knobs(LARAVEL, down=True)
    with pytest.raises(httpx.ConnectError):
        client.get(url)
    fleet.set_knobs(LARAVEL, down=False)
    assert client.get(url).status_code == 200


def test_garbage_answers_200_with_a_body_that_is_not_json(fleet: Fleet, client: httpx.Client) -> None:
    fleet.set_knobs(LARAVEL, garbage=True)
    answer = client.get(_profile_url(fleet))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    with pytest.raises(ValueError):
        answer.json()


def test_wrong_shape_answers_200_json_without_the_dialects_envelope(
    fleet: Fleet, client: httpx.Client
) -> None:
    fleet.set_knobs(DRF, wrong_shape=True)
    answer = client.get(fleet.endpoints[DRF] + "/api/dokumen/")
    assert answer.status_code == 200
    body = answer.json()
    assert isinstance(body, dict)
    assert not {"results", "count", "data", "items"} & set(body)


def test_error_rate_one_answers_500_every_time(fleet: Fleet, client: httpx.Client) -> None:
    fleet.set_knobs(DRF, error_rate=1.0)
    assert {client.get(_profile_url(fleet, DRF)).status_code for _ in range(5)} == {500}


def test_error_rate_fails_a_fixed_sequence_of_requests(fleet: Fleet, client: httpx.Client) -> None:
    draws = random.Random(f"ppid-simulator-errors:{DRF}")
    expected = [500 if draws.random() < 0.4 else 200 for _ in range(25)]
    runs = []
    for _ in range(2):
        fleet.reset_knobs([DRF])
        fleet.set_knobs(DRF, error_rate=0.4)
        runs.append([client.get(_profile_url(fleet, DRF)).status_code for _ in range(25)])
    assert runs == [expected, expected]
    assert set(expected) == {200, 500}


def test_hang_holds_the_request_until_the_client_gives_up(fleet: Fleet, client: httpx.Client) -> None:
    fleet.set_knobs(LARAVEL, hang=True)
    with pytest.raises(httpx.ReadTimeout):
        client.get(_profile_url(fleet), timeout=0.3)
    fleet.set_knobs(LARAVEL, hang=False)
    assert client.get(_profile_url(fleet)).status_code == 200


def test_turning_hang_off_releases_a_waiting_request(fleet: Fleet) -> None:
    fleet.set_knobs(LARAVEL, hang=True)
    with ThreadPoolExecutor(1) as pool, httpx.Client(timeout=10.0) as other:
        waiting = pool.submit(other.get, _profile_url(fleet))
        # Poll the simulator's own count until the request has arrived.
        deadline = time.monotonic() + 10
        while fleet.stats()[LARAVEL]["profile"] < 1 and time.monotonic() < deadline:
            pass
        assert fleet.stats()[LARAVEL]["profile"] == 1
        assert not waiting.done()
        fleet.set_knobs(LARAVEL, hang=False)
        assert waiting.result(timeout=10).status_code == 200


def test_latency_and_slow_delay_the_answer(fleet: Fleet, client: httpx.Client) -> None:
    fleet.set_knobs(LARAVEL, latency_ms=150)
    answer = client.get(_profile_url(fleet))
    assert answer.status_code == 200
    assert answer.elapsed.total_seconds() >= 0.15
    fleet.set_knobs(LARAVEL, latency_ms=0, slow=True, slow_ms=250)
    answer = client.get(_profile_url(fleet))
    assert answer.status_code == 200
    assert answer.elapsed.total_seconds() >= 0.25


def test_stats_count_every_request_per_endpoint_even_failed_ones(fleet: Fleet, client: httpx.Client) -> None:
    base = fleet.endpoints[LARAVEL]
    seed = fleet.seed(LARAVEL)
    client.get(base + "/api/v1/documents")
    client.get(base + "/api/v1/documents?page=2")
    client.get(f"{base}/api/v1/documents/{seed.documents[0].local_id}")
    client.get(base + "/api/v1/dip")
    client.get(base + "/" + next(iter(seed.files.values())).path)
    client.get(base + "/wp-json/")
    fleet.set_knobs(LARAVEL, error_rate=1.0)
    assert client.get(base + "/api/v1/profil").status_code == 500
    assert fleet.stats()[LARAVEL] == {
        "documents": 2,
        "document": 1,
        "information_list": 1,
        "profile": 1,
        "file": 1,
        "request_intake": 0,
        "request_status": 0,
        "request_cancel": 0,
        "other": 1,
    }
    assert set(fleet.stats()) == {LARAVEL, DRF, EXPORT}
    fleet.reset_stats()
    assert set(fleet.stats()[LARAVEL].values()) == {0}


def test_knobs_set_at_start_apply_to_every_opd_and_reset_restores_them(fleet: Fleet) -> None:
    assert fleet.knobs(LARAVEL).jitter_ms == 0
    changed = fleet.set_knobs(LARAVEL, latency_ms=20, jitter_ms=5)
    assert (changed.latency_ms, changed.jitter_ms, changed.down) == (20, 5, False)
    fleet.reset_knobs([LARAVEL])
    assert fleet.knobs(LARAVEL).latency_ms == 0


def test_the_control_api_refuses_invalid_knobs_and_unknown_opds(fleet: Fleet) -> None:
    with pytest.raises(FleetError, match="400"):
        fleet.set_knobs(LARAVEL, error_rate=2)
    with pytest.raises(FleetError, match="400"):
        fleet.set_knobs(LARAVEL, sleepy=True)
    with pytest.raises(FleetError, match="not an OPD"):
        fleet.set_knobs("dinkes-lama", hang=True)
    with httpx.Client() as raw:
        answer = raw.post(f"{fleet.control_url(LARAVEL)}/_sim/knobs/{LARAVEL}", content=b"hang please")
    assert answer.status_code == 400
    assert "JSON object" in answer.json()["error"]
