"""The rest connector reads an OPD's PPID profile, its menu and its DIP."""

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
    Contact,
    InformationCategory,
    ListQuery,
    MenuSection,
    MenuSectionKind,
    UpstreamBadResponse,
)
from connectors.rest import RestConnector

from .upstream import BASE

MakeRest = Callable[[dict[str, Any]], RestConnector]

PROFILE = {
    "path": "/api/profil",
    "root": "data",
    "fields": {
        "description": "profil",
        "vision": "visi",
        "structure_url": "struktur",
        "contact_email": "kontak.email",
        "contact_phone": "kontak.telp",
        "updated_at": "diperbarui",
    },
    "menu": {
        "items": "menu",
        "section": "nama",
        "available": "ada",
        "url": "tautan",
        "values": {"Daftar Informasi Publik": "INFORMATION_LIST", "Informasi Berkala": "BERKALA"},
    },
}

DIP = {
    "list": {
        "path": "/api/dip",
        "items": "data",
        "total": "total",
        "pagination": {"style": "offset"},
        "filters": {"category": "kategori"},
    },
    "fields": {
        "id": "id",
        "number": "no",
        "title": "judul",
        "category": "kategori",
        "formats": "bentuk",
        "year": "tahun",
        "document_id": "dokumen",
        "holding_unit": "unit",
    },
    "values": {"category": {"Berkala": "BERKALA", "Setiap Saat": "SETIAP_SAAT"}},
}


async def test_profile_maps_fields_contact_and_menu(router: respx.Router, make_rest: MakeRest) -> None:
    body = {
        "data": {
            "profil": "PPID Pembantu Dinas Kesehatan",
            "visi": "Informasi terbuka",
            "struktur": "img/struktur.png",
            "kontak": {"email": "ppid@dinkes.example.go.id", "telp": "0254-123"},
            "diperbarui": "2024-02-01 09:00:00",
            "menu": [
                {"nama": "Daftar Informasi Publik", "ada": True, "tautan": "/dip"},
                {"nama": "Informasi Berkala", "ada": 0},
                {"nama": "Galeri", "ada": True},  # not a standard section: left out
                {"nama": "sop", "ada": "true"},  # the enum name, any case
                {"nama": "Informasi Berkala", "ada": True},  # listed twice: the first counts
            ],
        }
    }
    router.get("/api/profil").mock(return_value=httpx.Response(200, json=body))
    connector = make_rest({"profile": PROFILE})

    profile = await connector.profile()

    assert connector.capabilities == {Capability.PROFILE}
    assert profile.description == "PPID Pembantu Dinas Kesehatan"
    assert profile.vision == "Informasi terbuka"
    assert profile.mission is None
    assert profile.structure_url == f"{BASE}/img/struktur.png"
    assert profile.contact == Contact(email="ppid@dinkes.example.go.id", phone="0254-123")
    assert profile.updated_at == dt.datetime(2024, 2, 1, 9, tzinfo=WIB)
    assert profile.menu == (
        MenuSection(
            section=MenuSectionKind.INFORMATION_LIST, available=True, url="https://opd.example.go.id/dip"
        ),
        MenuSection(section=MenuSectionKind.BERKALA, available=False),
        MenuSection(section=MenuSectionKind.SOP, available=True),
    )


async def test_a_profile_without_contact_fields_has_no_contact(
    router: respx.Router, make_rest: MakeRest
) -> None:
    router.get("/api/profil").mock(return_value=httpx.Response(200, json={"data": {"profil": "x"}}))
    connector = make_rest({"profile": PROFILE})

    profile = await connector.profile()

    assert profile.contact is None
    assert profile.menu == ()


async def test_a_bad_menu_entry_names_its_path(router: respx.Router, make_rest: MakeRest) -> None:
    body = {"data": {"menu": [{"nama": "Informasi Berkala", "ada": "perhaps"}]}}
    router.get("/api/profil").mock(return_value=httpx.Response(200, json=body))
    connector = make_rest({"profile": PROFILE})

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.profile()
    assert caught.value.field == "data.menu[0].ada"


def dip_rows() -> list[dict[str, Any]]:
    return [
        {
            "id": 1,
            "no": 1,
            "judul": "LKIP",
            "kategori": "Berkala",
            "bentuk": "softcopy, hardcopy",
            "tahun": 2023,
        },
        {
            "id": 2,
            "no": "2",
            "judul": "SOP",
            "kategori": "Setiap Saat",
            "bentuk": ["softcopy"],
            "dokumen": 99,
        },
        {"id": 3, "no": 3, "judul": "Renstra", "kategori": "berkala", "unit": "Sekretariat"},
    ]


def serve_dip(
    rows: list[dict[str, Any]], requests: list[httpx.Request]
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        return httpx.Response(200, json={"total": len(rows), "data": rows[offset : offset + limit]})

    return handler


async def test_information_list_maps_entries_and_pages(router: respx.Router, make_rest: MakeRest) -> None:
    requests: list[httpx.Request] = []
    router.get("/api/dip").mock(side_effect=serve_dip(dip_rows(), requests))
    connector = make_rest({"information_list": DIP})

    first = await connector.information_list(ListQuery(page_size=2))
    second = await connector.information_list(ListQuery(page_size=2, token=first.next_token))

    assert connector.capabilities == {Capability.INFORMATION_LIST}
    assert [e.local_id for e in first.items + second.items] == ["1", "2", "3"]
    assert (first.total, first.next_token, second.next_token) == (3, "offset:2:2", None)
    lkip, sop = first.items
    assert lkip.number == "1"
    assert lkip.formats == ("softcopy", "hardcopy")
    assert lkip.year == 2023
    assert sop.category is InformationCategory.SETIAP_SAAT
    assert sop.formats == ("softcopy",)
    assert sop.document_local_id == "99"
    assert second.items[0].holding_unit == "Sekretariat"


async def test_information_list_sends_the_category_label(router: respx.Router, make_rest: MakeRest) -> None:
    requests: list[httpx.Request] = []
    router.get("/api/dip").mock(side_effect=serve_dip(dip_rows(), requests))
    connector = make_rest({"information_list": DIP})

    page = await connector.information_list(ListQuery(category=InformationCategory.BERKALA))

    assert requests[0].url.params["kategori"] == "Berkala"
    # This fake ignores the parameter; the connector still returns only what was asked.
    assert [e.local_id for e in page.items] == ["1", "3"]


async def test_information_list_filters_a_category_it_cannot_send(
    router: respx.Router, make_rest: MakeRest
) -> None:
    requests: list[httpx.Request] = []
    router.get("/api/dip").mock(side_effect=serve_dip(dip_rows(), requests))
    settings = DIP | {"list": DIP["list"] | {"filters": {}}}
    connector = make_rest({"information_list": settings})

    page = await connector.information_list(ListQuery(category=InformationCategory.SETIAP_SAAT))

    assert "kategori" not in requests[0].url.params
    assert [e.local_id for e in page.items] == ["2"]
    assert page.total is None  # the upstream's total counted every category


async def test_a_bad_dip_row_names_its_path(router: respx.Router, make_rest: MakeRest) -> None:
    rows = dip_rows()
    rows[1]["bentuk"] = ["softcopy", 3]
    router.get("/api/dip").mock(side_effect=serve_dip(rows, []))
    connector = make_rest({"information_list": DIP})

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.information_list(ListQuery())
    assert caught.value.field == "data[1].bentuk[1]"
