"""What refuses an officer: no valid key (``UNAUTHENTICATED``), or not their request (``FORBIDDEN``).

Both carry an English and an Indonesian message, like the request service's
errors. Neither ever quotes a key: an unknown key may be a real one mistyped.
"""

from __future__ import annotations

__all__ = ["Forbidden", "Unauthenticated"]

HOW_TO_SEND = (
    "send the officer key from your administrator as `Authorization: Bearer <key>` (or `X-API-Key: <key>`)"
)
_HOW_TO_SEND_ID = (
    "kirim kunci petugas dari administrator Anda sebagai `Authorization: Bearer <kunci>` "
    "(atau `X-API-Key: <kunci>`)"
)


class Unauthenticated(Exception):  # noqa: N818 - the GraphQL code it maps to: UNAUTHENTICATED
    """No officer key, or one that belongs to no officer."""

    code = "UNAUTHENTICATED"
    """The GraphQL error code."""

    def __init__(self, message: str, message_id: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_id = message_id

    @classmethod
    def missing(cls) -> Unauthenticated:
        """The refusal of an officer operation sent without a key."""
        return cls(
            f"this is for PPID officers only: {HOW_TO_SEND}",
            f"ini hanya untuk petugas PPID: {_HOW_TO_SEND_ID}",
        )

    @classmethod
    def unknown(cls) -> Unauthenticated:
        """The refusal of a key that belongs to no officer (mistyped, revoked, or another gateway's)."""
        return cls(
            "the officer key is not valid: it belongs to no officer of this gateway "
            f"(mistyped, or replaced by a new one); {HOW_TO_SEND}",
            "kunci petugas tidak berlaku: kunci ini bukan milik petugas mana pun di gateway ini "
            f"(salah ketik, atau sudah diganti); {_HOW_TO_SEND_ID}",
        )

    @classmethod
    def malformed(cls, what: str, what_id: str) -> Unauthenticated:
        """The refusal of credentials sent in a form the gateway does not read."""
        return cls(f"{what}; {HOW_TO_SEND}", f"{what_id}; {_HOW_TO_SEND_ID}")

    @property
    def extensions(self) -> dict[str, str]:
        """The GraphQL error extensions: code and both messages."""
        return {"code": self.code, "message_en": self.message, "message_id": self.message_id}


class Forbidden(Exception):  # noqa: N818 - the GraphQL code it maps to: FORBIDDEN
    """A valid officer asking for what their role or OPD does not cover."""

    code = "FORBIDDEN"
    """The GraphQL error code."""

    def __init__(self, message: str, message_id: str) -> None:
        super().__init__(message)
        self.message = message
        self.message_id = message_id

    @property
    def extensions(self) -> dict[str, str]:
        """The GraphQL error extensions: code and both messages."""
        return {"code": self.code, "message_en": self.message, "message_id": self.message_id}
