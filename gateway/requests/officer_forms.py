"""What an officer writes: the answer to a request, an extension, a decision, a forward; checked whole.

Each form is cleaned into a typed value or refused with :class:`InvalidInput`
listing every field at fault at once, under the GraphQL input's own names
(``message``, ``refusalGround``, ``attachedDocumentIds[1]``…). What the law
requires of the act (reasons for a refusal, a Pasal 17 ground, one
extension) is the lifecycle's to say, after these checks, as a
:class:`~gateway.kip.errors.RuleViolation`.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from connectors import ExemptionGround
from gateway.config import GatewayConfig
from gateway.identity.errors import ProblemList
from gateway.identity.text_fields import TextField
from gateway.kip.vocabulary import RequestState

from .numbers import parse_number

__all__ = [
    "MAX_ATTACHED_DOCUMENTS",
    "Decision",
    "Extension",
    "Forward",
    "Response",
    "ResponseOutcome",
    "clean_decision",
    "clean_extension",
    "clean_forward",
    "clean_response",
]

MAX_ATTACHED_DOCUMENTS = 20
"""The most documents one answer may attach."""

_MESSAGE = TextField("the written notice to the requester", "Pemberitahuan tertulis", 1, 5000, multiline=True)
_HOLDING_BODY = TextField("the body that holds the information", "Badan publik yang menguasainya", 2, 300)
_EXTENSION_REASON = TextField("the reason for the extension", "Alasan perpanjangan", 1, 2000, multiline=True)
_DECISION = TextField("the decision on the objection", "Tanggapan atas keberatan", 1, 10_000, multiline=True)
_FORWARD_REASON = TextField("the reason for forwarding", "Alasan penerusan", 3, 1000, multiline=True)


class ResponseOutcome(enum.Enum):
    """The written notice's answer to a request (UU KIP Pasal 22(7))."""

    GRANTED = "GRANTED"
    """Given in full."""
    PARTIALLY_GRANTED = "PARTIALLY_GRANTED"
    """Given in part: the exempt parts blacked out, with reasons."""
    REFUSED = "REFUSED"
    """Refused on a ground of Pasal 17, with reasons."""
    NOT_HELD = "NOT_HELD"
    """This body does not hold it; the notice names the body that does, when known."""

    @property
    def state(self) -> RequestState:
        """The request's state once answered so."""
        return RequestState(self.value)


@dataclass(frozen=True, slots=True)
class Response:
    """An answer to a request, cleaned."""

    registration_number: str
    outcome: ResponseOutcome
    message: str | None = field(repr=False)
    """The notice's text; citizens' names may be in it, so it is kept out of ``repr``."""
    refusal_ground: ExemptionGround | None
    holding_body: str | None
    attached_document_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Extension:
    """An extension of a request's deadline, cleaned."""

    registration_number: str
    reason: str | None = field(repr=False)
    working_days: int


@dataclass(frozen=True, slots=True)
class Decision:
    """The atasan PPID's decision on an objection, cleaned."""

    registration_number: str
    decision: str | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class Forward:
    """PPID Utama's forward of a request to another OPD, cleaned."""

    registration_number: str
    opd_slug: str
    reason: str = field(repr=False)


def clean_response(
    config: GatewayConfig,
    registration_number: str,
    outcome: ResponseOutcome,
    *,
    message: str | None,
    refusal_ground: ExemptionGround | None,
    holding_body: str | None,
    attached_document_ids: Sequence[str] = (),
) -> Response:
    """The answer as given, or :class:`InvalidInput` with every field at fault."""
    problems = ProblemList()
    number = parse_number(registration_number, problems, raise_now=False)
    text = problems.check("message", lambda: _MESSAGE.clean_optional(message, field="message"))
    if refusal_ground is not None and outcome is not ResponseOutcome.REFUSED:
        problems.add(
            "refusalGround",
            "A Pasal 17 ground belongs to a refusal only: leave it empty, or answer REFUSED.",
            "Alasan pengecualian Pasal 17 hanya untuk penolakan: kosongkan, atau jawab REFUSED.",
        )
    body = problems.check(
        "holdingBody", lambda: _HOLDING_BODY.clean_optional(holding_body, field="holdingBody")
    )
    if body is not None and outcome is not ResponseOutcome.NOT_HELD:
        problems.add(
            "holdingBody",
            "The body that holds the information belongs to a NOT_HELD answer only: leave it empty.",
            "Badan publik yang menguasai informasi hanya untuk jawaban NOT_HELD: kosongkan.",
        )
    documents = _document_ids(config, attached_document_ids, problems)
    problems.raise_if_any()
    return Response(number, outcome, text, refusal_ground, body, documents)


def clean_extension(registration_number: str, reason: str | None, working_days: int) -> Extension:
    """The extension as asked, or :class:`InvalidInput` (number, reason's length).

    The number of days is the deadline rule's to judge (at most
    :data:`~gateway.kip.deadlines.MAX_EXTENSION_DAYS`, Pasal 22(8)), and a
    missing reason the lifecycle's: both answer with the article.
    """
    problems = ProblemList()
    number = parse_number(registration_number, problems, raise_now=False)
    text = problems.check("reason", lambda: _EXTENSION_REASON.clean_optional(reason, field="reason"))
    problems.raise_if_any()
    return Extension(number, text, working_days)


def clean_decision(registration_number: str, decision: str | None) -> Decision:
    """The decision as written, or :class:`InvalidInput` (number, decision's length)."""
    problems = ProblemList()
    number = parse_number(registration_number, problems, raise_now=False)
    text = problems.check("decision", lambda: _DECISION.clean_optional(decision, field="decision"))
    problems.raise_if_any()
    return Decision(number, text)


def clean_forward(
    config: GatewayConfig, registration_number: str, opd: str, reason: str | None, *, today: date
) -> Forward:
    """The forward as asked, or :class:`InvalidInput` (number, an unknown or closed OPD, a missing reason).

    The reason is required by the gateway rather than the law: the OPD that
    loses the request, and the requester's history, are owed a why.
    """
    problems = ProblemList()
    number = parse_number(registration_number, problems, raise_now=False)
    slug = opd.strip().lower()
    target = config.opd(slug)
    if target is None:
        problems.add(
            "opd",
            "There is no OPD with this slug: pick one from the `opds` query.",
            "Tidak ada OPD dengan kode ini: pilih dari kueri `opds`.",
        )
    elif not target.is_active(today):
        problems.add(
            "opd",
            f"{target.name} no longer exists: forward the request to the OPD that took over its tasks.",
            f"{target.name} sudah tidak ada: teruskan permohonan ke OPD yang menggantikan tugasnya.",
        )
    text = problems.check("reason", lambda: _FORWARD_REASON.clean(reason, field="reason"))
    problems.raise_if_any()
    assert text is not None  # clean() returns text or records a problem
    return Forward(number, slug, text)


def _document_ids(config: GatewayConfig, ids: Sequence[str], problems: ProblemList) -> tuple[str, ...]:
    """The attached documents' global ids, trimmed and without repeats; a problem per malformed one."""
    if len(ids) > MAX_ATTACHED_DOCUMENTS:
        problems.add(
            "attachedDocumentIds",
            f"Attach at most {MAX_ATTACHED_DOCUMENTS} documents; link a list of them instead.",
            f"Lampirkan paling banyak {MAX_ATTACHED_DOCUMENTS} dokumen; tautkan daftarnya sebagai gantinya.",
        )
        return ()
    kept: dict[str, None] = {}
    for index, text in enumerate(ids):
        slug, separator, local = text.strip().partition(":")
        if not separator or not local.strip() or config.opd(slug) is None:
            problems.add(
                f"attachedDocumentIds[{index}]",
                'This is not the id of a document in the catalogue: copy it, as "<opd-slug>:<local-id>", '
                "from the document's `id`.",
                "Ini bukan id dokumen dalam katalog: salin dari `id` dokumen, "
                'dalam bentuk "<opd-slug>:<id-lokal>".',
            )
            continue
        kept[f"{slug}:{local.strip()}"] = None
    return tuple(kept)
