"""Officer keys: random secrets given to one officer each, kept in config only as their SHA-256.

A key is 32 random bytes in URL-safe base64 (43 characters), so a plain
SHA-256 is enough to store it: there is nothing to guess, unlike a password,
and an unsalted digest lets a request's key be found with one dictionary
look-up instead of a comparison per officer.
"""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["KEY_BYTES", "key_sha256", "new_officer_key"]

KEY_BYTES = 32
"""The randomness of a key made by :func:`new_officer_key`: 256 bits."""


def new_officer_key() -> str:
    """A fresh officer key: give it to the officer only, and put :func:`key_sha256` of it in the config."""
    return secrets.token_urlsafe(KEY_BYTES)


def key_sha256(key: str) -> str:
    """The hex SHA-256 of ``key``: what the config's ``key_sha256`` holds."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()
