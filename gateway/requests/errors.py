"""What the request service raises besides :class:`InvalidInput` and :class:`RuleViolation`.

Neither error here carries personal data, a database URL or an access code:
their messages go to citizens as they are.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from gateway.kip.errors import RuleViolation
from gateway.ledger import LedgerUnavailable

__all__ = [
    "RateLimited",
    "RequestChangedMeanwhile",
    "RequestNotFound",
    "ServiceUnavailable",
    "ledger_available",
    "wrong_access_code",
]

_log = logging.getLogger(__name__)

_WIB = timezone(timedelta(hours=7), "WIB")
"""Banten's time zone, in which a citizen reads "try again at"."""


class ServiceUnavailable(Exception):  # noqa: N818 - the GraphQL code it maps to: SERVICE_UNAVAILABLE
    """The ledger's database does not answer: nothing was saved, and the citizen may try again.

    The ledger's own error (which names the database) is the ``__cause__``,
    for the operator's log; the message is for the citizen.
    """

    code = "SERVICE_UNAVAILABLE"
    """The GraphQL error code."""

    def __init__(self) -> None:
        super().__init__(
            "the request service cannot reach its database right now, so nothing was saved; "
            "please try again in a few minutes"
        )

    @property
    def extensions(self) -> dict[str, str]:
        """The GraphQL error extensions."""
        return {"code": self.code}


class RequestNotFound(LookupError):  # noqa: N818 - a look-up miss, like KeyError
    """No request or objection has this registration number."""

    code = "NOT_FOUND"
    """The GraphQL error code."""

    def __init__(self, registration_number: str) -> None:
        super().__init__(
            f"there is no request numbered {registration_number}; "
            "check the number on your receipt (e.g. PI/2026/DINKES/000123)"
        )
        self.registration_number = registration_number

    @property
    def extensions(self) -> dict[str, str]:
        """The GraphQL error extensions."""
        return {"code": self.code}


def wrong_access_code() -> RuleViolation:
    """The refusal of an access code that does not match the request's.

    It says nothing about why (a typo, another request's code), so that a
    guesser learns nothing but "no".
    """
    return RuleViolation(
        "the access code does not match this request; use the code shown on your receipt",
        message_id="kode akses tidak cocok dengan permohonan ini; gunakan kode yang tertera pada bukti Anda",
        rule="Perki 1/2021, layanan cek status",
        key="WRONG_ACCESS_CODE",
    )


class RateLimited(Exception):  # noqa: N818 - the GraphQL code it maps to: RATE_LIMITED
    """Too many wrong access codes for one request: no code for it is checked until ``until``.

    Raised before the code at hand is looked at, so it says nothing about
    whether that code was right. ``retry_after_s`` (whole seconds, at least 1)
    is for clients; the messages tell a person the clock time (WIB) as well.
    """

    code = "RATE_LIMITED"
    """The GraphQL error code."""

    def __init__(self, until: datetime, retry_after_s: float) -> None:
        self.until = until
        self.retry_after_s = max(1, math.ceil(retry_after_s))
        minutes = max(1, math.ceil(self.retry_after_s / 60))
        local = until.astimezone(_WIB)
        self.message = (
            "too many wrong access codes were tried for this request, so no code for it is checked "
            f"until {local:%H:%M} WIB (in about {minutes} minute{'s' if minutes != 1 else ''}); "
            "then try again with the code shown on your receipt"
        )
        self.message_id = (
            "terlalu banyak kode akses salah dicoba untuk permohonan ini, sehingga kode untuk permohonan ini "
            f"tidak diperiksa sampai pukul {local:%H.%M} WIB (sekitar {minutes} menit lagi); "
            "setelah itu coba lagi dengan kode yang tertera pada bukti permohonan Anda"
        )
        super().__init__(self.message)

    @property
    def extensions(self) -> dict[str, str | int]:
        """The GraphQL error extensions: code, ``retryAfterSeconds`` and both messages."""
        return {
            "code": self.code,
            "retryAfterSeconds": self.retry_after_s,
            "message_en": self.message,
            "message_id": self.message_id,
        }


@contextmanager
def ledger_available() -> Iterator[None]:
    """Turn the ledger's :class:`LedgerUnavailable` into :class:`ServiceUnavailable` for the citizen.

    The ledger's error names the database, so it goes to the operator's log
    (its reason only) and stays the ``__cause__``; the citizen is told to retry.
    """
    try:
        yield
    except LedgerUnavailable as exc:
        _log.warning("request ledger unavailable: %s", exc.reason)
        raise ServiceUnavailable() from exc


class RequestChangedMeanwhile(Exception):  # noqa: N818 - names what happened, like ConcurrentUpdate
    """Someone else changed the request twice while an officer acted on it: nothing was saved.

    The desk reads the request again and re-checks the act once after a
    concurrent change; this is raised only when the second try collides too.
    """

    code = "CONFLICT"
    """The GraphQL error code."""

    def __init__(self, registration_number: str) -> None:
        self.message = (
            f"{registration_number} was changed by someone else while your change was being saved, so "
            "nothing was saved; look at its status again and repeat your change if it still applies"
        )
        self.message_id = (
            f"{registration_number} diubah pihak lain ketika perubahan Anda sedang disimpan, sehingga tidak "
            "ada yang tersimpan; periksa lagi statusnya dan ulangi perubahan Anda bila masih berlaku"
        )
        super().__init__(self.message)
        self.registration_number = registration_number

    @property
    def extensions(self) -> dict[str, str]:
        """The GraphQL error extensions: code and both messages."""
        return {"code": self.code, "message_en": self.message, "message_id": self.message_id}
