"""The officers' queries: who is signed in (``me``) and their inbox; and Cek Status with a key.

``requestStatus`` serves citizens and officers alike: with an officer key it
is the officer's view (the detail with the requester in full, audited; a
request of another OPD is ``FORBIDDEN``), otherwise the citizen's.
"""

from __future__ import annotations

from typing import Annotated

import strawberry

from connectors.vocabulary import RequestKind, RequestState

from .mutations import resolve_request_status
from .officer_access import officer_desk, officer_errors, signed_in_officer
from .types.officers import InboxConnection, OfficerType
from .types.requests import RequestStatus


async def resolve_status_for_caller(
    info: strawberry.Info, registration_number: str, access_code: str | None
) -> RequestStatus | None:
    """``Query.requestStatus``: the officer's view with an officer key, else the citizen's.

    A key that is not valid is ``UNAUTHENTICATED`` rather than the citizen's
    view, so that an officer's client notices a wrong key at once.
    """
    if info.context.officer is None and info.context.officer_refusal is None:
        return await resolve_request_status(info, registration_number, access_code)
    officer = signed_in_officer(info)
    desk = officer_desk(info)
    with officer_errors():
        status = await desk.request_detail(officer, registration_number)
    return None if status is None else RequestStatus(source=status)


@strawberry.type
class OfficerQueries:
    """The queries of PPID officers, merged into the root ``Query``."""

    @strawberry.field(
        description="The officer whose key the request carries; null without a key. "
        "A key that is not valid is an UNAUTHENTICATED error."
    )
    def me(self, info: strawberry.Info) -> OfficerType | None:
        if info.context.officer is None and info.context.officer_refusal is None:
            return None
        return OfficerType(source=signed_in_officer(info))

    @strawberry.field(
        description="Officers: the requests and objections routed to your OPD (PPID Utama: every OPD, or "
        "`opd`), oldest due date first. No personal data: open one with requestStatus."
    )
    async def inbox(
        self,
        info: strawberry.Info,
        *,
        states: Annotated[
            list[RequestState] | None,
            strawberry.argument(description="Only these states (default: RECEIVED, IN_PROCESS, EXTENDED)."),
        ] = None,
        kind: Annotated[
            RequestKind | None, strawberry.argument(description="Only requests, or only objections.")
        ] = None,
        overdue_only: Annotated[
            bool, strawberry.argument(description="Only those past their due date with no answer yet.")
        ] = False,
        opd: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="PPID Utama: one OPD's inbox. Others see their own OPD's only."),
        ] = None,
        first: Annotated[int, strawberry.argument(description="Page size, 1–100.")] = 20,
        after: Annotated[
            str | None,
            strawberry.argument(description="The endCursor of the previous page, with the same filter."),
        ] = None,
    ) -> InboxConnection:
        officer = signed_in_officer(info)
        desk = officer_desk(info)
        with officer_errors():
            page = await desk.inbox(
                officer,
                states=states,
                kind=kind,
                overdue_only=overdue_only,
                opd=None if opd is None else str(opd),
                first=first,
                after=after,
            )
        return InboxConnection.of(page, after=after)
