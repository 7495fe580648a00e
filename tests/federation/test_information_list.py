"""The DIPs of many OPDs page as one list: OPD by OPD in slug order, each in its own order."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import Capability, DocumentFilter, DocumentOrder, InformationCategory
from gateway.federation import BadUserInput, Federation, OperationReport, UpstreamStatusCode

from .catalog import Catalog, connector, entry
from .conftest import EngineFactory, FakeClock
from .conftest import settings as federation_settings

BERKALA, SETIAP_SAAT = InformationCategory.BERKALA, InformationCategory.SETIAP_SAAT


async def all_entries(
    federation: Federation, firsts: list[int], category: InformationCategory | None = None
) -> tuple[list[str], set[int]]:
    ids: list[str] = []
    totals: set[int] = set()
    after = None
    for step in range(10_000):
        page = await federation.information_list(
            OperationReport(), opds=None, category=category, first=firsts[step % len(firsts)], after=after
        )
        ids += [edge.node.id for edge in page.edges]
        totals.add(page.total_count)
        if not page.has_next_page:
            return ids, totals
        after = page.end_cursor
    raise AssertionError("pagination did not end")


entry_ids = st.lists(st.text("xyz789", min_size=1, max_size=3), unique=True, max_size=25)
dips = st.builds(
    Catalog,
    entries=entry_ids.map(lambda ids: [entry(i, BERKALA if len(i) % 2 else SETIAP_SAAT) for i in ids]),
    page_size=st.one_of(st.none(), st.integers(1, 9)),
    tokens=st.sampled_from(["offset", "page"]),
    totals=st.booleans(),
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fleet=st.dictionaries(st.sampled_from(["bkd", "bpbd", "dinkes", "dinsos", "rsud"]), dips, min_size=1),
    firsts=st.lists(st.integers(1, 30), min_size=1, max_size=4),
    category=st.sampled_from([None, BERKALA, SETIAP_SAAT]),
)
def test_pages_concatenate_every_opds_dip_in_slug_order(
    fleet: dict[str, Catalog], firsts: list[int], category: InformationCategory | None
) -> None:
    expected = [
        f"{slug}:{e.local_id}"
        for slug in sorted(fleet)
        for e in fleet[slug].entries
        if category is None or e.category is category
    ]

    async def scenario() -> None:
        federation = Federation.for_connectors(
            {slug: connector(slug, c) for slug, c in fleet.items()},
            federation=federation_settings(),
            clock=FakeClock(),
        )
        ids, totals = await all_entries(federation, firsts, category)
        assert ids == expected
        assert totals == {len(expected)}

    asyncio.run(scenario())


async def test_an_opd_without_a_dip_is_skipped(engine: EngineFactory) -> None:
    no_dip = connector("bkd", Catalog([], [entry("e1")]), capabilities={Capability.DOCUMENTS})
    federation = engine({"bkd": no_dip, "dinkes": connector("dinkes", Catalog(entries=[entry("e1")]))})
    report = OperationReport()
    page = await federation.information_list(report, opds=None, category=None, first=5, after=None)
    assert [e.node.id for e in page.edges] == ["dinkes:e1"]
    outcome = report.get("bkd")
    assert outcome is not None and outcome.status is UpstreamStatusCode.SKIPPED and no_dip.calls == []


async def test_a_dip_cursor_is_refused_by_documents_and_with_another_category(engine: EngineFactory) -> None:
    federation = engine({"bkd": connector("bkd", Catalog(entries=[entry(f"e{i}") for i in range(5)]))})
    page = await federation.information_list(OperationReport(), opds=None, category=None, first=2, after=None)
    with pytest.raises(BadUserInput, match="another list"):
        await federation.documents(
            OperationReport(),
            opds=None,
            filter=DocumentFilter(),
            order=DocumentOrder.NEWEST,
            first=2,
            after=page.end_cursor,
        )
    with pytest.raises(BadUserInput, match="another filter"):
        await federation.information_list(
            OperationReport(), opds=None, category=BERKALA, first=2, after=page.end_cursor
        )
