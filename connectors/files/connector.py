"""The ``files`` connector: an OPD with nothing but a catalog file on disk."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from pathlib import Path

import httpx

from ..base import Connector
from ..capabilities import Capability, Pushdown
from ..errors import InvalidToken, NotSupported, UpstreamBadResponse, UpstreamUnavailable
from ..filtering import document_matches
from ..queries import DocumentQuery, ListQuery, OpdRef
from ..records import Document, DocumentPage, InformationListPage, OpdProfile
from .catalog import Catalog, parse_catalog
from .settings import FilesSettings

__all__ = ["FilesConnector"]


@dataclass(frozen=True, slots=True)
class _Loaded:
    version: tuple[int, int, int]
    catalog: Catalog


class FilesConnector(Connector):
    """Serves documents, a DIP and a profile from a YAML or CSV catalog (:mod:`connectors.files.catalog`).

    The file is read on first use, in a worker thread, and read again when
    its modification time, size or inode changes, so an officer's edit shows
    without a restart. Everything is pushed down: filters and orders are
    applied here with :mod:`connectors.filtering`, exactly as the engine would.
    The continuation token is the offset of the next item, as a decimal string.

    ``DOCUMENTS`` and ``DOCUMENT`` are always declared. ``INFORMATION_LIST``
    and ``PROFILE`` follow the catalog's sections; until the file has been
    read they are assumed for a YAML catalog (a call then raises
    ``NotSupported`` if the section is absent). :meth:`probe` reads the file.
    """

    kind = "files"
    Settings = FilesSettings
    settings: FilesSettings
    """The validated ``connector:`` block."""
    pushdown = Pushdown.everything()

    def __init__(self, opd: OpdRef, settings: FilesSettings, http: httpx.AsyncClient) -> None:
        """Remember the file; nothing is read until the first call."""
        super().__init__(opd, settings, http)
        assumed = {Capability.DOCUMENTS, Capability.DOCUMENT}
        if settings.catalog_format == "yaml":
            assumed |= {Capability.INFORMATION_LIST, Capability.PROFILE}
        self.capabilities = frozenset(assumed)
        self._loaded: _Loaded | None = None
        # Calls run their loads in worker threads; one thread reads the file, the others wait for it.
        self._lock = threading.Lock()

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """One page of the matching documents in ``query.order`` (file order when ``None``)."""
        catalog = await self._catalog()
        documents = catalog.ordered(query.order)
        if not query.filter.is_empty():
            documents = tuple(d for d in documents if document_matches(d, query.filter))
        start, end = _window(query.token, query.page_size, len(documents))
        return DocumentPage(
            items=documents[start:end],
            next_token=str(end) if end < len(documents) else None,
            total=len(documents),
        )

    async def get_document(self, local_id: str) -> Document | None:
        """The document with ``local_id``, or ``None``."""
        catalog = await self._catalog()
        return catalog.by_id.get(local_id)

    async def information_list(self, query: ListQuery) -> InformationListPage:
        """One page of the catalog's DIP, in file order."""
        catalog = await self._catalog()
        if catalog.information_list is None:
            raise NotSupported(f"{self.settings.catalog.name} has no information_list section")
        entries = catalog.information_list
        if query.category is not None:
            entries = tuple(entry for entry in entries if entry.category is query.category)
        start, end = _window(query.token, query.page_size, len(entries))
        return InformationListPage(
            items=entries[start:end],
            next_token=str(end) if end < len(entries) else None,
            total=len(entries),
        )

    async def profile(self) -> OpdProfile:
        """The catalog's profile section."""
        catalog = await self._catalog()
        if catalog.profile is None:
            raise NotSupported(f"{self.settings.catalog.name} has no profile section")
        return catalog.profile

    async def probe(self) -> None:
        """Read the catalog (again if it changed); raise when it is missing or broken."""
        await self._catalog()

    async def _catalog(self) -> Catalog:
        catalog = await asyncio.to_thread(self._current)
        self.capabilities = catalog.capabilities
        return catalog

    def _current(self) -> Catalog:
        path = self.settings.catalog
        try:
            stat = path.stat()
        except OSError as exc:
            raise UpstreamUnavailable(f"cannot read catalog {path}: {exc.strerror}") from exc
        version = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with self._lock:
            if self._loaded is not None and self._loaded.version == version:
                return self._loaded.catalog
            base_url = self.settings.files_base_url
            catalog = parse_catalog(
                _read(path),
                fmt=self.settings.catalog_format,
                source=str(path),
                files_base_url=None if base_url is None else str(base_url),
            )
            self._loaded = _Loaded(version, catalog)
            return catalog


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # -sig: spreadsheet programs start CSV with a BOM
    except UnicodeDecodeError as exc:
        raise UpstreamBadResponse(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise UpstreamUnavailable(f"cannot read catalog {path}: {exc.strerror}") from exc


def _window(token: str | None, page_size: int, length: int) -> tuple[int, int]:
    if token is None:
        start = 0
    elif token.isdigit():
        start = min(int(token), length)
    else:
        raise InvalidToken(f"not a continuation token of a files connector (an offset): {token!r}")
    return start, start + max(1, page_size)
