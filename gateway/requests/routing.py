"""Which OPD answers a request (DESIGN.md §7).

In order: the OPD the citizen chose; else the OPD that owns the document
the request cites (``<opd-slug>:<local-id>``); else the first routing rule
whose keywords appear in the details or the purpose; else PPID Utama, who
forwards it by hand. OPDs no longer active on the day of receipt are not
chosen by a rule; a citizen who names one is told so.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from gateway.config import GatewayConfig, RoutingRule
from gateway.identity.errors import ProblemList
from gateway.kip.vocabulary import RoutedBy

__all__ = ["Route", "choose_route", "words"]

_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Route:
    """The OPD a request goes to, and why."""

    opd_slug: str
    routed_by: RoutedBy


def words(text: str) -> tuple[str, ...]:
    """``text`` as lower-case words without accents: ``"RSUD Malingping!"`` → ``("rsud", "malingping")``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return tuple(_WORD.findall(plain))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    width = len(needle)
    return any(haystack[i : i + width] == needle for i in range(len(haystack) - width + 1))


def _by_rules(config: GatewayConfig, rules: Sequence[RoutingRule], text: str, today: date) -> str | None:
    haystack = words(text)
    for rule in rules:
        opd = config.opd(rule.opd)
        if opd is None or not opd.is_active(today):
            continue
        if any(_contains(haystack, words(keyword)) for keyword in rule.keywords if words(keyword)):
            return rule.opd
    return None


def _named_opd(config: GatewayConfig, slug: str, today: date, problems: ProblemList) -> str | None:
    opd = config.opd(slug.strip().lower())
    if opd is None:
        problems.add(
            "opd",
            "There is no OPD with this code: pick one from the list of OPDs, or leave it empty "
            "and PPID Utama will forward your request.",
            "Tidak ada OPD dengan kode ini: pilih dari daftar OPD, atau kosongkan "
            "dan PPID Utama akan meneruskan permohonan Anda.",
        )
        return None
    if not opd.is_active(today):
        problems.add(
            "opd",
            f"{opd.name} no longer exists: pick the OPD that took over its tasks, or leave it empty.",
            f"{opd.name} sudah tidak ada: pilih OPD yang menggantikan tugasnya, atau kosongkan.",
        )
        return None
    return opd.slug


def _document_opd(config: GatewayConfig, document_id: str, problems: ProblemList) -> str | None:
    slug, separator, local = document_id.strip().partition(":")
    if not separator or not local or config.opd(slug) is None:
        problems.add(
            "documentId",
            "This document is not in the catalogue: copy its id from the document's page, or leave it empty.",
            "Dokumen ini tidak ada dalam katalog: salin id-nya dari halaman dokumen, atau kosongkan.",
        )
        return None
    return slug


def choose_route(
    config: GatewayConfig,
    rules: Sequence[RoutingRule],
    *,
    opd: str | None,
    document_id: str | None,
    text: str,
    today: date,
    problems: ProblemList,
) -> Route | None:
    """The route of a request, or ``None`` after adding the problem to ``problems``.

    ``text`` is what rules are matched against (details and purpose). A
    malformed ``document_id`` is reported even when ``opd`` is given, since
    it is stored with the request.
    """
    cites = document_id is not None and bool(document_id.strip())
    names = opd is not None and bool(opd.strip())
    from_document = _document_opd(config, document_id or "", problems) if cites else None
    named = _named_opd(config, opd or "", today, problems) if names else None
    if (cites and from_document is None) or (names and named is None):
        return None
    if named is not None:
        return Route(named, RoutedBy.EXPLICIT)
    if from_document is not None:
        return Route(from_document, RoutedBy.DOCUMENT)
    by_rule = _by_rules(config, rules, text, today)
    if by_rule is not None:
        return Route(by_rule, RoutedBy.RULE)
    return Route(config.ppid_utama, RoutedBy.DEFAULT)
