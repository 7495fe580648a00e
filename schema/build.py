"""Building the schema once, at start."""

from __future__ import annotations

import hashlib
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaxAliasesLimiter, ParserCache, QueryDepthLimiter, ValidationCache
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionContext

from .errors import label_request_error
from .extensions import UpstreamReport
from .mutations import Mutation
from .queries import Query
from .types.requester import UnmaskedRequesterType
from .types.requests import MaskedRequesterType

MAX_QUERY_DEPTH = 12
MAX_ALIASES = 30


class GatewaySchema(strawberry.Schema):
    """Our schema: errors are logged by ``UpstreamReport`` (only the unexpected ones), not here."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Strawberry's default logs every error with a traceback, client mistakes
        # included; `schema.errors.shape_error` logs the unexpected ones instead.
        for error in errors:
            label_request_error(error)


def build_schema(**overrides: Any) -> strawberry.Schema:
    """The gateway's schema, with parser and validation caches and operation limits."""
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        # the implementations of the Requester interface, which no field names directly
        types=[MaskedRequesterType, UnmaskedRequesterType],
        # Factories: Strawberry builds extensions per operation; the parser and
        # validation caches live at module level, shared by every operation.
        extensions=[
            lambda: ParserCache(maxsize=1024),
            lambda: ValidationCache(maxsize=1024),
            lambda: QueryDepthLimiter(max_depth=MAX_QUERY_DEPTH),
            lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
            UpstreamReport,
        ],
        **overrides,
    )


def schema_version(schema: BaseSchema) -> str:
    """A short digest of ``schema``'s SDL: part of every whole-answer cache key.

    An answer stored by one release is then never served by a release whose
    schema differs (a renamed field, a new default), even while both run
    side by side against one Redis during a rolling update.
    """
    return hashlib.sha256(schema.as_str().encode("utf-8")).hexdigest()[:16]
