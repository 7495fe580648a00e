"""Each dialect over real HTTP: pagination, filters, orders, items, files, API key, and its config block."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from itertools import pairwise
from typing import Any
from urllib.parse import urljoin

import httpx
import pytest

from connectors.filtering import document_matches, order_key
from connectors.queries import DocumentFilter, DocumentOrder
from connectors.records import WIB, InformationCategory
from simulator import Dialect, Fleet
from simulator.dialects import rest_connector_block
from simulator.dialects.export import PAGE_SIZE
from simulator.dialects.laravel import CATEGORY_LABELS
from simulator.seed import OpdSeed

from .walk import DOCUMENTS_PATH, HEADERS, ids, resolve, walk

REST = [Dialect.LARAVEL, Dialect.DRF, Dialect.EXPORT]
C = InformationCategory
FILTERS = [
    DocumentFilter(categories=frozenset({C.BERKALA})),
    DocumentFilter(categories=frozenset({C.SERTA_MERTA, C.DIKECUALIKAN, C.SETIAP_SAAT})),
    DocumentFilter(year_from=2021, year_to=2023),
    DocumentFilter(year_from=2025, year_to=2030),
    DocumentFilter(query="laporan 2024"),
    DocumentFilter(query="  INFORMASI   publik "),
    DocumentFilter(query="tidak-ada-dokumen-seperti-ini"),
    DocumentFilter(categories=frozenset({C.SETIAP_SAAT}), year_from=2019, year_to=2024, query="rencana"),
    DocumentFilter(type="LAPORAN"),
]
SORTS = {
    Dialect.LARAVEL: ("sort", {DocumentOrder.NEWEST: "-diterbitkan", DocumentOrder.OLDEST: "diterbitkan"}),
    Dialect.DRF: (
        "ordering",
        {DocumentOrder.NEWEST: "-dates__published", DocumentOrder.OLDEST: "dates__published"},
    ),
}
SORTS[Dialect.LARAVEL][1][DocumentOrder.TITLE] = "judul"
SORTS[Dialect.DRF][1][DocumentOrder.TITLE] = "name"


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10.0) as client:
        yield client


def _site(fleet: Fleet, slugs: dict[Dialect, str], dialect: Dialect) -> tuple[str, OpdSeed]:
    return fleet.endpoints[slugs[dialect]], fleet.seed(slugs[dialect])


def _params(dialect: Dialect, flt: DocumentFilter) -> list[tuple[str, Any]]:
    if dialect is Dialect.LARAVEL:
        params: list[tuple[str, Any]] = [("sort", "-diterbitkan")]
        if flt.categories:
            params.append(("kategori", ",".join(CATEGORY_LABELS[c] for c in sorted(flt.categories, key=str))))
        names = {"year_from": "tahun_dari", "year_to": "tahun_sampai", "query": "q", "type": "jenis"}
    else:
        params = [("ordering", "-dates__published")]
        params += [("category", c.value.lower()) for c in flt.categories]
        names = {"year_from": "year_min", "year_to": "year_max", "query": "search"}
    for field, name in names.items():
        if getattr(flt, field) is not None:
            params.append((name, getattr(flt, field)))
    return params


@pytest.mark.parametrize("dialect", REST)
def test_pagination_visits_every_document_exactly_once(
    dialect: Dialect, dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, dialect)
    items, totals = walk(client, dialect, base + DOCUMENTS_PATH[dialect])
    got = ids(dialect, items)
    assert len(got) == len(set(got)) == len(seed.documents)
    assert set(got) == {doc.local_id for doc in seed.documents}
    assert set(totals) == {len(seed.documents)}
    if dialect is Dialect.EXPORT:
        assert len(totals) == math.ceil(len(seed.documents) / PAGE_SIZE)


@pytest.mark.parametrize(
    ("dialect", "flt"),
    # The drf dialect has no type filter: the engine applies that one.
    [(d, f) for d in (Dialect.LARAVEL, Dialect.DRF) for f in FILTERS if not (d is Dialect.DRF and f.type)],
    ids=lambda v: v.value if isinstance(v, Dialect) else ",".join(k for k in v.__slots__ if getattr(v, k)),
)
def test_pushed_down_filters_agree_with_document_matches(
    dialect: Dialect,
    flt: DocumentFilter,
    dialect_fleet: Fleet,
    dialect_slugs: dict[Dialect, str],
    client: httpx.Client,
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, dialect)
    items, totals = walk(client, dialect, base + DOCUMENTS_PATH[dialect], _params(dialect, flt))
    expected = sorted(
        (doc for doc in seed.documents if document_matches(doc, flt)),
        key=lambda doc: order_key(doc, DocumentOrder.NEWEST),
    )
    assert ids(dialect, items) == [doc.local_id for doc in expected]
    assert set(totals) == {len(expected)}
    if flt.query != "tidak-ada-dokumen-seperti-ini":
        assert expected, "the case should select something"


@pytest.mark.parametrize("dialect", [Dialect.LARAVEL, Dialect.DRF])
@pytest.mark.parametrize("order", list(DocumentOrder))
def test_upstream_orders_are_total_and_equal_order_key(
    dialect: Dialect,
    order: DocumentOrder,
    dialect_fleet: Fleet,
    dialect_slugs: dict[Dialect, str],
    client: httpx.Client,
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, dialect)
    param, values = SORTS[dialect]
    items, _ = walk(client, dialect, base + DOCUMENTS_PATH[dialect], [(param, values[order])], page_size=9)
    got = ids(dialect, items)
    assert got == [doc.local_id for doc in sorted(seed.documents, key=lambda d: order_key(d, order))]
    by_id = {doc.local_id: doc for doc in seed.documents}
    keys = [order_key(by_id[local_id], order) for local_id in got]
    assert all(a < b for a, b in pairwise(keys)), "two documents share a sort key: the order is not total"
    if order is not DocumentOrder.TITLE:
        stamps = [by_id[local_id].published_at for local_id in got]
        assert any(a == b for a, b in pairwise(stamps)), "no tie to break: the test proves nothing"
        dated = [s for s in stamps if s is not None]
        assert stamps == [*dated, *[None] * (len(stamps) - len(dated))], "undated documents come last"


def test_lists_without_an_order_come_in_each_systems_own_order(
    dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    for dialect in (Dialect.LARAVEL, Dialect.EXPORT):
        base, seed = _site(dialect_fleet, dialect_slugs, dialect)
        items, _ = walk(client, dialect, base + DOCUMENTS_PATH[dialect])
        assert ids(dialect, items) == [doc.local_id for doc in seed.documents]
    base, seed = _site(dialect_fleet, dialect_slugs, Dialect.DRF)
    items, _ = walk(client, Dialect.DRF, base + DOCUMENTS_PATH[Dialect.DRF], [("ordering", "bogus")])
    newest = sorted(seed.documents, key=lambda d: order_key(d, DocumentOrder.NEWEST))
    assert ids(Dialect.DRF, items) == [doc.local_id for doc in newest]


def test_item_endpoints_answer_one_document_or_their_own_404(
    dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, Dialect.LARAVEL)
    doc = seed.documents[3]
    answer = client.get(f"{base}/api/v1/documents/{doc.local_id}", headers=HEADERS)
    assert answer.status_code == 200
    assert answer.json()["data"]["id"] == int(doc.local_id)
    missing = client.get(f"{base}/api/v1/documents/999999", headers=HEADERS)
    assert missing.status_code == 404
    assert "message" in missing.json()

    base, seed = _site(dialect_fleet, dialect_slugs, Dialect.DRF)
    doc = seed.documents[5]
    answer = client.get(f"{base}/api/dokumen/{doc.local_id}/")
    assert (answer.status_code, answer.json()["uuid"]) == (200, doc.local_id)
    missing = client.get(f"{base}/api/dokumen/00000000-0000-4000-8000-000000000000/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})

    base, seed = _site(dialect_fleet, dialect_slugs, Dialect.EXPORT)
    assert client.get(f"{base}/export/documents/{seed.documents[0].local_id}").status_code == 404


def test_bad_parameters_are_refused_the_way_each_framework_does(
    dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    base, _ = _site(dialect_fleet, dialect_slugs, Dialect.LARAVEL)
    for params in ({"kategori": "Informasi Rahasia"}, {"sort": "tanggal"}, {"tahun_dari": "dua ribu"}):
        answer = client.get(f"{base}/api/v1/documents", params=params, headers=HEADERS)
        assert answer.status_code == 422
        assert set(answer.json()) == {"message", "errors"}
    base, _ = _site(dialect_fleet, dialect_slugs, Dialect.DRF)
    answer = client.get(f"{base}/api/dokumen/", params={"category": "rahasia"})
    assert answer.status_code == 400
    assert list(answer.json()) == ["category"]
    base, _ = _site(dialect_fleet, dialect_slugs, Dialect.EXPORT)
    assert client.get(f"{base}/export/documents.json", params={"cursor": "!!"}).status_code == 400


def _instant(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


@pytest.mark.parametrize("dialect", REST)
def test_the_rendered_connector_block_reads_every_document_field_exactly(
    dialect: Dialect, dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, dialect)
    block = rest_connector_block(dialect, base)["documents"]
    fields, values = block["fields"], block["values"]
    items, _ = walk(client, dialect, base + block["list"]["path"])
    assert items
    for item in items:
        doc = seed.document(str(resolve(item, fields["id"])))
        assert doc is not None
        assert resolve(item, fields["title"]) == doc.title
        assert values["category"][resolve(item, fields["category"])] == doc.category.name
        assert resolve(item, fields["summary"]) == doc.summary
        assert resolve(item, fields["type"]) == doc.type
        assert resolve(item, fields["year"]) == doc.year
        assert _instant(resolve(item, fields["published_at"])) == doc.published_at
        assert _instant(resolve(item, fields["updated_at"])) == doc.updated_at
        assert resolve(item, fields["source_url"]) == doc.source_url
        ground = resolve(item, fields["exemption_ground"])
        assert (values["exemption_ground"][ground] if ground else None) == (
            doc.exemption_ground.name if doc.exemption_ground else None
        )
        served = seed.files.get(doc.local_id)
        file_url = resolve(item, fields["file_url"])
        if served is None:
            assert file_url is None
        else:
            assert urljoin(base + "/", file_url) == f"{base}/{served.path}"
            assert resolve(item, fields["size_bytes"]) == served.size_bytes
            assert resolve(item, fields["mime_type"]) == "application/pdf"


@pytest.mark.parametrize("dialect", REST)
def test_the_rendered_connector_block_reads_the_dip_exactly(
    dialect: Dialect, dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, dialect)
    block = rest_connector_block(dialect, base)["information_list"]
    fields, categories = block["fields"], block["values"]["category"]
    items, totals = walk(client, dialect, base + block["list"]["path"], page_size=11)
    assert len(items) == len(seed.information_list)
    assert set(totals) <= {len(seed.information_list), None}
    for item, entry in zip(items, seed.information_list, strict=True):
        assert str(resolve(item, fields["id"])) == entry.local_id
        assert resolve(item, fields["title"]) == entry.title
        assert categories[resolve(item, fields["category"])] == entry.category.name
        for name in ("number", "summary", "holding_unit", "responsible_official", "made_at", "year"):
            assert resolve(item, fields[name]) == getattr(entry, name)
        assert resolve(item, fields["retention_period"]) == entry.retention_period
        formats = resolve(item, fields["formats"])
        formats = [f.strip() for f in formats.split(",")] if isinstance(formats, str) else formats
        assert tuple(formats) == entry.formats
        linked = resolve(item, fields["document_id"])
        assert (str(linked) if linked is not None else None) == entry.document_local_id


@pytest.mark.parametrize("dialect", REST)
def test_the_rendered_connector_block_reads_the_profile_and_menu_exactly(
    dialect: Dialect, dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, dialect)
    block = rest_connector_block(dialect, base)["profile"]
    answer = client.get(base + block["path"], headers=HEADERS)
    assert answer.status_code == 200
    body = resolve(answer.json(), block.get("root", ""))
    profile, contact = seed.profile, seed.profile.contact
    assert contact is not None
    expected = {
        "description": profile.description,
        "vision": profile.vision,
        "mission": profile.mission,
        "tasks": profile.tasks,
        "service_statement": profile.service_statement,
        "structure_url": profile.structure_url,
        "contact_name": contact.name,
        "contact_email": contact.email,
        "contact_phone": contact.phone,
        "contact_address": contact.address,
        "office_hours": contact.office_hours,
    }
    for name, value in expected.items():
        assert resolve(body, block["fields"][name]) == value, name
    assert _instant(resolve(body, block["fields"]["updated_at"])) == profile.updated_at
    menu = block["menu"]
    got = [
        (
            menu["values"][resolve(entry, menu["section"])],
            resolve(entry, menu["available"]) if menu.get("available") else True,
            resolve(entry, menu["url"]),
            _instant(resolve(entry, menu["updated_at"])),
        )
        for entry in resolve(body, menu["items"])
    ]
    listed = [m for m in profile.menu if m.available or menu.get("available")]
    assert got == [(m.section.name, m.available, m.url, m.updated_at) for m in listed]


@pytest.mark.parametrize("dialect", REST)
def test_a_leaked_exempt_document_still_links_a_file_that_is_served(
    dialect: Dialect, dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, dialect)
    fields = rest_connector_block(dialect, base)["documents"]["fields"]
    items, _ = walk(client, dialect, base + DOCUMENTS_PATH[dialect])
    by_id = {str(resolve(item, fields["id"])): item for item in items}
    for local_id in seed.leaked_exempt_ids:
        link = resolve(by_id[local_id], fields["file_url"])
        assert link is not None
        download = client.get(urljoin(base + "/", link))
        assert download.status_code == 200
        assert download.content.startswith(b"%PDF-")


def test_the_dip_of_the_laravel_dialect_filters_by_category_label(
    dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, Dialect.LARAVEL)
    params = {"kategori": CATEGORY_LABELS[C.SETIAP_SAAT]}
    items, totals = walk(client, Dialect.LARAVEL, f"{base}/api/v1/dip", params)
    expected = [e.local_id for e in seed.information_list if e.category is C.SETIAP_SAAT]
    assert [str(item["id"]) for item in items] == expected
    assert set(totals) == {len(expected)}


def test_files_are_exact_pdfs_and_a_files_opd_serves_nothing_else(
    dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    base, seed = _site(dialect_fleet, dialect_slugs, Dialect.FILES)
    served = next(iter(seed.files.values()))
    download = client.get(f"{base}/{served.path}")
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/pdf"
    assert len(download.content) == int(download.headers["content-length"]) == served.size_bytes
    assert client.get(f"{base}/files/no-such-document.pdf").status_code == 404
    assert client.get(f"{base}/api/v1/documents").status_code == 404
    without_file = [d for d in seed.documents if d.local_id not in seed.files]
    if without_file:
        assert client.get(f"{base}/files/{without_file[0].local_id}.pdf").status_code == 404


def test_an_opd_with_auth_wants_the_api_key_except_for_its_files(
    dialect_fleet: Fleet, dialect_slugs: dict[Dialect, str], client: httpx.Client
) -> None:
    slug = dialect_slugs[Dialect.LARAVEL]
    assert dialect_fleet.auth == {slug}
    base, seed = _site(dialect_fleet, dialect_slugs, Dialect.LARAVEL)
    refused = client.get(f"{base}/api/v1/profil")
    assert (refused.status_code, refused.json()) == (401, {"message": "Unauthenticated."})
    wrong = client.get(f"{base}/api/v1/profil", headers={"X-API-Key": "tebakan"})
    assert wrong.status_code == 401
    assert client.get(f"{base}/api/v1/profil", headers=HEADERS).status_code == 200
    assert client.get(f"{base}/{next(iter(seed.files.values())).path}").status_code == 200
    other, _ = _site(dialect_fleet, dialect_slugs, Dialect.DRF)
    assert client.get(f"{other}/api/ppid/").status_code == 200
