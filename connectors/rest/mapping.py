"""Reading records out of upstream JSON through the declarative field mapping.

Every error names the upstream field path (``data[3].judul``). Conventions,
the same for every field:

- a configured path with no value (absent, ``null`` or a blank string) leaves
  an optional field empty, and is an error for a required one;
- ids and DIP numbers may be JSON numbers: they become strings;
- relative URLs are resolved against ``base_url`` taken as a folder;
- labels go through the value maps (:class:`connectors.labels.LabelMap`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urljoin

from ..errors import UpstreamBadResponse
from ..fieldpath import MISSING, join_path, json_type, read_path, require_path
from ..http import JsonResponse
from ..labels import LabelMap
from ..records import (
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
from ..validation import build_record
from .settings import (
    DocumentFields,
    InformationListFields,
    MenuMapping,
    ProfileFields,
    ValueMaps,
)

__all__ = ["DocumentReader", "InformationListReader", "ProfileReader", "read_items", "read_total"]


def read_items(body: Any, path: str) -> list[Any]:
    """The array of items at ``path``; ``UpstreamBadResponse`` when it is absent or not an array."""
    items = read_path(body, path)
    if items is MISSING:
        raise UpstreamBadResponse("the array of items is missing", field=join_path("", path))
    if not isinstance(items, list):
        message = f"expected an array of items, got {json_type(items)}"
        raise UpstreamBadResponse(message, field=join_path("", path))
    return items


def read_total(reply: JsonResponse, spec: str | None) -> int | None:
    """The total count per ``spec`` (a body path or ``header:NAME``), or ``None`` when not given."""
    if spec is None:
        return None
    if spec.startswith("header:"):
        name = spec.removeprefix("header:").strip()
        value: Any = reply.response.headers.get(name)
        field = f"header {name}"
        if value is None:
            return None
    else:
        value = read_path(reply.body, spec)
        field = join_path("", spec)
        if value is MISSING:
            return None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise UpstreamBadResponse(f"expected a count, got {value!r}", field=field)


def _as_object(item: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(item, Mapping):
        raise UpstreamBadResponse(f"expected an object, got {json_type(item)}", field=join_path(where, ""))
    return item


def _optional(item: Any, path: str | None, where: str) -> Any:
    if path is None:
        return None
    value = read_path(item, path, where=where)
    if value is MISSING or (isinstance(value, str) and not value.strip()):
        return None
    return value


def _id(value: Any, where: str, path: str) -> Any:
    # JSON ids are often numbers; ours are strings. Anything else is left for pydantic to refuse.
    # The field name is rendered only on error: this runs for every record read.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    message = f"expected a string or a number, got {json_type(value)}"
    raise UpstreamBadResponse(message, field=join_path(where, path))


class _Reader:
    def __init__(self, base_url: str) -> None:
        # "Under base_url": a relative URL continues base_url's path rather than replacing its last segment.
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"

    def url(self, value: Any, where: str, path: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            message = f"expected a URL string, got {json_type(value)}"
            raise UpstreamBadResponse(message, field=join_path(where, path))
        text = value.strip()
        if text.startswith(("https://", "http://")):
            return text  # already absolute: skip urljoin, the costliest step of reading a record
        return urljoin(self.base_url, text)


class DocumentReader(_Reader):
    """Builds :class:`~connectors.records.Document` records from upstream item objects."""

    def __init__(self, fields: DocumentFields, values: ValueMaps, base_url: str) -> None:
        """Keep the mapping; ``base_url`` resolves relative file and source URLs."""
        super().__init__(base_url)
        self.fields = fields
        """The field paths."""
        self.categories = LabelMap(InformationCategory, values.category)
        """Category labels."""
        self.grounds = LabelMap(ExemptionGround, values.exemption_ground)
        """Exemption ground labels."""
        self._sources = {
            name: path for name, path in fields.model_dump().items() if path is not None and name != "id"
        } | {"local_id": fields.id}

    def read(self, item: Any, *, where: str, origin: str) -> Document:
        """The document in ``item``, found at ``where`` in the body of ``origin`` (for error messages)."""
        item = _as_object(item, where)
        f = self.fields
        data: dict[str, Any] = {
            "local_id": _id(require_path(item, f.id, where=where), where, f.id),
            "title": require_path(item, f.title, where=where),
            "category": self.categories.parse(
                require_path(item, f.category, where=where), field=join_path(where, f.category)
            ),
        }
        for name in ("summary", "type", "year", "published_at", "updated_at", "mime_type", "size_bytes"):
            value = _optional(item, getattr(f, name), where)
            if value is not None:
                data[name] = value
        for name in ("file_url", "source_url"):
            path = getattr(f, name)
            value = self.url(_optional(item, path, where), where, path or "")
            if value is not None:
                data[name] = value
        ground = _optional(item, f.exemption_ground, where)
        if ground is not None:
            ground_at = join_path(where, f.exemption_ground or "")
            data["exemption_ground"] = self.grounds.parse(ground, field=ground_at)
        document = build_record(Document, data, where=where, sources=self._sources, origin=origin)
        if document.year is None and document.published_at is not None:
            # The year falls back to the publication year, in Banten's own time zone.
            data["year"] = document.published_at.astimezone(WIB).year
            document = build_record(Document, data, where=where, sources=self._sources, origin=origin)
        return document


_ENTRY_TEXTS = ("summary", "holding_unit", "responsible_official", "made_at", "retention_period", "year")


class InformationListReader(_Reader):
    """Builds :class:`~connectors.records.InformationListEntry` records from upstream DIP rows."""

    def __init__(self, fields: InformationListFields, values: ValueMaps) -> None:
        """Keep the mapping."""
        super().__init__("")
        self.fields = fields
        """The field paths."""
        self.categories = LabelMap(InformationCategory, values.category)
        """Category labels."""
        self._sources = {
            name: path
            for name, path in fields.model_dump().items()
            if path is not None and name not in ("id", "document_id")
        } | {"local_id": fields.id}
        if fields.document_id is not None:
            self._sources["document_local_id"] = fields.document_id

    def read(self, item: Any, *, where: str, origin: str) -> InformationListEntry:
        """The DIP entry in ``item``, found at ``where`` in the body of ``origin``."""
        item = _as_object(item, where)
        f = self.fields
        data: dict[str, Any] = {
            "local_id": _id(require_path(item, f.id, where=where), where, f.id),
            "title": require_path(item, f.title, where=where),
            "category": self.categories.parse(
                require_path(item, f.category, where=where), field=join_path(where, f.category)
            ),
        }
        for name in _ENTRY_TEXTS:
            value = _optional(item, getattr(f, name), where)
            if value is not None:
                data[name] = value
        for name, key in (("number", "number"), ("document_id", "document_local_id")):
            path = getattr(f, name)
            value = _optional(item, path, where)
            if value is not None:
                data[key] = _id(value, where, path)
        formats = _optional(item, f.formats, where)
        if isinstance(formats, str):
            formats = [part.strip() for part in formats.split(",") if part.strip()]
        if formats is not None:
            data["formats"] = formats
        return build_record(InformationListEntry, data, where=where, sources=self._sources, origin=origin)


class ProfileReader(_Reader):
    """Builds an :class:`~connectors.records.OpdProfile` from the upstream profile object."""

    _CONTACT: ClassVar[dict[str, str]] = {
        "contact_name": "name",
        "contact_email": "email",
        "contact_phone": "phone",
        "contact_address": "address",
        "office_hours": "office_hours",
    }

    def __init__(self, fields: ProfileFields, menu: MenuMapping | None, base_url: str) -> None:
        """Keep the mapping; ``base_url`` resolves a relative ``structure_url``."""
        super().__init__(base_url)
        self.fields = fields
        """The field paths."""
        self.menu = menu
        """The menu mapping, when the profile reports its menu."""
        self.sections = LabelMap(MenuSectionKind, menu.values if menu else None)
        """Menu section labels."""

    def read(self, body: Any, *, where: str, origin: str) -> OpdProfile:
        """The profile in ``body`` (the object at ``where``), answered by ``origin``."""
        body = _as_object(body, where)
        paths = self.fields.model_dump()
        data: dict[str, Any] = {}
        contact: dict[str, Any] = {}
        sources: dict[str, str] = {}
        for name, path in paths.items():
            value = _optional(body, path, where)
            if value is None:
                continue
            if name in self._CONTACT:
                contact[self._CONTACT[name]] = value
            elif name == "structure_url":
                data[name] = self.url(value, where, path)
            else:
                data[name] = value
            sources[name] = path
        if contact:
            contact_sources = {self._CONTACT[name]: paths[name] for name in self._CONTACT if paths[name]}
            data["contact"] = build_record(
                Contact, contact, where=where, sources=contact_sources, origin=origin
            )
        if self.menu is not None:
            data["menu"] = self._read_menu(body, self.menu, where, origin)
        return build_record(OpdProfile, data, where=where, sources=sources, origin=origin)

    def _read_menu(
        self, body: Mapping[str, Any], menu: MenuMapping, where: str, origin: str
    ) -> tuple[MenuSection, ...]:
        entries = read_path(body, menu.items, where=where)
        if entries is MISSING:
            return ()
        items_at = join_path(where, menu.items)
        if not isinstance(entries, list):
            message = f"expected an array of menu entries, got {json_type(entries)}"
            raise UpstreamBadResponse(message, field=items_at)
        sections: dict[MenuSectionKind, MenuSection] = {}
        for index, raw in enumerate(entries):
            at = f"{items_at}[{index}]"
            entry = _as_object(raw, at)
            label = require_path(entry, menu.section, where=at)
            kind = self.sections.find(label, field=join_path(at, menu.section))
            if kind is None or kind in sections:
                continue  # not a standard section, or listed twice: the first one counts
            data: dict[str, Any] = {"section": kind, "available": True}
            sources = {"section": menu.section}
            for name in ("available", "url", "updated_at"):
                path = getattr(menu, name)
                value = _optional(entry, path, at)
                if value is not None:
                    data[name] = self.url(value, at, path) if name == "url" else value
                    sources[name] = path
            sections[kind] = build_record(MenuSection, data, where=at, sources=sources, origin=origin)
        return tuple(sections.values())
