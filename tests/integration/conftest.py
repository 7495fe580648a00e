"""The whole product over real sockets: the simulated fleet in its own processes,
the gateway in another, and HTTP between them."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from simulator import Dialect, Fleet
from simulator.gateway_process import GatewayProcess
from simulator.plan import make_plan

from ..conftest import PG_VARIABLE, private_postgres_database

pytestmark = pytest.mark.integration

# Short enough that a hanging OPD costs a test about a second, long enough
# that a healthy OPD on a busy two-core machine never trips it.
FAST_FEDERATION = {"opd_timeout_s": 1.5, "deadline_s": 3.0, "circuit": {"failure_threshold": 50}}
# These tests are about the engine and the OPDs: every query must reach the OPDs, whatever ran before.
# The caches have tests of their own (test_upstream_cache_over_http.py, tests/http/).
SQL_OPDS = [plan.slug for plan in make_plan() if plan.dialect is Dialect.SQL]
"""The OPDs whose documents are in a database (dpmptsp)."""
NO_CACHE = {
    "response_ttl_s": 0,
    "ttl": {"profile": 0, "information_list": 0, "documents": 0, "statistics": 0},
}


@pytest.fixture(scope="session")
def fleet() -> Iterator[Fleet]:
    """All 43 simulated Banten OPDs in three processes, and the regency's gateway over three more.

    The ``sql`` OPD's database is on PostgreSQL when ``PPID_TEST_DATABASE_URL`` is set, else a SQLite file.
    """
    admin_url = os.environ.get(PG_VARIABLE)
    with contextlib.ExitStack() as stack:
        databases = {}
        if admin_url:
            databases = {slug: stack.enter_context(private_postgres_database(admin_url)) for slug in SQL_OPDS}
        yield stack.enter_context(Fleet(processes=3, regency=True, dms_urls=databases))


def write_config(
    fleet: Fleet, directory: Path, federation: dict[str, Any], cache: dict[str, Any] | None = None
) -> Path:
    """The gateway config for ``fleet``, written to ``directory``; caches off unless ``cache`` is given."""
    config = fleet.gateway_config(directory / "catalogs", federation=federation, config_dir=directory)
    config["cache"] = NO_CACHE if cache is None else cache
    path = directory / "gateway.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def gateway(fleet: Fleet, tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayProcess]:
    """One gateway process over the whole fleet, shared by the tests that leave the fleet healthy."""
    path = write_config(fleet, tmp_path_factory.mktemp("gateway"), FAST_FEDERATION)
    with GatewayProcess(path, env=fleet.environment()) as process:
        yield process


@pytest.fixture
def client(gateway: GatewayProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gateway.url, timeout=30) as http:
        yield http


def graphql(client: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    """POST one operation and return the decoded response (asserting it is HTTP 200 JSON)."""
    response = client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
