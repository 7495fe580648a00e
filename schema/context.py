"""The per-operation context: the engine, the upstream report and the DataLoaders.

DataLoaders are built here, once per operation, so their caches never leak
from one client's request into another's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from strawberry.dataloader import DataLoader

from connectors import OpdProfile
from gateway.federation import FederatedDocument, Federation, OperationReport
from gateway.requests import RequestService


@dataclass
class GatewayContext:
    """What every resolver can reach through ``info.context``."""

    federation: Federation
    request: Any = None
    requests: RequestService | None = None
    """The request service; ``None`` where the app has none (schema tests of reads only)."""
    response: Any = None
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
