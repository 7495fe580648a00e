"""Reading values out of an upstream JSON body by a declarative field path.

A path is dotted (``berkas.url``); a numeric segment indexes a list
(``files.0.url``) and is still a key when it meets an object; the empty path
``""`` is the value itself. Paths are rendered for people the way the value
would be written in JavaScript, ``data[3].berkas.url``, so that an OPD's
developer can find the offending field in their own response.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any, Final

from .errors import UpstreamBadResponse

__all__ = ["MISSING", "Missing", "join_path", "json_type", "read_path", "require_path", "split_path"]


class Missing(enum.Enum):
    """The type of :data:`MISSING`."""

    MISSING = "MISSING"
    """The only member."""


MISSING: Final = Missing.MISSING
"""Returned by :func:`read_path` when the body has no value at the path (absent, or ``null`` on the way)."""


@lru_cache(maxsize=1024)
def split_path(path: str) -> tuple[str, ...]:
    """The segments of ``path``; ``()`` for the empty path."""
    return tuple(path.split(".")) if path else ()


def join_path(where: str, path: str | Sequence[str]) -> str:
    """Render ``path`` below the location ``where`` for people: ``join_path("data[3]", "berkas.0")``
    is ``data[3].berkas[0]``. An empty result is rendered as ``<body>``.
    """
    rendered = where
    for segment in split_path(path) if isinstance(path, str) else path:
        if segment.isdigit():
            rendered += f"[{segment}]"
        else:
            rendered += f".{segment}" if rendered else segment
    return rendered or "<body>"


def read_path(data: Any, path: str, *, where: str = "") -> Any:
    """The value at ``path`` in ``data``, or :data:`MISSING` when there is none.

    A missing key, an index past the end or a ``null`` on the way all mean
    "no value". Meeting a scalar where the path needs an object or a list is
    a shape mismatch and raises :class:`~connectors.errors.UpstreamBadResponse`
    naming the full path below ``where``.
    """
    value = data
    segments = split_path(path)
    for depth, segment in enumerate(segments):
        if value is None:
            return MISSING
        if isinstance(value, Mapping):
            if segment not in value:
                return MISSING
            value = value[segment]
        elif isinstance(value, list) and segment.isdigit():
            index = int(segment)
            if index >= len(value):
                return MISSING
            value = value[index]
        else:
            expected = "an object or a list" if segment.isdigit() else "an object"
            raise UpstreamBadResponse(
                f"expected {expected} at {join_path(where, segments[:depth])}, got {json_type(value)}",
                field=join_path(where, segments),
            )
    return MISSING if value is None else value


def require_path(data: Any, path: str, *, where: str = "") -> Any:
    """Like :func:`read_path`, but a missing value raises ``UpstreamBadResponse`` naming the path."""
    value = read_path(data, path, where=where)
    if value is MISSING:
        raise UpstreamBadResponse("required field is missing or null", field=join_path(where, path))
    return value


def json_type(value: Any) -> str:
    """The JSON name of ``value``'s type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return type(value).__name__
