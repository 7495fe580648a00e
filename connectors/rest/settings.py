"""Settings of the generic ``rest`` connector: a declarative mapping, no code.

Most OPD systems (a custom Laravel API, a Django REST Framework DMS, a JSON
export) are described by one ``connector:`` block. Field paths are dotted
(``berkas.url``); a numeric segment indexes a list (``files.0.url``); the
empty path ``""`` means the body itself. A ``total`` of the form
``header:X-Total-Count`` reads a response header instead of the body.

What the connector can do follows from what is configured: a ``documents``
block gives ``DOCUMENTS`` and ``DOCUMENT``, ``information_list`` gives
``INFORMATION_LIST``, ``profile`` gives ``PROFILE``, ``intake`` gives
``REQUEST_INTAKE`` and its ``status`` block ``REQUEST_STATUS``; a filter is pushed down
when its parameter is configured, an order when ``order.values`` lists it.
Continuation tokens are described in :mod:`connectors.rest.pagination`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from ..intake import RequesterDetails, Submission
from ..queries import DocumentOrder
from ..records import ExemptionGround, InformationCategory, MenuSectionKind
from ..vocabulary import RequestState

__all__ = [
    "INTAKE_BODY_FIELDS",
    "AuthSettings",
    "DocumentFields",
    "DocumentsSettings",
    "FilterParams",
    "InformationListFields",
    "InformationListSettings",
    "IntakeSettings",
    "IntakeStatusSettings",
    "ItemEndpoint",
    "ListEndpoint",
    "MenuMapping",
    "OrderParams",
    "PaginationSettings",
    "ProfileFields",
    "ProfileSettings",
    "RestSettings",
    "ValueMaps",
    "intake_targets",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AuthSettings(_Strict):
    """How to authenticate to the OPD. Secrets come from environment variables, never from the file."""

    type: Literal["none", "bearer", "api_key", "basic"] = "none"
    """``none``; ``bearer`` (``Authorization: Bearer …``); ``api_key`` (a header); ``basic``."""
    token_env: str | None = None
    """For ``bearer`` and ``api_key``: the environment variable holding the token."""
    header: str = "X-API-Key"
    """For ``api_key``: the header that carries it."""
    username_env: str | None = None
    """For ``basic``: the environment variable holding the user name."""
    password_env: str | None = None
    """For ``basic``: the environment variable holding the password."""

    @model_validator(mode="after")
    def _needs_its_secrets(self) -> AuthSettings:
        if self.type in ("bearer", "api_key") and not self.token_env:
            raise ValueError(
                f"auth type {self.type!r} needs token_env: the environment variable with the token"
            )
        if self.type == "basic" and not (self.username_env and self.password_env):
            raise ValueError("auth type 'basic' needs username_env and password_env")
        return self


class PaginationSettings(_Strict):
    """How the list endpoint pages."""

    style: Literal["page", "offset", "cursor", "next_link", "none"] = "page"
    """``page`` (page number + size), ``offset`` (offset + limit), ``cursor``
    (an opaque cursor from the body), ``next_link`` (a next URL in the body or
    the ``Link`` header), ``none`` (one response holds everything)."""
    page_param: str = "page"
    """``page``: the page-number parameter."""
    first_page: int = 1
    """``page``: the number of the first page."""
    size_param: str | None = "per_page"
    """``page``/``cursor``/``next_link``: the page-size parameter (``None``: the upstream decides)."""
    offset_param: str = "offset"
    """``offset``: the offset parameter."""
    limit_param: str = "limit"
    """``offset``: the limit parameter."""
    cursor_param: str = "cursor"
    """``cursor``: the parameter that takes the cursor."""
    next_cursor: str | None = None
    """``cursor``: the body path of the next cursor (empty or null at the end)."""
    next_link: str | None = None
    """``next_link``: the body path of the next URL; ``None`` reads the ``Link: <…>; rel="next"`` header."""
    max_page_size: int = Field(default=100, ge=1, le=10_000)
    """The largest page the upstream accepts."""

    @model_validator(mode="after")
    def _cursor_needs_path(self) -> PaginationSettings:
        if self.style == "cursor" and not self.next_cursor:
            raise ValueError("pagination style 'cursor' needs next_cursor: the body path of the next cursor")
        return self


class FilterParams(_Strict):
    """Query parameters that apply a filter upstream. A filter without a parameter is applied by the engine.

    Years are pushed down only when both ``year_from`` and ``year_to`` are
    configured. An upstream filter must mean what
    :func:`connectors.filtering.document_matches` means; when it does not
    (a search that matches any word rather than every word), leave its
    parameter out and the engine filters exactly.
    """

    query: str | None = None
    """The free-text search parameter (``q``, ``search``)."""
    category: str | None = None
    """The category parameter; its values are the upstream labels (the inverse of ``values.category``)."""
    category_style: Literal["repeat", "comma"] = "repeat"
    """Several categories as a repeated parameter or one comma-separated value."""
    year_from: str | None = None
    """The lower year bound parameter."""
    year_to: str | None = None
    """The upper year bound parameter."""
    type: str | None = None
    """The document type parameter."""


class OrderParams(_Strict):
    """How to ask the upstream for an order. Unlisted orders are sorted by the engine."""

    param: str
    """The ordering parameter (``sort``, ``ordering``)."""
    values: dict[DocumentOrder, str]
    """The parameter value for each supported order, e.g. ``NEWEST: -published_at,id``.

    The upstream must break ties by local id ascending, as the engine does.
    """


class ListEndpoint(_Strict):
    """A paged list endpoint.

    For ``information_list`` only ``filters.category`` is used (the entries of
    other categories are also dropped by the connector, so its meaning is exact).
    """

    path: str
    """Path under ``base_url`` (``/api/v1/documents``): appended to ``base_url``'s own path."""
    items: str = ""
    """Body path of the array of items."""
    total: str | None = None
    """Body path of the total count, or ``header:NAME``; ``None`` when unknown."""
    pagination: PaginationSettings = PaginationSettings()
    """How it pages."""
    params: dict[str, str] = {}
    """Fixed query parameters sent with every call."""
    filters: FilterParams = FilterParams()
    """Filters the endpoint applies itself."""
    order: OrderParams | None = None
    """Orders the endpoint applies itself."""

    @field_validator("total")
    @classmethod
    def _header_needs_name(cls, value: str | None) -> str | None:
        if value is not None and value.startswith("header:") and not value.removeprefix("header:").strip():
            raise ValueError("'header:' needs the header's name, e.g. header:X-Total-Count")
        return value


class ItemEndpoint(_Strict):
    """The endpoint of one item."""

    path: str
    """Path under ``base_url`` with ``{id}`` for the local id (``/api/v1/documents/{id}``).

    The id is percent-encoded; a 404 answer means the OPD has no such document.
    """
    root: str = ""
    """Body path of the item object."""

    @field_validator("path")
    @classmethod
    def _has_id_placeholder(cls, value: str) -> str:
        if "{id}" not in value:
            raise ValueError("the item path needs {id} where the local id goes, e.g. /api/documents/{id}")
        return value


class DocumentFields(_Strict):
    """Body paths of each document field, within one item object."""

    id: str
    """The local id (numbers are turned into strings)."""
    title: str
    """The title."""
    category: str
    """The category label (mapped through ``values.category``)."""
    summary: str | None = None
    """The summary."""
    type: str | None = None
    """The OPD's document type."""
    year: str | None = None
    """The year; when absent, the year of ``published_at``."""
    published_at: str | None = None
    """The publication time (ISO 8601 date or datetime)."""
    updated_at: str | None = None
    """The last-change time."""
    file_url: str | None = None
    """The file URL (relative URLs are resolved against ``base_url``, as a folder).

    Never served for a ``DIKECUALIKAN`` document, whatever the upstream sends.
    """
    mime_type: str | None = None
    """The file's media type."""
    size_bytes: str | None = None
    """The file's size in bytes."""
    source_url: str | None = None
    """The document's page on the OPD site."""
    exemption_ground: str | None = None
    """The Pasal 17 ground of an exempt document (mapped through ``values.exemption_ground``)."""


class ValueMaps(_Strict):
    """Upstream labels → KIP values. A label not listed is tried as the enum name, case-insensitively."""

    category: dict[str, InformationCategory] = {}
    """Category labels (``Informasi Berkala: BERKALA``)."""
    exemption_ground: dict[str, ExemptionGround] = {}
    """Exemption ground labels (``Pasal 17 huruf a: A``)."""


class DocumentsSettings(_Strict):
    """Where and how the OPD's documents are read."""

    list: ListEndpoint
    """The list endpoint (``DOCUMENTS``)."""
    item: ItemEndpoint | None = None
    """The item endpoint (``DOCUMENT``); when absent, a document is found by paging the list."""
    fields: DocumentFields
    """Field paths."""
    values: ValueMaps = ValueMaps()
    """Value maps."""


class InformationListFields(_Strict):
    """Body paths of each DIP column."""

    id: str
    """The local id."""
    title: str
    """The information's name."""
    category: str
    """The category label."""
    number: str | None = None
    """The DIP row number."""
    summary: str | None = None
    """Ringkasan isi."""
    holding_unit: str | None = None
    """The unit that holds it."""
    responsible_official: str | None = None
    """The official responsible."""
    made_at: str | None = None
    """Time and place made."""
    formats: str | None = None
    """Formats: a list or a comma-separated string."""
    retention_period: str | None = None
    """Retention period."""
    year: str | None = None
    """The year."""
    document_id: str | None = None
    """The local id of a linked document."""


class InformationListSettings(_Strict):
    """Where and how the OPD's DIP is read."""

    list: ListEndpoint
    """The list endpoint."""
    fields: InformationListFields
    """Field paths."""
    values: ValueMaps = ValueMaps()
    """Value maps."""


class MenuMapping(_Strict):
    """How the profile body reports the PPID menu.

    An entry whose label names no standard section (``Galeri``) is not part of
    the standard menu and is left out.
    """

    items: str
    """Path of the array of menu entries, within the profile object (``root``)."""
    section: str
    """Path of the section label within an entry."""
    available: str | None = None
    """Path of the availability flag; ``None`` means every listed section is available."""
    url: str | None = None
    """Path of the section's URL."""
    updated_at: str | None = None
    """Path of the section's last update."""
    values: dict[str, MenuSectionKind] = {}
    """Section labels → standard sections (``Daftar Informasi Publik: INFORMATION_LIST``)."""


class ProfileFields(_Strict):
    """Paths of the profile fields, within the profile object (``root``). Unset fields stay empty."""

    description: str | None = None
    """The PPID profile text."""
    vision: str | None = None
    """Visi."""
    mission: str | None = None
    """Misi."""
    tasks: str | None = None
    """Tugas dan fungsi."""
    service_statement: str | None = None
    """Maklumat pelayanan informasi."""
    structure_url: str | None = None
    """The organisation chart's URL (relative URLs are resolved against ``base_url``)."""
    contact_name: str | None = None
    """The PPID desk's officer or name."""
    contact_email: str | None = None
    """The desk's e-mail address."""
    contact_phone: str | None = None
    """The desk's phone number."""
    contact_address: str | None = None
    """The desk's postal address."""
    office_hours: str | None = None
    """The desk's opening hours."""
    updated_at: str | None = None
    """When the profile last changed."""


class ProfileSettings(_Strict):
    """Where and how the OPD's PPID profile is read (``PROFILE``)."""

    path: str
    """Path under ``base_url``."""
    root: str = ""
    """Body path of the profile object."""
    fields: ProfileFields = ProfileFields()
    """Field paths."""
    menu: MenuMapping | None = None
    """The PPID menu, when the endpoint reports it."""


INTAKE_BODY_FIELDS: tuple[str, ...] = tuple(
    path
    for name in Submission.model_fields
    if name not in ("operation", "reference")
    for path in (
        [name, *(f"{name}.{inner}" for inner in RequesterDetails.model_fields)]
        if name == "requester"
        else [name]
    )
)
"""The paths of the default intake body, in the names of :class:`connectors.intake.Submission`.

``requester`` is an object; every other path is a leaf. These are the keys
``intake.fields`` may rename.
"""


def _segments_ok(path: str) -> bool:
    return all(segment.strip() for segment in path.split("."))


def _has_reference(value: str, key: str) -> str:
    if "{reference}" not in value:
        example = "/api/permohonan/{reference}"
        raise ValueError(f"{key} needs {{reference}} where the OPD's id goes, e.g. {example}")
    return value


class IntakeStatusSettings(_Strict):
    """Where and how the state of a delivered request is read (``REQUEST_STATUS``).

    A 404 answer means the OPD does not know the reference.
    """

    path: str
    """Path under ``base_url`` with ``{reference}`` for the OPD's id (percent-encoded, slashes too)."""
    state: str
    """Body path of the state label."""
    values: dict[str, RequestState] = {}
    """The OPD's state labels → states (``diproses: IN_PROCESS``); other labels are tried as state names."""
    message: str | None = None
    """Body path of the OPD's note on the state."""
    updated_at: str | None = None
    """Body path of the time of the last change."""
    refusal_ground: str | None = None
    """Body path of the Pasal 17 ground of a refusal."""
    ground_values: dict[str, ExemptionGround] = {}
    """Ground labels → grounds (``Pasal 17 huruf a: A``); unlisted labels are tried as the letter."""
    holding_body: str | None = None
    """Body path of the body that holds the information, for ``NOT_HELD``."""

    @field_validator("path")
    @classmethod
    def _path_has_reference(cls, value: str) -> str:
        return _has_reference(value, "the status path")


class IntakeSettings(_Strict):
    """Delivering requests to the OPD's own PPID system (``REQUEST_INTAKE``).

    A submission is sent as ``POST path`` with a JSON body: by default the
    fields of :class:`connectors.intake.Submission` under their own names
    (``registration_number``, ``kind``, ``received_at``, ``due_date``,
    ``requester: {type, name, nik, ...}``, ``details``, ``purpose``,
    ``obtain_method``, ...), enums as their names, times in ISO 8601, unset
    fields left out; ``fields`` renames them. The header ``Idempotency-Key``
    carries the registration number. A POST is never resent by the connector:
    the gateway's outbox retries, and the OPD must answer a registration
    number it already has with its existing id.

    Answers: 2xx is accepted, and so is 409 ("already exists") when the body
    holds the reference (a repeated delivery); 401/403 (our credentials),
    408, 429 and 5xx are worth retrying; any other 4xx is a refusal of this
    submission for good (``SubmissionRejected``).
    """

    path: str
    """Path under ``base_url`` to POST new requests and objections to."""
    auth: AuthSettings | None = None
    """Authentication for intake calls instead of the connector's ``auth`` (``None``: the connector's)."""
    secret_header: str | None = None
    """A header carrying a shared secret on every intake call (``X-PPID-Secret``), with ``secret_env``."""
    secret_env: str | None = None
    """The environment variable holding the shared secret; read when the connector is built."""
    fields: dict[str, str | None] = {}
    """Body keys renamed: our path → the OPD's dotted path (``requester.name: pemohon.nama``).

    ``requester`` renames the whole object; ``null`` leaves a field out.
    """
    reference: str
    """Body path of the OPD's id for the request in its answer (``data.id``)."""
    accepted_at: str | None = None
    """Body path of the time the OPD accepted it."""
    cancel_path: str | None = None
    """Path to POST a cancellation to, with ``{reference}``; ``None``: the OPD takes no cancellations."""
    status: IntakeStatusSettings | None = None
    """How to read a request's state (``REQUEST_STATUS``); ``None``: not available."""

    @field_validator("cancel_path")
    @classmethod
    def _cancel_path_has_reference(cls, value: str | None) -> str | None:
        return None if value is None else _has_reference(value, "cancel_path")

    @field_validator("fields")
    @classmethod
    def _known_fields_renamed_apart(cls, fields: dict[str, str | None]) -> dict[str, str | None]:
        unknown = sorted(set(fields) - set(INTAKE_BODY_FIELDS))
        if unknown:
            raise ValueError(
                f"unknown intake field {', '.join(map(repr, unknown))}; "
                f"the fields are {', '.join(INTAKE_BODY_FIELDS)}"
            )
        for ours, theirs in fields.items():
            if theirs is not None and not _segments_ok(theirs):
                raise ValueError(f"{ours}: {theirs!r} is not a body path such as pemohon.nama")
        targets = intake_targets(fields)
        for ours, theirs in targets.items():
            for other, elsewhere in targets.items():
                if other != ours and (elsewhere == theirs or elsewhere.startswith(theirs + ".")):
                    raise ValueError(f"{ours} and {other} would both be written at {theirs}")
        return fields

    @model_validator(mode="after")
    def _secret_needs_both(self) -> IntakeSettings:
        if (self.secret_header is None) != (self.secret_env is None):
            raise ValueError("give both secret_header and secret_env, or neither")
        return self


def intake_targets(fields: dict[str, str | None]) -> dict[str, str]:
    """Where each leaf of the default intake body is written, after ``fields``; left-out leaves are absent."""
    targets: dict[str, str] = {}
    for path in INTAKE_BODY_FIELDS:
        if path == "requester":
            continue
        if path in fields:
            renamed = fields[path]
        elif path.startswith("requester.") and "requester" in fields:
            parent = fields["requester"]
            renamed = None if parent is None else f"{parent}.{path.removeprefix('requester.')}"
        else:
            renamed = path
        if renamed is not None:
            targets[path] = renamed
    return targets


class RestSettings(_Strict):
    """The ``connector:`` block of an OPD served by the generic ``rest`` connector."""

    base_url: HttpUrl
    """The API's root URL (``https://dinkes.bantenprov.go.id``)."""
    timeout_s: float | None = Field(default=None, gt=0, le=120)
    """Per-call timeout; ``None`` leaves it to the shared client and the engine's per-OPD timeout."""
    headers: dict[str, str] = {}
    """Extra headers sent with every call."""
    auth: AuthSettings = AuthSettings()
    """Authentication. The environment variables are read when the connector is built."""
    documents: DocumentsSettings | None = None
    """Documents; absent when the OPD publishes none through this API."""
    information_list: InformationListSettings | None = None
    """The DIP; absent when not available."""
    profile: ProfileSettings | None = None
    """The PPID profile; absent when not available."""
    intake: IntakeSettings | None = None
    """Request delivery to the OPD's own PPID system; absent when the OPD takes none."""
