"""The ``graphql`` connector: one OPD of an upstream GraphQL API, typically another ppid-gateway.

A province gateway federates a regency's gateway by listing each regency OPD
as one of its own OPDs, whose connector reads that OPD through the regency's
``/graphql`` endpoint. See :class:`~connectors.graphql.settings.GraphQLSettings`
for the ``connector:`` block, :mod:`connectors.graphql.queries` for the
operations sent and how answers and errors are read.
"""

from .connector import GraphQLConnector
from .settings import GraphQLSettings

__all__ = ["GraphQLConnector", "GraphQLSettings"]
