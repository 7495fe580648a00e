"""The ``drf`` dialect: a document system built on Django REST Framework.

``GET /api/dokumen/?limit=&offset=&search=&category=&year_min=&year_max=&ordering=``
answers DRF's ``LimitOffsetPagination`` envelope ``{"count", "next",
"previous", "results"}`` with nested objects (``classification.code``,
``dates.published``, ``file.url``; ``file`` is null without a file). Several
categories repeat the parameter, as django-filter expects; an unknown
``ordering`` is ignored, as ``OrderingFilter`` does. Also
``/api/dokumen/{uuid}/``, ``/api/dip/`` and ``/api/ppid/``.

An OPD with intake also takes requests, with ``X-PPID-Secret``: ``POST
/api/permohonan/`` with the gateway's own field names (the default body of
``connectors.rest``) answers 201 with the object itself (``{"id": ...}``), 409
``{"detail", "id", ...}`` for a registration number it already has, 400 with
DRF's nested field errors for a bad body, 401 without the secret; ``GET
/api/permohonan/{id}/`` answers its state as a lower-case code
(``in_process``), ``POST /api/permohonan/{id}/cancel/`` cancels it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connectors.queries import DocumentFilter, DocumentOrder
from connectors.records import Document, ExemptionGround, InformationCategory, MenuSectionKind

from ..intake import IntakeDesk, ReceivedRequest, SubmissionInvalidError
from ..plan import SIM_INTAKE_SECRET_ENV, SIM_INTAKE_SECRET_HEADER
from ..seed import OpdSeed
from .common import ParamError, absolute_file_url, categories_from, int_param, iso_local, select_documents

__all__ = [
    "CATEGORY_CODES",
    "INTAKE_FIELDS",
    "MENU_CODES",
    "connector_block",
    "intake_block",
    "intake_routes",
    "routes",
]

CATEGORY_CODES = {
    InformationCategory.BERKALA: "berkala",
    InformationCategory.SERTA_MERTA: "serta_merta",
    InformationCategory.SETIAP_SAAT: "setiap_saat",
    InformationCategory.DIKECUALIKAN: "dikecualikan",
}
MENU_CODES = {
    MenuSectionKind.PROFILE: "profil",
    MenuSectionKind.INFORMATION_LIST: "dip",
    MenuSectionKind.BERKALA: "berkala",
    MenuSectionKind.SERTA_MERTA: "serta_merta",
    MenuSectionKind.SETIAP_SAAT: "setiap_saat",
    MenuSectionKind.DIKECUALIKAN: "dikecualikan",
    MenuSectionKind.SERVICE_REPORTS: "laporan_layanan",
    MenuSectionKind.REGULATIONS: "regulasi",
    MenuSectionKind.FORMS: "formulir",
    MenuSectionKind.SOP: "sop",
}
INTAKE_FIELDS: dict[str, str | None] = {}
"""Our submission fields → this API's body paths: none renamed, the DMS took the gateway's names."""
_ORDERINGS = {
    "-dates__published": DocumentOrder.NEWEST,
    "dates__published": DocumentOrder.OLDEST,
    "name": DocumentOrder.TITLE,
}
# The model's Meta.ordering: what a list without ?ordering= returns.
_DEFAULT_ORDER = DocumentOrder.NEWEST
_LIMIT = 20
_MAX_LIMIT = 100


def _invalid(error: ParamError) -> JSONResponse:
    return JSONResponse({error.name: [error.message]}, status_code=400)


def _paginate(request: Request, rows: Sequence[Any], render: Callable[[Any], dict[str, Any]]) -> JSONResponse:
    limit = min(int_param(request, "limit", _LIMIT, minimum=1) or _LIMIT, _MAX_LIMIT)
    offset = int_param(request, "offset", 0, minimum=0) or 0
    url = request.url
    following = url.include_query_params(limit=limit, offset=offset + limit)
    previous = url.include_query_params(limit=limit, offset=max(0, offset - limit))
    if offset - limit <= 0:
        previous = url.include_query_params(limit=limit).remove_query_params("offset")
    return JSONResponse(
        {
            "count": len(rows),
            "next": str(following) if offset + limit < len(rows) else None,
            "previous": str(previous) if offset > 0 else None,
            "results": [render(row) for row in rows[offset : offset + limit]],
        }
    )


def _document(request: Request, seed: OpdSeed, doc: Document) -> dict[str, Any]:
    served = seed.files.get(doc.local_id)
    return {
        "uuid": doc.local_id,
        "name": doc.title,
        "description": doc.summary,
        "classification": {
            "code": CATEGORY_CODES[doc.category],
            "exemption": doc.exemption_ground.value.lower() if doc.exemption_ground else None,
        },
        "doc_type": doc.type,
        "year": doc.year,
        "dates": {"published": iso_local(doc.published_at), "modified": iso_local(doc.updated_at)},
        "file": (
            {
                "url": absolute_file_url(request, seed, doc.local_id),
                "content_type": served.mime_type,
                "size": served.size_bytes,
            }
            if served
            else None
        ),
        "permalink": doc.source_url,
    }


def routes(seed: OpdSeed) -> list[Route]:
    """The DRF API of ``seed``'s OPD."""

    async def documents(request: Request) -> Response:
        try:
            flt = DocumentFilter(
                categories=categories_from(
                    request.query_params.getlist("category"), CATEGORY_CODES, "category"
                ),
                year_from=int_param(request, "year_min", None),
                year_to=int_param(request, "year_max", None),
                query=request.query_params.get("search") or None,
            )
            order = _ORDERINGS.get(request.query_params.get("ordering") or "", _DEFAULT_ORDER)
            rows = select_documents(seed, flt, order)
            return _paginate(request, rows, lambda doc: _document(request, seed, doc))
        except ParamError as error:
            return _invalid(error)

    async def document(request: Request) -> Response:
        doc = seed.document(request.path_params["uuid"])
        if doc is None:
            return JSONResponse({"detail": "Not found."}, status_code=404)
        return JSONResponse(_document(request, seed, doc))

    async def information_list(request: Request) -> Response:
        try:
            return _paginate(
                request,
                seed.information_list,
                lambda e: {
                    "id": e.local_id,
                    "number": e.number,
                    "title": e.title,
                    "summary": e.summary,
                    "classification": {"code": CATEGORY_CODES[e.category]},
                    "custodian": {"unit": e.holding_unit, "official": e.responsible_official},
                    "created": e.made_at,
                    "formats": list(e.formats),
                    "retention": e.retention_period,
                    "year": e.year,
                    "document": e.document_local_id,
                },
            )
        except ParamError as error:
            return _invalid(error)

    async def profile(request: Request) -> Response:
        p = seed.profile
        contact = p.contact
        return JSONResponse(
            {
                "name": seed.opd.name,
                "description": p.description,
                "vision": p.vision,
                "mission": p.mission,
                "duties": p.tasks,
                "service_statement": p.service_statement,
                "structure_url": p.structure_url,
                "contact": {
                    "officer": contact.name if contact else None,
                    "email": contact.email if contact else None,
                    "phone": contact.phone if contact else None,
                    "address": contact.address if contact else None,
                    "office_hours": contact.office_hours if contact else None,
                },
                "modified": iso_local(p.updated_at),
                # This DMS lists only the sections the portal has.
                "menu": [
                    {"code": MENU_CODES[m.section], "url": m.url, "modified": iso_local(m.updated_at)}
                    for m in p.menu
                    if m.available
                ],
            }
        )

    return [
        Route("/api/dokumen/", documents, name="documents"),
        Route("/api/dokumen/{uuid}/", document, name="document"),
        Route("/api/dip/", information_list, name="information_list"),
        Route("/api/ppid/", profile, name="profile"),
    ]


def _request(request: ReceivedRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "registration_number": request.registration_number,
        "kind": request.kind.value.lower(),
        # The DMS stores the gateway's state names as lower-case codes: no label map needed.
        "status": request.state.name.lower(),
        "note": request.message,
        "received": iso_local(request.received_at),
        "modified": iso_local(request.updated_at),
        "refusal_ground": request.refusal_ground.value.lower() if request.refusal_ground else None,
        "holding_body": request.holding_body,
    }


def _rejected(error: SubmissionInvalidError) -> JSONResponse:
    # DRF's serializer errors: nested like the body; a problem of the whole body is a detail.
    general = error.problems.get("")
    if general:
        return JSONResponse({"detail": general[0]}, status_code=400)
    nested: dict[str, Any] = {}
    for path, messages in error.problems.items():
        *parents, last = path.split(".")
        node = nested
        for segment in parents:
            node = node.setdefault(segment, {})
        node[last] = messages
    return JSONResponse(nested, status_code=400)


def intake_routes(desk: IntakeDesk) -> list[Route]:
    """The request API of an OPD with intake, over ``desk``."""

    def unauthenticated() -> JSONResponse:
        return JSONResponse({"detail": "Authentication credentials were not provided."}, status_code=401)

    def not_found() -> JSONResponse:
        return JSONResponse({"detail": "Not found."}, status_code=404)

    async def json_body(request: Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            raise SubmissionInvalidError({"": ["JSON parse error."]}) from None

    async def submit(request: Request) -> Response:
        if not desk.authorized(request.headers):
            return unauthenticated()
        try:
            received, created = desk.submit(await json_body(request))
        except SubmissionInvalidError as error:
            return _rejected(error)
        if created:
            return JSONResponse(_request(received), status_code=201)
        detail = "permohonan with this registration number already exists."
        return JSONResponse({"detail": detail, **_request(received)}, status_code=409)

    async def status(request: Request) -> Response:
        if not desk.authorized(request.headers):
            return unauthenticated()
        received = desk.get(request.path_params["id"])
        return not_found() if received is None else JSONResponse(_request(received))

    async def cancel(request: Request) -> Response:
        if not desk.authorized(request.headers):
            return unauthenticated()
        try:
            received = desk.cancel(request.path_params["id"], await json_body(request))
        except SubmissionInvalidError as error:
            return _rejected(error)
        return not_found() if received is None else JSONResponse(_request(received))

    return [
        Route("/api/permohonan/", submit, methods=["POST"], name="request_intake"),
        Route("/api/permohonan/{id:path}/cancel/", cancel, methods=["POST"], name="request_cancel"),
        Route("/api/permohonan/{id:path}/", status, methods=["GET"], name="request_status"),
    ]


def intake_block() -> dict[str, Any]:
    """The ``intake`` block of ``connectors.rest`` that delivers requests to this API."""
    return {
        "path": "/api/permohonan/",
        "secret_header": SIM_INTAKE_SECRET_HEADER,
        "secret_env": SIM_INTAKE_SECRET_ENV,
        "reference": "id",
        "accepted_at": "received",
        "cancel_path": "/api/permohonan/{reference}/cancel/",
        "status": {
            "path": "/api/permohonan/{reference}/",
            "state": "status",
            "message": "note",
            "updated_at": "modified",
            "refusal_ground": "refusal_ground",
            "holding_body": "holding_body",
        },
    }


def connector_block(base_url: str) -> dict[str, Any]:
    """The ``connectors.rest`` settings that read this dialect at ``base_url``."""
    offset: dict[str, Any] = {
        "style": "offset",
        "offset_param": "offset",
        "limit_param": "limit",
        "max_page_size": _MAX_LIMIT,
    }
    categories = {code: category.name for category, code in CATEGORY_CODES.items()}
    return {
        "kind": "rest",
        "base_url": base_url,
        "documents": {
            "list": {
                "path": "/api/dokumen/",
                "items": "results",
                "total": "count",
                "pagination": offset,
                "filters": {
                    "query": "search",
                    "category": "category",
                    "category_style": "repeat",
                    "year_from": "year_min",
                    "year_to": "year_max",
                },
                "order": {"param": "ordering", "values": {order.value: p for p, order in _ORDERINGS.items()}},
            },
            "item": {"path": "/api/dokumen/{id}/"},
            "fields": {
                "id": "uuid",
                "title": "name",
                "category": "classification.code",
                "summary": "description",
                "type": "doc_type",
                "year": "year",
                "published_at": "dates.published",
                "updated_at": "dates.modified",
                "file_url": "file.url",
                "mime_type": "file.content_type",
                "size_bytes": "file.size",
                "source_url": "permalink",
                "exemption_ground": "classification.exemption",
            },
            "values": {
                "category": categories,
                "exemption_ground": {g.value.lower(): g.name for g in ExemptionGround},
            },
        },
        "information_list": {
            "list": {"path": "/api/dip/", "items": "results", "total": "count", "pagination": offset},
            "fields": {
                "id": "id",
                "title": "title",
                "category": "classification.code",
                "number": "number",
                "summary": "summary",
                "holding_unit": "custodian.unit",
                "responsible_official": "custodian.official",
                "made_at": "created",
                "formats": "formats",
                "retention_period": "retention",
                "year": "year",
                "document_id": "document",
            },
            "values": {"category": categories},
        },
        "profile": {
            "path": "/api/ppid/",
            "fields": {
                "description": "description",
                "vision": "vision",
                "mission": "mission",
                "tasks": "duties",
                "service_statement": "service_statement",
                "structure_url": "structure_url",
                "contact_name": "contact.officer",
                "contact_email": "contact.email",
                "contact_phone": "contact.phone",
                "contact_address": "contact.address",
                "office_hours": "contact.office_hours",
                "updated_at": "modified",
            },
            "menu": {
                "items": "menu",
                "section": "code",
                "url": "url",
                "updated_at": "modified",
                "values": {code: section.name for section, code in MENU_CODES.items()},
            },
        },
    }
