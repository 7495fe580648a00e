"""The root Mutation type and Cek Status: thin resolvers over the request service.

The service's errors become GraphQL errors with their own ``extensions``:
``BAD_USER_INPUT`` with every field at fault (``fields``), ``RULE_VIOLATION``
with the rule's key and article, ``NOT_FOUND``, ``RATE_LIMITED`` with
``retryAfterSeconds`` after too many wrong access codes, and
``SERVICE_UNAVAILABLE`` when the ledger's database does not answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import strawberry
from graphql import GraphQLError

from gateway.identity.errors import InvalidInput
from gateway.kip.errors import RuleViolation
from gateway.requests import RateLimited, RequestNotFound, RequestService, ServiceUnavailable

from .admin_mutations import AdminMutations
from .officer_mutations import OfficerMutations
from .types.requests import (
    CancelRequestInput,
    DisputeObjectionInput,
    InformationRequestInput,
    ObjectionInput,
    RequestReceipt,
    RequestStatus,
)

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
_WRITE_UNAVAILABLE = (
    "The request service cannot reach its database right now, so nothing was recorded; "
    "please try again in a few minutes."
)
_READ_UNAVAILABLE = (
    "The request service cannot reach its database right now; please check the status again in a few minutes."
)


def request_service(info: strawberry.Info, *, write: bool) -> RequestService:
    """The app's request service, or ``SERVICE_UNAVAILABLE`` where there is none."""
    service: RequestService | None = info.context.requests
    if service is None:
        raise GraphQLError(
            _WRITE_UNAVAILABLE if write else _READ_UNAVAILABLE, extensions={"code": SERVICE_UNAVAILABLE}
        )
    return service


@contextmanager
def request_errors(*, write: bool) -> Iterator[None]:
    """Turn the request service's errors into GraphQL errors a client can act on."""
    try:
        yield
    except InvalidInput as exc:
        raise GraphQLError(str(exc), extensions=exc.extensions) from None
    except RuleViolation as exc:
        raise GraphQLError(str(exc), extensions=exc.extensions) from None
    except RequestNotFound as exc:
        raise GraphQLError(str(exc), extensions=exc.extensions) from None
    except RateLimited as exc:
        raise GraphQLError(str(exc), extensions=exc.extensions) from None
    except ServiceUnavailable:
        raise GraphQLError(
            _WRITE_UNAVAILABLE if write else _READ_UNAVAILABLE, extensions={"code": SERVICE_UNAVAILABLE}
        ) from None


async def resolve_request_status(
    info: strawberry.Info, registration_number: str, access_code: str | None
) -> RequestStatus | None:
    """``Query.requestStatus``: ``None`` for a number no request has."""
    service = request_service(info, write=False)
    with request_errors(write=False):
        status = await service.request_status(registration_number, access_code)
    return None if status is None else RequestStatus(source=status)


@strawberry.type
class Mutation(OfficerMutations, AdminMutations):
    @strawberry.mutation(
        description="Submit an information request; the receipt's access code is shown only here."
    )
    async def submit_information_request(
        self, info: strawberry.Info, input: InformationRequestInput
    ) -> RequestReceipt:
        service = request_service(info, write=True)
        with request_errors(write=True):
            receipt = await service.submit_information_request(
                input.to_service(), idempotency_key=input.idempotency_key
            )
        return RequestReceipt(source=receipt)

    @strawberry.mutation(description="Withdraw a request before it is answered, with its access code.")
    async def cancel_request(self, info: strawberry.Info, input: CancelRequestInput) -> RequestStatus:
        service = request_service(info, write=True)
        with request_errors(write=True):
            status = await service.cancel_request(input.registration_number, input.access_code, input.reason)
        return RequestStatus(source=status)

    @strawberry.mutation(
        description="Object to a request (keberatan) with its access code; the objection's receipt "
        "(number KB/…, its own access code, shown only here) is due an answer in 30 working days."
    )
    async def submit_objection(self, info: strawberry.Info, input: ObjectionInput) -> RequestReceipt:
        service = request_service(info, write=True)
        with request_errors(write=True):
            receipt = await service.submit_objection(
                input.registration_number,
                input.access_code,
                input.reason,
                input.statement,
                idempotency_key=input.idempotency_key,
            )
        return RequestReceipt(source=receipt)

    @strawberry.mutation(
        description="Record that an objection was taken to the Komisi Informasi, with the objection's "
        "access code: after the atasan PPID's answer, or once its 30 working days lapsed, and within "
        "14 working days after (UU KIP Pasal 37(2))."
    )
    async def dispute_objection(self, info: strawberry.Info, input: DisputeObjectionInput) -> RequestStatus:
        service = request_service(info, write=True)
        with request_errors(write=True):
            status = await service.dispute_objection(input.registration_number, input.access_code, input.note)
        return RequestStatus(source=status)
