"""Cache keys: one layout for every entry, so that one OPD's or one feature's entries share a prefix.

A key as stored is::

    <key_prefix>:<FORMAT_VERSION>:<namespace>:<part>:<part>...
    ppid:1:upstream:dinkes:documents:~3f9a…(64 hex digits)

- ``key_prefix`` is the deployment's (``cache.key_prefix``, default ``ppid``).
  The backend adds it (:class:`cache.RedisCache`), so that callers never
  handle it, two deployments can share one Redis, and a test run owns every
  key under a prefix of its own. :func:`key` and :func:`prefix` make the rest.
- ``FORMAT_VERSION`` is bumped whenever what is stored under a key changes
  shape (the envelope around a cached answer): a release then never reads an
  older release's entries, which simply expire.
- ``namespace`` names the feature that owns the entry (``upstream``,
  ``response``, ``apq``); it must be a plain word.
- ``parts`` narrow it down, most general first, so that a prefix of them
  selects a group: ``prefix("upstream", "dinkes")`` is
  ``1:upstream:dinkes:`` and matches every upstream answer of that OPD, but
  not those of ``dinkes-2`` (the trailing ``:`` sees to that).

A part is written as is when it is short and plain (letters, digits, ``_``,
``.``, ``-``; at most :data:`MAX_PLAIN_PART` characters). Anything else (a
filter's JSON, a query's text, a ``:``, spaces, non-ASCII, the empty string)
is replaced by ``~`` and its SHA-256 in hex: keys stay short, free of the
separator and of Redis's glob characters, and never carry what a user typed.
A plain part never starts with ``~``, so a digest never equals a plain part.
"""

from __future__ import annotations

import hashlib
import re
from typing import Final

__all__ = ["DEFAULT_KEY_PREFIX", "FORMAT_VERSION", "MAX_PLAIN_PART", "KeyPart", "key", "prefix"]

FORMAT_VERSION: Final = 1
"""The version of what is stored; bump it when the stored envelope changes."""

DEFAULT_KEY_PREFIX: Final = "ppid"
"""The deployment prefix when ``cache.key_prefix`` is not set."""

MAX_PLAIN_PART: Final = 64
"""The longest part written as is; longer ones are digested."""

SEPARATOR: Final = ":"

KeyPart = str | int
"""What a key is made of: text, or an integer written in decimal."""

_PLAIN = re.compile(rf"[A-Za-z0-9_.-]{{1,{MAX_PLAIN_PART}}}")
_NAMESPACE = re.compile(r"[a-z][a-z0-9_-]{0,31}")


def key(namespace: str, *parts: KeyPart) -> str:
    """The key of one entry: ``<FORMAT_VERSION>:<namespace>:<part>:…`` (the backend adds the prefix)."""
    return SEPARATOR.join((str(FORMAT_VERSION), _checked(namespace), *map(_part, parts)))


def prefix(namespace: str, *parts: KeyPart) -> str:
    """The prefix shared by every key of ``namespace`` that starts with ``parts``, ending in ``:``.

    ``cache.delete_prefix(prefix("upstream", "dinkes"))`` drops every entry
    made by ``key("upstream", "dinkes", …)``, and nothing else.
    """
    return key(namespace, *parts) + SEPARATOR


def _checked(namespace: str) -> str:
    if not _NAMESPACE.fullmatch(namespace):
        raise ValueError(
            f"a cache namespace is a lower-case word of at most 32 letters, digits, '_' or '-' "
            f"starting with a letter, such as 'upstream'; got {namespace!r}"
        )
    return namespace


def _part(part: KeyPart) -> str:
    if isinstance(part, bool) or not isinstance(part, str | int):
        # bool is an int: True would be written "True" here and "1" elsewhere
        raise TypeError(f"a cache key part is str or int, not {type(part).__name__}")
    text = str(part)
    if _PLAIN.fullmatch(text):
        return text
    return "~" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
