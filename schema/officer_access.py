"""Resolvers' access to the officer desk: the signed-in officer, or the error that says why not.

Officer fields call :func:`signed_in_officer` first: without a key the
answer is ``UNAUTHENTICATED`` with what to send; with a key that is not
valid, the refusal the context kept. :func:`officer_errors` turns what the
desk raises into GraphQL errors carrying the desk's own ``extensions``
(code, key, both messages, fields).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import strawberry
from graphql import GraphQLError

from gateway.identity.errors import InvalidInput
from gateway.kip.errors import RuleViolation
from gateway.officers import Forbidden, Officer, Unauthenticated
from gateway.requests import OfficerDesk, RequestChangedMeanwhile, RequestNotFound, ServiceUnavailable

SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
_UNAVAILABLE = (
    "The officer desk cannot reach the request database right now, so nothing was read or recorded; "
    "please try again in a few minutes."
)
_ERRORS = (InvalidInput, RuleViolation, RequestNotFound, Forbidden, Unauthenticated, RequestChangedMeanwhile)


def signed_in_officer(info: strawberry.Info) -> Officer:
    """The officer whose valid key the request carried; else ``UNAUTHENTICATED``."""
    refusal: Unauthenticated | None = info.context.officer_refusal
    officer: Officer | None = info.context.officer
    if refusal is not None:
        raise GraphQLError(str(refusal), extensions=refusal.extensions)
    if officer is None:
        missing = Unauthenticated.missing()
        raise GraphQLError(str(missing), extensions=missing.extensions)
    return officer


def officer_desk(info: strawberry.Info) -> OfficerDesk:
    """The app's officer desk, or ``SERVICE_UNAVAILABLE`` where there is none."""
    desk: OfficerDesk | None = info.context.desk
    if desk is None:
        raise GraphQLError(_UNAVAILABLE, extensions={"code": SERVICE_UNAVAILABLE})
    return desk


@contextmanager
def officer_errors() -> Iterator[None]:
    """Turn the desk's errors into GraphQL errors an officer's client can act on."""
    try:
        yield
    except _ERRORS as exc:
        raise GraphQLError(str(exc), extensions=exc.extensions) from None
    except ServiceUnavailable:
        raise GraphQLError(_UNAVAILABLE, extensions={"code": SERVICE_UNAVAILABLE}) from None
