"""What the request service raises besides :class:`InvalidInput` and :class:`RuleViolation`.

Neither error here carries personal data, a database URL or an access code:
their messages go to citizens as they are.
"""

from __future__ import annotations

from gateway.kip.errors import RuleViolation

__all__ = ["RequestNotFound", "ServiceUnavailable", "wrong_access_code"]


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
