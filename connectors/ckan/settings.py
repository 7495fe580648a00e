"""Settings of the ``ckan`` connector: one OPD's organization on a CKAN open-data portal (Satu Data).

A provincial Satu Data portal hosts many OPDs, each as a CKAN organization.
The connector reads the datasets (packages) of one organization through the
action API (``/api/3/action/…``) and turns every resource of a package into
one document, with the local id ``<package-name>/<resource-id>``::

    connector:
      kind: ckan
      base_url: https://satudata.bantenprov.go.id
      organization: dinas-kesehatan
      categories:
        tags: {informasi-berkala: BERKALA, informasi-dikecualikan: DIKECUALIKAN}
        default: SETIAP_SAAT
      type_extra: jenis_dokumen
      year_extra: tahun
      api_token_env: SATUDATA_TOKEN

A document's year comes from one of two places (:mod:`connectors.ckan.mapping`):
with ``year_extra``, the package extra of that name (what Satu Data portals
record per dataset: ``tahun``); without it, the UTC year of the package's
``metadata_created``, which is only right on a portal that makes one package
per document year.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from ..records import InformationCategory

__all__ = ["CategoryMapping", "CkanSettings"]

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


class CategoryMapping(BaseModel):
    """How a package's KIP category is read: from a package extra, else its tags, else the default.

    Every resource of a package has the package's category.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    extra: str | None = None
    """A package extra whose value names the category (looked up in ``values``); ``None``: no extra."""
    values: dict[str, InformationCategory] = Field(default_factory=dict)
    """Values of ``extra`` → category. A value not listed is an upstream error naming the extra."""
    tags: dict[str, InformationCategory] = Field(default_factory=dict)
    """Tag names → category; the first of the package's tags (in its order) that is listed wins."""
    default: InformationCategory = InformationCategory.SETIAP_SAAT
    """The category of a package with neither the extra nor a listed tag (open data is usually available
    at any time: ``SETIAP_SAAT``)."""


class CkanSettings(BaseModel):
    """The ``connector:`` block of an OPD that publishes on a CKAN portal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: HttpUrl
    """The portal's root; the action API is at ``<base_url>/api/3/action/``."""
    organization: str = Field(min_length=2, max_length=100)
    """The OPD's organization name on the portal (its URL name, ``dinas-kesehatan``): only its packages
    are read (``fq=organization:<name>``), and a package of another organization is never served."""
    categories: CategoryMapping = Field(default_factory=CategoryMapping)
    """How packages map to the four KIP categories."""
    type_extra: str | None = None
    """A package extra holding the document type (``Laporan``, ``SOP``); ``None``: documents have no type."""
    year_extra: str | None = None
    """A package extra holding the year of its documents as four digits in text (``"2024"``).

    Set it whenever the portal has one (Satu Data's ``tahun``): every resource
    then takes the year of its package's extra, a package without it (or with
    it empty) has documents without a year, and a value that is not a year is
    an upstream error naming the extra. Year filters go to the portal as a
    range on the field CKAN indexes the extra as (``fq=extras_tahun:[2023 TO
    2025]``).

    ``None`` (the default, kept for configs written before this setting): the
    year is the UTC year of the package's ``metadata_created`` and filters are
    a range on it. That is the year the *dataset* was created, which is the
    documents' year only on a portal that makes one package per year and
    creates it that year; a package that gathers documents of many years
    gives all of them its creation year."""
    search_upstream: bool = True
    """Send a free-text query to the portal as ``q`` to narrow the packages fetched.

    The connector always applies the query to each resource itself, exactly as
    the engine would; but CKAN's search matches whole (stemmed) words while the
    gateway matches parts of words, so a portal search may miss a package the
    gateway would keep. Turn this off for such a portal: the engine then
    filters the query itself."""
    rows: int = Field(default=100, ge=1, le=1000)
    """The most packages asked for per ``package_search`` call (CKAN's default limit is 1000)."""
    api_token_env: str | None = None
    """The environment variable holding a CKAN API token, sent as the ``Authorization`` header (needed
    only for private datasets). The token itself never goes in the config file."""
    timeout_s: float | None = Field(default=None, gt=0)
    """A per-call timeout in seconds; ``None`` uses the gateway client's."""

    @field_validator("organization")
    @classmethod
    def _ckan_name(cls, value: str) -> str:
        if not set(value) <= _NAME_CHARS:
            raise ValueError(
                f"{value!r} is not a CKAN organization name: use its URL name "
                "(lower-case letters, digits, '-' and '_'), not its title"
            )
        return value
