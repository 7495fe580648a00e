"""Access codes: the secret on a receipt that proves a citizen filed the request.

Ten characters from an alphabet without look-alikes (no ``0/O``, ``1/I/L``),
about 49 bits: easy to read aloud and copy from a screen, hopeless to guess
at the rate Cek Status allows. Typed codes are forgiven case, spaces and
dashes (``abcde-fghjk``).

The ledger keeps only a slow salted hash (scrypt), so a copy of the database
does not reveal the codes. A code is fresh random per submission, except
when the client sent an idempotency key: then it is derived from the
gateway's secret, the key and the input (:func:`derived_access_code`), so a
retry that lost the first response is shown the same code again without the
code ever being stored.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import os
import secrets
from concurrent.futures import ThreadPoolExecutor

__all__ = [
    "ACCESS_CODE_ALPHABET",
    "ACCESS_CODE_LENGTH",
    "derived_access_code",
    "hash_access_code",
    "new_access_code",
    "normalize_access_code",
    "verify_access_code",
]

ACCESS_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""31 characters that cannot be mistaken for one another."""
ACCESS_CODE_LENGTH = 10

# scrypt cost: ~16 MiB and some tens of milliseconds per hash, the interactive-login setting.
_N, _R, _P = 2**14, 8, 1
_SALT_BYTES = 16
_HASH_BYTES = 32
_SCHEME = "scrypt"


def new_access_code() -> str:
    """A fresh random access code."""
    return "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(ACCESS_CODE_LENGTH))


def derived_access_code(secret_hex: str) -> str:
    """The access code spelled by a keyed hash's hex digest (at least 64 bits of it are used)."""
    number = int(secret_hex, 16)
    base = len(ACCESS_CODE_ALPHABET)
    characters = []
    for _ in range(ACCESS_CODE_LENGTH):
        number, digit = divmod(number, base)
        characters.append(ACCESS_CODE_ALPHABET[digit])
    return "".join(characters)


def normalize_access_code(text: str) -> str:
    """A typed code as issued: upper case, without spaces or dashes."""
    return "".join(c for c in text.upper() if c not in " -\t")


# Hashes run in threads of their own, one per core: more would not hash faster (each one is
# CPU-bound and hashlib releases the GIL), and every thread keeps its ~16 MiB scrypt buffer in
# its malloc arena, so the default executor's cpu+4 threads cost ~100 MB for nothing.
_HASHING = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="access-code-hash")


async def _in_hashing_thread(code: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_HASHING, _scrypt, code, salt, n, r, p)


def _scrypt(code: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(code.encode("ascii", "replace"), salt=salt, n=n, r=r, p=p, dklen=_HASH_BYTES)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


async def hash_access_code(code: str) -> str:
    """``scrypt$N$r$p$<salt>$<hash>``, computed off the event loop (it is slow on purpose)."""
    salt = secrets.token_bytes(_SALT_BYTES)
    digest = await _in_hashing_thread(code, salt, _N, _R, _P)
    return f"{_SCHEME}${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


async def verify_access_code(code: str, stored: str) -> bool:
    """Whether ``code`` (as typed) is the one hashed as ``stored``; a malformed hash matches nothing."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != _SCHEME:
        return False
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt = base64.b64decode(parts[4], validate=True)
        expected = base64.b64decode(parts[5], validate=True)
    except (ValueError, binascii.Error):
        return False
    typed = normalize_access_code(code)
    if not typed or len(typed) > 4 * ACCESS_CODE_LENGTH:  # don't let a huge input cost a hash
        return False
    digest = await _in_hashing_thread(typed, salt, n, r, p)
    return hmac.compare_digest(digest, expected)
