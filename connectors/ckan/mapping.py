"""Reading CKAN packages: every resource of a package becomes one document.

A resource's document takes its title, summary, file and times from the
resource, falling back to the package's; its category, type and year come from
the package. CKAN writes times in UTC without an offset
(``2024-01-15T02:00:00.123456``), so a naive time here is UTC, not WIB.

The year is read one of two ways, and a year filter is sent upstream on the
very value the year is read from, so it means exactly what
:func:`connectors.filtering.document_matches` means:

- with ``year_extra`` (choose it whenever the portal records a year per
  dataset, as Satu Data's ``tahun`` extra does): the package extra's value,
  filtered as ``extras_<key>`` (:func:`extra_year_range_fq`), the field CKAN
  indexes the extra as;
- without it (the default, so configs written before it keep their meaning):
  the UTC year of the package's ``metadata_created``, filtered as a range on
  it (:func:`year_range_fq`). That is when the dataset was created, not what
  its documents are about: a package gathering several years' documents gives
  them all its creation year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import UpstreamBadResponse
from ..records import Document, InformationCategory
from ..validation import build_record
from .settings import CkanSettings

__all__ = [
    "Package",
    "PackageReader",
    "extra_field",
    "extra_year_range_fq",
    "local_id",
    "read_search_result",
    "split_local_id",
    "year_range_fq",
]

# CKAN's search index (ckan/lib/search/index.py) keeps only these characters of an extra's key.
_KEY_CHARS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-")
# The bounds of Document.year: every year is four digits, so a text range on them is a numeric one.
_FIRST_YEAR, _LAST_YEAR = 1945, 2100


def local_id(package_name: str, resource_id: str) -> str:
    """The document's local id: ``<package-name>/<resource-id>``."""
    return f"{package_name}/{resource_id}"


def split_local_id(value: str) -> tuple[str, str] | None:
    """``(package name, resource id)`` of a local id, or ``None`` when it is not one of ours."""
    package_name, slash, resource_id = value.partition("/")
    if not slash or not package_name or not resource_id:
        return None
    return package_name, resource_id


def year_range_fq(year_from: int | None, year_to: int | None) -> str | None:
    """A Solr filter on ``metadata_created`` for years ``year_from``..``year_to`` (UTC), or ``None``.

    The upper bound is exclusive (``}``) at the start of the next year, so a
    package created on 31 December at 23:59:59.999 UTC is still in its year.
    """
    if year_from is None and year_to is None:
        return None
    low = f"{year_from:04d}-01-01T00:00:00Z" if year_from is not None else "*"
    high = f"{year_to + 1:04d}-01-01T00:00:00Z" if year_to is not None else "*"
    return f"metadata_created:[{low} TO {high}}}"


def extra_field(key: str) -> str:
    """The Solr field CKAN indexes the package extra ``key`` as: ``extras_<key>``.

    CKAN keeps only the key's letters, digits, ``_`` and ``-`` (``Tahun Data`` → ``extras_TahunData``).
    """
    return "extras_" + "".join(c for c in key if c in _KEY_CHARS)


def extra_year_range_fq(key: str, year_from: int | None, year_to: int | None) -> str | None:
    """A Solr filter on the package extra ``key`` for years ``year_from``..``year_to``, or ``None``.

    Both bounds are inclusive, ``*`` when open: ``extras_tahun:[2023 TO 2025]``.
    A package without the extra has no such field and never matches, as a
    document without a year never matches a year bound. CKAN indexes extras as
    text; years are always four digits here, so the text range is the numeric one.
    """
    if year_from is None and year_to is None:
        return None
    low = f"{year_from:04d}" if year_from is not None else "*"
    high = f"{year_to:04d}" if year_to is not None else "*"
    return f"{extra_field(key)}:[{low} TO {high}]"


def read_search_result(result: Any, where: str = "result") -> tuple[int, list[Any]]:
    """``(count, packages)`` of a ``package_search`` result; ``UpstreamBadResponse`` naming a bad field."""
    if not isinstance(result, Mapping):
        raise UpstreamBadResponse("package_search did not return an object", field=where)
    count, results = result.get("count"), result.get("results")
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise UpstreamBadResponse(f"the count is {count!r}, not a number", field=f"{where}.count")
    if not isinstance(results, list):
        raise UpstreamBadResponse("the results are not a list", field=f"{where}.results")
    return count, results


@dataclass(frozen=True, slots=True)
class Package:
    """A package read from the portal, with its resources turned into documents."""

    name: str
    """The package's URL name."""
    organization: str | None
    """The name of the organization that owns it."""
    documents: tuple[Document, ...]
    """One document per resource, in the package's resource order."""


class PackageReader:
    """Turns package objects into :class:`Package` values, per the connector's settings."""

    def __init__(self, settings: CkanSettings) -> None:
        """Keep the settings and the portal root (for each resource's page)."""
        self.settings = settings
        self._root = str(settings.base_url).rstrip("/")

    def read(self, package: Any, *, where: str, origin: str) -> Package:
        """Read one package object found at ``where`` in the body of the request ``origin``.

        ``UpstreamBadResponse`` names the request and the field at fault (``result.results[3].title``).
        """
        try:
            return self._read(package, where=where, origin=origin)
        except UpstreamBadResponse as exc:
            message = str(exc)
            if exc.field is not None:
                message = message.removesuffix(f" (field {exc.field!r})")
            if message.startswith(origin):
                raise
            raise UpstreamBadResponse(f"{origin}: {message}", field=exc.field) from exc

    def _read(self, package: Any, *, where: str, origin: str) -> Package:
        if not isinstance(package, Mapping):
            raise UpstreamBadResponse(f"{origin}: a package is not an object", field=where)
        name = _text(package, "name", where, required=True)
        assert name is not None
        organization = package.get("organization")
        owner = (
            _text(organization, "name", f"{where}.organization")
            if isinstance(organization, Mapping)
            else None
        )
        created = _time(package, "metadata_created", where)
        modified = _time(package, "metadata_modified", where)
        extras = _extras(package.get("extras"), f"{where}.extras")
        category = self._category(package, extras, where)
        doc_type = extras.get(self.settings.type_extra) if self.settings.type_extra else None
        if self.settings.year_extra is not None:
            year = _extra_year(extras, self.settings.year_extra, where)
        else:
            year = created.astimezone(dt.UTC).year if created else None
        resources = package.get("resources") or []
        if not isinstance(resources, list):
            raise UpstreamBadResponse(f"{origin}: the resources are not a list", field=f"{where}.resources")
        common = {
            "category": category,
            "type": doc_type or None,
            "year": year,
            "package_title": _text(package, "title", where),
            "notes": _text(package, "notes", where),
            "created": created,
            "modified": modified,
        }
        documents = tuple(
            self._document(name, resource, common, where=f"{where}.resources[{index}]", origin=origin)
            for index, resource in enumerate(resources)
        )
        return Package(name=name, organization=owner, documents=documents)

    def _document(
        self, package_name: str, resource: Any, common: Mapping[str, Any], *, where: str, origin: str
    ) -> Document:
        if not isinstance(resource, Mapping):
            raise UpstreamBadResponse(f"{origin}: a resource is not an object", field=where)
        resource_id = _text(resource, "id", where, required=True)
        assert resource_id is not None
        size = resource.get("size")
        data = {
            "local_id": local_id(package_name, resource_id),
            "title": _text(resource, "name", where) or common["package_title"] or resource_id,
            "category": common["category"],
            "summary": _text(resource, "description", where) or common["notes"],
            "type": common["type"],
            "year": common["year"],
            "published_at": _time(resource, "created", where) or common["created"],
            "updated_at": _time(resource, "last_modified", where) or common["modified"],
            "file_url": _text(resource, "url", where) or None,
            "mime_type": _text(resource, "mimetype", where) or None,
            "size_bytes": None if size in (None, "") else size,
            "source_url": f"{self._root}/dataset/{package_name}/resource/{resource_id}",
        }
        sources = {"title": "name", "summary": "description", "file_url": "url", "mime_type": "mimetype"}
        sources |= {"size_bytes": "size", "published_at": "created", "updated_at": "last_modified"}
        return build_record(Document, data, where=where, sources=sources, origin=origin)

    def _category(
        self, package: Mapping[str, Any], extras: Mapping[str, str], where: str
    ) -> InformationCategory:
        mapping = self.settings.categories
        if mapping.extra is not None and extras.get(mapping.extra):
            value = extras[mapping.extra]
            if value not in mapping.values:
                known = ", ".join(mapping.values) or "none configured"
                message = f"the category {value!r} is not one of {known}"
                raise UpstreamBadResponse(message, field=f"{where}.extras[{mapping.extra}]")
            return mapping.values[value]
        tags = package.get("tags") or []
        if not isinstance(tags, list):
            raise UpstreamBadResponse("the tags are not a list", field=f"{where}.tags")
        for index, tag in enumerate(tags):
            tag_name = _text(tag, "name", f"{where}.tags[{index}]") if isinstance(tag, Mapping) else None
            if tag_name is not None and tag_name in mapping.tags:
                return mapping.tags[tag_name]
        return mapping.default


def _text(data: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if value is None or (value == "" and not required):
        if required:
            raise UpstreamBadResponse(f"the {key} is missing", field=f"{where}.{key}")
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        got = "an empty string" if isinstance(value, str) else repr(value)
        raise UpstreamBadResponse(f"expected a string as {key}, got {got}", field=f"{where}.{key}")
    return value


def _time(data: Mapping[str, Any], key: str, where: str) -> dt.datetime | None:
    raw = _text(data, key, where)
    if raw is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise UpstreamBadResponse(
            f"the {key} {raw!r} is not an ISO 8601 time", field=f"{where}.{key}"
        ) from None
    # CKAN stores and writes UTC without an offset.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _extra_year(extras: Mapping[str, str], key: str, where: str) -> int | None:
    # An absent or empty extra is no year, as an empty type extra is no type; anything else must be a year.
    raw = extras.get(key, "").strip()
    if not raw:
        return None
    # Four plain digits only: the portal indexes the extra as text, so "02024" would escape a pushed range.
    if not (raw.isascii() and raw.isdigit() and len(raw) == 4) or not _FIRST_YEAR <= int(raw) <= _LAST_YEAR:
        message = f"the extra {key!r} is {extras[key]!r}, not a year from {_FIRST_YEAR} to {_LAST_YEAR}"
        raise UpstreamBadResponse(message, field=f"{where}.extras[{key}]")
    return int(raw)


def _extras(extras: Any, where: str) -> dict[str, str]:
    if extras is None:
        return {}
    if not isinstance(extras, Sequence) or isinstance(extras, str):
        raise UpstreamBadResponse("the extras are not a list", field=where)
    found: dict[str, str] = {}
    for index, extra in enumerate(extras):
        if not isinstance(extra, Mapping) or not isinstance(extra.get("key"), str):
            raise UpstreamBadResponse("an extra is not a {key, value} object", field=f"{where}[{index}]")
        value = extra.get("value")
        found[extra["key"]] = "" if value is None else str(value)
    return found
