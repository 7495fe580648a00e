"""Who asked: one GraphQL interface, masked for the requester's own Cek Status, in full for officers.

``RequestDetail.requester`` is a ``Requester``: a ``MaskedRequester``
(``3603********0001``) when the detail was opened with the access code, an
``UnmaskedRequester`` when an officer of the routed OPD (or PPID Utama)
opened it with their key, every such read audited. A query selects the same
fields either way; ``__typename`` says which it got.
"""

from __future__ import annotations

import strawberry

from connectors.vocabulary import RequesterType
from gateway.requests import UnmaskedRequester


@strawberry.interface(
    description="Who asked (UU KIP Pasal 22(2)): masked (MaskedRequester) with the access code; in full "
    "(UnmaskedRequester) for the officers of the routed OPD and PPID Utama, every read audited."
)
class Requester:
    type: RequesterType | None = strawberry.field(description="A person, a legal entity, or a proxy.")
    name: str | None = strawberry.field(description="Full name (masked: initials only).")
    nik: str | None = strawberry.field(description="NIK, 16 digits (masked: 3603********0001).")
    legal_entity_number: str | None = strawberry.field(description="A legal entity's ratification number.")
    address: str | None = strawberry.field(description="Postal address (masked: the first word only).")
    phone: str | None = strawberry.field(description="E.164, e.g. +6281234567890 (masked: the last digits).")
    email: str | None = strawberry.field(description="E-mail address (masked: s***@example.org).")
    occupation: str | None = strawberry.field(description="Occupation, when given (never masked).")


@strawberry.type(
    name="UnmaskedRequester",
    description="The requester in full: only for the officers of the routed OPD and PPID Utama. "
    "Each read is written to the personal-data audit with the officer's id (UU 27/2022).",
)
class UnmaskedRequesterType(Requester):
    @classmethod
    def of(cls, requester: UnmaskedRequester) -> UnmaskedRequesterType:
        """The GraphQL view of a requester in full."""
        return cls(
            type=requester.type,
            name=requester.name,
            nik=requester.nik,
            legal_entity_number=requester.legal_entity_number,
            address=requester.address,
            phone=requester.phone,
            email=requester.email,
            occupation=requester.occupation,
        )
