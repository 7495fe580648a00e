"""Seed data: the PPID profile, DIP and documents of one simulated OPD.

Everything comes from ``random.Random`` seeded with the OPD's slug, never the
global generator or the clock, so every process, test and committed catalog
sees the same portal. Documents and DIP rows are the normalized records of
:mod:`connectors.records`: what the gateway should end up with, whatever the
dialect that carries them.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from connectors.records import (
    WIB,
    Contact,
    Document,
    ExemptionGround,
    InformationCategory,
    InformationListEntry,
    MenuSection,
    MenuSectionKind,
    OpdProfile,
)

from .directory import OpdInfo, opd_directory
from .templates import PERIODS, YEARS, DocTemplate, Expansion, TemplateBook, template_book

__all__ = ["SEED_NOW", "IdStyle", "OpdSeed", "SeedFile", "opd_directory", "seed_opd"]
# opd_directory lives in simulator.directory; it is re-exported here because
# gateway/demo.py imports it from simulator.seed.

SEED_NOW = dt.datetime(2026, 10, 31, 17, 0, tzinfo=WIB)
"""The simulated "today": nothing is published after it, and the data never depends on the real clock."""

_MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
_SEMESTERS = ("I", "II")
_QUARTERS = ("I", "II", "III", "IV")
_CATEGORY_ORDER = tuple(InformationCategory)
_FORMATS = (("softcopy",), ("softcopy", "hardcopy"), ("softcopy", "hardcopy"), ("hardcopy",))
_MENU_PATHS = {
    MenuSectionKind.PROFILE: "profil-ppid",
    MenuSectionKind.INFORMATION_LIST: "daftar-informasi-publik",
    MenuSectionKind.BERKALA: "informasi-berkala",
    MenuSectionKind.SERTA_MERTA: "informasi-serta-merta",
    MenuSectionKind.SETIAP_SAAT: "informasi-setiap-saat",
    MenuSectionKind.DIKECUALIKAN: "informasi-dikecualikan",
    MenuSectionKind.SERVICE_REPORTS: "laporan-layanan",
    MenuSectionKind.REGULATIONS: "regulasi",
    MenuSectionKind.FORMS: "formulir",
    MenuSectionKind.SOP: "sop",
}


class IdStyle(enum.Enum):
    """What an OPD's local ids look like."""

    NUMERIC = "numeric"
    """Auto-increment numbers with gaps (``7``, ``12``, ``130``): string order is not numeric order."""
    UUID = "uuid"
    """UUID4 strings, as a DMS mints them."""
    SLUG = "slug"
    """Slugs of the title (``laporan-keuangan-dinkes-tahun-2025``)."""


@dataclass(frozen=True, slots=True)
class SeedFile:
    """A file the simulator serves for one document, at ``/files/{name}``."""

    name: str
    """``{local_id}.pdf``."""
    title: str
    """The document's title, printed in the PDF."""
    mime_type: str
    """Always ``application/pdf``."""
    size_bytes: int
    """The exact length of the bytes served."""

    @property
    def path(self) -> str:
        """The file's URL relative to the OPD's base URL (``files/12.pdf``)."""
        return f"files/{self.name}"


@dataclass(frozen=True)
class OpdSeed:
    """The whole simulated portal of one OPD."""

    opd: OpdInfo
    id_style: IdStyle
    profile: OpdProfile
    """The PPID profile, with every section of the standard menu (``available`` false when missing)."""
    documents: tuple[Document, ...]
    """Every document in storage order, as the gateway should normalize it (exempt ones without a file)."""
    information_list: tuple[InformationListEntry, ...]
    """The DIP in its published order."""
    files: Mapping[str, SeedFile]
    """Served files by document local id. Includes a file for some exempt documents: the
    portal leaks it, and the gateway must not pass it on."""
    _by_id: dict[str, Document] = field(init=False, repr=False, compare=False)
    _by_file: dict[str, SeedFile] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {doc.local_id: doc for doc in self.documents})
        object.__setattr__(self, "_by_file", {f.name: f for f in self.files.values()})

    def document(self, local_id: str) -> Document | None:
        """The document with ``local_id``, or ``None``."""
        return self._by_id.get(local_id)

    def file_named(self, name: str) -> SeedFile | None:
        """The served file called ``name`` (``12.pdf``), or ``None``."""
        return self._by_file.get(name)

    @property
    def leaked_exempt_ids(self) -> tuple[str, ...]:
        """Exempt documents whose file the portal still links (a rule the gateway enforces)."""
        return tuple(
            doc.local_id
            for doc in self.documents
            if doc.category is InformationCategory.DIKECUALIKAN and doc.local_id in self.files
        )


@dataclass(slots=True)
class _Draft:
    title: str
    type: str
    category: InformationCategory
    summary: str
    year: int | None
    published_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    ground: str | None = None
    file_size: int | None = None
    fixed_time: bool = False


@cache
def seed_opd(opd: OpdInfo, id_style: IdStyle = IdStyle.NUMERIC) -> OpdSeed:
    """The portal of ``opd``: the same for the same OPD and id style, in every process.

    The content does not depend on ``id_style``: only the ids do (they come
    from a generator of their own).
    """
    rng = random.Random(f"ppid-simulator:{opd.slug}")
    id_rng = random.Random(f"ppid-simulator-ids:{opd.slug}")
    book = template_book()
    drafts = _draft_documents(rng, opd, book)
    ids = _local_ids(id_rng, id_style, [d.title for d in drafts])
    documents: list[Document] = []
    files: dict[str, SeedFile] = {}
    for local_id, draft in zip(ids, drafts, strict=True):
        seed_file = None
        if draft.file_size is not None:
            seed_file = SeedFile(f"{local_id}.pdf", draft.title, "application/pdf", draft.file_size)
            files[local_id] = seed_file
        documents.append(
            Document(
                local_id=local_id,
                title=draft.title,
                category=draft.category,
                summary=draft.summary,
                type=draft.type,
                year=draft.year,
                published_at=draft.published_at,
                updated_at=draft.updated_at,
                file_url=seed_file.path if seed_file else None,
                mime_type=seed_file.mime_type if seed_file else None,
                size_bytes=seed_file.size_bytes if seed_file else None,
                source_url=f"{opd.website}/ppid/dokumen/{local_id}",
                exemption_ground=ExemptionGround[draft.ground.upper()] if draft.ground else None,
            )
        )
    if id_style is IdStyle.NUMERIC:
        documents.sort(key=lambda doc: int(doc.local_id))
    return OpdSeed(
        opd=opd,
        id_style=id_style,
        profile=_profile(rng, opd, book),
        documents=tuple(documents),
        information_list=_information_list(
            rng, id_rng=id_rng, style=id_style, opd=opd, book=book, documents=documents
        ),
        files=files,
    )


def _fill(template: str, opd: OpdInfo, **values: object) -> str:
    return template.format(name=opd.name, short=opd.short_name, **values)


def _instances(rng: random.Random, opd: OpdInfo, book: TemplateBook, tpl: DocTemplate) -> list[_Draft]:
    """Every document one template yields for ``opd``."""
    combos: list[tuple[int, dict[str, object]]] = []
    if tpl.expansion is Expansion.EACH_YEAR:
        combos = [(year, {}) for year in YEARS]
    elif tpl.expansion is Expansion.SEMESTER:
        combos = [(year, {"sem": sem}) for year in YEARS for sem in _SEMESTERS]
    elif tpl.expansion is Expansion.QUARTER:
        combos = [(year, {"quarter": q}) for year in YEARS for q in _QUARTERS]
    elif tpl.expansion is Expansion.SOME_MONTHS:
        combos = [(year, {"month": _MONTHS[m]}) for year in YEARS for m in sorted(rng.sample(range(12), 3))]
    elif tpl.expansion is Expansion.ONCE:
        combos = [(rng.choice(YEARS), {"month": rng.choice(_MONTHS)})]
    elif tpl.expansion is Expansion.PERIOD:
        combos = [(start, {"period": period}) for period, start in PERIODS]
    drafts = []
    for year, extra in combos:
        values = {
            "year": year,
            "next": year + 1,
            "n": rng.randint(1, 80),
            "region": rng.choice(book.regions),
            "period": "",
            **extra,
        }
        drafts.append(
            _Draft(
                title=_fill(tpl.title, opd, **values),
                type=tpl.type,
                category=tpl.category,
                summary=_fill(tpl.summary, opd, **values),
                year=year,
                ground=tpl.ground,
            )
        )
    return drafts


def _draft_documents(rng: random.Random, opd: OpdInfo, book: TemplateBook) -> list[_Draft]:
    total = rng.randint(30, 150)
    drafts: list[_Draft] = []
    for shared in book.shared:
        if rng.random() < shared.share:
            drafts.append(
                _Draft(
                    shared.title,
                    shared.type,
                    shared.category,
                    shared.summary,
                    shared.year,
                    published_at=shared.published,
                    fixed_time=True,
                )
            )
    if rng.random() < 0.4:
        # An older version kept online under the same title: a title tie within one OPD.
        old = book.shared[2]
        drafts.append(_Draft(old.title, old.type, old.category, old.summary, 2019))
    if rng.random() < 0.3:
        # No year and no date: such documents sort last and never match a year bound.
        drafts.append(
            _Draft(
                f"Struktur Organisasi PPID {opd.short_name}",
                "Profil",
                InformationCategory.BERKALA,
                f"Bagan struktur organisasi PPID Pembantu {opd.name}.",
                None,
                fixed_time=True,
            )
        )
    templates = book.documents_for(opd.slug)
    exempt_pool = [d for t in templates if t.ground for d in _instances(rng, opd, book, t)]
    exempt = rng.sample(exempt_pool, min(len(exempt_pool), rng.randint(1, 4)))
    drafts.extend(exempt)
    pool = [d for t in templates if not t.ground for d in _instances(rng, opd, book, t)]
    taken = {d.title for d in drafts}
    pool = [d for d in pool if d.title not in taken]
    drafts.extend(rng.sample(pool, max(0, total - len(drafts))))
    _stamp(rng, drafts)
    leak = rng.random() < 0.4
    for draft in drafts:
        if draft.category is InformationCategory.DIKECUALIKAN:
            if leak:
                # The portal links the file of an exempt document anyway; the gateway must drop it.
                draft.file_size = rng.randint(2_000, 60_000)
                leak = False
        elif rng.random() < 0.92:
            draft.file_size = rng.randint(2_000, 60_000)
    rng.shuffle(drafts)
    return drafts


def _moment(rng: random.Random, year: int) -> dt.datetime:
    start = dt.datetime(year, 1, 1, tzinfo=WIB)
    end = min(dt.datetime(year, 12, 31, tzinfo=WIB), SEED_NOW - dt.timedelta(days=1))
    day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
    return day.replace(hour=rng.randint(7, 16), minute=rng.randint(0, 59))


def _stamp(rng: random.Random, drafts: list[_Draft]) -> None:
    """Give publication and update times; some share a minute (batch uploads), a few have none."""
    by_year: dict[int, list[dt.datetime]] = {}
    for draft in drafts:
        if not draft.fixed_time and draft.year is not None:
            earlier = by_year.get(draft.year)
            roll = rng.random()
            if roll < 0.03:
                draft.published_at = None
            elif roll < 0.18 and earlier:
                draft.published_at = rng.choice(earlier)
            else:
                draft.published_at = _moment(rng, draft.year)
        if draft.published_at is not None:
            if draft.year is not None:
                by_year.setdefault(draft.year, []).append(draft.published_at)
            if rng.random() < 0.75:
                delay = dt.timedelta(days=rng.randint(0, 90), minutes=rng.randint(0, 600))
                draft.updated_at = min(draft.published_at + delay, SEED_NOW)


def _slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:72].rstrip("-")


def _local_ids(rng: random.Random, style: IdStyle, titles: list[str]) -> list[str]:
    if style is IdStyle.NUMERIC:
        # Gaps, as after deletions; the numbers are spread over one to three digits.
        numbers = sorted(rng.sample(range(1, len(titles) + len(titles) // 2 + 2), len(titles)))
        rng.shuffle(numbers)
        return [str(n) for n in numbers]
    if style is IdStyle.UUID:
        return [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in titles]
    seen: dict[str, int] = {}
    ids = []
    for title in titles:
        base = _slugify(title)
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def _information_list(
    rng: random.Random,
    *,
    id_rng: random.Random,
    style: IdStyle,
    opd: OpdInfo,
    book: TemplateBook,
    documents: list[Document],
) -> tuple[InformationListEntry, ...]:
    size = rng.randint(20, 80)
    linked = rng.sample(documents, min(len(documents), rng.randint(size // 3, 2 * size // 3)))
    rows: list[tuple[str, InformationCategory, int | None, str | None, str | None]] = [
        (doc.title, doc.category, doc.year, doc.summary, doc.local_id) for doc in linked
    ]
    pool = [
        (_fill(t.title, opd, year=year), t.category, year if t.yearly else None)
        for t in book.information_list
        for year in (YEARS if t.yearly else (None,))
    ]
    for title, category, year in rng.sample(pool, size - len(rows)):
        held = f"{title} yang dikuasai dan didokumentasikan oleh {opd.name}."
        rows.append((title, category, year, held, None))
    # A DIP is published grouped by category, then alphabetically.
    rows.sort(key=lambda row: (_CATEGORY_ORDER.index(row[1]), row[0].casefold(), row[4] or ""))
    entries = []
    for number, (title, category, year, summary, doc_id) in enumerate(rows, start=1):
        unit = rng.choice(book.holding_units)
        official = f"Sekretaris {opd.short_name}" if unit == "Sekretariat" else f"Kepala {unit}"
        formats = rng.choice(_FORMATS)
        retention = (
            "Sesuai hasil uji konsekuensi"
            if category is InformationCategory.DIKECUALIKAN
            else rng.choice(("Selama berlaku", "2 tahun", "5 tahun", "10 tahun", "Permanen"))
        )
        if style is IdStyle.UUID:
            local_id = str(uuid.UUID(int=id_rng.getrandbits(128), version=4))
        elif style is IdStyle.SLUG:
            local_id = f"dip-{number:03d}"
        else:
            local_id = str(number)
        entries.append(
            InformationListEntry(
                local_id=local_id,
                number=str(number),
                title=title,
                summary=summary,
                category=category,
                holding_unit=f"{unit} {opd.short_name}",
                responsible_official=official,
                made_at=f"{year}, Serang" if year else "Serang",
                formats=formats,
                retention_period=retention,
                year=year,
                document_local_id=doc_id,
            )
        )
    return tuple(entries)


def _profile(rng: random.Random, opd: OpdInfo, book: TemplateBook) -> OpdProfile:
    missing: set[MenuSectionKind] = set()
    if rng.random() < 0.45:
        optional = [kind for kind in MenuSectionKind if kind is not MenuSectionKind.PROFILE]
        missing = set(rng.sample(optional, rng.randint(1, 4)))
    menu = tuple(
        MenuSection(section=kind, available=False)
        if kind in missing
        else MenuSection(
            section=kind,
            available=True,
            url=f"{opd.website}/ppid/{_MENU_PATHS[kind]}",
            updated_at=_moment(rng, rng.choice((2024, 2025, 2026))),
        )
        for kind in MenuSectionKind
    )
    missions = rng.sample(book.missions, rng.randint(3, 4))
    in_lebak = opd.slug == "rsudmalingping"
    phone = f"(0252) {rng.randint(400000, 499999)}" if in_lebak else f"(0254) {rng.randint(200000, 299999)}"
    return OpdProfile(
        description=(
            f"PPID Pembantu {opd.name} adalah pejabat yang bertanggung jawab atas penyimpanan, "
            f"pendokumentasian, penyediaan, dan pelayanan informasi publik di lingkungan {opd.name}, "
            "di bawah koordinasi PPID Utama Provinsi Banten."
        ),
        vision=rng.choice(
            (
                f"Terwujudnya pelayanan informasi publik {opd.name} yang transparan dan akuntabel.",
                f"{opd.short_name} terbuka, informatif, dan melayani.",
                "Keterbukaan informasi publik untuk Banten yang maju dan sejahtera.",
            )
        ),
        mission="\n".join(f"{i}. {text}." for i, text in enumerate(missions, start=1)),
        tasks=(
            "Menyediakan, menyimpan, mendokumentasikan, dan mengamankan informasi; memberikan pelayanan "
            "informasi yang cepat, tepat, dan sederhana; menetapkan prosedur operasional penyebarluasan "
            "informasi publik; melakukan uji konsekuensi atas informasi yang dikecualikan."
        ),
        service_statement=(
            "Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan informasi publik sesuai standar "
            "pelayanan yang telah ditetapkan dan apabila tidak menepati janji ini, kami siap menerima sanksi "
            "sesuai peraturan perundang-undangan yang berlaku."
        ),
        structure_url=f"{opd.website}/ppid/struktur-organisasi",
        contact=Contact(
            name=f"PPID Pembantu {opd.short_name}",
            email=f"ppid.{opd.slug}@bantenprov.go.id",
            phone=phone,
            address=(
                "Jl. Raya Saketi–Malingping, Kabupaten Lebak, Banten"
                if in_lebak
                else "Kawasan Pusat Pemerintahan Provinsi Banten (KP3B), Jl. Syech Nawawi Al Bantani, "
                "Palima, Curug, Kota Serang, Banten 42171"
            ),
            office_hours="Senin–Kamis 08.00–16.00 WIB; Jumat 08.00–16.30 WIB",
        ),
        menu=menu,
        updated_at=_moment(rng, rng.choice((2025, 2026))),
    )
