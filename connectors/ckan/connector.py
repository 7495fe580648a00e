"""The ``ckan`` connector: one OPD's datasets on a CKAN portal, one document per resource."""

from __future__ import annotations

import re
from collections.abc import Sequence

import httpx

from ..base import Connector
from ..capabilities import Capability, Pushdown
from ..errors import InvalidToken, UpstreamBadResponse
from ..filtering import document_matches
from ..queries import DocumentQuery, OpdRef
from ..records import Document, DocumentPage, OpdProfile
from ..rest.auth import read_secret
from .action import call_action
from .mapping import PackageReader, extra_year_range_fq, read_search_result, split_local_id, year_range_fq
from .settings import CkanSettings

__all__ = ["CkanConnector"]

_TOKEN = re.compile(r"([0-9]{1,9})\.([0-9]{1,6})")
# Package names are unique on a portal, so this order is total and offsets stay put between calls.
_STABLE_SORT = "name asc"


class CkanConnector(Connector):
    """Reads one organization's packages from a CKAN action API, per :class:`~connectors.ckan.CkanSettings`.

    Every resource is a document with local id ``<package-name>/<resource-id>``
    (:mod:`connectors.ckan.mapping`). Packages are listed with
    ``package_search`` filtered to the organization and sorted by name, and
    their resources flattened in order. The continuation token is the
    position of the next resource: ``"<package offset>.<resource index>"``,
    so it is exact whatever the page size and however many resources a
    package has.

    Pushdown: years (a Solr range on the value the document's year is read
    from: the ``year_extra`` package extra as ``extras_<key>``, else
    ``metadata_created``) and, with ``search_upstream``, the free-text
    query (sent as ``q`` to narrow packages and applied to every resource here
    with :func:`~connectors.filtering.document_matches`). Categories, types and
    orders are left to the engine: they belong to resources that CKAN cannot
    filter or sort.

    Capabilities: ``DOCUMENTS``, ``DOCUMENT`` (``package_show``) and
    ``PROFILE`` (``organization_show``: the organization's description).
    """

    kind = "ckan"
    Settings = CkanSettings
    settings: CkanSettings
    """The validated ``connector:`` block."""
    capabilities = frozenset({Capability.DOCUMENTS, Capability.DOCUMENT, Capability.PROFILE})

    def __init__(self, opd: OpdRef, settings: CkanSettings, http: httpx.AsyncClient) -> None:
        """Build headers and the package reader; ``ConnectorConfigError`` when the token variable is unset."""
        super().__init__(opd, settings, http)
        self.pushdown = Pushdown(query=settings.search_upstream, years=True)
        self._headers = {"Accept": "application/json"}
        if settings.api_token_env:
            # CKAN 2.10+ takes the bare token in Authorization (older: X-CKAN-API-Key, which it still reads).
            self._headers["Authorization"] = read_secret(settings.api_token_env, "api_token_env")
        self._timeout = httpx.Timeout(settings.timeout_s) if settings.timeout_s else httpx.USE_CLIENT_DEFAULT
        self._api = f"{str(settings.base_url).rstrip('/')}/api/3/action"
        self._reader = PackageReader(settings)

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        """One page of the organization's resources, ``query.page_size`` long unless the list ends."""
        offset, index = _position(query.token)
        wanted = max(1, query.page_size)
        params = self._search_params(query)
        items: list[Document] = []
        while True:
            rows = min(self.settings.rows, wanted - len(items))
            result, origin = await self._call(
                "package_search", [*params, ("start", str(offset)), ("rows", str(rows))]
            )
            count, packages = read_search_result(result)
            if not packages and offset < count:
                raise UpstreamBadResponse(
                    f"{origin}: no packages at start={offset} of {count}", field="result.results"
                )
            for number, raw in enumerate(packages):
                package = self._reader.read(raw, where=f"result.results[{number}]", origin=origin)
                documents = package.documents if package.organization == self.settings.organization else ()
                for position in range(index, len(documents)):
                    document = documents[position]
                    if document_matches(document, query.filter):
                        items.append(document)
                    if len(items) == wanted:
                        next_offset, next_index = _after(offset, position, len(documents))
                        more = next_offset < count
                        token = f"{next_offset}.{next_index}" if more else None
                        return DocumentPage(items=tuple(items), next_token=token, total=None)
                offset, index = offset + 1, 0
            if offset >= count or not packages:
                total = len(items) if query.token is None else None
                return DocumentPage(items=tuple(items), next_token=None, total=total)

    async def get_document(self, local_id: str) -> Document | None:
        """The resource's document from ``package_show``; ``None`` if either is unknown or not this OPD's."""
        parts = split_local_id(local_id)
        if parts is None:
            return None
        found = await self._call_optional("package_show", [("id", parts[0])])
        if found is None:
            return None
        result, origin = found
        package = self._reader.read(result, where="result", origin=origin)
        if package.organization != self.settings.organization:
            return None
        return next((doc for doc in package.documents if doc.local_id == local_id), None)

    async def profile(self) -> OpdProfile:
        """The organization's description (``organization_show``), its title when it has none."""
        result, _origin = await self._call(
            "organization_show", [("id", self.settings.organization), ("include_datasets", "false")]
        )
        if not isinstance(result, dict):
            raise UpstreamBadResponse("organization_show did not return an object", field="result")
        description, title = result.get("description"), result.get("title")
        for key, value in (("description", description), ("title", title)):
            if value is not None and not isinstance(value, str):
                message = f"expected a string as the {key}, got {value!r}"
                raise UpstreamBadResponse(message, field=f"result.{key}")
        return OpdProfile(description=(description or "").strip() or title or None)

    def _search_params(self, query: DocumentQuery) -> list[tuple[str, str]]:
        flt = query.filter
        fq = [f'organization:"{self.settings.organization}"']
        if self.settings.year_extra is not None:
            years = extra_year_range_fq(self.settings.year_extra, flt.year_from, flt.year_to)
        else:
            years = year_range_fq(flt.year_from, flt.year_to)
        if years is not None:
            fq.append(years)
        params = [("fq", " AND ".join(fq)), ("sort", _STABLE_SORT), ("include_private", "true")]
        if flt.query and self.settings.search_upstream:
            params.append(("q", flt.query))
        return params

    async def _call(self, action: str, params: Sequence[tuple[str, str]]) -> tuple[object, str]:
        found = await call_action(self.http, self._request(action, params))
        assert found is not None  # only missing_ok calls answer None
        return found

    async def _call_optional(
        self, action: str, params: Sequence[tuple[str, str]]
    ) -> tuple[object, str] | None:
        return await call_action(self.http, self._request(action, params), missing_ok=True)

    def _request(self, action: str, params: Sequence[tuple[str, str]]) -> httpx.Request:
        return self.http.build_request(
            "GET", f"{self._api}/{action}", params=list(params), headers=self._headers, timeout=self._timeout
        )


def _position(token: str | None) -> tuple[int, int]:
    if token is None:
        return 0, 0
    match = _TOKEN.fullmatch(token)
    if match is None:
        raise InvalidToken(f"not a continuation token of a ckan connector (<package>.<resource>): {token!r}")
    return int(match.group(1)), int(match.group(2))


def _after(offset: int, position: int, length: int) -> tuple[int, int]:
    # The position after resource `position` of the package at `offset`; a package's end is the next's start.
    return (offset, position + 1) if position + 1 < length else (offset + 1, 0)
