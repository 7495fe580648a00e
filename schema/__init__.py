"""The GraphQL schema of ppid-gateway (Strawberry): types, resolvers, extensions.

Resolvers are thin: they check arguments and call the federation engine in
``gateway.federation``.
"""

from . import enums  # registers the domain's enums with Strawberry before any type uses them
from .build import build_schema
from .context import GatewayContext
from .http import GraphQLView

__all__ = ["GatewayContext", "GraphQLView", "build_schema", "enums"]
