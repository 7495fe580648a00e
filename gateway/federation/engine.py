"""The federation engine: every read the schema makes of the OPDs goes through here.

``Federation`` owns one connector and one circuit breaker per active OPD
and hands each operation's work to the modules of this package: the
guarded fan-out (:mod:`.fanout`), cross-OPD pagination (:mod:`.documents`,
:mod:`.information_list`), look-ups for DataLoaders (:mod:`.lookup`) and
health probes (:mod:`.health`). Connector exceptions never leave it: each
becomes an outcome in the operation's report; ``BadUserInput`` does leave it.

Given a cache, it reuses OPD answers across operations (:mod:`.upstream_cache`):
profiles, documents, DIPs, never a probe or anything of the request service.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping, Sequence
from weakref import WeakKeyDictionary

import httpx

from cache import Cache
from connectors import Connector, DocumentFilter, DocumentOrder, InformationCategory, OpdProfile
from gateway.config import CacheConfig, FederationConfig, GatewayConfig, OpdConfig

from .circuit import CircuitBreaker, Clock
from .connection import Slice
from .cursor import CursorCodec
from .directory import HttpClients, build_connectors, directory_config, today_in_banten
from .documents import document_slice
from .errors import BadUserInput, UpstreamFailure
from .fanout import Fanout
from .health import UpstreamHealth, probe_all
from .ids import parse_global_id
from .information_list import information_list_slice
from .lookup import find_documents, find_profiles
from .memo import OperationMemo
from .nodes import FederatedDocument, FederatedListEntry
from .outcomes import OperationReport
from .upstream_cache import UpstreamCache

__all__ = ["Federation"]

logger = logging.getLogger("ppid_gateway.federation")


class Federation:
    """One gateway's view of every OPD: connectors, breakers, and the federated reads.

    ``connectors`` replaces the connectors built from the config for the OPDs
    it names (tests); ``clock`` drives the breakers and latencies;
    ``cursor_key`` keys the MAC of cursors (give every replica the same one).
    ``cache`` holds reusable OPD answers under the ``cache:`` policy of the
    config (``None``: every read goes to the OPDs); ``wall_clock`` (unix
    seconds) dates its entries.
    """

    def __init__(
        self,
        config: GatewayConfig,
        http: HttpClients,
        *,
        connectors: Mapping[str, Connector] | None = None,
        clock: Clock = time.monotonic,
        cursor_key: bytes | None = None,
        cache: Cache | None = None,
        wall_clock: Clock = time.time,
    ) -> None:
        self.config = config
        self._settings = config.federation
        self._clock = clock
        self._connectors = build_connectors(config.opds, http, connectors, today_in_banten())
        circuit = self._settings.circuit
        self._breakers = {
            slug: CircuitBreaker(
                failure_threshold=circuit.failure_threshold, reset_after_s=circuit.reset_after_s, clock=clock
            )
            for slug in self._connectors
        }
        self._codec = CursorCodec(cursor_key)
        self._cache = UpstreamCache(cache, config.cache, clock=wall_clock) if cache is not None else None
        self._memos: WeakKeyDictionary[OperationReport, OperationMemo] = WeakKeyDictionary()

    @classmethod
    def for_connectors(
        cls,
        connectors: Mapping[str, Connector],
        *,
        federation: FederationConfig | None = None,
        http: httpx.AsyncClient | None = None,
        clock: Clock = time.monotonic,
        cursor_key: bytes | None = None,
        cache: Cache | None = None,
        cache_config: CacheConfig | None = None,
        wall_clock: Clock = time.time,
    ) -> Federation:
        """An engine over exactly ``connectors`` (slug → connector), for tests and tools."""
        config = directory_config(list(connectors), federation=federation, cache=cache_config)
        client = http if http is not None else httpx.AsyncClient(transport=httpx.MockTransport(_no_http))
        return cls(
            config,
            client,
            connectors=connectors,
            clock=clock,
            cursor_key=cursor_key,
            cache=cache,
            wall_clock=wall_clock,
        )

    # -- the directory ---------------------------------------------------------------

    def opds(self) -> list[OpdConfig]:
        """Every OPD of the directory, active or not, in directory order."""
        return list(self.config.opds)

    def opd(self, slug: str) -> OpdConfig | None:
        """The OPD with ``slug``, or ``None``."""
        return self.config.opd(slug)

    def connector(self, slug: str) -> Connector | None:
        """The connector of the active OPD ``slug``, or ``None``."""
        return self._connectors.get(slug)

    def circuit(self, slug: str) -> CircuitBreaker | None:
        """The circuit breaker of the active OPD ``slug``, or ``None``."""
        return self._breakers.get(slug)

    @property
    def upstream_cache(self) -> UpstreamCache | None:
        """The cache of OPD answers, or ``None`` when the engine was given no cache."""
        return self._cache

    def new_report(self) -> OperationReport:
        """A report for a new operation whose deadline starts now (call it in the event loop).

        Every engine call made with this report stops waiting for OPDs at the
        same moment, ``federation.deadline_s`` from now; with a plain
        ``OperationReport()`` each engine call gets the deadline from its own start.
        """
        return OperationReport(deadline=asyncio.get_running_loop().time() + self._settings.deadline_s)

    async def aclose(self) -> None:
        """Stop the upstream cache's flights, then close every connector.

        The shared HTTP client and the cache are the caller's to close.
        """
        if self._cache is not None:
            await self._cache.aclose()
        results = await asyncio.gather(
            *(c.aclose() for c in self._connectors.values()), return_exceptions=True
        )
        for slug, result in zip(self._connectors, results, strict=True):
            if isinstance(result, BaseException):
                logger.error("opd %s: closing its connector failed", slug, exc_info=result)

    # -- federated reads -------------------------------------------------------------

    async def documents(
        self,
        report: OperationReport,
        *,
        opds: Sequence[str] | None,
        filter: DocumentFilter,
        order: DocumentOrder,
        first: int,
        after: str | None,
        opds_argument: str = "filter.opds",
    ) -> Slice[FederatedDocument]:
        """One page of the documents of ``opds`` (``None``: every active OPD), in one stable order.

        ``opds_argument`` names the argument that carried ``opds``, for errors.
        """
        selection = self._selection(opds, opds_argument)
        return await document_slice(
            self._fanout(report),
            memo=self._memo(report),
            codec=self._codec,
            selection=selection,
            flt=filter,
            order=order,
            first=first,
            after=after,
        )

    async def document(self, report: OperationReport, global_id: str) -> FederatedDocument | None:
        """The document ``"<slug>:<local-id>"``; ``None`` if not found or its OPD failed (see the report)."""
        slug, local_id = self._parse_id(global_id)
        found = await find_documents(
            self._fanout(report), self._memo(report), {slug: (self.connector(slug), [local_id])}
        )
        value = found[slug, local_id]
        return None if isinstance(value, UpstreamFailure) else value

    async def documents_by_id(
        self, report: OperationReport, global_ids: Sequence[str]
    ) -> list[FederatedDocument | BaseException | None]:
        """For a DataLoader: each id's document, ``None``, or the exception of that key alone.

        A malformed id or an unknown OPD is a ``BadUserInput`` for its key; a
        failed OPD is an ``UpstreamFailure`` for its keys.
        """
        keys: list[tuple[str, str] | BadUserInput] = []
        wanted: dict[str, tuple[Connector | None, list[str]]] = {}
        for global_id in global_ids:
            try:
                slug, local_id = self._parse_id(global_id)
            except BadUserInput as exc:
                keys.append(exc)
                continue
            keys.append((slug, local_id))
            wanted.setdefault(slug, (self.connector(slug), []))[1].append(local_id)
        found = await find_documents(self._fanout(report), self._memo(report), wanted) if wanted else {}
        return [key if isinstance(key, BadUserInput) else found[key] for key in keys]

    async def information_list(
        self,
        report: OperationReport,
        *,
        opds: Sequence[str] | None,
        category: InformationCategory | None,
        first: int,
        after: str | None,
        opds_argument: str = "opd",
    ) -> Slice[FederatedListEntry]:
        """One page of the DIP entries of ``opds`` (``None``: every active OPD), OPD by OPD in slug order."""
        selection = self._selection(opds, opds_argument)
        return await information_list_slice(
            self._fanout(report),
            memo=self._memo(report),
            codec=self._codec,
            selection=selection,
            category=category,
            first=first,
            after=after,
        )

    async def profiles(
        self, report: OperationReport, slugs: Sequence[str]
    ) -> list[OpdProfile | BaseException | None]:
        """For a DataLoader: each OPD's profile, its failure, or ``None`` (unknown, inactive, no profile)."""
        wanted = {slug: self.connector(slug) for slug in slugs if self.opd(slug) is not None}
        found = await find_profiles(self._fanout(report), wanted) if wanted else {}
        return [found.get(slug) for slug in slugs]

    async def invalidate(self, opd: str | None) -> int:
        """Drop the cached answers of ``opd`` (``None``: of every OPD); how many entries were dropped.

        For the admin mutation and an OPD's webhook. Without a cache, 0. An
        unknown slug is a ``BadUserInput`` (argument ``opd``); a cache that
        cannot purge raises ``cache.CacheUnavailable``, so the caller can say so.
        """
        if opd is not None and self.opd(opd) is None:
            raise BadUserInput(
                f"opd: unknown OPD slug {opd!r}; the `opds` query lists every slug", argument="opd"
            )
        if self._cache is None:
            return 0
        return await self._cache.invalidate(opd)

    async def upstream_health(self) -> list[UpstreamHealth]:
        """Probe every active OPD now, concurrently and through its breaker, in directory order."""
        opds = [opd.slug for opd in self.config.opds if opd.slug in self._connectors]
        return await probe_all(self._fanout(OperationReport()), self._connectors, self._breakers, opds)

    # -- helpers ---------------------------------------------------------------------

    def _fanout(self, report: OperationReport) -> Fanout:
        deadline = asyncio.get_running_loop().time() + self._settings.deadline_s
        if report.deadline is not None:
            deadline = min(deadline, report.deadline)
        return Fanout(
            report=report,
            settings=self._settings,
            breakers=self._breakers,
            clock=self._clock,
            deadline=deadline,
            cache=self._cache,
        )

    def _memo(self, report: OperationReport) -> OperationMemo:
        return self._memos.setdefault(report, OperationMemo())

    def _selection(self, opds: Sequence[str] | None, argument: str) -> list[tuple[str, Connector | None]]:
        if opds is None:
            return [(slug, self._connectors[slug]) for slug in sorted(self._connectors)]
        unknown = sorted({slug for slug in opds if self.opd(slug) is None})
        if unknown:
            names = ", ".join(map(repr, unknown))
            raise BadUserInput(
                f"{argument}: unknown OPD slug{'s' if len(unknown) > 1 else ''} {names}; "
                "the `opds` query lists every slug",
                argument=argument,
            )
        return [(slug, self.connector(slug)) for slug in sorted(set(opds))]

    def _parse_id(self, global_id: str) -> tuple[str, str]:
        slug, local_id = parse_global_id(global_id, argument="id")
        if self.opd(slug) is None:
            raise BadUserInput(
                f"id {global_id!r} names an unknown OPD {slug!r}; the `opds` query lists every slug",
                argument="id",
            )
        return slug, local_id


def _no_http(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a test engine made a real HTTP request: {request.method} {request.url}")
