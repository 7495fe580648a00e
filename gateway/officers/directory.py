"""The officers of a config, found by the SHA-256 of the key a request presents."""

from __future__ import annotations

from collections.abc import Iterable

from gateway.config import GatewayConfig, OfficerConfig

from .keys import key_sha256
from .officer import Officer

__all__ = ["OfficerDirectory"]


class OfficerDirectory:
    """Every officer of the config, by key digest and by id.

    The look-up is a dictionary access on the key's SHA-256: its timing says
    something about a digest, which an attacker cannot steer towards a real
    key's, rather than about the key.
    """

    def __init__(self, officers: Iterable[OfficerConfig]) -> None:
        self._by_digest: dict[str, Officer] = {}
        self._by_id: dict[str, Officer] = {}
        for entry in officers:
            officer = Officer.of(entry)
            self._by_digest[entry.key_sha256] = officer
            self._by_id[officer.id] = officer

    @classmethod
    def from_config(cls, config: GatewayConfig) -> OfficerDirectory:
        """The officers of ``config.officers`` (validated: distinct ids and keys)."""
        return cls(config.officers)

    def __len__(self) -> int:
        return len(self._by_id)

    def by_key(self, key: str) -> Officer | None:
        """The officer holding ``key``, or ``None``."""
        return self._by_digest.get(key_sha256(key))

    def by_id(self, officer_id: str) -> Officer | None:
        """The officer with ``officer_id``, or ``None``."""
        return self._by_id.get(officer_id)
