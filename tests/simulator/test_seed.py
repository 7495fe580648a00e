"""The seed: deterministic, in range, and shaped to exercise the gateway's rules."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections import Counter

from connectors.records import WIB, InformationCategory, MenuSectionKind
from simulator import Dialect, make_plan
from simulator.directory import load_opds
from simulator.pdf import pdf_bytes
from simulator.plan import default_auth, default_dialects
from simulator.seed import SEED_NOW, IdStyle, seed_opd

DIGEST_SCRIPT = """
import hashlib, json
from simulator import make_plan
blob = json.dumps(
    [[p.seed().profile.model_dump(mode="json"), [d.model_dump(mode="json") for d in p.seed().documents],
      [e.model_dump(mode="json") for e in p.seed().information_list]] for p in make_plan()[::5]],
    sort_keys=True,
)
print(hashlib.sha256(blob.encode()).hexdigest())
"""


def test_directory_lists_43_opds_with_unique_slugs() -> None:
    slugs = [opd.slug for opd in load_opds()]
    assert len(slugs) == 43
    assert len(set(slugs)) == 43
    assert "diskominfo" in slugs


def test_default_dialects_mix_custom_apis_files_wordpress_sites_satu_data_and_a_dms() -> None:
    dialects = default_dialects()
    counts = Counter(dialects.values())
    assert counts == {
        Dialect.LARAVEL: 11,
        Dialect.DRF: 11,
        Dialect.EXPORT: 7,
        Dialect.FILES: 8,
        Dialect.WORDPRESS: 4,
        Dialect.CKAN: 1,
        Dialect.SQL: 1,
    }
    assert dialects["diskominfo"] is Dialect.CKAN  # Satu Data Banten
    assert dialects["dpmptsp"] is Dialect.SQL
    # the OPDs the docs use as examples
    assert [dialects[s] for s in ("dinkes", "bappeda", "dishub", "dpk")] == [
        Dialect.LARAVEL,
        Dialect.DRF,
        Dialect.EXPORT,
        Dialect.FILES,
    ]
    assert {default_dialects()[slug] for slug in default_auth()} == {Dialect.LARAVEL, Dialect.DRF}


def test_seed_is_the_same_in_other_processes_whatever_their_hash_seed() -> None:
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", DIGEST_SCRIPT],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
        )
        for hash_seed in ("1", "12345")
    ]
    digests = [run.communicate(timeout=60)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert digests[0] == digests[1]
    assert re.fullmatch(r"[0-9a-f]{64}\n", digests[0])


def test_every_opd_has_20_to_80_dip_entries_and_30_to_150_documents_of_2019_to_2026() -> None:
    for plan in make_plan():
        seed = plan.seed()
        assert 30 <= len(seed.documents) <= 150, plan.slug
        assert 20 <= len(seed.information_list) <= 80, plan.slug
        ids = [doc.local_id for doc in seed.documents]
        assert len(set(ids)) == len(ids), plan.slug
        for doc in seed.documents:
            assert doc.year is None or 2019 <= doc.year <= 2026
            if doc.published_at is not None:
                assert doc.published_at.utcoffset() == dt.timedelta(hours=7)
                assert doc.published_at <= SEED_NOW
                assert doc.year is None or doc.published_at.year == doc.year
            if doc.updated_at is not None:
                assert doc.published_at is not None and doc.updated_at >= doc.published_at


def test_content_does_not_depend_on_the_id_style() -> None:
    opd = load_opds()[0]
    by_style = {style: seed_opd(opd, style) for style in IdStyle}
    titles = {style: sorted(doc.title for doc in seed.documents) for style, seed in by_style.items()}
    assert titles[IdStyle.NUMERIC] == titles[IdStyle.UUID] == titles[IdStyle.SLUG]
    numeric = [doc.local_id for doc in by_style[IdStyle.NUMERIC].documents]
    assert all(local_id.isdigit() for local_id in numeric)
    # Storage order is by number, and string order differs from it: tie-breaks must use strings.
    assert numeric == sorted(numeric, key=int) != sorted(numeric)
    assert all(re.fullmatch(r"[0-9a-f-]{36}", doc.local_id) for doc in by_style[IdStyle.UUID].documents)
    assert all(re.fullmatch(r"[a-z0-9-]+", doc.local_id) for doc in by_style[IdStyle.SLUG].documents)


def test_documents_share_titles_and_publication_minutes_across_and_within_opds() -> None:
    seeds = [plan.seed() for plan in make_plan()]
    title = "SOP Pelayanan Informasi Publik"
    sop = [doc.published_at for seed in seeds for doc in seed.documents if doc.title == title]
    assert len(sop) == 43
    assert len(set(sop)) == 1
    within = [
        seed.opd.slug
        for seed in seeds
        if len({d.published_at for d in seed.documents if d.published_at})
        < len([d for d in seed.documents if d.published_at])
    ]
    assert len(within) == 43
    repeated_titles = [s.opd.slug for s in seeds if len({d.title for d in s.documents}) < len(s.documents)]
    assert repeated_titles
    undated = [s.opd.slug for s in seeds if any(d.published_at is None for d in s.documents)]
    assert undated


def test_categories_are_mostly_berkala_and_setiap_saat_and_exempt_ones_name_a_ground() -> None:
    seeds = [plan.seed() for plan in make_plan()]
    counts = Counter(doc.category for seed in seeds for doc in seed.documents)
    total = sum(counts.values())
    assert counts[InformationCategory.BERKALA] + counts[InformationCategory.SETIAP_SAAT] > 0.8 * total
    assert counts[InformationCategory.SERTA_MERTA] > 0
    assert 0 < counts[InformationCategory.DIKECUALIKAN] < 0.1 * total
    for seed in seeds:
        for doc in seed.documents:
            exempt = doc.category is InformationCategory.DIKECUALIKAN
            assert (doc.exemption_ground is not None) == exempt
            if exempt:
                assert doc.file_url is None and doc.size_bytes is None


def test_a_few_opds_still_serve_the_file_of_an_exempt_document() -> None:
    leaking = [plan.seed() for plan in make_plan() if plan.seed().leaked_exempt_ids]
    assert 3 <= len(leaking) < 43
    for seed in leaking:
        for local_id in seed.leaked_exempt_ids:
            assert seed.files[local_id].path == f"files/{local_id}.pdf"
            record = seed.document(local_id)
            assert record is not None
            assert record.file_url is None  # what the gateway must end up with


def test_served_files_match_the_documents_metadata() -> None:
    seed = make_plan(["dinkes"])[0].seed()
    for doc in seed.documents:
        served = seed.files.get(doc.local_id)
        if doc.category is not InformationCategory.DIKECUALIKAN:
            assert (served is None) == (doc.file_url is None)
        if doc.file_url is not None:
            assert served is not None
            assert (doc.file_url, doc.size_bytes) == (served.path, served.size_bytes)
            assert doc.mime_type == served.mime_type == "application/pdf"


def test_dip_rows_link_to_existing_documents_and_are_numbered_in_order() -> None:
    for plan in make_plan():
        seed = plan.seed()
        assert [e.number for e in seed.information_list] == [
            str(n) for n in range(1, len(seed.information_list) + 1)
        ]
        linked = [e.document_local_id for e in seed.information_list if e.document_local_id]
        assert linked
        assert all(seed.document(local_id) is not None for local_id in linked)
        assert all(e.formats and set(e.formats) <= {"softcopy", "hardcopy"} for e in seed.information_list)


def test_profiles_report_the_whole_menu_and_some_opds_miss_sections() -> None:
    missing = 0
    for plan in make_plan():
        profile = plan.seed().profile
        assert [m.section for m in profile.menu] == list(MenuSectionKind)
        assert profile.contact is not None and profile.contact.email == f"ppid.{plan.slug}@bantenprov.go.id"
        for section in profile.menu:
            assert (section.url is not None) == section.available == (section.updated_at is not None)
        missing += any(not m.available for m in profile.menu)
    assert 0 < missing < 43


def test_titles_are_built_from_the_opd_name() -> None:
    seed = make_plan(["dinkes"])[0].seed()
    titles = {doc.title for doc in seed.documents}
    assert any("Dinkes" in t or "Dinas Kesehatan" in t for t in titles)
    assert any(t.startswith(("Laporan", "Rencana", "DPA", "Dokumen Pelaksanaan")) for t in titles)


def test_pdf_is_valid_and_exactly_the_advertised_size() -> None:
    for size in (2_000, 2_001, 10_000, 59_999):
        data = pdf_bytes("Rencana Strategis (Renstra) Dinas Kesehatan 2024–2026", size)
        assert len(data) == size
        assert data.startswith(b"%PDF-1.4\n")
        assert data.rstrip().endswith(b"%%EOF")
        startxref = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
        assert data[startxref:].startswith(b"xref\n")
        offsets = re.findall(rb"(\d{10}) 00000 n ", data[startxref:])
        for number, offset in enumerate(offsets, start=1):
            assert data[int(offset) :].startswith(b"%d 0 obj" % number)


def test_wib_is_the_seed_time_zone() -> None:
    assert SEED_NOW.tzinfo is WIB
