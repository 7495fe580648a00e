"""What a client sees of the upstream cache: CACHED and STALE entries with their age, and no error."""

from __future__ import annotations

from typing import Any

from cache import MemoryCache
from connectors import MockCall, UpstreamUnavailable
from gateway.config import CacheConfig, CacheTtl, FederationConfig
from gateway.federation import Federation
from schema import GatewayContext, build_schema

from ..federation.catalog import Catalog, connector, day, doc
from ..federation.conftest import FakeClock

SCHEMA = build_schema()
POLICY = CacheConfig(
    ttl=CacheTtl(documents=60, profile=60), stale_while_revalidate_s=0, stale_if_error_s=3600
)
QUERY = "{ documents { totalCount nodes { id } } opds { slug profile { description } } }"


class Switch:
    """An OPD that answers from its catalog until it is turned off."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.down = False

    def __call__(self, call: MockCall) -> Any:
        if self.down:
            raise UpstreamUnavailable("HTTP 503 from the OPD", status_code=503)
        return self.catalog(call)


async def test_a_cached_opd_and_a_stale_one_carry_their_age_and_no_error() -> None:
    clock = FakeClock()
    dinkes = Switch(Catalog([doc("1", published=day(1))]))
    bappeda = Switch(Catalog([doc("9", published=day(2))]))
    cache = MemoryCache(clock=clock)
    federation = Federation.for_connectors(
        {"dinkes": connector("dinkes", dinkes), "bappeda": connector("bappeda", bappeda)},
        federation=FederationConfig(opd_timeout_s=1, deadline_s=2),
        cache=cache,
        cache_config=POLICY,
        clock=clock,
        wall_clock=clock,
    )
    try:
        first = await SCHEMA.execute(QUERY, context_value=GatewayContext(federation))
        assert first.errors is None
        assert first.extensions is not None
        assert [entry["status"] for entry in first.extensions["upstreams"]] == ["OK", "OK"]
        assert all("ageSeconds" not in entry for entry in first.extensions["upstreams"])

        clock.advance(30)
        cached = await SCHEMA.execute(QUERY, context_value=GatewayContext(federation))
        assert cached.errors is None and cached.data == first.data
        assert cached.extensions is not None
        assert [(e["opd"], e["status"], e["ageSeconds"]) for e in cached.extensions["upstreams"]] == [
            ("bappeda", "CACHED", 30.0),
            ("dinkes", "CACHED", 30.0),
        ]

        clock.advance(60)
        dinkes.down = True
        stale = await SCHEMA.execute(QUERY, context_value=GatewayContext(federation))
        assert stale.errors is None, "a stale OPD's data is there: it is not an error"
        assert stale.data == first.data
        assert stale.extensions is not None
        entries = {entry["opd"]: entry for entry in stale.extensions["upstreams"]}
        assert (entries["dinkes"]["status"], entries["dinkes"]["ageSeconds"]) == ("STALE", 90.0)
        assert entries["bappeda"]["status"] == "OK" and "ageSeconds" not in entries["bappeda"]
    finally:
        await federation.aclose()
        await cache.aclose()
