"""Reading WordPress REST items (media, posts, pages) into :class:`~connectors.records.Document`.

WordPress renders titles, captions and excerpts as HTML (``title.rendered``);
they are stripped to plain text with entities unescaped. ``date`` is the
site's local time, ``date_gmt`` the same moment in UTC without an offset:
``*_gmt`` is preferred, and the year comes from the local ``date``, because
that is the column WordPress's ``after``/``before`` compare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from typing import Any

from ..errors import UpstreamBadResponse
from ..records import Document, InformationCategory
from ..validation import build_record

__all__ = ["DocumentMapper", "local_id", "plain_text", "split_local_id"]

_BLOCKS = {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "figcaption"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in _BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(rendered: str) -> str:
    """``rendered`` HTML as one line of plain text: tags dropped, entities unescaped, spaces collapsed."""
    collector = _TextCollector()
    collector.feed(rendered)
    collector.close()
    # WordPress's texturize writes non-breaking spaces; they are spaces to a reader.
    return " ".join("".join(collector.parts).replace("\xa0", " ").split())


def local_id(source: str, wp_id: int) -> str:
    """The document's local id: the source and the WordPress id (``media-123``), so sources never collide."""
    return f"{source}-{wp_id}"


def split_local_id(value: str) -> tuple[str, int] | None:
    """``("media", 123)`` from ``media-123``; ``None`` when ``value`` is not such an id."""
    source, _, number = value.partition("-")
    if not source or not number.isdigit():
        return None
    return source, int(number)


def _get(item: Mapping[str, Any], path: str, where: str, kind: type | tuple[type, ...]) -> Any:
    value: Any = item
    walked: list[str] = []
    for part in path.split("."):
        if not isinstance(value, Mapping):
            message = f"expected an object at {'.'.join(walked)}, got {_json_type(value)}"
            raise UpstreamBadResponse(message, field=f"{where}.{path}")
        if part not in value:
            raise UpstreamBadResponse("a required field is missing", field=f"{where}.{path}")
        value = value[part]
        walked.append(part)
    if not isinstance(value, kind) or isinstance(value, bool):
        message = f"expected {_kind_name(kind)}, got {_json_type(value)}"
        raise UpstreamBadResponse(message, field=f"{where}.{path}")
    return value


def _optional(item: Mapping[str, Any], path: str, where: str, kind: type | tuple[type, ...]) -> Any:
    value: Any = item
    for part in path.split("."):
        # WordPress writes an empty object as [] (media_details of a file it has no details of).
        if not isinstance(value, Mapping) or value.get(part) is None:
            return None
        value = value[part]
    if not isinstance(value, kind) or isinstance(value, bool):
        message = f"expected {_kind_name(kind)}, got {_json_type(value)}"
        raise UpstreamBadResponse(message, field=f"{where}.{path}")
    return value


_KIND_NAMES = {str: "a string", int: "an integer", float: "a number", list: "an array", dict: "an object"}


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds)


def _json_type(value: Any) -> str:
    """What ``value`` is, in JSON's words: ``a string``, ``a number``, ``an object``, ``null``…"""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}" if len(value) <= 40 else "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, Sequence):
        return "an array"
    return type(value).__name__


def _from(origin: str, exc: UpstreamBadResponse) -> UpstreamBadResponse:
    """``exc`` with ``origin`` (the request) in front of its message, once."""
    message = str(exc)
    if exc.field is not None:
        message = message.removesuffix(f" (field {exc.field!r})")
    return exc if message.startswith(origin) else UpstreamBadResponse(f"{origin}: {message}", field=exc.field)


def _time(raw: str | None, where: str, *, utc: bool) -> dt.datetime | None:
    if raw is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise UpstreamBadResponse(f"not an ISO 8601 time: {raw!r}", field=where) from exc
    # WordPress writes *_gmt without an offset; a naive local ``date`` is left for Document (WIB).
    return moment.replace(tzinfo=dt.UTC) if utc and moment.tzinfo is None else moment


class DocumentMapper:
    """Turns one WordPress item of a source into a :class:`Document`, with categories by slug."""

    def __init__(self, mapping: Mapping[str, InformationCategory], default: InformationCategory) -> None:
        """Keep the slug → category mapping (its order is the tie-break) and the default category."""
        self._mapping = dict(mapping)
        self._order = {slug: index for index, slug in enumerate(mapping)}
        self._default = default

    def category(self, slugs: Sequence[str]) -> InformationCategory:
        """The KIP category of an item in WordPress categories ``slugs``; exempt wins, then config order."""
        mapped = sorted((slug for slug in slugs if slug in self._mapping), key=self._order.__getitem__)
        categories = [self._mapping[slug] for slug in mapped]
        if InformationCategory.DIKECUALIKAN in categories:
            return InformationCategory.DIKECUALIKAN
        return categories[0] if categories else self._default

    def read(
        self, source: str, item: Any, where: str, slugs_by_id: Mapping[int, str], origin: str
    ) -> Document:
        """The document of ``item`` (at ``where`` in the body); ``UpstreamBadResponse`` naming a bad field."""
        try:
            return self._read(source, item, where, slugs_by_id, origin)
        except UpstreamBadResponse as exc:
            raise _from(origin, exc) from exc

    def _read(
        self, source: str, item: Any, where: str, slugs_by_id: Mapping[int, str], origin: str
    ) -> Document:
        if not isinstance(item, Mapping):
            raise UpstreamBadResponse(f"expected an object, got {_json_type(item)}", field=where)
        wp_id = _get(item, "id", where, int)
        title = plain_text(_get(item, "title.rendered", where, str))
        summary_path = "caption.rendered" if source == "media" else "excerpt.rendered"
        summary_html = _optional(item, summary_path, where, str)
        if not summary_html and source == "media":
            summary_html = _optional(item, "description.rendered", where, str)
        summary = plain_text(summary_html) if summary_html else None
        local = _time(_get(item, "date", where, str), f"{where}.date", utc=False)
        published = _time(_optional(item, "date_gmt", where, str), f"{where}.date_gmt", utc=True) or local
        modified = _time(_optional(item, "modified_gmt", where, str), f"{where}.modified_gmt", utc=True)
        ids = _optional(item, "categories", where, list) or []
        if not all(isinstance(cid, int) and not isinstance(cid, bool) for cid in ids):
            raise UpstreamBadResponse(
                "expected an array of category ids (integers)", field=f"{where}.categories"
            )
        data: dict[str, Any] = {
            "local_id": local_id(source, wp_id),
            "title": title or f"({source} {wp_id})",
            "summary": summary or None,
            "category": self.category([slugs_by_id[cid] for cid in ids if cid in slugs_by_id]),
            "year": local.year if local else None,
            "published_at": published,
            "updated_at": modified,
            "source_url": _optional(item, "link", where, str),
        }
        if source == "media":
            data["file_url"] = _get(item, "source_url", where, str)
            data["mime_type"] = _optional(item, "mime_type", where, str)
            data["size_bytes"] = _optional(item, "media_details.filesize", where, int)
        sources = {"local_id": "id", "title": "title.rendered", "year": "date", "published_at": "date_gmt"}
        return build_record(Document, data, where=where, sources=sources, origin=origin)
