"""Finding connector classes by their config name.

Connectors are discovered through the entry-point group
``ppid_gateway.connectors``: a third party ships one as its own package with::

    [project.entry-points."ppid_gateway.connectors"]
    my-dms = "ppid_connector_my_dms:MyDmsConnector"

The builtin connectors are registered the same way in this project's own
``pyproject.toml``; they are also known by module path, so a source checkout
that was never installed still finds them.
"""

from __future__ import annotations

import difflib
import importlib
from functools import cache
from importlib.metadata import entry_points

from .base import Connector

__all__ = ["ENTRY_POINT_GROUP", "UnknownConnectorKind", "available_kinds", "connector_class"]

ENTRY_POINT_GROUP = "ppid_gateway.connectors"
"""The entry-point group connector packages register under."""

_BUILTINS = {
    "rest": "connectors.rest:RestConnector",
    "files": "connectors.files:FilesConnector",
    "wordpress": "connectors.wordpress:WordPressConnector",
    "ckan": "connectors.ckan:CkanConnector",
    "sql": "connectors.sql:SqlConnector",
    "graphql": "connectors.graphql:GraphQLConnector",
}


class UnknownConnectorKind(LookupError):  # noqa: N818 - a public name
    """No connector is registered under the requested kind."""

    def __init__(self, kind: str, known: list[str]) -> None:
        close = difflib.get_close_matches(kind.lower(), known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        super().__init__(
            f"no connector of kind {kind!r} is installed; {hint}installed kinds: {', '.join(known)}. "
            "Fix the name, or install the package that provides it."
        )
        self.kind = kind
        self.known = known


@cache
def _registered() -> dict[str, str]:
    found = dict(_BUILTINS)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        found[entry.name] = entry.value
    return found


def available_kinds() -> list[str]:
    """Every connector kind that can be used in config, sorted."""
    return sorted(_registered())


def connector_class(kind: str) -> type[Connector]:
    """The connector class registered under ``kind``.

    Raises :class:`UnknownConnectorKind` when none is, and ``TypeError`` when
    the entry point does not name a :class:`Connector` subclass.
    """
    target = _registered().get(kind)
    if target is None:
        raise UnknownConnectorKind(kind, available_kinds())
    module_name, _, attribute = target.partition(":")
    loaded = getattr(importlib.import_module(module_name), attribute)
    if not (isinstance(loaded, type) and issubclass(loaded, Connector)):
        raise TypeError(f"entry point {kind!r} = {target!r} is not a Connector subclass")
    return loaded
