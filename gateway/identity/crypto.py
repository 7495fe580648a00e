"""Personal data at rest (UU 27/2022): encrypted per value, looked up by keyed hash.

One 32-byte master key, kept out of the database (production: an environment
variable; the demo: a file in its data directory), is split by HKDF into an
AES-256-GCM key, an HMAC-SHA256 key and a public key id. A value is stored as::

    v1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>

with a fresh random 96-bit nonce per value, and the field's name as
associated data: a NIK's ciphertext copied into the address column fails to
decrypt instead of showing a NIK as an address. The key id lets a cipher
given old keys decrypt what they encrypted, so keys can be rotated by
re-encrypting row by row (:meth:`PersonalDataCipher.needs_reencryption`).

A NIK is found by its keyed hash (:meth:`PersonalDataCipher.keyed_hash`), never
by decrypting every row; a plain hash would not do, since all NIKs can be
enumerated. No message raised here quotes a value or a key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "KEY_BYTES",
    "TOKEN_VERSION",
    "DecryptionError",
    "PersonalDataCipher",
    "generate_master_key",
    "load_master_key",
]

KEY_BYTES = 32
"""The master key's length: 256 bits."""
TOKEN_VERSION = "v1"
"""The format of the tokens this module writes."""

_NONCE_BYTES = 12
_TAG_BYTES = 16
_SALT = b"ppid-gateway personal data"


class DecryptionError(Exception):
    """A stored token cannot be decrypted: malformed, altered, moved, or of an unknown key."""


def generate_master_key() -> str:
    """A new random master key, as URL-safe base64 for a file or an environment variable."""
    return _b64encode(os.urandom(KEY_BYTES))


def load_master_key(text: str) -> bytes:
    """The 32 bytes of a master key written in base64 (standard or URL-safe, padded or not).

    Raises ``ValueError`` without quoting the text: it is a secret.
    """
    compact = "".join(text.split())
    padded = compact + "=" * (-len(compact) % 4)
    try:
        key = base64.b64decode(padded.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("the personal-data master key is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"the personal-data master key must be {KEY_BYTES} bytes, not {len(key)}")
    return key


def _derive(master: bytes, purpose: bytes, length: int = KEY_BYTES) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=_SALT, info=purpose).derive(master)


@dataclass(frozen=True, repr=False)
class _KeySet:
    """The keys derived from one master key."""

    key_id: str
    aead: AESGCM
    hash_key: bytes

    @classmethod
    def derive(cls, master: bytes) -> _KeySet:
        if len(master) != KEY_BYTES:
            raise ValueError(f"a personal-data master key must be {KEY_BYTES} bytes, not {len(master)}")
        return cls(
            key_id=_derive(master, b"v1 key id", 4).hex(),
            aead=AESGCM(_derive(master, b"v1 encryption")),
            hash_key=_derive(master, b"v1 keyed hash"),
        )

    def keyed_hash(self, field: str, value: str) -> str:
        # the field name goes in too: the same value hashes differently as a NIK and as a phone
        digest = hmac.new(self.hash_key, _field_bytes(field) + b"\0" + value.encode("utf-8"), hashlib.sha256)
        return f"{self.key_id}:{digest.hexdigest()}"


def _field_bytes(field: str) -> bytes:
    if not field or "\0" in field:
        raise ValueError("a field name must be non-empty and contain no NUL character")
    return field.encode("utf-8")


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _b64decode(text: str) -> bytes:
    """Strict URL-safe base64 without padding: one encoding per value, so any change to a token shows."""
    data = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    if _b64encode(data) != text:  # e.g. a changed unused low bit in the last character
        raise ValueError("not canonical base64")
    return data


class PersonalDataCipher:
    """Encrypts and decrypts personal data per field, and hashes it for look-ups.

    ``key`` is the current master key (32 bytes, see :func:`load_master_key`):
    it encrypts and hashes. ``old_keys`` only decrypt, and hash for look-ups,
    while rows are re-encrypted after a rotation.
    """

    def __init__(self, key: bytes, *, old_keys: Sequence[bytes] = ()) -> None:
        self._current = _KeySet.derive(key)
        self._keys = {self._current.key_id: self._current}
        for old in old_keys:
            derived = _KeySet.derive(old)
            self._keys.setdefault(derived.key_id, derived)

    @classmethod
    def from_base64(cls, key: str, *, old_keys: Sequence[str] = ()) -> PersonalDataCipher:
        """A cipher from master keys written in base64 (an environment variable, a key file)."""
        return cls(load_master_key(key), old_keys=[load_master_key(old) for old in old_keys])

    @property
    def key_id(self) -> str:
        """The public id of the current key, written in every token it makes."""
        return self._current.key_id

    def __repr__(self) -> str:
        return f"PersonalDataCipher(key_id={self.key_id!r}, keys={len(self._keys)})"

    def encrypt(self, field: str, plaintext: str) -> str:
        """``plaintext`` encrypted for ``field`` with the current key: a ``v1:`` token."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._current.aead.encrypt(nonce, plaintext.encode("utf-8"), _field_bytes(field))
        payload = _b64encode(nonce + sealed)
        return f"{TOKEN_VERSION}:{self._current.key_id}:{payload}"

    def decrypt(self, field: str, token: str) -> str:
        """The plaintext of a token made by :meth:`encrypt` for the same ``field``.

        Raises :class:`DecryptionError` when the token is malformed, was made
        with a key this cipher was not given, or fails its integrity check
        (altered, or moved from another field).
        """
        keys, sealed = self._open(field, token)
        try:
            plaintext = keys.aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], _field_bytes(field))
        except InvalidTag:
            raise DecryptionError(
                f"the stored {field!r} value failed its integrity check: "
                "it was altered, or copied from another field"
            ) from None
        return plaintext.decode("utf-8")

    def needs_reencryption(self, token: str) -> bool:
        """Whether ``token`` was made with an old key (or format) and should be re-encrypted."""
        version, _, rest = token.partition(":")
        return version != TOKEN_VERSION or rest.partition(":")[0] != self.key_id

    def keyed_hash(self, field: str, value: str) -> str:
        """The HMAC-SHA256 of ``value`` for ``field`` under the current key, as ``<key id>:<hex>``.

        Equal values give equal hashes, so a column of them supports exact
        look-ups; normalise the value first (a NIK's 16 digits).
        """
        return self._current.keyed_hash(field, value)

    def keyed_hashes(self, field: str, value: str) -> tuple[str, ...]:
        """The hashes of ``value`` under every key, current first: look up any of them during a rotation."""
        return tuple(keys.keyed_hash(field, value) for keys in self._keys.values())

    def _open(self, field: str, token: str) -> tuple[_KeySet, bytes]:
        """The key set and the sealed bytes of ``token``, or :class:`DecryptionError`."""
        parts = token.split(":")
        if len(parts) != 3 or parts[0] != TOKEN_VERSION:
            raise DecryptionError(f"the stored {field!r} value is not a {TOKEN_VERSION} personal-data token")
        _, key_id, payload = parts
        keys = self._keys.get(key_id)
        if keys is None:
            raise DecryptionError(
                f"the stored {field!r} value was encrypted with key {key_id[:16]!r}, which this gateway "
                "was not given; configure that key as an old key"
            )
        try:
            sealed = _b64decode(payload)
        except (binascii.Error, ValueError):
            raise DecryptionError(f"the stored {field!r} value is not valid base64") from None
        if len(sealed) < _NONCE_BYTES + _TAG_BYTES:
            raise DecryptionError(f"the stored {field!r} value is too short to be a token")
        return keys, sealed
