"""The per-operation context: the engine, the upstream report, the DataLoaders, and who is calling.

DataLoaders are built here, once per operation, so their caches never leak
from one client's request into another's. The caller is an officer when the
request carried a valid officer key; a key that is not valid is kept as
the refusal to give (``officer_refusal``) when an officer's field is asked
for, so that public queries still work with a stale key in a client.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from connectors import OpdProfile
from gateway.federation import FederatedDocument, Federation, OperationReport
from gateway.invalidation import CacheInvalidation
from gateway.officers import Officer, Unauthenticated
from gateway.requests import OfficerDesk, RequestService


@dataclass
class GatewayContext:
    """What every resolver can reach through ``info.context``."""

    federation: Federation
    request: Any = None
    requests: RequestService | None = None
    """The request service; ``None`` where the app has none (schema tests of reads only)."""
    desk: OfficerDesk | None = None
    """The officer desk; ``None`` where the app has none."""
    officer: Officer | None = None
    """The officer whose key the request carried; ``None`` for a citizen (or an invalid key)."""
    officer_refusal: Unauthenticated | None = None
    """Why a key the request carried was not accepted; raised when an officer's field is asked for."""
    response: Any = None
    invalidation: CacheInvalidation | None = None
    """Drops cached data (``invalidateCache``); ``None`` where the app has no cache."""
    report: OperationReport = field(init=False)
    """How each OPD answered; every engine call of the operation shares its one deadline."""
    profiles: DataLoader[str, OpdProfile | None] = field(init=False)
    documents: DataLoader[str, FederatedDocument | None] = field(init=False)

    def __post_init__(self) -> None:
        self.report = self.federation.new_report()
        self.profiles = DataLoader(load_fn=self._load_profiles)
        self.documents = DataLoader(load_fn=self._load_documents)

    async def _load_profiles(self, slugs: Sequence[str]) -> Sequence[Any]:
        return await self.federation.profiles(self.report, list(slugs))

    async def _load_documents(self, ids: Sequence[str]) -> Sequence[Any]:
        return await self.federation.documents_by_id(self.report, list(ids))
