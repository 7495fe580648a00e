"""PPID officers: who they are, how a request proves it, and what each may do.

::

    directory = OfficerDirectory.from_config(config)
    officer = authenticate(request.headers, directory)   # None: a citizen
    require_answerer(officer, row.opd_slug, row.registration_number)

Officers are listed in the config (``officers:``) with the SHA-256 of their
key; ``ppid-gateway officer-key`` makes a key. No GraphQL here: the schema
maps :class:`Unauthenticated` and :class:`Forbidden` to ``UNAUTHENTICATED``
and ``FORBIDDEN`` through their ``extensions``.
"""

from gateway.kip.roles import OfficerRole

from .authentication import MAX_KEY_LENGTH, authenticate, presented_key
from .directory import OfficerDirectory
from .errors import Forbidden, Unauthenticated
from .keys import key_sha256, new_officer_key
from .officer import Officer
from .permissions import (
    require_answerer,
    require_cache_admin,
    require_decider,
    require_forwarder,
    require_inbox,
    require_reader,
)

__all__ = [
    "MAX_KEY_LENGTH",
    "Forbidden",
    "Officer",
    "OfficerDirectory",
    "OfficerRole",
    "Unauthenticated",
    "authenticate",
    "key_sha256",
    "new_officer_key",
    "presented_key",
    "require_answerer",
    "require_cache_admin",
    "require_decider",
    "require_forwarder",
    "require_inbox",
    "require_reader",
]
