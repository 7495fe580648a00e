"""Reading a catalog file (YAML or CSV) into records.

YAML, every section optional::

    profile:                       # the fields of OpdProfile
      description: PPID Dinas Perpustakaan dan Kearsipan
      contact: {email: ppid@dpk.bantenprov.go.id, phone: "0254 123456"}
      menu:
        - {section: information_list, available: true, url: /dip}   # available defaults to true
    documents:                     # the fields of Document, with id for local_id
      - id: lkip-2023
        title: Laporan Kinerja 2023
        category: berkala          # an InformationCategory name, any case
        year: 2023
        file_url: lkip-2023.pdf    # relative: resolved against files_base_url
    information_list:              # the fields of InformationListEntry, id and document_id
      - {id: dip-1, title: Laporan Kinerja, category: berkala, formats: [softcopy], document_id: lkip-2023}

CSV: one document per row, the header naming the same keys as a YAML
document; empty cells are empty fields.

Every fault is an ``UpstreamBadResponse`` naming the file, the row
(``documents[3]`` in YAML, ``line 5`` in CSV) and the field.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urljoin

import yaml

from ..capabilities import Capability
from ..errors import UpstreamBadResponse
from ..fieldpath import join_path, json_type
from ..filtering import order_key
from ..labels import LabelMap
from ..queries import DocumentOrder
from ..records import (
    Document,
    ExemptionGround,
    InformationCategory,
    InformationListEntry,
    MenuSectionKind,
    OpdProfile,
)
from ..validation import build_record

__all__ = ["Catalog", "parse_catalog"]

_CATEGORIES = LabelMap(InformationCategory)
_GROUNDS = LabelMap(ExemptionGround)
_SECTIONS = LabelMap(MenuSectionKind)
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TEXT_KEYS = frozenset({"id", "document_id", "number"})


@dataclass
class Catalog:
    """The records of one catalog file, as read at one moment."""

    documents: tuple[Document, ...]
    """Every document, in file order."""
    information_list: tuple[InformationListEntry, ...] | None = None
    """The DIP, when the catalog has one."""
    profile: OpdProfile | None = None
    """The PPID profile, when the catalog has one."""
    by_id: dict[str, Document] = field(init=False)
    """The documents by local id."""
    _sorted: dict[DocumentOrder, tuple[Document, ...]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {document.local_id: document for document in self.documents}

    @property
    def capabilities(self) -> frozenset[Capability]:
        """What this catalog can answer."""
        found = {Capability.DOCUMENTS, Capability.DOCUMENT}
        if self.information_list is not None:
            found.add(Capability.INFORMATION_LIST)
        if self.profile is not None:
            found.add(Capability.PROFILE)
        return frozenset(found)

    def ordered(self, order: DocumentOrder | None) -> tuple[Document, ...]:
        """The documents in ``order`` (file order for ``None``); each order is sorted once per catalog."""
        if order is None:
            return self.documents
        if order not in self._sorted:
            self._sorted[order] = tuple(sorted(self.documents, key=lambda d: order_key(d, order)))
        return self._sorted[order]


def parse_catalog(
    text: str, *, fmt: Literal["yaml", "csv"], source: str, files_base_url: str | None = None
) -> Catalog:
    """The catalog in ``text``; ``source`` (the file name) starts every error message."""
    base = None if files_base_url is None else files_base_url.rstrip("/") + "/"
    if fmt == "csv":
        return _parse_csv(text, source, base)
    return _parse_yaml(text, source, base)


def _parse_yaml(text: str, source: str, base: str | None) -> Catalog:
    try:
        raw = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader: the C one when available
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise UpstreamBadResponse(f"{source}: not valid YAML{where}: {problem}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise UpstreamBadResponse(f"{source}: expected a mapping with documents, profile, information_list")
    unknown = sorted(set(raw) - {"documents", "information_list", "profile"})
    if unknown:
        raise UpstreamBadResponse(
            f"{source}: unknown section; expected documents, information_list or profile",
            field=str(unknown[0]),
        )
    documents = _documents(
        ((f"documents[{i}]", source, row) for i, row in enumerate(_rows(raw, "documents", source))), base
    )
    information_list = None
    if raw.get("information_list") is not None:
        information_list = tuple(
            _entry(row, f"information_list[{i}]", source)
            for i, row in enumerate(_rows(raw, "information_list", source))
        )
    profile = None if raw.get("profile") is None else _profile(raw["profile"], source)
    return Catalog(documents, information_list, profile)


def _parse_csv(text: str, source: str, base: str | None) -> Catalog:
    reader = csv.DictReader(io.StringIO(text, newline=""))

    def rows() -> Iterable[tuple[str, str, Any]]:
        try:
            for row in reader:
                if None in row:
                    raise UpstreamBadResponse(f"{source}, line {reader.line_num}: more cells than columns")
                cells = {key: value for key, value in row.items() if value is not None and value.strip()}
                yield "", f"{source}, line {reader.line_num}", cells
        except csv.Error as exc:
            raise UpstreamBadResponse(f"{source}, line {reader.line_num}: not valid CSV: {exc}") from exc

    return Catalog(_documents(rows(), base))


def _rows(raw: Mapping[str, Any], section: str, source: str) -> list[Any]:
    rows = raw.get(section)
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise UpstreamBadResponse(f"{source}: expected a list, got {json_type(rows)}", field=section)
    return rows


def _documents(rows: Iterable[tuple[str, str, Any]], base: str | None) -> tuple[Document, ...]:
    documents: list[Document] = []
    seen: set[str] = set()
    for where, origin, row in rows:
        document = _document(row, where, origin, base)
        if document.local_id in seen:
            raise UpstreamBadResponse(
                f"{origin}: id {document.local_id!r} is used twice", field=join_path(where, "id")
            )
        seen.add(document.local_id)
        documents.append(document)
    return tuple(documents)


def _document(row: Any, where: str, origin: str, base: str | None) -> Document:
    data = _fields(row, where, origin, renamed={"id": "local_id"})
    _read_label(data, "category", _CATEGORIES)
    _read_label(data, "exemption_ground", _GROUNDS)
    if base is not None and isinstance(data.get("file_url"), str):
        data["file_url"] = urljoin(base, data["file_url"].strip())
    return build_record(Document, data, where=where, sources={"local_id": "id"}, origin=origin)


def _entry(row: Any, where: str, source: str) -> InformationListEntry:
    renamed = {"id": "local_id", "document_id": "document_local_id"}
    data = _fields(row, where, source, renamed=renamed)
    _read_label(data, "category", _CATEGORIES)
    if isinstance(data.get("formats"), str):
        data["formats"] = [part.strip() for part in data["formats"].split(",") if part.strip()]
    sources = {"local_id": "id", "document_local_id": "document_id"}
    return build_record(InformationListEntry, data, where=where, sources=sources, origin=source)


def _profile(raw: Any, source: str) -> OpdProfile:
    data = dict(_as_mapping(raw, "profile", source))
    menu = data.get("menu")
    if isinstance(menu, list):
        data["menu"] = [_menu_entry(entry) for entry in menu]
    return build_record(OpdProfile, data, where="profile", origin=source)


def _menu_entry(entry: Any) -> Any:
    if not isinstance(entry, Mapping):
        return entry  # pydantic names it
    entry = {"available": True, **entry}
    _read_label(entry, "section", _SECTIONS)
    return entry


def _fields(row: Any, where: str, origin: str, *, renamed: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, raw in _as_mapping(row, where, origin).items():
        name, value = str(key), raw
        if name in renamed.values():
            # The record's own name would also validate; refuse it so that one spelling is documented.
            wanted = next(k for k, v in renamed.items() if v == name)
            raise UpstreamBadResponse(f"{origin}: write {wanted}, not {name}", field=join_path(where, name))
        if name in _TEXT_KEYS and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # YAML reads `id: 17` as a number
        data[renamed.get(name, name)] = value
    return data


def _as_mapping(row: Any, where: str, origin: str) -> Mapping[Any, Any]:
    if not isinstance(row, Mapping):
        raise UpstreamBadResponse(f"{origin}: expected a mapping, got {json_type(row)}", field=where or None)
    return row


def _read_label(data: dict[str, Any], key: str, labels: LabelMap[Any]) -> None:
    # Names are matched case-insensitively; anything else is left for the model to refuse, with its field.
    value = data.get(key)
    if isinstance(value, str):
        member = labels.find(value, field=key)
        if member is not None:
            data[key] = member
