"""Who is calling: the officer whose key is in the request's headers, if any.

A key comes as ``Authorization: Bearer <key>`` or ``X-API-Key: <key>``. No
key at all is a citizen (``None``); a key that is malformed or belongs to
no officer is :class:`Unauthenticated`, never quietly a citizen, so that a
mistyped key is noticed at once rather than as masked data. The key is
never logged, and never quoted in an error.
"""

from __future__ import annotations

from collections.abc import Mapping

from .directory import OfficerDirectory
from .errors import Unauthenticated
from .officer import Officer

__all__ = ["MAX_KEY_LENGTH", "authenticate", "presented_key"]

MAX_KEY_LENGTH = 256
"""The longest key read; keys made by ``ppid-gateway officer-key`` have 43 characters."""


def presented_key(headers: Mapping[str, str]) -> str | None:
    """The officer key in ``headers``, or ``None`` when there is none.

    ``headers`` are Starlette's (case-insensitive) or a mapping with lower-case names.

    Raises :class:`Unauthenticated` for an ``Authorization`` of another scheme,
    an empty or overlong key, or two different keys in the two headers.
    """
    bearer: str | None = None
    authorization = headers.get("authorization")
    if authorization is not None:
        scheme, _, credentials = authorization.strip().partition(" ")
        if scheme.lower() != "bearer":
            raise Unauthenticated.malformed(
                "the Authorization header must use the Bearer scheme",
                "header Authorization harus memakai skema Bearer",
            )
        bearer = credentials.strip()
    api_key = headers.get("x-api-key")
    if api_key is not None:
        api_key = api_key.strip()
    if bearer is not None and api_key is not None and bearer != api_key:
        raise Unauthenticated.malformed(
            "two different keys were sent (Authorization and X-API-Key)",
            "dua kunci berbeda dikirim (Authorization dan X-API-Key)",
        )
    key = bearer if bearer is not None else api_key
    if key is None:
        return None
    if not key or len(key) > MAX_KEY_LENGTH:
        raise Unauthenticated.malformed(
            "the officer key is empty or too long", "kunci petugas kosong atau terlalu panjang"
        )
    return key


def authenticate(headers: Mapping[str, str], directory: OfficerDirectory) -> Officer | None:
    """The officer whose key ``headers`` carry; ``None`` without a key.

    Raises :class:`Unauthenticated` when a key is sent that belongs to no officer.
    """
    key = presented_key(headers)
    if key is None:
        return None
    officer = directory.by_key(key)
    if officer is None:
        raise Unauthenticated.unknown()
    return officer
