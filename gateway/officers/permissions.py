"""What each officer may do to a request or an objection, given their role and OPD.

The role decides the kind of act (:mod:`gateway.kip.roles`), the OPD decides
which requests: the OPD a request is routed to now, not the one it was first
sent to. Whether the act is lawful at this point of the request's life is
the lifecycle's question (:func:`gateway.kip.lifecycle.authorize_transition`),
asked after these. Each refusal is :class:`Forbidden`, naming the request's
OPD and what the key is for.
"""

from __future__ import annotations

from gateway.kip.roles import OfficerRole

from .errors import Forbidden
from .officer import Officer

__all__ = [
    "require_answerer",
    "require_cache_admin",
    "require_decider",
    "require_forwarder",
    "require_inbox",
    "require_reader",
]

_ANSWERERS = frozenset({OfficerRole.PPID, OfficerRole.PPID_UTAMA})
_DECIDERS = frozenset({OfficerRole.ATASAN, OfficerRole.PPID_UTAMA})
_KEY_WORDS_ID = {
    OfficerRole.PPID: "PPID Pembantu",
    OfficerRole.ATASAN: "atasan PPID",
    OfficerRole.PPID_UTAMA: "PPID Utama",
}


def require_reader(officer: Officer, opd_slug: str, number: str) -> None:
    """Allow ``officer`` to read request ``number`` (routed to ``opd_slug``) in full, or refuse."""
    if officer.covers(opd_slug):
        return
    raise Forbidden(
        f"this request ({number}) is routed to {opd_slug}; your key is for {officer.opd_slug}. "
        f"If it belongs to {officer.opd_slug}, ask PPID Utama to forward it",
        f"permohonan ini ({number}) ditujukan ke {opd_slug}; kunci Anda untuk {officer.opd_slug}. "
        f"Jika permohonan ini urusan {officer.opd_slug}, minta PPID Utama meneruskannya",
    )


def require_answerer(officer: Officer, opd_slug: str, number: str) -> None:
    """Allow ``officer`` to answer request ``number`` or extend its deadline, or refuse."""
    require_reader(officer, opd_slug, number)
    if officer.role in _ANSWERERS:
        return
    raise Forbidden(
        f"only the PPID (Pembantu) of {opd_slug} or PPID Utama answers requests and extends their "
        f"deadlines; your key is for the {officer.describe()}, who decides objections",
        f"hanya PPID Pembantu {opd_slug} atau PPID Utama yang menjawab permohonan dan memperpanjang "
        f"batas waktunya; kunci Anda milik {_KEY_WORDS_ID[officer.role]}, yang memutus keberatan",
    )


def require_decider(officer: Officer, opd_slug: str, number: str) -> None:
    """Allow ``officer`` to decide objection ``number`` (UU KIP Pasal 36), or refuse."""
    require_reader(officer, opd_slug, number)
    if officer.role in _DECIDERS:
        return
    raise Forbidden(
        f"only the atasan PPID of {opd_slug} or PPID Utama decides objections (UU KIP Pasal 36); "
        f"your key is for the {officer.describe()}",
        f"hanya atasan PPID {opd_slug} atau PPID Utama yang memutus keberatan (UU KIP Pasal 36); "
        f"kunci Anda milik {_KEY_WORDS_ID[officer.role]}",
    )


def require_forwarder(officer: Officer) -> None:
    """Allow ``officer`` to forward a request to another OPD: PPID Utama only."""
    if officer.is_ppid_utama:
        return
    raise Forbidden(
        f"only PPID Utama forwards a request to another OPD; your key is for the {officer.describe()}. "
        "Ask PPID Utama to forward it",
        f"hanya PPID Utama yang dapat meneruskan permohonan ke OPD lain; kunci Anda milik "
        f"{_KEY_WORDS_ID[officer.role]}. Minta PPID Utama untuk meneruskannya",
    )


def require_cache_admin(officer: Officer) -> None:
    """Allow ``officer`` to drop the gateway's cached data (``invalidateCache``): PPID Utama only.

    Dropping the cache sends the next queries of every portal user to the
    OPDs, so it is the province's call, not one OPD's; an OPD refreshes its
    own data with its signed webhook (docs/operations.md).
    """
    if officer.is_ppid_utama:
        return
    raise Forbidden(
        f"only PPID Utama drops the gateway's cache; your key is for the {officer.describe()}. "
        "An OPD's system can refresh its own data with the OPD's signed webhook",
        f"hanya PPID Utama yang dapat mengosongkan cache gateway; kunci Anda milik "
        f"{_KEY_WORDS_ID[officer.role]}. Sistem OPD dapat memperbarui datanya sendiri lewat webhook OPD",
    )


def require_inbox(officer: Officer, opd_slug: str | None) -> frozenset[str] | None:
    """The OPDs whose inbox ``officer`` sees when asking for ``opd_slug`` (``None``: every OPD).

    An officer of one OPD sees that OPD's; asking for another is refused.
    """
    if officer.is_ppid_utama:
        return None if opd_slug is None else frozenset({opd_slug})
    assert officer.opd_slug is not None  # the config requires an OPD for every other role
    if opd_slug is not None and opd_slug != officer.opd_slug:
        raise Forbidden(
            f"your key is for {officer.opd_slug}, so you see the inbox of {officer.opd_slug}, "
            f"not of {opd_slug}",
            f"kunci Anda untuk {officer.opd_slug}, sehingga Anda melihat kotak masuk {officer.opd_slug}, "
            f"bukan {opd_slug}",
        )
    return frozenset({officer.opd_slug})
