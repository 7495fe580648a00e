"""Upstream labels → enum members (and back), for categories, exemption grounds and menu sections.

OPD systems write the same KIP value many ways: ``Informasi Berkala``,
``berkala``, ``Serta-merta``, ``Pasal 17 huruf b``. A :class:`LabelMap`
accepts, in order: a label of its map as written; a label of its map
ignoring case and spacing; the enum member's name ignoring case, with spaces
and hyphens read as underscores (``serta merta`` → ``SERTA_MERTA``, ``a`` → ``A``).
Anything else is a shape mismatch.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from .errors import UpstreamBadResponse
from .fieldpath import json_type

__all__ = ["LabelMap"]

E = TypeVar("E", bound=enum.Enum)


def _fold(label: str) -> str:
    return " ".join(label.casefold().split())


def _as_name(label: str) -> str:
    return "_".join(label.replace("-", " ").split()).upper()


class LabelMap(Generic[E]):
    """Reads upstream labels as members of ``enum_type``, through an optional ``labels`` map."""

    __slots__ = ("_exact", "_folded", "_label_of", "enum_type")

    def __init__(self, enum_type: type[E], labels: Mapping[str, E] | None = None) -> None:
        """Keep the map; the first label listed for a member is the one :meth:`label` sends upstream."""
        self.enum_type = enum_type
        """The enum the labels name."""
        labels = labels or {}
        self._exact = dict(labels)
        self._folded = {_fold(label): member for label, member in labels.items()}
        self._label_of: dict[E, str] = {}
        for label, member in labels.items():
            self._label_of.setdefault(member, label)

    def parse(self, value: Any, *, field: str) -> E:
        """The member ``value`` names; ``UpstreamBadResponse`` naming ``field`` when it names none."""
        member = self.find(value, field=field)
        if member is None:
            raise UpstreamBadResponse(f"unknown label {value!r}; {self._expected()}", field=field)
        return member

    def find(self, value: Any, *, field: str) -> E | None:
        """The member ``value`` names, or ``None``.

        Raises ``UpstreamBadResponse`` naming ``field`` when ``value`` is not a label at all (an object).
        """
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # numeric codes (1 = berkala) are mapped by their string form
        if not isinstance(value, str):
            raise UpstreamBadResponse(f"expected a label, got {json_type(value)}", field=field)
        member = self._exact.get(value)
        if member is None:
            member = self._folded.get(_fold(value))
        if member is None:
            member = self.enum_type.__members__.get(_as_name(value))
        return member

    def label(self, member: E) -> str:
        """The upstream label for ``member``: the first mapped to it, else its name."""
        return self._label_of.get(member, member.name)

    def _expected(self) -> str:
        names = ", ".join(self.enum_type.__members__)
        if not self._exact:
            return f"expected one of {names}"
        labels = ", ".join(repr(label) for label in self._exact)
        return f"expected one of the mapped labels {labels} or a name among {names}"
