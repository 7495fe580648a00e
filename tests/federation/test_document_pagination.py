"""Cross-OPD pagination of documents is exact and stable, whatever the OPDs and the page sizes."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import (
    Document,
    DocumentFilter,
    DocumentOrder,
    InformationCategory,
    Pushdown,
    document_matches,
    order_key,
)
from gateway.federation import Federation, OperationReport

from .catalog import Catalog, connector, day, doc
from .conftest import FakeClock
from .conftest import settings as federation_settings

SLUGS = ["bappeda", "bkd", "bpbd", "dinkes", "dindikbud", "diskominfo", "dpmptsp", "rsud-banten", "satpolpp"]
TITLES = ["Laporan Keuangan", "laporan keuangan", "Rencana Kerja", "SOP Layanan Informasi", "Ábaca", "Daftar"]
TYPES = [None, "Laporan", "SOP", "laporan"]
DATES: list[dt.datetime | None] = [None, day(0), day(0), day(3), day(40), day(40) + dt.timedelta(hours=1)]
YEARS = [None, 2019, 2021, 2024]
QUERIES = [None, "laporan", "keuangan laporan", "sop", "abaca", "xyz"]


@dataclass
class Fleet:
    catalogs: dict[str, Catalog]

    def engine(self) -> Federation:
        connectors = {slug: connector(slug, catalog) for slug, catalog in self.catalogs.items()}
        return Federation.for_connectors(connectors, federation=federation_settings(), clock=FakeClock())

    def expected(self, flt: DocumentFilter, order: DocumentOrder) -> list[str]:
        found = [
            (order_key(d, order)[:-1], slug, d.local_id)
            for slug, catalog in self.catalogs.items()
            for d in catalog.documents
            if document_matches(d, flt)
        ]
        return [f"{slug}:{local_id}" for _, slug, local_id in sorted(found)]


@st.composite
def documents(draw: st.DrawFn) -> list[Document]:
    ids = draw(st.lists(st.text("abc123", min_size=1, max_size=3), unique=True, max_size=60))
    return [
        doc(
            local_id,
            draw(st.sampled_from(TITLES)),
            category=draw(st.sampled_from(list(InformationCategory))),
            published=draw(st.sampled_from(DATES)),
            year=draw(st.sampled_from(YEARS)),
            type=draw(st.sampled_from(TYPES)),
        )
        for local_id in ids
    ]


EVERY_ORDER = frozenset(order.value for order in DocumentOrder)
pushdowns = st.one_of(
    st.just(Pushdown(query=True, categories=True, years=True, type=True, orders=EVERY_ORDER)),
    st.just(Pushdown()),
    st.builds(
        Pushdown,
        query=st.booleans(),
        categories=st.booleans(),
        years=st.booleans(),
        type=st.booleans(),
        orders=st.frozensets(st.sampled_from(sorted(EVERY_ORDER))),
    ),
)

catalogs = st.builds(
    Catalog,
    documents=documents(),
    pushdown=pushdowns,
    page_size=st.one_of(st.none(), st.integers(1, 25)),
    tokens=st.sampled_from(["offset", "page"]),
    totals=st.booleans(),
)


@st.composite
def fleets(draw: st.DrawFn) -> Fleet:
    slugs = draw(st.lists(st.sampled_from(SLUGS), min_size=1, max_size=8, unique=True))
    return Fleet({slug: draw(catalogs) for slug in slugs})


filters = st.one_of(
    st.just(DocumentFilter()),
    st.builds(DocumentFilter, query=st.sampled_from(QUERIES)),
    st.builds(
        DocumentFilter, categories=st.frozensets(st.sampled_from(list(InformationCategory)), max_size=2)
    ),
    st.builds(
        DocumentFilter,
        categories=st.frozensets(st.sampled_from(list(InformationCategory)), max_size=2),
        year_from=st.sampled_from([None, 2020]),
        year_to=st.sampled_from([None, 2023, 2024]),
        query=st.sampled_from(QUERIES),
        type=st.sampled_from(TYPES),
    ),
)

firsts = st.lists(st.one_of(st.integers(1, 12), st.integers(13, 40), st.just(100)), min_size=1, max_size=6)


async def page_through(
    federation: Federation,
    flt: DocumentFilter,
    order: DocumentOrder,
    first_sizes: Sequence[int],
    opds: Sequence[str] | None = None,
) -> tuple[list[str], set[int]]:
    seen: list[str] = []
    totals: set[int] = set()
    after: str | None = None
    for step in range(10_000):
        page = await federation.documents(
            OperationReport(),
            opds=opds,
            filter=flt,
            order=order,
            first=first_sizes[step % len(first_sizes)],
            after=after,
        )
        totals.add(page.total_count)
        seen.extend(edge.node.id for edge in page.edges)
        assert len(page.edges) <= first_sizes[step % len(first_sizes)]
        if not page.has_next_page:
            assert after is None or page.edges or page.total_count == len(seen)
            return seen, totals
        assert page.edges, "a page with a next page is never empty"
        after = page.end_cursor
    raise AssertionError("pagination did not end")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fleet=fleets(), flt=filters, order=st.sampled_from(list(DocumentOrder)), first_sizes=firsts)
def test_pages_concatenate_to_the_sorted_union_of_every_opd(
    fleet: Fleet, flt: DocumentFilter, order: DocumentOrder, first_sizes: list[int]
) -> None:
    async def scenario() -> None:
        federation = fleet.engine()
        seen, totals = await page_through(federation, flt, order, first_sizes)
        expected = fleet.expected(flt, order)
        assert seen == expected
        assert totals == {len(expected)}

    asyncio.run(scenario())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fleet=fleets(),
    flt=filters,
    order=st.sampled_from(list(DocumentOrder)),
    first=st.integers(1, 30),
    pick=st.integers(0, 10_000),
    then=st.integers(1, 30),
)
def test_every_edge_cursor_continues_right_after_its_edge(
    *, fleet: Fleet, flt: DocumentFilter, order: DocumentOrder, first: int, pick: int, then: int
) -> None:
    async def scenario() -> None:
        federation = fleet.engine()
        expected = fleet.expected(flt, order)
        page = await federation.documents(
            OperationReport(), opds=None, filter=flt, order=order, first=first, after=None
        )
        if not page.edges:
            assert expected == []
            return
        k = pick % len(page.edges)
        rest = await federation.documents(
            OperationReport(), opds=None, filter=flt, order=order, first=then, after=page.edges[k].cursor
        )
        assert [edge.node.id for edge in rest.edges] == expected[k + 1 : k + 1 + then]

    asyncio.run(scenario())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fleet=fleets(), order=st.sampled_from(list(DocumentOrder)), first_sizes=firsts, data=st.data())
def test_a_selection_of_opds_pages_through_their_documents_only(
    fleet: Fleet, order: DocumentOrder, first_sizes: list[int], data: st.DataObject
) -> None:
    chosen = data.draw(st.lists(st.sampled_from(sorted(fleet.catalogs)), min_size=1, unique=True))
    subset = Fleet({slug: fleet.catalogs[slug] for slug in chosen})

    async def scenario() -> None:
        seen, _ = await page_through(fleet.engine(), DocumentFilter(), order, first_sizes, opds=chosen)
        assert seen == subset.expected(DocumentFilter(), order)

    asyncio.run(scenario())
