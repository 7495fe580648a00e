"""Look-ups by key, for DataLoaders: documents by global id, profiles by slug.

Keys are grouped per OPD and every OPD is asked concurrently; a failure
becomes an :class:`UpstreamFailure` for the keys it concerns and no others.
A connector has no batch call, so an OPD with ``get_document`` is asked once
per distinct id; an OPD without it has its documents listed once for all
its ids (shared with the rest of the operation through the memo).
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping, Sequence

from connectors import Capability, Connector, Document, DocumentFilter, OpdProfile

from .documents import all_documents
from .errors import UpstreamFailure
from .fanout import Failed, Fanout, gather_all
from .memo import OperationMemo
from .nodes import FederatedDocument
from .reusable import DOCUMENT, PROFILE

__all__ = ["find_documents", "find_profiles"]

Found = FederatedDocument | None | UpstreamFailure


async def find_documents(
    fanout: Fanout,
    memo: OperationMemo,
    wanted: Mapping[str, tuple[Connector | None, Sequence[str]]],
) -> dict[tuple[str, str], Found]:
    """``(slug, local_id) -> document``, ``None`` (not found, or not askable) or the failure."""
    results: dict[tuple[str, str], Found] = {}

    async def by_id(opd: str, connector: Connector, local_id: str) -> None:
        async def read(guarded: Fanout) -> Document | None:
            return await guarded.call(
                opd, "get_document", lambda: connector.get_document(local_id), expect=(Document, type(None))
            )

        async def get() -> Document | None:
            return await fanout.reuse(opd, DOCUMENT, local_id, read)

        found = await fanout.guard(opd, get)
        results[opd, local_id] = _found(opd, found)

    async def by_listing(opd: str, connector: Connector, local_ids: Sequence[str]) -> None:
        async def listing() -> list[Document]:
            return await all_documents(fanout, memo, opd, connector, DocumentFilter())

        documents = await fanout.guard(opd, listing)
        if isinstance(documents, Failed):
            for local_id in local_ids:
                results[opd, local_id] = UpstreamFailure(documents.outcome)
            return
        index = {doc.local_id: doc for doc in documents}
        for local_id in local_ids:
            results[opd, local_id] = _found(opd, index.get(local_id))

    calls: list[Awaitable[None]] = []
    for opd, (connector, local_ids) in wanted.items():
        distinct = list(dict.fromkeys(local_ids))
        if connector is not None and connector.supports(Capability.DOCUMENT):
            calls.extend(by_id(opd, connector, local_id) for local_id in distinct)
        elif connector is not None and connector.supports(Capability.DOCUMENTS):
            calls.append(by_listing(opd, connector, distinct))
        else:
            fanout.skip(
                opd, "the OPD is not active" if connector is None else "its connector cannot find documents"
            )
            results.update(((opd, local_id), None) for local_id in distinct)
    await gather_all(calls)
    return results


async def find_profiles(
    fanout: Fanout, wanted: Mapping[str, Connector | None]
) -> dict[str, OpdProfile | UpstreamFailure | None]:
    """``slug -> profile``, ``None`` (no profile published, or OPD inactive) or the failure."""

    async def one(opd: str, connector: Connector) -> OpdProfile | UpstreamFailure | None:
        async def read(guarded: Fanout) -> OpdProfile:
            return await guarded.call(opd, "profile", connector.profile, expect=OpdProfile)

        async def get() -> OpdProfile:
            return await fanout.reuse(opd, PROFILE, None, read)

        found = await fanout.guard(opd, get)
        return UpstreamFailure(found.outcome) if isinstance(found, Failed) else found

    results: dict[str, OpdProfile | UpstreamFailure | None] = {}
    askable: list[tuple[str, Connector]] = []
    for opd, connector in wanted.items():
        if connector is None or not connector.supports(Capability.PROFILE):
            fanout.skip(opd, "the OPD is not active" if connector is None else "its connector has no profile")
            results[opd] = None
        else:
            askable.append((opd, connector))
    answers = await gather_all(one(opd, connector) for opd, connector in askable)
    results.update(zip((opd for opd, _ in askable), answers, strict=True))
    return results


def _found(opd: str, found: Document | Failed | None) -> Found:
    if isinstance(found, Failed):
        return UpstreamFailure(found.outcome)
    return FederatedDocument(opd, found) if found is not None else None
