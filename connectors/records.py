"""Normalized records: what every connector returns, whatever the OPD runs.

Records are validated pydantic models. A connector builds them from the
upstream body; a ``pydantic.ValidationError`` while doing so is a shape
mismatch and is raised to the engine as ``UpstreamBadResponse``
(see :func:`connectors.validation.build_record`).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

__all__ = [
    "WIB",
    "Contact",
    "Document",
    "DocumentPage",
    "ExemptionGround",
    "InformationCategory",
    "InformationListEntry",
    "InformationListPage",
    "MenuSection",
    "MenuSectionKind",
    "OpdProfile",
]

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
"""Banten's time zone (Asia/Jakarta, no daylight saving): naive upstream times are WIB."""

LocalId = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
"""An id unique within one OPD. The gateway's global id is ``<opd-slug>:<local-id>``."""


class InformationCategory(enum.Enum):
    """The four categories of public information of UU KIP."""

    BERKALA = "BERKALA"
    """Informasi berkala (Pasal 9): published at least every six months."""
    SERTA_MERTA = "SERTA_MERTA"
    """Informasi serta-merta (Pasal 10): announced immediately."""
    SETIAP_SAAT = "SETIAP_SAAT"
    """Informasi tersedia setiap saat (Pasal 11): available on request."""
    DIKECUALIKAN = "DIKECUALIKAN"
    """Informasi dikecualikan (Pasal 17): exempt; listed, never served."""


class ExemptionGround(enum.Enum):
    """The ground of an exemption, UU KIP Pasal 17 letters a–j."""

    A = "A"
    """Law enforcement."""
    B = "B"
    """Intellectual property and fair competition."""
    C = "C"
    """Defence and security."""
    D = "D"
    """Natural wealth."""
    E = "E"
    """National economic resilience."""
    F = "F"
    """Foreign relations."""
    G = "G"
    """Private authentic deeds and wills."""
    H = "H"
    """Personal secrets."""
    I = "I"  # noqa: E741 - the letter of the law
    """Confidential inter- or intra-agency memoranda."""
    J = "J"
    """Barred by another law."""


def _assume_wib(value: dt.datetime | None) -> dt.datetime | None:
    # Every record time is aware, so that times from different OPDs compare and serialize alike.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=WIB)
    return value


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Document(_Record):
    """One public document of one OPD.

    A document in category ``DIKECUALIKAN`` keeps its title, summary and
    exemption ground, but never a file: ``file_url``, ``mime_type`` and
    ``size_bytes`` are dropped on construction, whatever the upstream sent.
    """

    local_id: LocalId
    """The id within the OPD's own system."""
    title: Annotated[str, StringConstraints(min_length=1)]
    """The document's title, as the OPD publishes it."""
    category: InformationCategory
    """Its KIP category."""
    summary: str | None = None
    """A short description (ringkasan), plain text."""
    type: str | None = None
    """The OPD's own document type (``Laporan``, ``SOP``, ``Peraturan``...)."""
    year: int | None = Field(default=None, ge=1945, le=2100)
    """The year the document is about or was made."""
    published_at: dt.datetime | None = None
    """When the OPD published it (timezone-aware; naive values are taken as WIB)."""
    updated_at: dt.datetime | None = None
    """When the OPD last changed it."""
    file_url: str | None = None
    """Where the file can be downloaded. Always ``None`` when exempt."""
    mime_type: str | None = None
    """The file's media type. Always ``None`` when exempt."""
    size_bytes: int | None = Field(default=None, ge=0)
    """The file's size. Always ``None`` when exempt."""
    source_url: str | None = None
    """The document's page on the OPD's own site."""
    exemption_ground: ExemptionGround | None = None
    """For ``DIKECUALIKAN``: the Pasal 17 ground, when the OPD gives it."""

    @field_validator("published_at", "updated_at")
    @classmethod
    def _naive_times_are_wib(cls, value: dt.datetime | None) -> dt.datetime | None:
        return _assume_wib(value)

    @model_validator(mode="after")
    def _never_serve_exempt_content(self) -> Document:
        # DOMAIN.md: an exempt document may be listed, its content never served.
        # Done here, in the one constructor every path goes through.
        if self.category is InformationCategory.DIKECUALIKAN and (
            self.file_url is not None or self.mime_type is not None or self.size_bytes is not None
        ):
            object.__setattr__(self, "file_url", None)
            object.__setattr__(self, "mime_type", None)
            object.__setattr__(self, "size_bytes", None)
        if self.category is not InformationCategory.DIKECUALIKAN and self.exemption_ground is not None:
            object.__setattr__(self, "exemption_ground", None)
        return self


class InformationListEntry(_Record):
    """One row of an OPD's Daftar Informasi Publik (DIP), DOMAIN.md columns."""

    local_id: LocalId
    """The id within the OPD's own system."""
    number: str | None = None
    """The row's number in the OPD's DIP."""
    title: Annotated[str, StringConstraints(min_length=1)]
    """The information's name."""
    summary: str | None = None
    """Ringkasan isi: summary of content."""
    category: InformationCategory
    """Its KIP category."""
    holding_unit: str | None = None
    """The unit that holds the information."""
    responsible_official: str | None = None
    """The official responsible for producing it."""
    made_at: str | None = None
    """Time and place it was made, as the OPD writes it."""
    formats: tuple[str, ...] = ()
    """Formats available: ``softcopy``, ``hardcopy``."""
    retention_period: str | None = None
    """Retention period (jangka waktu penyimpanan)."""
    year: int | None = Field(default=None, ge=1945, le=2100)
    """The year of the information, when given."""
    document_local_id: str | None = None
    """The local id of the matching document, when the OPD links one."""


class MenuSectionKind(enum.Enum):
    """The sections of the standard PPID menu of an OPD website (DOMAIN.md)."""

    PROFILE = "PROFILE"
    """PPID profile, structure, vision, tasks, service statement."""
    INFORMATION_LIST = "INFORMATION_LIST"
    """The public information list (DIP)."""
    BERKALA = "BERKALA"
    """Informasi berkala."""
    SERTA_MERTA = "SERTA_MERTA"
    """Informasi serta-merta."""
    SETIAP_SAAT = "SETIAP_SAAT"
    """Informasi setiap saat."""
    DIKECUALIKAN = "DIKECUALIKAN"
    """Informasi dikecualikan."""
    SERVICE_REPORTS = "SERVICE_REPORTS"
    """Laporan layanan informasi."""
    REGULATIONS = "REGULATIONS"
    """Regulasi."""
    FORMS = "FORMS"
    """Request and objection forms."""
    SOP = "SOP"
    """Standard operating procedures."""


class MenuSection(_Record):
    """Whether the OPD's portal provides one section of the standard PPID menu."""

    section: MenuSectionKind
    """Which section."""
    available: bool
    """Whether the portal provides it."""
    url: str | None = None
    """Where it is on the portal."""
    updated_at: dt.datetime | None = None
    """When the section was last updated (timezone-aware; naive values are taken as WIB)."""

    @field_validator("updated_at")
    @classmethod
    def _naive_times_are_wib(cls, value: dt.datetime | None) -> dt.datetime | None:
        return _assume_wib(value)


class Contact(_Record):
    """How to reach a PPID (Pembantu) desk."""

    name: str | None = None
    """The officer or desk name."""
    email: str | None = None
    """Its e-mail address."""
    phone: str | None = None
    """Its phone number."""
    address: str | None = None
    """Its postal address."""
    office_hours: str | None = None
    """When the desk is open."""


class OpdProfile(_Record):
    """An OPD's PPID profile and its standard PPID menu."""

    description: str | None = None
    """The PPID profile text."""
    vision: str | None = None
    """Visi."""
    mission: str | None = None
    """Misi."""
    tasks: str | None = None
    """Tugas dan fungsi of the PPID."""
    service_statement: str | None = None
    """Maklumat pelayanan informasi."""
    structure_url: str | None = None
    """Where the PPID's organisation chart is."""
    contact: Contact | None = None
    """The PPID Pembantu desk, as the OPD publishes it."""
    menu: tuple[MenuSection, ...] = ()
    """The sections of the standard PPID menu that the portal reports."""
    updated_at: dt.datetime | None = None
    """When the profile was last changed (timezone-aware; naive values are taken as WIB)."""

    @field_validator("updated_at")
    @classmethod
    def _naive_times_are_wib(cls, value: dt.datetime | None) -> dt.datetime | None:
        return _assume_wib(value)


class DocumentPage(_Record):
    """One page of documents from one OPD."""

    items: tuple[Document, ...]
    """The documents, in the order requested (or the upstream's own order)."""
    next_token: str | None = None
    """The connector's continuation token for the next page; ``None`` at the end."""
    total: int | None = Field(default=None, ge=0)
    """How many documents match in all, when the upstream says."""


class InformationListPage(_Record):
    """One page of an OPD's DIP."""

    items: tuple[InformationListEntry, ...]
    """The entries, in the upstream's order."""
    next_token: str | None = None
    """The continuation token for the next page; ``None`` at the end."""
    total: int | None = Field(default=None, ge=0)
    """How many entries in all, when the upstream says."""
