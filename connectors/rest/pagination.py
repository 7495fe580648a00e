"""The five ways a list endpoint pages, and the continuation tokens that carry a position.

A token is opaque to the engine but plain to a person reading logs. It holds
everything needed to continue, the page size included, so that it stays
valid whatever page size the caller asks for next::

    page:<page number>:<page size>      page:3:50
    offset:<offset>:<page size>         offset:100:50
    cursor:<page size>:<upstream cursor> cursor:50:eyJpZCI6IDQyfQ
    link:<absolute next URL>            link:https://opd.go.id/api/docs?page=3

Style ``none`` never makes a token. A page size of ``0`` in a ``page`` token
means the upstream decides the size and none has been seen yet.

Tokens reach clients inside the engine's cursor, so they are checked like
any input: a malformed one, or a link to another origin than ``base_url``
(which would send our credentials elsewhere), raises ``InvalidToken``.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import httpx

from ..errors import InvalidToken, UpstreamBadResponse
from ..fieldpath import MISSING, join_path, json_type, read_path
from ..http import JsonResponse
from .settings import PaginationSettings

__all__ = ["PageStep", "Pagination", "pagination_for"]


@dataclass(frozen=True, slots=True)
class PageStep:
    """One page request: the paging parameters, or a whole URL to follow."""

    params: tuple[tuple[str, str], ...] = ()
    """Paging parameters added to the endpoint's own."""
    url: str | None = None
    """A next link to request as is, instead of the endpoint with parameters."""
    size: int = 0
    """The page size in force (0: the upstream decides and none has been seen yet)."""
    position: int = 0
    """The page number or offset of this page, for the styles that count."""


class Pagination(abc.ABC):
    """One pagination style: turns tokens into requests and responses into the next token."""

    def __init__(self, settings: PaginationSettings, origin: httpx.URL) -> None:
        """Keep the settings; ``origin`` is ``base_url``, the only origin a next link may point to."""
        self.settings = settings
        """The endpoint's pagination settings."""
        self.origin = origin
        """``base_url``: next links elsewhere are refused."""

    def page_size(self, requested: int) -> int:
        """``requested``, capped by ``max_page_size`` and at least 1."""
        return max(1, min(requested, self.settings.max_page_size))

    @abc.abstractmethod
    def step(self, token: str | None, page_size: int) -> PageStep:
        """The request for the page at ``token`` (``None``: the first page of ``page_size`` items)."""

    @abc.abstractmethod
    def next_token(self, step: PageStep, reply: JsonResponse, count: int, total: int | None) -> str | None:
        """The token of the page after ``step``, whose ``reply`` held ``count`` items; ``None`` at the end."""


def _split_numbers(token: str, prefix: str) -> tuple[int, int]:
    head, _, rest = token.partition(":")
    first, _, second = rest.partition(":")
    if head != prefix or not first.isdigit() or not second.isdigit():
        raise InvalidToken(f"not a {prefix} continuation token of this OPD: {token!r}")
    return int(first), int(second)


def _is_last(count: int, size: int, seen: int, total: int | None) -> bool:
    # ``seen`` counts every item up to and including this page.
    if count == 0:
        return True
    if total is not None:
        return seen >= total
    return size > 0 and count < size


class PagePagination(Pagination):
    """``page``: a page number and a page size."""

    def step(self, token: str | None, page_size: int) -> PageStep:
        """See :meth:`Pagination.step`."""
        if token is None:
            size = self.page_size(page_size) if self.settings.size_param else 0
            page = self.settings.first_page
        else:
            page, size = _split_numbers(token, "page")
            # Without a size parameter the size is the upstream's own, which may exceed our cap.
            sized = self.settings.size_param is not None
            if page < self.settings.first_page or (sized and not 0 < size <= self.settings.max_page_size):
                raise InvalidToken(f"page token out of range for this OPD: {token!r}")
        params = [(self.settings.page_param, str(page))]
        if self.settings.size_param and size:
            params.append((self.settings.size_param, str(size)))
        return PageStep(params=tuple(params), size=size, position=page)

    def next_token(self, step: PageStep, reply: JsonResponse, count: int, total: int | None) -> str | None:
        """See :meth:`Pagination.next_token`."""
        # Without a size parameter the upstream's first page tells us its page size.
        size = step.size or count
        seen = (step.position - self.settings.first_page) * size + count
        if _is_last(count, size, seen, total):
            return None
        return f"page:{step.position + 1}:{size}"


class OffsetPagination(Pagination):
    """``offset``: an item offset and a limit."""

    def step(self, token: str | None, page_size: int) -> PageStep:
        """See :meth:`Pagination.step`."""
        if token is None:
            offset, size = 0, self.page_size(page_size)
        else:
            offset, size = _split_numbers(token, "offset")
            size = self.page_size(size)  # any limit continues an offset correctly
        params = ((self.settings.offset_param, str(offset)), (self.settings.limit_param, str(size)))
        return PageStep(params=params, size=size, position=offset)

    def next_token(self, step: PageStep, reply: JsonResponse, count: int, total: int | None) -> str | None:
        """See :meth:`Pagination.next_token`."""
        seen = step.position + count
        if _is_last(count, step.size, seen, total):
            return None
        return f"offset:{seen}:{step.size}"


class CursorPagination(Pagination):
    """``cursor``: an opaque cursor read from the body."""

    def step(self, token: str | None, page_size: int) -> PageStep:
        """See :meth:`Pagination.step`."""
        params: list[tuple[str, str]] = []
        if token is None:
            size = self.page_size(page_size)
        else:
            head, _, rest = token.partition(":")
            size_text, _, cursor = rest.partition(":")
            if head != "cursor" or not size_text.isdigit() or not cursor:
                raise InvalidToken(f"not a cursor continuation token of this OPD: {token!r}")
            size = self.page_size(int(size_text))
            params.append((self.settings.cursor_param, cursor))
        if self.settings.size_param:
            params.append((self.settings.size_param, str(size)))
        return PageStep(params=tuple(params), size=size)

    def next_token(self, step: PageStep, reply: JsonResponse, count: int, total: int | None) -> str | None:
        """See :meth:`Pagination.next_token`."""
        path = self.settings.next_cursor or ""
        cursor = read_path(reply.body, path)
        if cursor is MISSING or cursor == "" or count == 0:
            return None
        if isinstance(cursor, bool) or not isinstance(cursor, str | int):
            message = f"expected a cursor string, got {json_type(cursor)}"
            raise UpstreamBadResponse(message, field=join_path("", path))
        return f"cursor:{step.size}:{cursor}"


class NextLinkPagination(Pagination):
    """``next_link``: the URL of the next page, in the body or in the ``Link`` header."""

    def step(self, token: str | None, page_size: int) -> PageStep:
        """See :meth:`Pagination.step`."""
        if token is None:
            size = self.page_size(page_size)
            params = ((self.settings.size_param, str(size)),) if self.settings.size_param else ()
            return PageStep(params=params, size=size)
        head, _, url = token.partition(":")
        if head != "link" or not self._same_origin(url):
            raise InvalidToken(f"not a next-link continuation token of this OPD: {token!r}")
        return PageStep(url=url)

    def next_token(self, step: PageStep, reply: JsonResponse, count: int, total: int | None) -> str | None:
        """See :meth:`Pagination.next_token`."""
        if self.settings.next_link is None:
            url, field = reply.link("next"), "header Link"
        else:
            field = join_path("", self.settings.next_link)
            value = read_path(reply.body, self.settings.next_link)
            if value is MISSING or value == "":
                url = None
            elif isinstance(value, str):
                url = _resolve(reply.response.url, value.strip(), field)
            else:
                raise UpstreamBadResponse(f"expected a URL string, got {json_type(value)}", field=field)
        if url is None or count == 0:
            return None
        if not self._same_origin(url):
            # Following it would send our credentials to another host.
            raise UpstreamBadResponse(f"next link {url!r} leaves {self.origin}", field=field)
        return f"link:{url}"

    def _same_origin(self, url: str) -> bool:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL:
            return False
        return (parsed.scheme, parsed.host, parsed.port) == (
            self.origin.scheme,
            self.origin.host,
            self.origin.port,
        )


def _resolve(base: httpx.URL, link: str, field: str) -> str:
    # A relative next link is relative to the URL that answered, as in a browser.
    try:
        return str(base.join(link))
    except httpx.InvalidURL as exc:
        raise UpstreamBadResponse(f"invalid next link {link!r}: {exc}", field=field) from exc


class NoPagination(Pagination):
    """``none``: one response holds every item."""

    def step(self, token: str | None, page_size: int) -> PageStep:
        """See :meth:`Pagination.step`."""
        if token is not None:
            raise InvalidToken(f"this OPD's list has a single page; unexpected token {token!r}")
        return PageStep()

    def next_token(self, step: PageStep, reply: JsonResponse, count: int, total: int | None) -> str | None:
        """See :meth:`Pagination.next_token`."""
        return None


_STYLES: dict[str, type[Pagination]] = {
    "page": PagePagination,
    "offset": OffsetPagination,
    "cursor": CursorPagination,
    "next_link": NextLinkPagination,
    "none": NoPagination,
}


def pagination_for(settings: PaginationSettings, origin: httpx.URL) -> Pagination:
    """The :class:`Pagination` of ``settings.style``."""
    return _STYLES[settings.style](settings, origin)
