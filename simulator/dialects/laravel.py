"""The ``laravel`` dialect: a custom Laravel API with Indonesian field names.

``GET /api/v1/documents?page=&per_page=&q=&kategori=&tahun_dari=&tahun_sampai=&jenis=&sort=``
answers Laravel's paginator envelope ``{"data", "links", "meta"}``; categories
go as labels, several comma-separated; ``sort`` is ``-diterbitkan``,
``diterbitkan`` or ``judul``. Dates are written the way Laravel serializes
them: UTC with a ``Z``. Also ``/api/v1/documents/{id}``, ``/api/v1/dip`` and
``/api/v1/profil``.

An OPD with intake also takes requests, with ``X-PPID-Secret``:
``POST /api/v1/permohonan`` (Indonesian field names, :data:`INTAKE_FIELDS`)
answers 201 ``{"data": {"id": "440/0012/DINKES/2026", ...}}``, 409 with the same
envelope for a registration number it already has, 422 ``{"message",
"errors": {field: [...]}}`` for a bad body, 401 without the secret;
``GET /api/v1/permohonan/{id}`` answers its state, ``POST
/api/v1/permohonan/{id}/batal`` cancels it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from connectors.queries import DocumentFilter, DocumentOrder
from connectors.records import Document, ExemptionGround, InformationCategory, MenuSectionKind
from connectors.vocabulary import RequestState

from ..intake import IntakeDesk, ReceivedRequest, SubmissionInvalidError
from ..plan import SIM_INTAKE_SECRET_ENV, SIM_INTAKE_SECRET_HEADER
from ..seed import OpdSeed
from .common import ParamError, absolute_file_url, categories_from, int_param, iso_utc_z, select_documents

__all__ = [
    "CATEGORY_LABELS",
    "INTAKE_FIELDS",
    "MENU_LABELS",
    "STATE_LABELS",
    "connector_block",
    "intake_block",
    "intake_routes",
    "routes",
]

CATEGORY_LABELS = {
    InformationCategory.BERKALA: "Informasi Berkala",
    InformationCategory.SERTA_MERTA: "Informasi Serta Merta",
    InformationCategory.SETIAP_SAAT: "Informasi Setiap Saat",
    InformationCategory.DIKECUALIKAN: "Informasi Dikecualikan",
}
MENU_LABELS = {
    MenuSectionKind.PROFILE: "Profil PPID",
    MenuSectionKind.INFORMATION_LIST: "Daftar Informasi Publik",
    MenuSectionKind.BERKALA: "Informasi Berkala",
    MenuSectionKind.SERTA_MERTA: "Informasi Serta Merta",
    MenuSectionKind.SETIAP_SAAT: "Informasi Setiap Saat",
    MenuSectionKind.DIKECUALIKAN: "Informasi Dikecualikan",
    MenuSectionKind.SERVICE_REPORTS: "Laporan Layanan Informasi Publik",
    MenuSectionKind.REGULATIONS: "Regulasi",
    MenuSectionKind.FORMS: "Formulir",
    MenuSectionKind.SOP: "Standar Operasional Prosedur",
}
INTAKE_FIELDS: dict[str, str | None] = {
    "registration_number": "nomor_registrasi",
    "kind": "jenis",
    "received_at": "tanggal_diterima",
    "due_date": "batas_waktu",
    "requester": "pemohon",
    "requester.type": "pemohon.kategori",
    "requester.name": "pemohon.nama",
    "requester.nik": "pemohon.nik",
    "requester.legal_entity_number": "pemohon.nomor_badan_hukum",
    "requester.address": "pemohon.alamat",
    "requester.phone": "pemohon.telepon",
    "requester.email": "pemohon.email",
    "requester.occupation": "pemohon.pekerjaan",
    "details": "rincian_informasi",
    "purpose": "tujuan_penggunaan",
    "obtain_method": "cara_memperoleh",
    "delivery_method": "cara_mendapatkan_salinan",
    "document_local_id": "dokumen_id",
    "reason": "alasan_keberatan",
    "statement": "kasus_posisi",
    "parent_registration_number": "nomor_registrasi_permohonan",
    "cancel_reason": "alasan_pembatalan",
}
"""Our submission fields → this API's body paths (the ``intake.fields`` of its connector block)."""
STATE_LABELS = {
    RequestState.RECEIVED: "Diterima",
    RequestState.IN_PROCESS: "Diproses",
    RequestState.EXTENDED: "Diperpanjang",
    RequestState.GRANTED: "Dikabulkan",
    RequestState.PARTIALLY_GRANTED: "Dikabulkan Sebagian",
    RequestState.REFUSED: "Ditolak",
    RequestState.NOT_HELD: "Tidak Dikuasai",
    RequestState.CANCELLED: "Dibatalkan",
    RequestState.DECIDED: "Diputus",
    RequestState.DISPUTED: "Sengketa",
}
"""How this API labels a request's state."""
_SORTS = {
    "-diterbitkan": DocumentOrder.NEWEST,
    "diterbitkan": DocumentOrder.OLDEST,
    "judul": DocumentOrder.TITLE,
}
_PER_PAGE = 15
_MAX_PER_PAGE = 100


def _ground_label(ground: ExemptionGround) -> str:
    return f"Pasal 17 huruf {ground.value.lower()}"


def _invalid(error: ParamError) -> JSONResponse:
    # Laravel's validation failure: 422 with the message and errors per field.
    return JSONResponse({"message": error.message, "errors": {error.name: [error.message]}}, status_code=422)


def _paginate(request: Request, rows: Sequence[Any], render: Callable[[Any], dict[str, Any]]) -> JSONResponse:
    page = int_param(request, "page", 1, minimum=1) or 1
    per_page = min(int_param(request, "per_page", _PER_PAGE, minimum=1) or _PER_PAGE, _MAX_PER_PAGE)
    last_page = max(1, math.ceil(len(rows) / per_page))
    chunk = rows[(page - 1) * per_page : page * per_page]

    def link(number: int) -> str:
        return str(request.url.include_query_params(page=number))

    return JSONResponse(
        {
            "data": [render(row) for row in chunk],
            "links": {
                "first": link(1),
                "last": link(last_page),
                "prev": link(page - 1) if page > 1 else None,
                "next": link(page + 1) if page < last_page else None,
            },
            "meta": {
                "current_page": page,
                "from": (page - 1) * per_page + 1 if chunk else None,
                "last_page": last_page,
                "path": str(request.url.remove_query_params(list(request.query_params))),
                "per_page": per_page,
                "to": (page - 1) * per_page + len(chunk) if chunk else None,
                "total": len(rows),
            },
        }
    )


def _document(request: Request, seed: OpdSeed, doc: Document) -> dict[str, Any]:
    served = seed.files.get(doc.local_id)
    return {
        "id": int(doc.local_id),
        "judul": doc.title,
        "ringkasan": doc.summary,
        "kategori": CATEGORY_LABELS[doc.category],
        "jenis": doc.type,
        "tahun": doc.year,
        "diterbitkan": iso_utc_z(doc.published_at),
        "diperbarui": iso_utc_z(doc.updated_at),
        "berkas_url": absolute_file_url(request, seed, doc.local_id),
        "berkas_mime": served.mime_type if served else None,
        "berkas_ukuran": served.size_bytes if served else None,
        "tautan": doc.source_url,
        "dasar_pengecualian": _ground_label(doc.exemption_ground) if doc.exemption_ground else None,
    }


def _labels(request: Request) -> list[str]:
    raw = request.query_params.get("kategori") or ""
    return [part.strip() for part in raw.split(",") if part.strip()]


def routes(seed: OpdSeed) -> list[Route]:
    """The Laravel API of ``seed``'s OPD."""

    async def documents(request: Request) -> Response:
        try:
            sort = request.query_params.get("sort") or None
            if sort is not None and sort not in _SORTS:
                raise ParamError("sort", f"The selected sort is invalid; use one of {', '.join(_SORTS)}.")
            flt = DocumentFilter(
                categories=categories_from(_labels(request), CATEGORY_LABELS, "kategori"),
                year_from=int_param(request, "tahun_dari", None),
                year_to=int_param(request, "tahun_sampai", None),
                query=request.query_params.get("q") or None,
                type=request.query_params.get("jenis") or None,
            )
            # Without sort, Eloquent returns rows by primary key.
            rows = select_documents(seed, flt, _SORTS[sort] if sort else None)
            return _paginate(request, rows, lambda doc: _document(request, seed, doc))
        except ParamError as error:
            return _invalid(error)

    async def document(request: Request) -> Response:
        local_id = request.path_params["id"]
        doc = seed.document(local_id)
        if doc is None:
            message = f"No query results for model [App\\Models\\Dokumen] {local_id}"
            return JSONResponse({"message": message}, status_code=404)
        return JSONResponse({"data": _document(request, seed, doc)})

    async def information_list(request: Request) -> Response:
        try:
            wanted = categories_from(_labels(request), CATEGORY_LABELS, "kategori")
            rows = [e for e in seed.information_list if not wanted or e.category in wanted]
            return _paginate(
                request,
                rows,
                lambda e: {
                    "id": int(e.local_id),
                    "nomor": e.number,
                    "judul": e.title,
                    "ringkasan": e.summary,
                    "kategori": CATEGORY_LABELS[e.category],
                    "unit_penguasa": e.holding_unit,
                    "penanggung_jawab": e.responsible_official,
                    "waktu_tempat": e.made_at,
                    "format": ", ".join(e.formats),
                    "retensi": e.retention_period,
                    "tahun": e.year,
                    "dokumen_id": int(e.document_local_id) if e.document_local_id else None,
                },
            )
        except ParamError as error:
            return _invalid(error)

    async def profile(request: Request) -> Response:
        p = seed.profile
        contact = p.contact
        return JSONResponse(
            {
                "data": {
                    "nama_opd": seed.opd.name,
                    "deskripsi": p.description,
                    "visi": p.vision,
                    "misi": p.mission,
                    "tugas_fungsi": p.tasks,
                    "maklumat": p.service_statement,
                    "struktur_url": p.structure_url,
                    "kontak": {
                        "nama": contact.name if contact else None,
                        "email": contact.email if contact else None,
                        "telepon": contact.phone if contact else None,
                        "alamat": contact.address if contact else None,
                        "jam_layanan": contact.office_hours if contact else None,
                    },
                    "diperbarui": iso_utc_z(p.updated_at),
                    "menu": [
                        {
                            "bagian": MENU_LABELS[m.section],
                            "tersedia": m.available,
                            "url": m.url,
                            "diperbarui": iso_utc_z(m.updated_at),
                        }
                        for m in p.menu
                    ],
                }
            }
        )

    return [
        Route("/api/v1/documents", documents, name="documents"),
        Route("/api/v1/documents/{id}", document, name="document"),
        Route("/api/v1/dip", information_list, name="information_list"),
        Route("/api/v1/profil", profile, name="profile"),
    ]


def _request(request: ReceivedRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "nomor_registrasi": request.registration_number,
        "jenis": request.kind.value,
        "status": STATE_LABELS[request.state],
        "keterangan": request.message,
        "diterima": iso_utc_z(request.received_at),
        "diperbarui": iso_utc_z(request.updated_at),
        "dasar_penolakan": _ground_label(request.refusal_ground) if request.refusal_ground else None,
        "badan_penguasa": request.holding_body,
    }


def _rejected(error: SubmissionInvalidError) -> JSONResponse:
    # Laravel's validation failure; a problem of the whole body has no field.
    fields = {name: messages for name, messages in error.problems.items() if name}
    count = sum(len(messages) for messages in error.problems.values())
    message = str(error) + (f" (and {count - 1} more error{'s' if count > 2 else ''})" if count > 1 else "")
    body: dict[str, Any] = {"message": message}
    if fields:
        body["errors"] = fields
    return JSONResponse(body, status_code=422)


def intake_routes(desk: IntakeDesk) -> list[Route]:
    """The request API of an OPD with intake, over ``desk``."""

    def unauthenticated() -> JSONResponse:
        return JSONResponse({"message": "Unauthenticated."}, status_code=401)

    def not_found(reference: str) -> JSONResponse:
        message = f"No query results for model [App\\Models\\Permohonan] {reference}"
        return JSONResponse({"message": message}, status_code=404)

    async def json_body(request: Request) -> Any:
        try:
            return await request.json()
        except ValueError:
            raise SubmissionInvalidError({"": ["The body must be JSON."]}) from None

    async def submit(request: Request) -> Response:
        if not desk.authorized(request.headers):
            return unauthenticated()
        try:
            received, created = desk.submit(await json_body(request))
        except SubmissionInvalidError as error:
            return _rejected(error)
        if created:
            return JSONResponse({"data": _request(received)}, status_code=201)
        message = "Nomor registrasi sudah terdaftar."
        return JSONResponse({"message": message, "data": _request(received)}, status_code=409)

    async def status(request: Request) -> Response:
        if not desk.authorized(request.headers):
            return unauthenticated()
        reference = request.path_params["id"]
        received = desk.get(reference)
        return not_found(reference) if received is None else JSONResponse({"data": _request(received)})

    async def cancel(request: Request) -> Response:
        if not desk.authorized(request.headers):
            return unauthenticated()
        reference = request.path_params["id"]
        try:
            received = desk.cancel(reference, await json_body(request))
        except SubmissionInvalidError as error:
            return _rejected(error)
        return not_found(reference) if received is None else JSONResponse({"data": _request(received)})

    return [
        Route("/api/v1/permohonan", submit, methods=["POST"], name="request_intake"),
        Route("/api/v1/permohonan/{id:path}/batal", cancel, methods=["POST"], name="request_cancel"),
        Route("/api/v1/permohonan/{id:path}", status, methods=["GET"], name="request_status"),
    ]


def intake_block() -> dict[str, Any]:
    """The ``intake`` block of ``connectors.rest`` that delivers requests to this API."""
    return {
        "path": "/api/v1/permohonan",
        "secret_header": SIM_INTAKE_SECRET_HEADER,
        "secret_env": SIM_INTAKE_SECRET_ENV,
        "fields": dict(INTAKE_FIELDS),
        "reference": "data.id",
        "accepted_at": "data.diterima",
        "cancel_path": "/api/v1/permohonan/{reference}/batal",
        "status": {
            "path": "/api/v1/permohonan/{reference}",
            "state": "data.status",
            "values": {label: state.name for state, label in STATE_LABELS.items()},
            "message": "data.keterangan",
            "updated_at": "data.diperbarui",
            "refusal_ground": "data.dasar_penolakan",
            "ground_values": {_ground_label(g): g.name for g in ExemptionGround},
            "holding_body": "data.badan_penguasa",
        },
    }


def connector_block(base_url: str) -> dict[str, Any]:
    """The ``connectors.rest`` settings that read this dialect at ``base_url``."""
    page: dict[str, Any] = {
        "style": "page",
        "page_param": "page",
        "first_page": 1,
        "size_param": "per_page",
        "max_page_size": _MAX_PER_PAGE,
    }
    return {
        "kind": "rest",
        "base_url": base_url,
        "documents": {
            "list": {
                "path": "/api/v1/documents",
                "items": "data",
                "total": "meta.total",
                "pagination": page,
                "filters": {
                    "query": "q",
                    "category": "kategori",
                    "category_style": "comma",
                    "year_from": "tahun_dari",
                    "year_to": "tahun_sampai",
                    "type": "jenis",
                },
                "order": {"param": "sort", "values": {order.value: p for p, order in _SORTS.items()}},
            },
            "item": {"path": "/api/v1/documents/{id}", "root": "data"},
            "fields": {
                "id": "id",
                "title": "judul",
                "category": "kategori",
                "summary": "ringkasan",
                "type": "jenis",
                "year": "tahun",
                "published_at": "diterbitkan",
                "updated_at": "diperbarui",
                "file_url": "berkas_url",
                "mime_type": "berkas_mime",
                "size_bytes": "berkas_ukuran",
                "source_url": "tautan",
                "exemption_ground": "dasar_pengecualian",
            },
            "values": {
                "category": {label: category.name for category, label in CATEGORY_LABELS.items()},
                "exemption_ground": {_ground_label(g): g.name for g in ExemptionGround},
            },
        },
        "information_list": {
            "list": {
                "path": "/api/v1/dip",
                "items": "data",
                "total": "meta.total",
                "pagination": page,
                "filters": {"category": "kategori", "category_style": "comma"},
            },
            "fields": {
                "id": "id",
                "title": "judul",
                "category": "kategori",
                "number": "nomor",
                "summary": "ringkasan",
                "holding_unit": "unit_penguasa",
                "responsible_official": "penanggung_jawab",
                "made_at": "waktu_tempat",
                "formats": "format",
                "retention_period": "retensi",
                "year": "tahun",
                "document_id": "dokumen_id",
            },
            "values": {"category": {label: category.name for category, label in CATEGORY_LABELS.items()}},
        },
        "profile": {
            "path": "/api/v1/profil",
            "fields": {
                "description": "data.deskripsi",
                "vision": "data.visi",
                "mission": "data.misi",
                "tasks": "data.tugas_fungsi",
                "service_statement": "data.maklumat",
                "structure_url": "data.struktur_url",
                "contact_name": "data.kontak.nama",
                "contact_email": "data.kontak.email",
                "contact_phone": "data.kontak.telepon",
                "contact_address": "data.kontak.alamat",
                "office_hours": "data.kontak.jam_layanan",
                "updated_at": "data.diperbarui",
            },
            "menu": {
                "items": "data.menu",
                "section": "bagian",
                "available": "tersedia",
                "url": "url",
                "updated_at": "diperbarui",
                "values": {label: section.name for section, label in MENU_LABELS.items()},
            },
        },
    }
