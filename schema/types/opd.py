"""An OPD: its directory entry, its PPID profile and menu, and its own lists."""

from __future__ import annotations

import datetime as dt

import strawberry

from connectors import DocumentOrder, InformationCategory, MenuSectionKind, OpdProfile
from gateway.config import OpdConfig
from gateway.federation import UpstreamFailure

from ..errors import bad_user_input
from .contact import Contact
from .document import DocumentConnection, DocumentFilter
from .information_list import InformationListConnection

MENU_TITLES = {
    MenuSectionKind.PROFILE: "Profil PPID",
    MenuSectionKind.INFORMATION_LIST: "Daftar Informasi Publik",
    MenuSectionKind.BERKALA: "Informasi Berkala",
    MenuSectionKind.SERTA_MERTA: "Informasi Serta Merta",
    MenuSectionKind.SETIAP_SAAT: "Informasi Setiap Saat",
    MenuSectionKind.DIKECUALIKAN: "Informasi Dikecualikan",
    MenuSectionKind.SERVICE_REPORTS: "Laporan Layanan Informasi",
    MenuSectionKind.REGULATIONS: "Regulasi",
    MenuSectionKind.FORMS: "Formulir Permohonan dan Keberatan",
    MenuSectionKind.SOP: "SOP Pelayanan Informasi",
}


@strawberry.type(
    description="One section of the standard PPID menu, and whether this OPD's portal provides it."
)
class MenuSection:
    section: MenuSectionKind
    title: str = strawberry.field(description="The section's usual Indonesian title.")
    available: bool
    url: str | None
    updated_at: dt.datetime | None


@strawberry.type(name="OpdProfile", description="An OPD's PPID profile, as its portal publishes it.")
class OpdProfileType:
    description: str | None
    vision: str | None
    mission: str | None
    tasks: str | None
    service_statement: str | None
    structure_url: str | None
    contact: Contact | None
    updated_at: dt.datetime | None

    @classmethod
    def of(cls, profile: OpdProfile) -> OpdProfileType:
        """The GraphQL view of a profile record."""
        return cls(
            description=profile.description,
            vision=profile.vision,
            mission=profile.mission,
            tasks=profile.tasks,
            service_statement=profile.service_statement,
            structure_url=profile.structure_url,
            contact=Contact.of(profile.contact),
            updated_at=profile.updated_at,
        )


def standard_menu(profile: OpdProfile) -> list[MenuSection]:
    """Every section of the standard menu, in DOMAIN.md order, filled from what the profile reports."""
    reported = {entry.section: entry for entry in profile.menu}
    sections = []
    for kind in MenuSectionKind:
        entry = reported.get(kind)
        sections.append(
            MenuSection(
                section=kind,
                title=MENU_TITLES[kind],
                available=entry.available if entry else False,
                url=entry.url if entry else None,
                updated_at=entry.updated_at if entry else None,
            )
        )
    return sections


@strawberry.type(description="An agency (Organisasi Perangkat Daerah) with a PPID Pembantu.")
class Opd:
    config: strawberry.Private[OpdConfig]

    @classmethod
    def for_slug(cls, info: strawberry.Info, slug: str) -> Opd:
        """The OPD with ``slug`` from the directory (the engine only yields known slugs)."""
        config = info.context.federation.opd(slug)
        if config is None:  # a regency's OPD seen through another gateway, say
            raise bad_user_input(f"unknown OPD {slug!r}", "slug")
        return cls(config=config)

    @strawberry.field(description="The OPD's slug: the first half of every id it owns.")
    def slug(self) -> strawberry.ID:
        return strawberry.ID(self.config.slug)

    @strawberry.field
    def name(self) -> str:
        return self.config.name

    @strawberry.field
    def short_name(self) -> str:
        return self.config.short_name

    @strawberry.field(description="badan, dinas, biro, rsud, ...")
    def kind(self) -> str | None:
        return self.config.kind

    @strawberry.field
    def website(self) -> str | None:
        return str(self.config.website) if self.config.website else None

    @strawberry.field(description="The connector kind that reaches this OPD's system.")
    def connector(self) -> str:
        return self.config.connector.kind

    @strawberry.field
    def active_from(self) -> dt.date | None:
        return self.config.active_from

    @strawberry.field
    def active_to(self) -> dt.date | None:
        return self.config.active_to

    @strawberry.field(description="Slugs of the OPDs this one replaced.")
    def successor_of(self) -> list[str]:
        return list(self.config.successor_of)

    @strawberry.field(
        description="The PPID Pembantu desk: from the directory, else from the OPD's own profile."
    )
    async def ppid_contact(self, info: strawberry.Info) -> Contact | None:
        if self.config.ppid_contact is not None:
            return Contact.of(self.config.ppid_contact)
        profile = await self._profile(info)
        return Contact.of(profile.contact) if profile else None

    @strawberry.field(description="The PPID profile the OPD's portal publishes; null when it cannot be read.")
    async def profile(self, info: strawberry.Info) -> OpdProfileType | None:
        profile = await self._profile(info)
        return OpdProfileType.of(profile) if profile else None

    @strawberry.field(
        description="The standard PPID menu: every section, and whether the portal provides it. "
        "Empty when the profile cannot be read (see `errors` and `extensions.upstreams`)."
    )
    async def menu(self, info: strawberry.Info) -> list[MenuSection]:
        profile = await self._profile(info)
        return standard_menu(profile) if profile else []

    @strawberry.field(
        description="Share of the standard PPID menu sections the portal provides, 0–100; "
        "null when the profile cannot be read."
    )
    async def menu_score(self, info: strawberry.Info) -> float | None:
        profile = await self._profile(info)
        if profile is None:
            return None
        sections = standard_menu(profile)
        return round(100 * sum(s.available for s in sections) / len(sections), 1)

    @strawberry.field(description="This OPD's documents.")
    async def documents(
        self,
        info: strawberry.Info,
        filter: DocumentFilter | None = None,
        order_by: DocumentOrder = DocumentOrder.NEWEST,
        first: int = 20,
        after: str | None = None,
    ) -> DocumentConnection:
        from ..queries import resolve_documents

        if filter is not None and filter.opds:
            raise bad_user_input(
                "filter.opds cannot be used under an Opd: the OPD is already chosen. "
                "Use the top-level `documents` query to search several OPDs.",
                "filter.opds",
            )
        return await resolve_documents(info, filter, order_by, first, after, opds=[self.config.slug])

    @strawberry.field(description="This OPD's public information list (DIP).")
    async def information_list(
        self,
        info: strawberry.Info,
        category: InformationCategory | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> InformationListConnection:
        from ..queries import resolve_information_list

        return await resolve_information_list(info, [self.config.slug], category, first, after)

    async def _profile(self, info: strawberry.Info) -> OpdProfile | None:
        try:
            profile: OpdProfile | None = await info.context.profiles.load(self.config.slug)
        except UpstreamFailure:
            return None  # reported once per OPD in `errors` and `extensions.upstreams`
        return profile
