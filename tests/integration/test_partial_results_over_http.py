"""One OPD down, one hanging, one answering garbage: the others' data still comes back in time."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from simulator import Dialect, Fleet
from simulator.gateway_process import GatewayProcess

from .conftest import FAST_FEDERATION, graphql, write_config

BROKEN = {"dinkes": {"down": True}, "bappeda": {"hang": True}, "dishub": {"garbage": True}}


@pytest.fixture
def broken_fleet(fleet: Fleet) -> Iterator[Fleet]:
    for slug, knobs in BROKEN.items():
        fleet.set_knobs(slug, **knobs)
    try:
        yield fleet
    finally:
        fleet.reset_knobs(list(BROKEN))


@pytest.fixture
def fresh_gateway(fleet: Fleet, tmp_path: Path) -> Iterator[GatewayProcess]:
    """A gateway of its own, so that its circuit breakers start closed."""
    with GatewayProcess(write_config(fleet, tmp_path, FAST_FEDERATION), env=fleet.environment()) as process:
        yield process


def test_documents_keep_partial_results_when_opds_are_down_hanging_or_garbled(
    broken_fleet: Fleet, fresh_gateway: GatewayProcess
) -> None:
    healthy = [slug for slug in broken_fleet.opds if slug not in BROKEN]
    expected_total = sum(len(broken_fleet.served_documents(slug)) for slug in healthy)
    with httpx.Client(base_url=fresh_gateway.url, timeout=30) as client:
        started = time.monotonic()
        body = graphql(client, "{ documents(first: 100) { totalCount nodes { id opd { slug } } } }")
        elapsed = time.monotonic() - started
    # The response arrived (no hang), and it holds every healthy OPD's data.
    assert body["data"]["documents"]["totalCount"] == expected_total
    slugs = {node["opd"]["slug"] for node in body["data"]["documents"]["nodes"]}
    assert not slugs & set(BROKEN)
    errors = {error["extensions"]["opd"]: error["extensions"]["code"] for error in body["errors"]}
    assert errors == {
        "dinkes": "UPSTREAM_UNAVAILABLE",
        "bappeda": "UPSTREAM_TIMEOUT",
        "dishub": "UPSTREAM_BAD_RESPONSE",
    }
    assert all("Traceback" not in error["message"] for error in body["errors"])
    statuses = {entry["opd"]: entry["status"] for entry in body["extensions"]["upstreams"]}
    assert {slug: statuses[slug] for slug in BROKEN} == {
        "dinkes": "ERROR",
        "bappeda": "TIMEOUT",
        "dishub": "ERROR",
    }
    assert all(statuses[slug] == "OK" for slug in healthy)
    # Informational only (no timing assertion): how long the deadline-bound answer took.
    print(f"partial answer in {elapsed:.2f} s (deadline {FAST_FEDERATION['deadline_s']} s)")


def test_an_opd_that_recovers_is_served_again(broken_fleet: Fleet, fresh_gateway: GatewayProcess) -> None:
    query = '{ documents(first: 5, filter: {opds: ["dinkes"]}) { totalCount } }'
    with httpx.Client(base_url=fresh_gateway.url, timeout=30) as client:
        down = graphql(client, query)
        assert down["errors"][0]["extensions"]["opd"] == "dinkes"
        broken_fleet.reset_knobs(["dinkes"])
        up = graphql(client, query)
    assert "errors" not in up
    assert up["data"]["documents"]["totalCount"] == len(broken_fleet.seed("dinkes").documents)


def test_a_profile_that_cannot_be_read_leaves_the_rest_of_the_directory(
    broken_fleet: Fleet, fresh_gateway: GatewayProcess
) -> None:
    with httpx.Client(base_url=fresh_gateway.url, timeout=30) as client:
        body = graphql(client, '{ opds(filter: {kinds: ["dinas"]}) { slug menuScore } }')
    scores = {opd["slug"]: opd["menuScore"] for opd in body["data"]["opds"]}
    assert scores["dinkes"] is None
    # a WordPress site or a DMS publishes no PPID profile: no score, and no error either
    no_profile = {slug for slug, d in broken_fleet.dialects.items() if d in (Dialect.WORDPRESS, Dialect.SQL)}
    assert no_profile & set(scores)
    healthy = {slug: score for slug, score in scores.items() if slug not in BROKEN}
    assert all((score is None) == (slug in no_profile) for slug, score in healthy.items())
    assert "dinkes" in {error["extensions"]["opd"] for error in body["errors"]}


def test_upstreams_reports_each_opd_and_its_circuit(
    broken_fleet: Fleet, fresh_gateway: GatewayProcess
) -> None:
    with httpx.Client(base_url=fresh_gateway.url, timeout=30) as client:
        body = graphql(client, "{ upstreams { opd { slug } connector status latencyMs lastError circuit } }")
    health = {entry["opd"]["slug"]: entry for entry in body["data"]["upstreams"]}
    assert set(health) == set(broken_fleet.opds)
    assert health["dinkes"]["status"] == "ERROR" and health["dinkes"]["lastError"]
    assert health["bappeda"]["status"] == "TIMEOUT"
    assert health["diskominfo"]["status"] == "OK" and health["diskominfo"]["circuit"] == "CLOSED"
