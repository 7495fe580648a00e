"""The ``ckan`` dialect: a provincial Satu Data portal (CKAN 2.10) hosting several OPDs as organizations.

The action API at ``/api/3/action/<action>`` answers CKAN's envelope
``{"help", "success", "result"}``; a failure has ``"success": false`` and an
``error`` with its ``__type`` (``Not Found Error`` 404, ``Validation Error``
409, ``Search Query Error`` 409, ``Bad Request`` 400). Actions:

- ``package_search?q=&fq=&rows=&start=&sort=``: ``fq`` takes ``field:value``
  clauses (``organization``, ``name``, ``tags``, and ``extras_<key>`` for a
  package extra, as CKAN's Solr schema indexes extras), ``metadata_created``
  ranges (``[2024-01-01T00:00:00Z TO *]``, ``}`` excludes the bound) and
  ``extras_<key>`` ranges of whole numbers (``extras_tahun:[2023 TO 2025]``;
  a package without the extra never matches), joined by spaces or ``AND``;
  ``q`` keeps packages whose text (title, notes, tags, extras, resource names
  and descriptions) contains every word; ``sort`` is a comma-separated list
  of ``name``, ``title_string``, ``metadata_created``, ``metadata_modified``
  or ``score`` with ``asc``/``desc``;
- ``package_show?id=`` (name or id) and ``organization_show?id=``.

An OPD's documents are grouped into one package per (category, type, year),
as Satu Data portals publish a dataset per year (``Anggaran Diskominfo 2024
(Informasi Berkala)``), each document a resource; the category is a tag
(:data:`CATEGORY_TAGS`), the type the extra :data:`TYPE_EXTRA`, the year the
extra :data:`YEAR_EXTRA` (documents without a year share a package without
it). A package's ``metadata_created`` is its first document's publication,
which need not be in its year. Times are UTC without an offset, as CKAN writes
them. Like the other dialects, the portal still links some exempt documents'
files: the gateway must drop them.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Scope

from connectors.filtering import normalize_text
from connectors.records import Document, InformationCategory

from ..pdf import pdf_bytes
from ..seed import SEED_NOW, OpdSeed

__all__ = [
    "CATEGORY_TAGS",
    "TYPE_EXTRA",
    "YEAR_EXTRA",
    "SimPackage",
    "connector_block",
    "endpoint_name",
    "portal_packages",
    "resource_id",
    "routes",
    "served_documents",
]

CATEGORY_TAGS = {
    InformationCategory.BERKALA: "informasi-berkala",
    InformationCategory.SERTA_MERTA: "informasi-serta-merta",
    InformationCategory.SETIAP_SAAT: "informasi-setiap-saat",
    InformationCategory.DIKECUALIKAN: "informasi-dikecualikan",
}
"""The tag that carries each KIP category."""
TYPE_EXTRA = "jenis_dokumen"
"""The package extra that carries the document type."""
YEAR_EXTRA = "tahun"
"""The package extra that carries the year of the package's documents, as text (``"2024"``)."""
_NAMESPACE = uuid.UUID("6f1c7a52-3a51-4f0e-9a43-0c7c1d2a9b10")
_DEFAULT_ROWS = 10
_MAX_ROWS = 1000
_DEFAULT_SORT = "score desc, metadata_modified desc"
_SORT_FIELDS = ("name", "title_string", "metadata_created", "metadata_modified", "score")
# Field names as CKAN indexes extras' keys: letters, digits, '_' and '-'.
_CLAUSE = re.compile(r'\+?([\w-]+):("[^"]*"|[\[{][^\]}]*[\]}]|[^\s"]+)')
_RANGE = re.compile(r"([\[{])\s*(\S+)\s+TO\s+(\S+)\s*([\]}])")


@dataclass(frozen=True, slots=True)
class SimPackage:
    """One simulated CKAN package: an OPD's documents of one category, type and year."""

    seed: OpdSeed
    """The OPD that owns it."""
    name: str
    """Its URL name, unique on the portal."""
    title: str
    """Its title."""
    category: InformationCategory
    """The category of every document in it."""
    type: str | None
    """The type of every document in it."""
    year: int | None
    """The year of every document in it (its :data:`YEAR_EXTRA`); ``None``: documents without a year."""
    documents: tuple[Document, ...]
    """Its resources' documents, in resource order."""

    @property
    def id(self) -> str:
        """A stable UUID."""
        return str(uuid.uuid5(_NAMESPACE, f"package:{self.name}"))

    @property
    def created(self) -> dt.datetime:
        """``metadata_created``: when its first document was published."""
        return min((d.published_at for d in self.documents if d.published_at), default=SEED_NOW)

    @property
    def modified(self) -> dt.datetime:
        """``metadata_modified``: the last change to any of its documents."""
        moments = [m for d in self.documents for m in (d.published_at, d.updated_at) if m]
        return max(moments, default=SEED_NOW)

    @property
    def extras(self) -> dict[str, str]:
        """Its extras, key → value, as the API lists them and ``fq`` filters on them."""
        found: dict[str, str] = {}
        if self.type:
            found[TYPE_EXTRA] = self.type
        if self.year is not None:
            found[YEAR_EXTRA] = str(self.year)
        return found

    def text(self) -> str:
        """Everything ``q`` searches, normalized."""
        parts: list[str] = [self.title, _notes(self), *_tags(self), self.type or ""]
        for doc in self.documents:
            parts += [doc.title, doc.summary or ""]
        return normalize_text(" ".join(parts))


def resource_id(seed: OpdSeed, document: Document) -> str:
    """The stable UUID of the resource that carries ``document``."""
    return str(uuid.uuid5(_NAMESPACE, f"resource:{seed.opd.slug}:{document.local_id}"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalize_text(text)).strip("-")


def portal_packages(seeds: Iterable[OpdSeed]) -> tuple[SimPackage, ...]:
    """Every package of the portal, OPD by OPD, in the order the seeds' documents first appear."""
    found: list[SimPackage] = []
    for seed in seeds:
        groups: dict[tuple[InformationCategory, str | None, int | None], list[Document]] = {}
        for doc in seed.documents:
            groups.setdefault((doc.category, doc.type, doc.year), []).append(doc)
        for (category, doc_type, year), docs in groups.items():
            kind = doc_type or "Dokumen"
            label = f"{kind} {seed.opd.short_name}" + (f" {year}" if year is not None else "")
            name = _slug(f"{seed.opd.slug} {kind} {year or ''} {CATEGORY_TAGS[category]}")
            title = f"{label} ({CATEGORY_TAGS[category].replace('-', ' ').title()})"
            found.append(SimPackage(seed, name, title, category, doc_type, year, tuple(docs)))
    return tuple(found)


def _ckan_time(moment: dt.datetime | None) -> str | None:
    # CKAN stores UTC and writes it without an offset.
    return moment.astimezone(dt.UTC).replace(tzinfo=None).isoformat() if moment else None


def _notes(package: SimPackage) -> str:
    return f"Kumpulan dokumen {package.type or 'PPID'} {package.seed.opd.name}."


def _tags(package: SimPackage) -> list[str]:
    # The type's tag comes first: a connector must look past tags it does not map.
    return [*([_slug(package.type)] if package.type else []), CATEGORY_TAGS[package.category]]


def _organization(seed: OpdSeed, package_count: int | None = None) -> dict[str, Any]:
    org: dict[str, Any] = {
        "id": str(uuid.uuid5(_NAMESPACE, f"organization:{seed.opd.slug}")),
        "name": seed.opd.slug,
        "title": seed.opd.name,
        "type": "organization",
        "description": seed.profile.description or "",
        "image_url": "",
        "created": _ckan_time(seed.profile.updated_at or SEED_NOW),
        "is_organization": True,
        "approval_status": "approved",
        "state": "active",
    }
    if package_count is not None:
        org["package_count"] = package_count
    return org


def _package(request: Request, package: SimPackage) -> dict[str, Any]:
    root = str(request.base_url).rstrip("/")
    seed = package.seed
    resources = []
    for position, doc in enumerate(package.documents):
        rid = resource_id(seed, doc)
        served = seed.files.get(doc.local_id)
        resources.append(
            {
                "id": rid,
                "package_id": package.id,
                "name": doc.title,
                "description": doc.summary or "",
                "format": "PDF" if served else "",
                "mimetype": served.mime_type if served else None,
                "url": f"{root}/dataset/{package.name}/resource/{rid}/download/{served.name}"
                if served
                else "",
                "size": served.size_bytes if served else None,
                "created": _ckan_time(doc.published_at or package.created),
                "last_modified": _ckan_time(doc.updated_at),
                "position": position,
                "state": "active",
                "url_type": "upload" if served else None,
            }
        )
    extras = [{"key": key, "value": value} for key, value in package.extras.items()]
    return {
        "id": package.id,
        "name": package.name,
        "title": package.title,
        "type": "dataset",
        "notes": _notes(package),
        "license_id": "cc-by",
        "private": False,
        "state": "active",
        "owner_org": _organization(seed)["id"],
        "metadata_created": _ckan_time(package.created),
        "metadata_modified": _ckan_time(package.modified),
        "organization": _organization(seed),
        "tags": [{"name": tag, "display_name": tag, "state": "active"} for tag in _tags(package)],
        "groups": [],
        "extras": extras,
        "num_resources": len(resources),
        "num_tags": len(_tags(package)),
        "resources": resources,
    }


class _ActionError(Exception):
    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error)
        self.status = status
        self.error = error


def _not_found() -> _ActionError:
    return _ActionError(404, {"__type": "Not Found Error", "message": "Not found"})


def _validation(name: str, message: str) -> _ActionError:
    return _ActionError(409, {"__type": "Validation Error", name: [message]})


def _search_error(message: str) -> _ActionError:
    return _ActionError(
        409, {"__type": "Search Query Error", "message": f"Search Query is invalid: {message}"}
    )


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit():
        raise _validation(name, "Invalid integer")
    return int(raw)


def _moment(text: str) -> dt.datetime | None:
    if text == "*":
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _search_error(f"cannot parse date {text!r}") from None


def _filters(fq: str) -> list[Callable[[SimPackage], bool]]:
    checks: list[Callable[[SimPackage], bool]] = []
    rest = _CLAUSE.sub(" ", fq)
    if rest.replace("AND", " ").strip():
        raise _search_error(f"cannot parse fq {fq!r}")
    for match in _CLAUSE.finditer(fq):
        field, value = match.group(1), match.group(2)
        if field == "metadata_created":
            bounds = _RANGE.fullmatch(value)
            if bounds is None:
                raise _search_error(f"metadata_created takes a range, not {value!r}")
            checks.append(_in_range(*bounds.groups()))
        elif field.startswith("extras_"):
            key = field.removeprefix("extras_")
            bounds = _RANGE.fullmatch(value)
            checks.append(
                _extra_in_range(key, *bounds.groups()) if bounds else _extra_is(key, value.strip('"'))
            )
        elif field in ("organization", "name", "tags"):
            checks.append(_has(field, value.strip('"')))
        else:
            raise _search_error(f"undefined field {field}")
    return checks


def _in_range(opening: str, low_text: str, high_text: str, closing: str) -> Callable[[SimPackage], bool]:
    low, high = _moment(low_text), _moment(high_text)

    def check(package: SimPackage) -> bool:
        moment = package.created
        if low is not None and (moment < low or (opening == "{" and moment == low)):
            return False
        return high is None or moment < high or (closing == "]" and moment == high)

    return check


def _whole(text: str) -> int | None:
    if text == "*":
        return None
    if not text.lstrip("-").isdigit():
        raise _search_error(f"cannot parse number {text!r}")
    return int(text)


def _extra_in_range(
    key: str, opening: str, low_text: str, high_text: str, closing: str
) -> Callable[[SimPackage], bool]:
    low, high = _whole(low_text), _whole(high_text)

    def check(package: SimPackage) -> bool:
        raw = package.extras.get(key)
        # A package without the extra (or with a value that is no number) has no value in range.
        if raw is None or not raw.lstrip("-").isdigit():
            return False
        value = int(raw)
        if low is not None and (value < low or (opening == "{" and value == low)):
            return False
        return high is None or value < high or (closing == "]" and value == high)

    return check


def _extra_is(key: str, wanted: str) -> Callable[[SimPackage], bool]:
    return lambda package: package.extras.get(key) == wanted


def _has(field: str, wanted: str) -> Callable[[SimPackage], bool]:
    def check(package: SimPackage) -> bool:
        if field == "organization":
            return package.seed.opd.slug == wanted
        if field == "name":
            return package.name == wanted
        return wanted in _tags(package)

    return check


def _sorted(packages: list[SimPackage], sort: str) -> list[SimPackage]:
    keys: list[tuple[str, bool]] = []
    for part in sort.split(","):
        words = part.split()
        if len(words) != 2 or words[0] not in _SORT_FIELDS or words[1] not in ("asc", "desc"):
            raise _search_error(f"cannot sort by {part.strip()!r}")
        keys.append((words[0], words[1] == "desc"))
    chosen = list(packages)
    # Stable sorts, last key first; every package has the same score.
    for field, descending in reversed(keys):
        if field == "score":
            continue
        chosen.sort(key=_sort_value(field), reverse=descending)
    return chosen


def _sort_value(field: str) -> Callable[[SimPackage], Any]:
    if field == "name":
        return lambda p: p.name
    if field == "title_string":
        return lambda p: p.title
    if field == "metadata_created":
        return lambda p: p.created
    return lambda p: p.modified


def routes(seed: OpdSeed, *others: OpdSeed) -> list[Route]:
    """The CKAN action API of a portal hosting ``seed``'s OPD and ``others``, one organization each."""
    seeds = (seed, *others)
    packages = portal_packages(seeds)
    by_key = {key: package for package in packages for key in (package.name, package.id)}
    organizations = {key: s for s in seeds for key in (s.opd.slug, _organization(s)["id"])}

    def package_search(request: Request) -> Any:
        rows = min(_int(request, "rows", _DEFAULT_ROWS), _MAX_ROWS)
        start = _int(request, "start", 0)
        sort = request.query_params.get("sort") or _DEFAULT_SORT
        checks = _filters(request.query_params.get("fq") or "")
        words = normalize_text(request.query_params.get("q") or "").split()
        chosen = [
            p
            for p in packages
            if all(check(p) for check in checks) and all(word in p.text() for word in words)
        ]
        chosen = _sorted(chosen, sort)
        return {
            "count": len(chosen),
            "facets": {},
            "results": [_package(request, p) for p in chosen[start : start + rows]],
            "sort": sort,
            "search_facets": {},
        }

    def package_show(request: Request) -> Any:
        key = request.query_params.get("id")
        if not key:
            raise _validation("id", "Missing value")
        package = by_key.get(key)
        if package is None:
            raise _not_found()
        return _package(request, package)

    def organization_show(request: Request) -> Any:
        key = request.query_params.get("id")
        if not key:
            raise _validation("id", "Missing value")
        found = organizations.get(key)
        if found is None:
            raise _not_found()
        count = sum(1 for p in packages if p.seed is found)
        return _organization(found, count)

    actions: dict[str, Callable[[Request], Any]] = {
        "package_search": package_search,
        "package_show": package_show,
        "organization_show": organization_show,
    }

    async def action(request: Request) -> Response:
        name = request.path_params["action"]
        help_url = f"{str(request.base_url).rstrip('/')}/api/3/action/help_show?name={name}"
        handler = actions.get(name)
        try:
            if handler is None:
                message = f"Bad request - Action name not known: {name}"
                raise _ActionError(400, {"__type": "Bad Request", "message": message})
            result = handler(request)
        except _ActionError as error:
            body = {"help": help_url, "success": False, "error": error.error}
            return JSONResponse(body, status_code=error.status)
        return JSONResponse({"help": help_url, "success": True, "result": result})

    async def download(request: Request) -> Response:
        # CKAN's upload URLs: /dataset/<package>/resource/<resource id>/download/<file name>
        package = by_key.get(request.path_params["package"])
        served = package.seed.file_named(request.path_params["name"]) if package else None
        if package is None or served is None:
            return PlainTextResponse("Not found", status_code=404)
        return Response(pdf_bytes(served.title, served.size_bytes), media_type=served.mime_type)

    return [
        Route("/api/3/action/{action}", action, methods=["GET"], name="ckan_action"),
        Route("/dataset/{package}/resource/{resource}/download/{name}", download, name="ckan_download"),
    ]


_ACTION_ENDPOINTS = {
    "package_search": "documents",
    "package_show": "document",
    "organization_show": "profile",
}


def endpoint_name(scope: Scope, route_name: str) -> str:
    """The counted endpoint of a request to the portal: ``documents``, ``document``, ``profile``, ``file``…"""
    if route_name == "ckan_download":
        return "file"
    if route_name == "ckan_action":
        return _ACTION_ENDPOINTS.get(scope["path"].rsplit("/", 1)[-1], "other")
    return route_name


def served_documents(seed: OpdSeed) -> list[Document]:
    """``seed``'s documents as the ``ckan`` connector reads them: ids ``<package>/<resource>``.

    A resource carries its package's year: its :data:`YEAR_EXTRA`, the
    document's own year, as :func:`connector_block` reads it (``year_extra``);
    a resource without its own times has its package's; CKAN has no place for
    an exemption ground. Links are left as the seed's.
    """
    return [
        doc.model_copy(
            update={
                "local_id": f"{package.name}/{resource_id(seed, doc)}",
                "year": package.year,
                "published_at": doc.published_at or package.created,
                "updated_at": doc.updated_at or package.modified,
                "exemption_ground": None,
            }
        )
        for package in portal_packages([seed])
        for doc in package.documents
    ]


def connector_block(base_url: str, organization: str) -> dict[str, Any]:
    """The ``connectors.ckan`` settings that read ``organization``'s datasets on this portal at ``base_url``.

    ``organization`` is the OPD's slug: the portal names each organization by it.
    """
    return {
        "kind": "ckan",
        "base_url": base_url,
        "organization": organization,
        "categories": {
            "tags": {tag: category.name for category, tag in CATEGORY_TAGS.items()},
            "default": InformationCategory.SETIAP_SAAT.name,
        },
        "type_extra": TYPE_EXTRA,
        "year_extra": YEAR_EXTRA,
        "rows": 100,
    }
