"""Global ids: ``<opd-slug>:<local-id>``, the one way to name a record across OPDs."""

from __future__ import annotations

import re

from gateway.config import SLUG_PATTERN

from .errors import BadUserInput

__all__ = ["global_id", "parse_global_id"]

_SLUG = re.compile(SLUG_PATTERN)


def global_id(opd: str, local_id: str) -> str:
    """The global id of the record ``local_id`` of OPD ``opd``."""
    return f"{opd}:{local_id}"


def parse_global_id(text: str, *, argument: str = "id") -> tuple[str, str]:
    """``(slug, local_id)`` from ``"<slug>:<local-id>"``; ``BadUserInput`` when malformed.

    The local id may itself contain colons: only the first one separates.
    Whether the slug is a known OPD is for the caller to check.
    """
    slug, colon, local_id = text.partition(":")
    if not colon or not _SLUG.fullmatch(slug) or not local_id.strip():
        raise BadUserInput(
            f'{argument} {text!r} is not a global id; expected "<opd-slug>:<local-id>", '
            "as returned in the `id` field of a document",
            argument=argument,
        )
    return slug, local_id.strip()
