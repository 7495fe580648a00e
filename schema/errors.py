"""How errors reach a client: a code, what was wrong, and what to do.

Client mistakes raised by the gateway (``BadUserInput``) become GraphQL errors
with ``extensions.code = BAD_USER_INPUT`` and the argument at fault. Anything
unexpected is logged with its traceback and replaced by a generic message with
``extensions.code = INTERNAL_SERVER_ERROR`` and a reference the operator can
find in the logs: a client never sees a stack trace or an internal message.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from graphql import GraphQLError, GraphQLSyntaxError

from gateway.federation import BadUserInput

logger = logging.getLogger("ppid_gateway.schema")

BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"


def label_request_error(error: GraphQLError) -> None:
    """Give a syntax or validation error (found before execution) its code, in place.

    Such errors reach the client without passing through the operation's
    extensions, so the code is set on the error object itself.
    """
    if error.original_error is None and error.path is None and "code" not in (error.extensions or {}):
        code = GRAPHQL_PARSE_FAILED if isinstance(error, GraphQLSyntaxError) else GRAPHQL_VALIDATION_FAILED
        error.extensions = {**(error.extensions or {}), "code": code}


def bad_user_input(message: str, argument: str) -> GraphQLError:
    """A GraphQL error for a client mistake in ``argument``."""
    return GraphQLError(message, extensions={"code": BAD_USER_INPUT, "argument": argument})


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn the gateway's ``BadUserInput`` into a GraphQL ``BAD_USER_INPUT`` error."""
    try:
        yield
    except BadUserInput as exc:
        raise bad_user_input(str(exc), exc.argument) from None


def shape_error(error: GraphQLError) -> GraphQLError:
    """The error as a client may see it.

    Errors we raised on purpose carry ``extensions.code`` and pass unchanged;
    syntax and validation errors (no original error, no path) get a code;
    everything else is an internal error: logged here, masked in the response.
    """
    if error.extensions and "code" in error.extensions:
        return error
    original = error.original_error
    if original is None:
        if error.path is None:
            label_request_error(error)
            return error
        code = BAD_USER_INPUT  # an argument value graphql-core itself refused while executing
        return GraphQLError(
            error.message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={**(error.extensions or {}), "code": code},
        )
    if isinstance(original, BadUserInput):
        return GraphQLError(
            str(original),
            nodes=error.nodes,
            path=error.path,
            extensions={"code": BAD_USER_INPUT, "argument": original.argument},
        )
    reference = uuid.uuid4().hex[:12]
    logger.error(
        "unexpected error in %s (reference %s)",
        ".".join(str(p) for p in error.path or ()),
        reference,
        exc_info=(type(original), original, original.__traceback__),
    )
    return GraphQLError(
        f"The gateway failed to answer this field. It has been logged with reference {reference}; "
        "try again, and report the reference if it persists.",
        nodes=error.nodes,
        path=error.path,
        extensions={"code": INTERNAL_SERVER_ERROR, "reference": reference},
    )
