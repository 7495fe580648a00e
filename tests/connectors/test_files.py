"""The files connector serves a YAML or CSV catalog exactly, and says which row of which file is wrong."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import httpx
import pydantic
import pytest

from connectors import (
    Capability,
    DocumentFilter,
    DocumentOrder,
    DocumentPage,
    DocumentQuery,
    ExemptionGround,
    InformationCategory,
    InvalidToken,
    ListQuery,
    MenuSectionKind,
    NotSupported,
    OpdRef,
    UpstreamBadResponse,
    UpstreamUnavailable,
    document_matches,
    order_key,
)
from connectors.files import FilesConnector, FilesSettings

OPD = OpdRef(slug="dpk", name="Dinas Perpustakaan dan Kearsipan")

CATALOG = """\
profile:
  description: PPID Pembantu DPK
  contact: {email: ppid@dpk.example.go.id, phone: "0254 200"}
  menu:
    - {section: information_list, url: https://dpk.example.go.id/dip}
    - {section: Serta_Merta, available: false}
documents:
  - id: 1
    title: Laporan Kinerja 2023
    category: berkala
    type: Laporan
    year: 2023
    published_at: 2024-01-15 10:00:00
    file_url: lkip-2023.pdf
  - id: sop-arsip
    title: SOP Peminjaman Arsip
    category: SETIAP_SAAT
    type: SOP
    published_at: 2022-03-01
    file_url: https://cdn.example.go.id/sop.pdf
  - id: kontrak
    title: Dokumen Kontrak Pengadaan
    category: dikecualikan
    exemption_ground: b
    file_url: kontrak.pdf
information_list:
  - {id: 1, number: 1, title: Laporan Kinerja, category: berkala, formats: [softcopy, hardcopy],
     document_id: 1}
  - {id: 2, number: 2, title: SOP, category: setiap_saat, formats: softcopy}
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def make_files(http: httpx.AsyncClient) -> Callable[..., FilesConnector]:
    def make(catalog: Path, **options: object) -> FilesConnector:
        settings = FilesSettings.model_validate({"catalog": str(catalog), **options})
        return FilesConnector(OPD, settings, http)

    return make


async def test_a_yaml_catalog_serves_documents_dip_and_profile(
    tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    connector = make_files(
        write(tmp_path / "dpk.yaml", CATALOG), files_base_url="https://dpk.example.go.id/berkas"
    )

    page = await connector.list_documents(DocumentQuery())
    dip = await connector.information_list(ListQuery())
    profile = await connector.profile()

    lkip, sop, kontrak = page.items
    assert (lkip.local_id, lkip.category, lkip.year) == ("1", InformationCategory.BERKALA, 2023)
    assert lkip.file_url == "https://dpk.example.go.id/berkas/lkip-2023.pdf"
    assert lkip.published_at is not None and lkip.published_at.utcoffset() == dt.timedelta(hours=7)
    assert sop.file_url == "https://cdn.example.go.id/sop.pdf"  # absolute URLs are kept
    assert kontrak.exemption_ground is ExemptionGround.B
    assert kontrak.file_url is None  # exempt: never a file
    assert (page.total, page.next_token) == (3, None)
    assert [e.local_id for e in dip.items] == ["1", "2"]
    assert dip.items[0].document_local_id == "1"
    assert dip.items[1].formats == ("softcopy",)
    assert profile.contact is not None and profile.contact.phone == "0254 200"
    assert [(s.section, s.available) for s in profile.menu] == [
        (MenuSectionKind.INFORMATION_LIST, True),
        (MenuSectionKind.SERTA_MERTA, False),
    ]
    assert await connector.get_document("sop-arsip") == sop
    assert await connector.get_document("nope") is None


async def test_a_csv_catalog_serves_documents(
    tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    catalog = tmp_path / "dpk.csv"
    catalog.write_text(
        "\ufeffid,title,category,year,summary,file_url\n"  # a BOM, as spreadsheet programs write
        '1,Laporan Kinerja,Berkala,2023,"Capaian, target",lkip.pdf\n'
        "2,Renstra,setiap_saat,,,\n",
        encoding="utf-8",
    )
    connector = make_files(catalog, files_base_url="https://dpk.example.go.id/files/")

    page = await connector.list_documents(DocumentQuery())

    assert connector.capabilities == {Capability.DOCUMENTS, Capability.DOCUMENT}
    first, second = page.items
    assert (first.summary, first.year, first.file_url) == (
        "Capaian, target",
        2023,
        "https://dpk.example.go.id/files/lkip.pdf",
    )
    assert (second.category, second.year, second.summary) == (InformationCategory.SETIAP_SAAT, None, None)


async def test_capabilities_follow_the_sections_once_read(
    tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    connector = make_files(write(tmp_path / "docs.yml", "documents: []\n"))
    assumed = connector.capabilities

    await connector.probe()

    assert Capability.PROFILE in assumed  # before reading, a YAML catalog may have every section
    assert connector.capabilities == {Capability.DOCUMENTS, Capability.DOCUMENT}
    with pytest.raises(NotSupported):
        await connector.profile()
    with pytest.raises(NotSupported):
        await connector.information_list(ListQuery())


def varied_documents() -> str:
    categories = ["berkala", "serta_merta", "setiap_saat", "dikecualikan"]
    types = ["Laporan", "SOP", "laporan", None]
    rows = []
    for n in range(23):
        row = [
            f"  - id: d{n:02}",
            f"    title: {'Zeta' if n % 5 == 0 else 'alpha'} dokumen {n % 7}",
            f"    category: {categories[n % 4]}",
        ]
        if types[n % 4]:
            row.append(f"    type: {types[n % 4]}")
        if n % 6:
            row.append(f"    year: {2018 + n % 6}")
        if n % 3:
            row.append(f"    published_at: 2023-0{1 + n % 9}-1{n % 3} 0{n % 4}:00:00")
        if n % 5 == 1:
            row.append("    summary: Laporan keuangan tahunan")
        rows.append("\n".join(row))
    return "documents:\n" + "\n".join(rows) + "\n"


FILTERS = [
    DocumentFilter(),
    DocumentFilter(categories=frozenset({InformationCategory.BERKALA, InformationCategory.SETIAP_SAAT})),
    DocumentFilter(year_from=2020),
    DocumentFilter(year_from=2019, year_to=2021),
    DocumentFilter(query="laporan"),
    DocumentFilter(query="ALPHA keuangan"),
    DocumentFilter(type="laporan"),
    DocumentFilter(type="SOP", year_to=2022, categories=frozenset({InformationCategory.SERTA_MERTA})),
    DocumentFilter(query="tidak ada"),
]


async def read_all(connector: FilesConnector, query: DocumentQuery) -> list[DocumentPage]:
    pages = [await connector.list_documents(query)]
    while pages[-1].next_token is not None:
        token = pages[-1].next_token
        pages.append(
            await connector.list_documents(
                DocumentQuery(filter=query.filter, order=query.order, page_size=query.page_size, token=token)
            )
        )
    return pages


@pytest.mark.parametrize(("flt", "order"), list(itertools.product(FILTERS, [None, *DocumentOrder])))
async def test_pushdown_is_exactly_document_matches_and_order_key(
    flt: DocumentFilter,
    order: DocumentOrder | None,
    tmp_path: Path,
    make_files: Callable[..., FilesConnector],
) -> None:
    connector = make_files(write(tmp_path / "c.yaml", varied_documents()))
    everything = (await connector.list_documents(DocumentQuery(page_size=1000))).items
    expected = [d for d in everything if document_matches(d, flt)]
    if order is not None:
        expected.sort(key=lambda d: order_key(d, order))

    for size in (1, 4, 100):
        pages = await read_all(connector, DocumentQuery(filter=flt, order=order, page_size=size))
        assert [d for page in pages for d in page.items] == expected
        assert all(page.total == len(expected) for page in pages)
        assert all(len(page.items) == size for page in pages[:-1])


async def test_tokens_are_offsets_and_survive_page_size_changes(
    tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    connector = make_files(write(tmp_path / "c.yaml", varied_documents()))

    first = await connector.list_documents(DocumentQuery(page_size=5))
    second = await connector.list_documents(DocumentQuery(page_size=2, token=first.next_token))
    everything = (await connector.list_documents(DocumentQuery(page_size=100))).items

    assert (first.next_token, second.next_token) == ("5", "7")
    assert first.items + second.items == everything[:7]
    with pytest.raises(InvalidToken):
        await connector.list_documents(DocumentQuery(token="page:2:5"))


async def test_the_catalog_is_read_again_when_it_changes(
    tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    path = write(tmp_path / "c.yaml", "documents:\n  - {id: a, title: Pertama, category: berkala}\n")
    connector = make_files(path)
    before = await connector.get_document("a")
    again = await connector.get_document("a")

    write(
        path,
        "documents:\n  - {id: a, title: Diubah, category: berkala}\n"
        "  - {id: b, title: Baru, category: berkala}\n",
    )
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))  # coarse file-system clocks
    after = await connector.get_document("a")

    assert before is again  # unchanged: not parsed again
    assert before is not None and before.title == "Pertama"
    assert after is not None and after.title == "Diubah"
    assert (await connector.list_documents(DocumentQuery())).total == 2


async def test_a_catalog_that_disappears_is_unavailable(
    tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    path = write(tmp_path / "c.yaml", "documents: []\n")
    connector = make_files(path)
    await connector.probe()
    path.unlink()

    with pytest.raises(UpstreamUnavailable, match=r"c\.yaml"):
        await connector.list_documents(DocumentQuery())


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (
            "documents:\n  - {id: a, title: A, category: berkala}\n  - {id: b, category: berkala}\n",
            "documents[1].title",
            "Field required",
        ),
        ("documents:\n  - {id: a, title: A, category: rahasia}\n", "documents[0].category", "BERKALA"),
        ("documents:\n  - {id: a, title: A, category: berkala, year: 1900}\n", "documents[0].year", "1945"),
        (
            "documents:\n  - {id: a, title: A, category: berkala, colour: red}\n",
            "documents[0].colour",
            "Extra",
        ),
        ("documents:\n  - {local_id: a, title: A, category: berkala}\n", "documents[0].local_id", "write id"),
        (
            "documents:\n  - {id: a, title: A, category: berkala}\n"
            "  - {id: a, title: B, category: berkala}\n",
            "documents[1].id",
            "used twice",
        ),
        ("documents:\n  - just a string\n", "documents[0]", "expected a mapping"),
        ("documents: {id: a}\n", "documents", "expected a list"),
        ("documents: []\nprofil: {}\n", "profil", "unknown section"),
        ("profile:\n  menu:\n    - {section: galeri}\n", "profile.menu[0].section", "PROFILE"),
        (
            "information_list:\n  - {id: 1, category: berkala}\n",
            "information_list[0].title",
            "Field required",
        ),
    ],
)
async def test_a_bad_yaml_row_names_the_file_the_row_and_the_field(
    text: str, field: str, message: str, tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    connector = make_files(write(tmp_path / "rusak.yaml", text))

    with pytest.raises(UpstreamBadResponse, match=message) as caught:
        await connector.probe()
    assert caught.value.field == field
    assert "rusak.yaml" in str(caught.value)


async def test_invalid_yaml_names_the_file_and_the_line(
    tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    connector = make_files(write(tmp_path / "rusak.yaml", "documents:\n  - {id: a, title: [unclosed\n"))

    with pytest.raises(UpstreamBadResponse, match=r"rusak\.yaml: not valid YAML at line 3"):
        await connector.list_documents(DocumentQuery())


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("id,title,category\n1,Satu,berkala\n2,,berkala\n", "line 3", "title"),
        ("id,title,category\n1,Satu,berkala\n2,Dua,bukan\n", "line 3", "category"),
        ("id,title,category,warna\n1,Satu,berkala,merah\n", "line 2", "warna"),
        ("id,title,category\n1,Satu,berkala,extra\n", "line 2", None),
        ("id,title,category\n1,Satu,berkala\n1,Dua,berkala\n", "line 3", "id"),
    ],
)
async def test_a_bad_csv_row_names_the_file_the_line_and_the_column(
    text: str, line: str, field: str | None, tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    connector = make_files(write(tmp_path / "rusak.csv", text))

    with pytest.raises(UpstreamBadResponse) as caught:
        await connector.list_documents(DocumentQuery())
    assert f"rusak.csv, {line}" in str(caught.value)
    assert caught.value.field == field


async def test_a_catalog_that_is_not_utf8_is_a_bad_response(
    tmp_path: Path, make_files: Callable[..., FilesConnector]
) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("id,title,category\n1,Peraturan Daerah Nomor 5 \u2013 Pajak,berkala\n".encode("cp1252"))
    connector = make_files(path)

    with pytest.raises(UpstreamBadResponse, match="not UTF-8"):
        await connector.list_documents(DocumentQuery())


def test_a_relative_catalog_path_is_resolved_against_the_config_folder(tmp_path: Path) -> None:
    write(tmp_path / "katalog.yaml", "documents: []\n")

    settings = FilesSettings.model_validate({"catalog": "katalog.yaml"}, context={"config_dir": tmp_path})

    assert settings.catalog == (tmp_path / "katalog.yaml").resolve()
    assert settings.catalog_format == "yaml"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"catalog": "missing.yaml"}, "does not exist"),
        ({"catalog": "notes.txt"}, "set format: yaml or csv"),
        ({"catalog": "katalog.yaml", "format": "json"}, "'auto', 'yaml' or 'csv'"),
        ({"catalog": "katalog.yaml", "files_base_url": "berkas/"}, "URL"),
    ],
)
def test_bad_settings_are_refused_at_validation(
    options: dict[str, str], message: str, tmp_path: Path
) -> None:
    write(tmp_path / "katalog.yaml", "documents: []\n")
    write(tmp_path / "notes.txt", "")

    with pytest.raises(pydantic.ValidationError, match=message):
        FilesSettings.model_validate(options, context={"config_dir": tmp_path})


def test_a_format_can_be_forced(tmp_path: Path) -> None:
    write(tmp_path / "notes.txt", "id,title,category\n")

    settings = FilesSettings.model_validate(
        {"catalog": "notes.txt", "format": "csv"}, context={"config_dir": tmp_path}
    )

    assert settings.catalog_format == "csv"
