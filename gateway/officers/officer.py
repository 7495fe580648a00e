"""An authenticated officer, as the request desk sees them: who, which role, which OPD."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.config import OfficerConfig
from gateway.kip.lifecycle import Actor
from gateway.kip.roles import OfficerRole
from gateway.ledger import ActorKind

__all__ = ["Officer"]


@dataclass(frozen=True, slots=True)
class Officer:
    """An officer whose key was recognised. Holds nothing secret: safe to log or show."""

    id: str
    """The id from the config, written in the history and the personal-data audit."""
    name: str
    role: OfficerRole
    opd_slug: str | None
    """The OPD the officer acts for; ``None`` for PPID Utama, who acts for every OPD."""

    @classmethod
    def of(cls, config: OfficerConfig) -> Officer:
        """The officer an entry of the config's ``officers`` describes."""
        return cls(id=config.id, name=config.name, role=config.role, opd_slug=config.opd)

    @property
    def is_ppid_utama(self) -> bool:
        """Whether the officer acts for the whole province."""
        return self.role is OfficerRole.PPID_UTAMA

    @property
    def actor(self) -> Actor:
        """Who the lifecycle's rules see: PPID Utama, or the officer of the routed OPD."""
        return Actor.PPID_UTAMA if self.is_ppid_utama else Actor.OFFICER

    @property
    def actor_kind(self) -> ActorKind:
        """What the history and the audit record as the kind of actor."""
        return ActorKind.PPID_UTAMA if self.is_ppid_utama else ActorKind.OFFICER

    def covers(self, opd_slug: str) -> bool:
        """Whether the officer acts for ``opd_slug`` (PPID Utama acts for every OPD)."""
        return self.is_ppid_utama or self.opd_slug == opd_slug

    def describe(self) -> str:
        """The officer's role and OPD in words, for messages: ``PPID of dinkes``."""
        words = {OfficerRole.PPID: "PPID (Pembantu)", OfficerRole.ATASAN: "atasan PPID"}
        if self.is_ppid_utama:
            return "PPID Utama"
        return f"{words[self.role]} of {self.opd_slug}"
