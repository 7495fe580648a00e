"""A PPID desk's contact details."""

from __future__ import annotations

import strawberry

from connectors import Contact as ContactRecord
from gateway.config import ContactConfig


@strawberry.type(description="How to reach a PPID desk.")
class Contact:
    name: str | None
    email: str | None
    phone: str | None
    address: str | None
    office_hours: str | None

    @classmethod
    def of(cls, source: ContactRecord | ContactConfig | None) -> Contact | None:
        """The GraphQL view of a contact from the directory or from the OPD's profile."""
        if source is None:
            return None
        return cls(
            name=source.name,
            email=source.email,
            phone=source.phone,
            address=source.address,
            office_hours=source.office_hours,
        )
