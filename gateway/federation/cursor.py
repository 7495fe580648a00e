"""Opaque, versioned cursors for federated lists.

A cursor is URL-safe base64 (no padding) of a zlib-compressed byte string:
an 8-byte BLAKE2b MAC followed by compact JSON::

    [version, kind, order, scope, page_size, [position, ...]]

- ``version``: :data:`CURSOR_VERSION`; a cursor of another version is refused.
- ``kind``: which list (``documents`` or ``information_list``).
- ``order``: the order the list was made in (``NEWEST``...), or ``null``.
- ``scope``: a short hash of the normalized filter and of the OPD selection,
  so that a cursor is refused with any other filter or selection.
- ``page_size``: the page size asked of streamed upstreams, fixed for a whole
  pagination so that a connector's first page is the same on every request.
- one position per selected OPD, in slug order (:mod:`.positions`):
  ``null`` fresh, ``n`` offset, ``[n, token, skip]`` in a page, ``[n]`` exhausted.

The MAC is keyed when the engine is given a key; unkeyed, it still catches a
cursor altered by hand, but not one forged by someone who read this module,
so connectors must treat their own tokens from a cursor as untrusted input.
Every refusal is a ``BadUserInput`` on ``after`` that says why and what to do.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .errors import BadUserInput
from .positions import FRESH, Exhausted, InPage, Offset, Position

__all__ = ["CURSOR_VERSION", "Cursor", "CursorCodec", "CursorScope"]

CURSOR_VERSION = 1
"""The cursor format this gateway writes and reads."""

_MAC_BYTES = 8
_MAX_CURSOR_CHARS = 65_536
_MAX_PAYLOAD_BYTES = 1_048_576
_AGAIN = "start again without `after`"


@dataclass(frozen=True)
class CursorScope:
    """What a cursor is valid for: one list, one order, one filter and OPD selection."""

    kind: str
    """``documents`` or ``information_list``."""
    order: str | None
    """The order's name, or ``None`` for a list without a choice of order."""
    digest: str
    """A short hash of the normalized filter and the selected slugs."""
    opds: int
    """How many OPDs are selected: the number of positions."""

    @classmethod
    def of(cls, kind: str, order: str | None, criteria: Any, selection: Sequence[str]) -> CursorScope:
        """The scope of a list; ``criteria`` is the normalized filter, as JSON-able data."""
        canonical = json.dumps([criteria, list(selection)], sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode()).digest()[:9]
        return cls(kind, order, base64.urlsafe_b64encode(digest).decode(), len(selection))


@dataclass(frozen=True)
class Cursor:
    """A decoded cursor: the upstream page size and one position per selected OPD."""

    page_size: int
    positions: tuple[Position, ...]


class CursorCodec:
    """Encodes and decodes cursors; ``key`` keys the MAC (share it between replicas)."""

    def __init__(self, key: bytes | None = None) -> None:
        self._key = hashlib.blake2b(key).digest() if key else b""

    def encode(self, scope: CursorScope, cursor: Cursor) -> str:
        """The opaque text of ``cursor``."""
        body = [CURSOR_VERSION, scope.kind, scope.order, scope.digest, cursor.page_size]
        body.append([_dump(position) for position in cursor.positions])
        payload = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        packed = zlib.compress(self._mac(payload) + payload, 9)
        return base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")

    def decode(self, scope: CursorScope, text: str) -> Cursor:
        """The cursor in ``text``, if it was made for ``scope``; else ``BadUserInput`` on ``after``."""
        payload = self._unpack(text)
        try:
            body = json.loads(payload[_MAC_BYTES:])
        except ValueError:
            raise _refuse("is not a cursor this gateway issued (it cannot be decoded)") from None
        if not isinstance(body, list) or not body or type(body[0]) is not int:
            raise _refuse("is not a cursor this gateway issued (it cannot be decoded)")
        if body[0] != CURSOR_VERSION:
            raise _refuse(
                f"was issued by another version of the gateway (cursor format {body[0]}; "
                f"this gateway reads format {CURSOR_VERSION})"
            )
        if not hmac.compare_digest(payload[:_MAC_BYTES], self._mac(payload[_MAC_BYTES:])):
            raise _refuse("has been altered, or was issued by another gateway")
        try:
            _, kind, order, digest, page_size, raw_positions = body
        except ValueError:
            raise _refuse("is not a cursor this gateway issued (it has the wrong shape)") from None
        if kind != scope.kind:
            raise _refuse(f"is a cursor of another list ({kind}), not of {scope.kind}")
        if order != scope.order:
            raise BadUserInput(
                f"`after` was issued for orderBy {order}, not {scope.order}: "
                f"use orderBy {order} as for the previous page, or {_AGAIN}",
                argument="after",
            )
        if digest != scope.digest:
            raise BadUserInput(
                "`after` was issued for another filter or OPD selection (or the directory of OPDs "
                f"has changed since): use the same filter as for the previous page, or {_AGAIN}",
                argument="after",
            )
        if not _is_count(page_size) or page_size == 0:
            raise _refuse("is not a cursor this gateway issued (bad page size)")
        if not isinstance(raw_positions, list) or len(raw_positions) != scope.opds:
            raise _refuse("is not a cursor this gateway issued (wrong number of positions)")
        return Cursor(page_size, tuple(_load(raw) for raw in raw_positions))

    def _unpack(self, text: str) -> bytes:
        undecodable = _refuse("is not a cursor this gateway issued (it cannot be decoded)")
        if not text or len(text) > _MAX_CURSOR_CHARS:
            raise undecodable
        try:
            packed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            inflater = zlib.decompressobj()
            payload = inflater.decompress(packed, _MAX_PAYLOAD_BYTES)
        except (binascii.Error, ValueError, zlib.error):
            raise undecodable from None
        if inflater.unconsumed_tail or not inflater.eof or len(payload) <= _MAC_BYTES:
            raise undecodable
        return payload

    def _mac(self, payload: bytes) -> bytes:
        return hashlib.blake2b(payload, key=self._key, digest_size=_MAC_BYTES).digest()


def _refuse(reason: str) -> BadUserInput:
    return BadUserInput(f"`after` {reason}; {_AGAIN}", argument="after")


def _dump(position: Position) -> Any:
    if isinstance(position, Offset):
        return position.index
    if isinstance(position, InPage):
        return [position.index, position.token, position.skip]
    if isinstance(position, Exhausted):
        return [position.count]
    return None


def _load(raw: Any) -> Position:
    if raw is None:
        return FRESH
    if _is_count(raw):
        return Offset(raw)
    if isinstance(raw, list) and len(raw) == 1 and _is_count(raw[0]):
        return Exhausted(raw[0])
    if isinstance(raw, list) and len(raw) == 3:
        index, token, skip = raw
        if _is_count(index) and _is_count(skip) and (token is None or isinstance(token, str)):
            return InPage(index, token, skip)
    raise _refuse("is not a cursor this gateway issued (bad position)")


def _is_count(value: Any) -> bool:
    return type(value) is int and value >= 0
