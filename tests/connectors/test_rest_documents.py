"""The rest connector maps documents through its declarative settings and pushes down what it declares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import respx

from connectors import (
    WIB,
    Capability,
    DocumentFilter,
    DocumentOrder,
    DocumentQuery,
    ExemptionGround,
    InformationCategory,
    NotSupported,
    Pushdown,
)
from connectors.rest import RestConnector

from .upstream import BASE, FakeList, documents_block, raw_documents

MakeRest = Callable[[dict[str, Any]], RestConnector]

NESTED = {
    "list": {"path": "/api/v1/dokumen", "items": "hasil.daftar", "total": "hasil.jumlah"},
    "item": {"path": "/api/v1/dokumen/{id}", "root": "hasil"},
    "fields": {
        "id": "kode",
        "title": "atribut.judul",
        "category": "atribut.klasifikasi.nama",
        "summary": "atribut.ringkasan",
        "type": "atribut.jenis",
        "published_at": "waktu.terbit",
        "updated_at": "waktu.ubah",
        "file_url": "berkas.0.url",
        "mime_type": "berkas.0.tipe",
        "size_bytes": "berkas.0.ukuran",
        "source_url": "tautan",
        "exemption_ground": "atribut.dasar",
    },
    "values": {
        "category": {"Informasi Berkala": "BERKALA", "Informasi Dikecualikan": "DIKECUALIKAN"},
        "exemption_ground": {"Pasal 17 huruf b": "B"},
    },
}


def nested_item(code: Any, **attributes: Any) -> dict[str, Any]:
    return {
        "kode": code,
        "atribut": {"judul": "Laporan Keuangan", "klasifikasi": {"nama": "Informasi Berkala"}, **attributes},
        "waktu": {"terbit": "2023-12-31T20:00:00Z", "ubah": "2024-01-05T08:30:00"},
        "berkas": [{"url": "/unduh/lk-2023.pdf", "tipe": "application/pdf", "ukuran": "2048"}],
        "tautan": "dokumen/lk-2023",
    }


async def test_nested_paths_and_value_maps_build_a_document(
    router: respx.Router, make_rest: MakeRest
) -> None:
    body = {"hasil": {"jumlah": 1, "daftar": [nested_item(42, jenis="Laporan", ringkasan="LK tahunan")]}}
    router.get("/api/v1/dokumen").mock(return_value=httpx.Response(200, json=body))
    connector = make_rest({"documents": NESTED})

    page = await connector.list_documents(DocumentQuery())

    (document,) = page.items
    assert document.local_id == "42"
    assert document.title == "Laporan Keuangan"
    assert document.category is InformationCategory.BERKALA
    assert document.summary == "LK tahunan"
    assert document.type == "Laporan"
    assert document.published_at == dt.datetime(2023, 12, 31, 20, tzinfo=dt.UTC)
    assert document.updated_at == dt.datetime(2024, 1, 5, 8, 30, tzinfo=WIB)  # naive times are WIB
    assert document.year == 2024  # from published_at, in Banten's time zone
    assert document.mime_type == "application/pdf"
    assert document.size_bytes == 2048
    assert page.total == 1


async def test_relative_urls_are_resolved_against_base_url(router: respx.Router, make_rest: MakeRest) -> None:
    body = {"hasil": {"daftar": [nested_item("lk")]}}
    router.get("/api/v1/dokumen").mock(return_value=httpx.Response(200, json=body))
    connector = make_rest({"documents": NESTED})

    (document,) = (await connector.list_documents(DocumentQuery())).items

    assert document.file_url == "https://opd.example.go.id/unduh/lk-2023.pdf"  # root-relative
    assert document.source_url == f"{BASE}/dokumen/lk-2023"  # relative: under base_url's path


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("Informasi Berkala", InformationCategory.BERKALA),
        ("informasi  berkala", InformationCategory.BERKALA),
        ("berkala", InformationCategory.BERKALA),
        ("Serta-Merta", InformationCategory.SERTA_MERTA),
        ("setiap saat", InformationCategory.SETIAP_SAAT),
    ],
)
async def test_category_labels_go_through_the_map_then_the_enum_name(
    label: str, category: InformationCategory, router: respx.Router, make_rest: MakeRest
) -> None:
    item = nested_item(1)
    item["atribut"]["klasifikasi"]["nama"] = label
    router.get("/api/v1/dokumen").mock(return_value=httpx.Response(200, json={"hasil": {"daftar": [item]}}))
    connector = make_rest({"documents": NESTED})

    (document,) = (await connector.list_documents(DocumentQuery())).items

    assert document.category is category


@pytest.mark.parametrize(
    ("label", "ground"), [("Pasal 17 huruf b", ExemptionGround.B), ("a", ExemptionGround.A)]
)
async def test_exempt_documents_never_carry_a_file(
    label: str, ground: ExemptionGround, router: respx.Router, make_rest: MakeRest
) -> None:
    item = nested_item(7, dasar=label)
    item["atribut"]["klasifikasi"]["nama"] = "Informasi Dikecualikan"
    router.get("/api/v1/dokumen").mock(return_value=httpx.Response(200, json={"hasil": {"daftar": [item]}}))
    connector = make_rest({"documents": NESTED})

    (document,) = (await connector.list_documents(DocumentQuery())).items

    assert document.category is InformationCategory.DIKECUALIKAN
    assert document.exemption_ground is ground
    assert (document.file_url, document.mime_type, document.size_bytes) == (None, None, None)


async def test_blank_and_null_optional_fields_are_empty(router: respx.Router, make_rest: MakeRest) -> None:
    item = nested_item(3, ringkasan="  ", jenis=None)
    item["waktu"] = {"terbit": None}
    item["berkas"] = []
    router.get("/api/v1/dokumen").mock(return_value=httpx.Response(200, json={"hasil": {"daftar": [item]}}))
    connector = make_rest({"documents": NESTED})

    (document,) = (await connector.list_documents(DocumentQuery())).items

    assert (document.summary, document.type, document.published_at, document.year) == (None, None, None, None)
    assert document.file_url is None


def test_capabilities_and_pushdown_follow_the_settings(make_rest: MakeRest) -> None:
    bare = make_rest({"documents": documents_block("page")})
    full = make_rest(
        {
            "documents": documents_block(
                "page",
                filters={
                    "query": "q",
                    "category": "kategori",
                    "year_from": "dari",
                    "year_to": "sampai",
                    "type": "jenis",
                },
                order={"param": "urut", "values": {"NEWEST": "-terbit,id", "TITLE": "judul,id"}},
            ),
            "profile": {"path": "/api/profil"},
        }
    )
    half_years = make_rest({"documents": documents_block("page", filters={"year_from": "dari"})})
    nothing = make_rest({"profile": {"path": "/api/profil"}})

    assert bare.capabilities == {Capability.DOCUMENTS, Capability.DOCUMENT}
    assert bare.pushdown == Pushdown.nothing()
    assert full.capabilities == {Capability.DOCUMENTS, Capability.DOCUMENT, Capability.PROFILE}
    assert full.pushdown == Pushdown(
        query=True, categories=True, years=True, type=True, orders=frozenset({"NEWEST", "TITLE"})
    )
    assert half_years.pushdown.years is False  # one bound cannot be pushed down without the other
    assert nothing.capabilities == {Capability.PROFILE}


async def test_pushed_down_filters_and_order_are_sent_upstream(
    router: respx.Router, make_rest: MakeRest
) -> None:
    upstream = FakeList(raw_documents(3), "page")
    router.get("/api/docs").mock(side_effect=upstream)
    connector = make_rest(
        {
            "documents": documents_block(
                "page",
                params={"status": "terbit"},
                filters={
                    "query": "q",
                    "category": "kategori",
                    "year_from": "dari",
                    "year_to": "sampai",
                    "type": "jenis",
                },
                order={"param": "urut", "values": {"NEWEST": "-terbit,id"}},
            )
            | {"values": {"category": {"Informasi Berkala": "BERKALA", "Berkala": "BERKALA"}}}
        }
    )
    flt = DocumentFilter(
        categories=frozenset({InformationCategory.BERKALA, InformationCategory.SERTA_MERTA}),
        year_from=2020,
        year_to=2023,
        query="laporan keuangan",
        type="Laporan",
    )

    await connector.list_documents(DocumentQuery(filter=flt, order=DocumentOrder.NEWEST, page_size=2))

    params = upstream.requests[0].url.params
    assert params["status"] == "terbit"
    assert params["q"] == "laporan keuangan"
    # The first label mapped to a category is sent; an unmapped category is sent by name.
    assert params.get_list("kategori") == ["Informasi Berkala", "SERTA_MERTA"]
    assert (params["dari"], params["sampai"], params["jenis"]) == ("2020", "2023", "Laporan")
    assert params["urut"] == "-terbit,id"
    assert (params["page"], params["per_page"]) == ("1", "2")


async def test_only_configured_filters_are_sent(router: respx.Router, make_rest: MakeRest) -> None:
    upstream = FakeList(raw_documents(3), "page")
    router.get("/api/docs").mock(side_effect=upstream)
    connector = make_rest(
        {
            "documents": documents_block(
                "page",
                filters={"category": "kategori", "category_style": "comma"},
                order={"param": "urut", "values": {"TITLE": "judul"}},
            )
        }
    )
    flt = DocumentFilter(
        categories=frozenset({InformationCategory.SETIAP_SAAT, InformationCategory.BERKALA}), query="x"
    )

    await connector.list_documents(DocumentQuery(filter=flt, order=DocumentOrder.NEWEST))

    params = upstream.requests[0].url.params
    assert params["kategori"] == "BERKALA,SETIAP_SAAT"
    assert set(params) == {"kategori", "page", "per_page"}


async def test_a_next_link_is_followed_as_is(router: respx.Router, make_rest: MakeRest) -> None:
    upstream = FakeList(raw_documents(5), "next_link_header")
    router.get("/api/docs").mock(side_effect=upstream)
    connector = make_rest({"documents": documents_block("next_link_header", filters={"query": "q"})})
    query = DocumentQuery(filter=DocumentFilter(query="dokumen"), page_size=2)

    first = await connector.list_documents(query)
    await connector.list_documents(DocumentQuery(filter=query.filter, page_size=2, token=first.next_token))

    assert upstream.requests[0].url.params["q"] == "dokumen"
    assert str(upstream.requests[1].url) == f"{BASE}/api/docs?page=2&per_page=2"


async def test_get_document_uses_the_item_endpoint(router: respx.Router, make_rest: MakeRest) -> None:
    route = router.get("/api/v1/dokumen/lk%2F2023").mock(
        return_value=httpx.Response(200, json={"hasil": nested_item("lk/2023")})
    )
    connector = make_rest({"documents": NESTED})

    document = await connector.get_document("lk/2023")

    assert route.called
    assert document is not None
    assert document.local_id == "lk/2023"


async def test_get_document_answers_none_on_404(router: respx.Router, make_rest: MakeRest) -> None:
    router.get("/api/v1/dokumen/missing").mock(
        return_value=httpx.Response(404, json={"message": "not found"})
    )
    connector = make_rest({"documents": NESTED})

    assert await connector.get_document("missing") is None


async def test_get_document_without_item_endpoint_pages_through_the_list(
    router: respx.Router, make_rest: MakeRest
) -> None:
    upstream = FakeList(raw_documents(250), "page")
    router.get("/api/docs").mock(side_effect=upstream)
    connector = make_rest({"documents": documents_block("page")})

    found = await connector.get_document("150")
    missing = await connector.get_document("999")

    assert found is not None
    assert found.title == "Dokumen 150"
    assert missing is None
    # Pages of max_page_size (100): two to find 150, three to rule out 999.
    assert len(upstream.requests) == 5


async def test_operations_not_configured_are_not_supported(make_rest: MakeRest) -> None:
    connector = make_rest({})

    assert connector.capabilities == frozenset()
    with pytest.raises(NotSupported):
        await connector.list_documents(DocumentQuery())
    with pytest.raises(NotSupported):
        await connector.get_document("1")
    with pytest.raises(NotSupported):
        await connector.profile()
