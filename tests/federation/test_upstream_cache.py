"""The engine reuses OPD answers: fresh hits, stale-while-revalidate, stale-on-error, single-flight.

Every policy runs on a fake clock (the engine's wall clock, the breakers'
clock and the memory cache's clock are one), on the memory cache, and on
Redis when ``PPID_TEST_REDIS_URL`` is set.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import pytest

from cache import Cache, CacheUnavailable, MemoryCache, Missing, RedisCache
from connectors import (
    Connector,
    DocumentFilter,
    DocumentOrder,
    MockCall,
    MockConnector,
    OpdProfile,
    Pushdown,
    UpstreamUnavailable,
)
from gateway.config import CacheConfig, CacheTtl, CircuitConfig
from gateway.federation import BadUserInput, Federation, OperationReport, UpstreamStatusCode
from gateway.federation.reusable import PROFILE

from ..conftest import TestRedis
from .catalog import Catalog, connector, day, doc, entry
from .conftest import FakeClock, settings

NEWEST = DocumentOrder.NEWEST
TTL = 60.0
REVALIDATE = 30.0
KEEP = 600.0
POLICY = CacheConfig(
    ttl=CacheTtl(profile=TTL, information_list=TTL, documents=TTL),
    stale_while_revalidate_s=REVALIDATE,
    stale_if_error_s=KEEP,
)
STREAMS = Pushdown(orders=frozenset({"NEWEST"}))


class Upstream:
    """An OPD whose answers a test can change, hold back (``gate``) or make fail, while the engine runs."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.failure: Exception | None = None
        self.hang = False
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()

    async def __call__(self, call: MockCall) -> Any:
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.hang:
            await asyncio.Event().wait()
        if self.failure is not None:
            raise self.failure
        return self.catalog(call)


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest, clock: FakeClock) -> AsyncIterator[Cache]:
    """An empty cache of each backend; the memory one expires entries on the test's clock."""
    cache: Cache
    if request.param == "memory":
        cache = MemoryCache(clock=clock)
    else:
        redis: TestRedis = request.getfixturevalue("test_redis")
        cache = RedisCache(redis.url, key_prefix=f"{redis.key_prefix}-{secrets.token_hex(4)}")
    try:
        yield cache
    finally:
        await cache.delete_prefix("")
        await cache.aclose()


CachedEngine = Callable[..., Federation]


@pytest.fixture
async def cached(clock: FakeClock, store: Cache) -> AsyncIterator[CachedEngine]:
    """``cached(connectors, policy=POLICY, **settings)``: an engine reusing answers through ``store``."""
    made: list[Federation] = []

    def make(
        connectors: Mapping[str, Connector], policy: CacheConfig = POLICY, **overrides: Any
    ) -> Federation:
        federation = Federation.for_connectors(
            connectors,
            federation=settings(**overrides),
            clock=clock,
            cache=store,
            cache_config=policy,
            wall_clock=clock,
        )
        made.append(federation)
        return federation

    yield make
    for federation in made:
        await federation.aclose()


def fleet() -> tuple[dict[str, Upstream], dict[str, MockConnector]]:
    """``bkd`` streams its documents; ``dinkes`` pushes nothing down and pages by 2 (3 pages)."""
    upstreams = {
        "bkd": Upstream(Catalog([doc(f"k{i}", published=day(i)) for i in range(3)], pushdown=STREAMS)),
        "dinkes": Upstream(Catalog([doc(f"d{i}", published=day(10 + i)) for i in range(5)], page_size=2)),
    }
    connectors = {
        slug: connector(slug, upstream, pushdown=upstream.catalog.pushdown)
        for slug, upstream in upstreams.items()
    }
    return upstreams, connectors


def calls(connectors: Mapping[str, MockConnector], operation: str = "list_documents") -> dict[str, int]:
    return {slug: sum(call.operation == operation for call in c.calls) for slug, c in connectors.items()}


async def documents(federation: Federation, report: OperationReport | None = None) -> list[str]:
    page = await federation.documents(
        report if report is not None else OperationReport(),
        opds=None,
        filter=DocumentFilter(),
        order=NEWEST,
        first=20,
        after=None,
    )
    return [edge.node.id for edge in page.edges]


def statuses(report: OperationReport) -> dict[str, UpstreamStatusCode]:
    return {outcome.opd: outcome.status for outcome in report.outcomes()}


def ages(report: OperationReport) -> dict[str, float | None]:
    return {outcome.opd: outcome.age_s for outcome in report.outcomes()}


FIRST_IDS = ["dinkes:d4", "dinkes:d3", "dinkes:d2", "dinkes:d1", "dinkes:d0", "bkd:k2", "bkd:k1", "bkd:k0"]


def publish_new_documents(upstreams: Mapping[str, Upstream]) -> list[str]:
    """Every OPD publishes one more document; the ids the next fetched page shows."""
    upstreams["bkd"].catalog.documents = [*upstreams["bkd"].catalog.documents, doc("k9", published=day(30))]
    upstreams["dinkes"].catalog.documents = [
        *upstreams["dinkes"].catalog.documents,
        doc("d9", published=day(20)),
    ]
    return ["bkd:k9", "dinkes:d9", *FIRST_IDS]


# -- fresh answers -------------------------------------------------------------------------


async def test_a_fresh_answer_is_served_from_the_cache_without_calling_the_opd(
    cached: CachedEngine, clock: FakeClock
) -> None:
    _, connectors = fleet()
    federation = cached(connectors)
    first = OperationReport()
    assert await documents(federation, first) == FIRST_IDS
    assert statuses(first) == {"bkd": UpstreamStatusCode.OK, "dinkes": UpstreamStatusCode.OK}
    assert calls(connectors) == {"bkd": 1, "dinkes": 3}

    clock.advance(TTL - 1)
    again = OperationReport()
    assert await documents(federation, again) == FIRST_IDS
    assert calls(connectors) == {"bkd": 1, "dinkes": 3}, "no call while the answers are fresh"
    assert statuses(again) == {"bkd": UpstreamStatusCode.CACHED, "dinkes": UpstreamStatusCode.CACHED}
    assert ages(again) == {"bkd": TTL - 1, "dinkes": TTL - 1}
    assert again.failures() == []


async def test_a_hit_leaves_the_circuit_breaker_alone(cached: CachedEngine, clock: FakeClock) -> None:
    _, connectors = fleet()
    federation = cached(connectors)
    await documents(federation)
    breaker = federation.circuit("bkd")
    assert breaker is not None
    for _ in range(3):
        breaker.failed("down")
    clock.advance(31)  # past reset_after_s: the next call would be the breaker's one probe
    assert breaker.state.value == "HALF_OPEN"

    report = OperationReport()
    assert await documents(federation, report) == FIRST_IDS
    assert statuses(report)["bkd"] is UpstreamStatusCode.CACHED
    assert breaker.failures == 3 and breaker.state.value == "HALF_OPEN"
    assert breaker.try_acquire(), "the probe slot is still free for a real call"


async def test_profiles_single_documents_and_information_lists_are_reused(
    cached: CachedEngine, clock: FakeClock
) -> None:
    catalog = Catalog(
        [doc("k1"), doc("k2")],
        entries=[entry("e1"), entry("e2")],
        profile=OpdProfile(description="PPID BKD"),
    )
    bkd = connector("bkd", catalog)
    federation = cached({"bkd": bkd})

    async def read_all() -> OperationReport:
        report = OperationReport()
        assert await federation.profiles(report, ["bkd"]) == [OpdProfile(description="PPID BKD")]
        found = await federation.document(report, "bkd:k2")
        assert found is not None and found.id == "bkd:k2"
        assert await federation.document(report, "bkd:nope") is None
        for category in (None, catalog.entries[0].category):
            page = await federation.information_list(
                report, opds=["bkd"], category=category, first=10, after=None
            )
            assert [edge.node.id for edge in page.edges] == ["bkd:e1", "bkd:e2"]
        return report

    await read_all()
    made = len(bkd.calls)
    assert {call.operation for call in bkd.calls} == {"profile", "get_document", "information_list"}
    clock.advance(5)
    report = await read_all()
    assert len(bkd.calls) == made, "the second round is served from the cache"
    assert statuses(report) == {"bkd": UpstreamStatusCode.CACHED}
    assert ages(report) == {"bkd": 5}


async def test_empty_answers_are_cached_like_any_other(cached: CachedEngine) -> None:
    empty = connector("bkd", Catalog([], pushdown=STREAMS))
    federation = cached({"bkd": empty})
    for _ in range(2):
        assert await documents(federation) == []
        assert await federation.document(OperationReport(), "bkd:nothing") is None
    assert calls({"bkd": empty}) == {"bkd": 1}
    assert calls({"bkd": empty}, "get_document") == {"bkd": 1}


async def test_the_health_probe_always_asks_the_opd(cached: CachedEngine) -> None:
    bkd = connector("bkd", Catalog([doc("k1")]))
    federation = cached({"bkd": bkd})
    for _ in range(2):
        [health] = await federation.upstream_health()
        assert health.status is UpstreamStatusCode.OK
    assert calls({"bkd": bkd}, "profile") == {"bkd": 2}


# -- stale while revalidate ----------------------------------------------------------------


async def test_an_expired_answer_is_served_at_once_while_one_refresh_runs(
    cached: CachedEngine, clock: FakeClock
) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors)
    await documents(federation)
    fresh_ids = publish_new_documents(upstreams)
    gate = asyncio.Event()
    for upstream in upstreams.values():
        upstream.gate = gate  # every OPD holds its answers back until the gate opens
    clock.advance(TTL + 1)

    reports = [OperationReport() for _ in range(5)]
    pages = await asyncio.gather(*(documents(federation, report) for report in reports))
    assert pages == [FIRST_IDS] * 5, "served at once, while the OPDs are held back"
    for report in reports:
        assert statuses(report) == {"bkd": UpstreamStatusCode.CACHED, "dinkes": UpstreamStatusCode.CACHED}
        assert ages(report) == {"bkd": TTL + 1, "dinkes": TTL + 1}
    upstream_cache = federation.upstream_cache
    assert upstream_cache is not None and upstream_cache.flights == 2, "one refresh per answer"

    gate.set()
    await upstream_cache.settle()
    assert calls(connectors) == {"bkd": 2, "dinkes": 3 + 3}, "each answer was refreshed once"
    report = OperationReport()
    assert await documents(federation, report) == fresh_ids
    assert statuses(report) == {"bkd": UpstreamStatusCode.CACHED, "dinkes": UpstreamStatusCode.CACHED}
    assert ages(report) == {"bkd": 0, "dinkes": 0}


async def test_an_answer_past_the_revalidation_window_is_fetched_before_answering(
    cached: CachedEngine, clock: FakeClock
) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors)
    await documents(federation)
    fresh_ids = publish_new_documents(upstreams)
    clock.advance(TTL + REVALIDATE + 1)
    report = OperationReport()
    assert await documents(federation, report) == fresh_ids
    assert statuses(report) == {"bkd": UpstreamStatusCode.OK, "dinkes": UpstreamStatusCode.OK}
    assert ages(report) == {"bkd": None, "dinkes": None}


# -- stale on error ------------------------------------------------------------------------


@pytest.mark.parametrize("failure", ["error", "timeout", "open circuit"])
async def test_an_opd_that_fails_is_answered_from_its_expired_answer_marked_stale(
    cached: CachedEngine, clock: FakeClock, failure: str
) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors, opd_timeout_s=0.05)
    await documents(federation)
    publish_new_documents(upstreams)
    age = TTL + REVALIDATE + 100
    clock.advance(age)
    before = calls(connectors)
    for slug, upstream in upstreams.items():
        if failure == "error":
            upstream.failure = UpstreamUnavailable("503 from the OPD", status_code=503)
        elif failure == "timeout":
            upstream.hang = True
        else:
            breaker = federation.circuit(slug)
            assert breaker is not None
            for _ in range(3):
                breaker.failed("down")

    report = OperationReport()
    assert await documents(federation, report) == FIRST_IDS, "the kept answers, not an empty page"
    assert statuses(report) == {"bkd": UpstreamStatusCode.STALE, "dinkes": UpstreamStatusCode.STALE}
    assert ages(report) == {"bkd": age, "dinkes": age}
    assert report.failures() == [], "the data is there: no error for the client"
    if failure == "open circuit":
        assert calls(connectors) == before, "an open circuit is not called, even to refresh"


async def test_an_answer_older_than_the_stale_window_is_not_served(
    cached: CachedEngine, clock: FakeClock
) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors)
    await documents(federation)
    clock.advance(TTL + KEEP + 1)
    upstreams["bkd"].failure = UpstreamUnavailable("503 from the OPD", status_code=503)
    report = OperationReport()
    assert await documents(federation, report) == [i for i in FIRST_IDS if i.startswith("dinkes")]
    assert statuses(report) == {"bkd": UpstreamStatusCode.ERROR, "dinkes": UpstreamStatusCode.OK}
    assert [outcome.opd for outcome in report.failures()] == ["bkd"]


async def test_failures_are_never_cached(cached: CachedEngine) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors)
    upstreams["bkd"].failure = UpstreamUnavailable("503 from the OPD", status_code=503)
    report = OperationReport()
    await documents(federation, report)
    assert statuses(report)["bkd"] is UpstreamStatusCode.ERROR

    upstreams["bkd"].failure = None
    report = OperationReport()
    assert await documents(federation, report) == FIRST_IDS
    assert statuses(report)["bkd"] is UpstreamStatusCode.OK
    assert calls(connectors)["bkd"] == 2, "the OPD was asked again: its failure was not kept"


# -- keys: shapes and invalidation ---------------------------------------------------------


async def test_an_entry_of_another_shape_is_never_read(cached: CachedEngine, store: Cache) -> None:
    bkd = connector("bkd", Catalog([], profile=OpdProfile(description="baru")))
    federation = cached({"bkd": bkd})
    # What a release with another profile shape might have left under this release's key.
    old = b'{"stored_at":1000,"fresh_until":999999,"payload":{"deskripsi":"lama"}}'
    await store.set(PROFILE.key("bkd", None), old, ttl=3600)

    report = OperationReport()
    assert await federation.profiles(report, ["bkd"]) == [OpdProfile(description="baru")]
    assert statuses(report) == {"bkd": UpstreamStatusCode.OK}
    assert await federation.profiles(OperationReport(), ["bkd"]) == [OpdProfile(description="baru")]
    assert calls({"bkd": bkd}, "profile") == {"bkd": 1}, "the unreadable entry was replaced"


async def test_invalidation_drops_one_opds_answers_or_every_opds(cached: CachedEngine) -> None:
    _, connectors = fleet()
    federation = cached(connectors)
    await documents(federation)
    await federation.profiles(OperationReport(), ["bkd", "dinkes"])

    assert await federation.invalidate("bkd") == 2  # its page of documents and its profile
    report = OperationReport()
    await documents(federation, report)
    assert statuses(report) == {"bkd": UpstreamStatusCode.OK, "dinkes": UpstreamStatusCode.CACHED}
    assert calls(connectors) == {"bkd": 2, "dinkes": 3}

    assert await federation.invalidate(None) == 3  # both OPDs' documents, and dinkes's profile
    report = OperationReport()
    await documents(federation, report)
    assert statuses(report) == {"bkd": UpstreamStatusCode.OK, "dinkes": UpstreamStatusCode.OK}
    with pytest.raises(BadUserInput, match="unknown OPD slug 'nope'"):
        await federation.invalidate("nope")


async def test_an_answer_fetched_across_an_invalidation_is_not_kept(cached: CachedEngine) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors)
    gate = asyncio.Event()
    upstreams["bkd"].gate = gate
    waiting = asyncio.ensure_future(documents(federation))
    await upstreams["bkd"].entered.wait()
    await federation.invalidate("bkd")  # the OPD changed while the gateway was reading it
    gate.set()
    assert await waiting == FIRST_IDS, "the caller waiting still gets its answer"

    report = OperationReport()
    await documents(federation, report)
    assert statuses(report)["bkd"] is UpstreamStatusCode.OK, "read again, not taken from the cache"
    assert calls(connectors)["bkd"] == 2


async def test_an_engine_without_a_cache_invalidates_nothing(engine: Callable[..., Federation]) -> None:
    federation = engine({"bkd": connector("bkd", Catalog([doc("k1")]))})
    assert federation.upstream_cache is None
    assert await federation.invalidate("bkd") == 0


# -- single flight -------------------------------------------------------------------------


async def test_concurrent_identical_cold_queries_make_one_upstream_read_per_opd(cached: CachedEngine) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors, concurrency=4)
    gate = asyncio.Event()
    for upstream in upstreams.values():
        upstream.gate = gate
    reports = [OperationReport() for _ in range(100)]
    queries = [asyncio.ensure_future(documents(federation, report)) for report in reports]
    for upstream in upstreams.values():
        await upstream.entered.wait()
    gate.set()
    assert await asyncio.gather(*queries) == [FIRST_IDS] * 100
    assert calls(connectors) == {"bkd": 1, "dinkes": 3}, "one page for bkd, one reading of dinkes's 3 pages"
    assert all(report.failures() == [] for report in reports)


async def test_a_caller_that_gives_up_does_not_fail_the_others(cached: CachedEngine) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors)
    gate = asyncio.Event()
    upstreams["bkd"].gate = gate
    first = asyncio.ensure_future(documents(federation))
    await upstreams["bkd"].entered.wait()
    second = asyncio.ensure_future(documents(federation))
    await asyncio.sleep(0)  # let the second caller join the flight under way
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    gate.set()
    assert await second == FIRST_IDS
    again = OperationReport()
    assert await documents(federation, again) == FIRST_IDS
    assert statuses(again)["bkd"] is UpstreamStatusCode.CACHED, "the shared answer was kept"
    assert calls(connectors)["bkd"] == 1


async def test_a_shared_call_keeps_the_per_opd_timeout(cached: CachedEngine) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors, opd_timeout_s=0.05)
    upstreams["bkd"].hang = True
    reports = [OperationReport() for _ in range(3)]
    await asyncio.gather(*(documents(federation, report) for report in reports))
    for report in reports:
        bkd = report.get("bkd")
        assert bkd is not None and bkd.status is UpstreamStatusCode.TIMEOUT
        assert bkd.message == "no answer within 0.05 s"
    assert calls(connectors)["bkd"] == 1
    upstream_cache = federation.upstream_cache
    assert upstream_cache is not None and upstream_cache.flights == 0


async def test_closing_the_engine_cancels_its_flights(cached: CachedEngine) -> None:
    upstreams, connectors = fleet()
    federation = cached({"bkd": connectors["bkd"]})
    upstreams["bkd"].gate = asyncio.Event()  # never opened
    report = OperationReport()
    waiting = asyncio.ensure_future(documents(federation, report))
    await upstreams["bkd"].entered.wait()
    await federation.aclose()
    assert await waiting == []
    bkd = report.get("bkd")
    assert bkd is not None and bkd.status is UpstreamStatusCode.ERROR
    assert bkd.message == "not answered: the gateway is shutting down"
    upstream_cache = federation.upstream_cache
    assert upstream_cache is not None and upstream_cache.flights == 0

    report = OperationReport()
    assert await documents(federation, report) == [], "a closed engine starts no new work"
    assert statuses(report) == {"bkd": UpstreamStatusCode.ERROR}
    assert calls(connectors)["bkd"] == 1


# -- the cache's own failures ---------------------------------------------------------------


class Unreachable(Cache):
    """A cache whose server never answers."""

    async def get(self, key: str) -> bytes | Missing:
        raise CacheUnavailable("connection refused")

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        raise CacheUnavailable("connection refused")

    async def delete(self, key: str) -> bool:
        raise CacheUnavailable("connection refused")

    async def delete_prefix(self, prefix: str) -> int:
        raise CacheUnavailable("connection refused")

    async def ping(self) -> None:
        raise CacheUnavailable("connection refused")


async def test_a_cache_that_does_not_answer_costs_calls_never_answers(clock: FakeClock) -> None:
    _, connectors = fleet()
    federation = Federation.for_connectors(
        connectors, federation=settings(), clock=clock, cache=Unreachable(), cache_config=POLICY
    )
    try:
        for _ in range(2):
            report = OperationReport()
            assert await documents(federation, report) == FIRST_IDS
            assert statuses(report) == {"bkd": UpstreamStatusCode.OK, "dinkes": UpstreamStatusCode.OK}
        assert calls(connectors) == {"bkd": 2, "dinkes": 6}
    finally:
        await federation.aclose()


async def test_a_refresh_respects_the_circuit_breaker(cached: CachedEngine, clock: FakeClock) -> None:
    upstreams, connectors = fleet()
    federation = cached(connectors, circuit=CircuitConfig(failure_threshold=2, reset_after_s=300))
    await documents(federation)
    upstreams["bkd"].failure = UpstreamUnavailable("down")
    upstream_cache = federation.upstream_cache
    assert upstream_cache is not None
    clock.advance(TTL + 1)
    seen = []
    for _ in range(4):  # each expired hit starts a refresh; two failures open the circuit
        report = OperationReport()
        assert await documents(federation, report) == FIRST_IDS
        seen.append(statuses(report)["bkd"])
        await upstream_cache.settle()
    assert seen == [UpstreamStatusCode.CACHED] + [UpstreamStatusCode.STALE] * 3, "STALE once a refresh failed"
    breaker = federation.circuit("bkd")
    assert breaker is not None and breaker.state.value == "OPEN"
    assert calls(connectors)["bkd"] == 1 + 2, "refreshes stopped calling once the circuit opened"


async def test_an_entry_rewritten_by_another_replica_is_read_anew(cached: CachedEngine, store: Cache) -> None:
    """Entries are kept decoded in the process, but only while their stored bytes stay the same."""
    bkd = connector("bkd", Catalog([], profile=OpdProfile(description="lama")))
    federation = cached({"bkd": bkd})
    [first] = await federation.profiles(OperationReport(), ["bkd"])
    [again] = await federation.profiles(OperationReport(), ["bkd"])
    assert again is first  # read back without decoding it again
    # another replica refreshed the entry in the shared cache
    newer = PROFILE.encode(OpdProfile(description="baru"), stored_at=1_000_000.0, fresh_until=9e12)
    await store.set(PROFILE.key("bkd", None), newer, ttl=3600)
    assert await federation.profiles(OperationReport(), ["bkd"]) == [OpdProfile(description="baru")]
    assert calls({"bkd": bkd}, "profile") == {"bkd": 1}
