"""The upstream cache over real HTTP: one read per OPD under a burst, stale answers while the fleet is down.

Each test starts a gateway of its own (an empty cache), with the whole-answer
cache off (``response_ttl_s: 0``) so that every query reaches the engine and
what is measured is the engine's reuse of OPD answers. Upstream calls are
counted by the simulated OPDs themselves (``Fleet.stats``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from simulator import Dialect, Fleet
from simulator.gateway_process import GatewayProcess

from .conftest import graphql

# Generous: a burst of 100 queries on a small machine must not be cut off by a deadline.
PATIENT_FEDERATION = {
    "opd_timeout_s": 10,
    "deadline_s": 30,
    "concurrency": 64,
    "circuit": {"failure_threshold": 50},
}
DOCUMENTS = "{ documents(first: 20) { totalCount nodes { id } } }"
PORTAL = "{ documents(first: 20) { totalCount nodes { id title } } opds { slug profile { description } } }"


def cached_gateway(fleet: Fleet, directory: Path, cache: dict[str, Any]) -> GatewayProcess:
    config = fleet.gateway_config(directory / "catalogs", federation=PATIENT_FEDERATION, config_dir=directory)
    config["cache"] = {"response_ttl_s": 0, **cache}
    path = directory / "gateway.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return GatewayProcess(path, env=fleet.environment())


def read_over_http(fleet: Fleet) -> list[str]:
    """The fleet's OPDs whose documents the gateway reads from the portal (not a catalog or a database)."""
    return [slug for slug, dialect in fleet.dialects.items() if dialect not in (Dialect.FILES, Dialect.SQL)]


def documents_calls(fleet: Fleet) -> dict[str, int]:
    return {slug: counts["documents"] for slug, counts in fleet.stats().items()}


async def burst(url: str, query: str, count: int) -> list[dict[str, Any]]:
    limits = httpx.Limits(max_connections=count, max_keepalive_connections=count)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        responses = await asyncio.gather(
            *(client.post("/graphql", json={"query": query}) for _ in range(count))
        )
    assert all(response.status_code == 200 for response in responses)
    return [response.json() for response in responses]


def test_a_burst_of_identical_cold_queries_reads_each_opd_once(fleet: Fleet, tmp_path: Path) -> None:
    ttl = {"ttl": {"documents": 3600, "profile": 3600, "information_list": 3600}}
    # What one query costs each OPD on a cold gateway: the reference.
    with cached_gateway(fleet, tmp_path / "one", ttl) as gateway:
        fleet.reset_stats()
        with httpx.Client(base_url=gateway.url, timeout=60) as client:
            single = graphql(client, DOCUMENTS)
        one_query = documents_calls(fleet)
    assert "errors" not in single
    assert all(one_query[slug] >= 1 for slug in read_over_http(fleet))

    with cached_gateway(fleet, tmp_path / "burst", ttl) as gateway:
        fleet.reset_stats()
        bodies = asyncio.run(burst(gateway.url, DOCUMENTS, 100))
        burst_calls = documents_calls(fleet)
    assert all("errors" not in body for body in bodies)
    assert all(body["data"] == single["data"] for body in bodies)
    assert burst_calls == one_query, "100 identical queries cost each OPD what one query costs"
    statuses = {entry["status"] for body in bodies for entry in body["extensions"]["upstreams"]}
    assert statuses <= {"OK", "CACHED"}


@pytest.fixture
def stale_gateway(fleet: Fleet, tmp_path: Path) -> Iterator[GatewayProcess]:
    """A gateway that asks the OPDs every time (TTL 0) but keeps their answers an hour for failures."""
    policy = {
        "ttl": {"documents": 0, "profile": 0, "information_list": 0},
        "stale_while_revalidate_s": 0,
        "stale_if_error_s": 3600,
    }
    with cached_gateway(fleet, tmp_path, policy) as gateway:
        yield gateway


def test_the_portal_keeps_answering_from_stale_answers_while_every_opd_is_down(
    fleet: Fleet, stale_gateway: GatewayProcess
) -> None:
    with httpx.Client(base_url=stale_gateway.url, timeout=60) as client:
        warm = graphql(client, PORTAL)
        assert "errors" not in warm
        # a WordPress site and a DMS publish no profile: SKIPPED, never an error
        no_profile = {slug for slug, d in fleet.dialects.items() if d in (Dialect.WORDPRESS, Dialect.SQL)}
        expected = {slug: "SKIPPED" if slug in no_profile else "OK" for slug in fleet.opds}
        assert statuses_by_opd(warm) == expected
        slugs = list(fleet.endpoints)
        try:
            for slug in slugs:
                fleet.set_knobs(slug, down=True)
            down = graphql(client, PORTAL)
        finally:
            fleet.reset_knobs(slugs)
    assert "errors" not in down, "stale data is data: no error"
    assert down["data"] == warm["data"]
    reported = statuses_by_opd(down)
    assert set(reported) == set(fleet.opds)
    over_http = read_over_http(fleet)
    for slug in fleet.opds:
        # a catalog file, a database, the regency's gateway: still up, asked every time (TTL 0);
        # a WordPress site has no profile to read (SKIPPED), which must not hide that its documents are STALE
        assert reported[slug] == ("STALE" if slug in over_http else expected[slug]), slug
    stale = [entry for entry in down["extensions"]["upstreams"] if entry["status"] == "STALE"]
    assert stale and all(entry["ageSeconds"] >= 0 for entry in stale)


def statuses_by_opd(body: dict[str, Any]) -> dict[str, str]:
    """Each OPD's status in the response's upstream report."""
    return {entry["opd"]: entry["status"] for entry in body["extensions"]["upstreams"]}
