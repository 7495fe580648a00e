"""The officers' mutations: answer a request, extend its deadline, decide an objection, forward a request.

Each needs an officer key (``Authorization: Bearer <key>`` or ``X-API-Key``)
and answers with the request's status in full, the requester unmasked (an
audited read). Errors: ``UNAUTHENTICATED`` (no key, or not a valid one),
``FORBIDDEN`` (another OPD's request, or not this role's act),
``BAD_USER_INPUT`` with every field at fault, ``RULE_VIOLATION`` with the
rule's key and article, ``NOT_FOUND``, ``CONFLICT`` (changed by someone else
twice meanwhile: nothing saved) and ``SERVICE_UNAVAILABLE``.
"""

from __future__ import annotations

import strawberry

from .officer_access import officer_desk, officer_errors, signed_in_officer
from .types.officers import DecideObjectionInput, ExtendInput, RerouteInput, RespondInput
from .types.requests import RequestStatus


@strawberry.type
class OfficerMutations:
    """The mutations of PPID officers, merged into the root ``Mutation``."""

    @strawberry.mutation(
        description="Officers (PPID of the request's OPD, or PPID Utama): give the written notice on a "
        "request. A request still RECEIVED is taken up (IN_PROCESS) first; both steps are in its history."
    )
    async def respond_to_request(self, info: strawberry.Info, input: RespondInput) -> RequestStatus:
        officer = signed_in_officer(info)
        desk = officer_desk(info)
        with officer_errors():
            status = await desk.respond_to_request(
                officer,
                input.registration_number,
                input.outcome,
                message=input.message,
                refusal_ground=input.refusal_ground,
                holding_body=input.holding_body,
                attached_document_ids=[str(document) for document in input.attached_document_ids],
            )
        return RequestStatus(source=status)

    @strawberry.mutation(
        description="Officers (PPID of the request's OPD, or PPID Utama): extend a request's deadline, "
        "once, with written reasons, by up to 7 working days (UU KIP Pasal 22(8))."
    )
    async def extend_request_deadline(self, info: strawberry.Info, input: ExtendInput) -> RequestStatus:
        officer = signed_in_officer(info)
        desk = officer_desk(info)
        with officer_errors():
            status = await desk.extend_request_deadline(
                officer, input.registration_number, input.reason, working_days=input.working_days
            )
        return RequestStatus(source=status)

    @strawberry.mutation(
        description="Officers (atasan PPID of the objection's OPD, or PPID Utama): decide an objection in "
        "writing (UU KIP Pasal 36(2))."
    )
    async def decide_objection(self, info: strawberry.Info, input: DecideObjectionInput) -> RequestStatus:
        officer = signed_in_officer(info)
        desk = officer_desk(info)
        with officer_errors():
            status = await desk.decide_objection(officer, input.registration_number, input.decision)
        return RequestStatus(source=status)

    @strawberry.mutation(
        description="PPID Utama only: forward a request that has no answer yet to another OPD. The deadline "
        "stays; the OPD it leaves is told to withdraw it, the new one receives it (docs/schema.md)."
    )
    async def reroute_request(self, info: strawberry.Info, input: RerouteInput) -> RequestStatus:
        officer = signed_in_officer(info)
        desk = officer_desk(info)
        with officer_errors():
            status = await desk.reroute_request(
                officer, input.registration_number, str(input.opd), input.reason
            )
        return RequestStatus(source=status)
