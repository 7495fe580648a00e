"""Cursors are opaque and refused, with a reason and a way out, anywhere but where they were made."""

from __future__ import annotations

import base64
import hashlib
import json
import zlib

import pytest

from connectors import DocumentFilter, DocumentOrder, InformationCategory
from gateway.federation import BadUserInput, Federation, OperationReport
from gateway.federation.cursor import CURSOR_VERSION, Cursor, CursorCodec, CursorScope
from gateway.federation.positions import FRESH, Exhausted, InPage, Offset

from .catalog import Catalog, connector, day, doc
from .conftest import FakeClock, settings

NEWEST = DocumentOrder.NEWEST
SCOPE = CursorScope.of("documents", "NEWEST", {"query": ["laporan"]}, ["bkd", "dinkes", "dpmptsp", "rsud"])


def unpack(text: str) -> tuple[bytes, list[object]]:
    raw = zlib.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    return raw[:8], json.loads(raw[8:])


def pack(mac: bytes, body: object) -> str:
    payload = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(mac + payload)).rstrip(b"=").decode()


def test_a_cursor_round_trips_every_kind_of_position() -> None:
    codec = CursorCodec()
    cursor = Cursor(20, (FRESH, Offset(7), InPage(31, "page:2:20", 11), Exhausted(40)))
    text = codec.encode(SCOPE, cursor)
    assert codec.decode(SCOPE, text) == cursor
    assert text.isascii() and "=" not in text and "+" not in text and "/" not in text


def test_a_first_page_token_of_none_round_trips() -> None:
    codec = CursorCodec()
    cursor = Cursor(20, (InPage(3, None, 3), FRESH, FRESH, FRESH))
    assert codec.decode(SCOPE, codec.encode(SCOPE, cursor)) == cursor


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "abc",
        "!!!!",
        "null",
        base64.urlsafe_b64encode(b"hello world").decode(),
        base64.urlsafe_b64encode(zlib.compress(b"12345678[1,2,3")).decode(),
        base64.urlsafe_b64encode(zlib.compress(b"12345678{}")).decode(),
        base64.urlsafe_b64encode(zlib.compress(b"x")).decode(),
        "A" * 70_000,
    ],
)
def test_garbage_is_refused_as_not_a_cursor(garbage: str) -> None:
    with pytest.raises(BadUserInput) as caught:
        CursorCodec().decode(SCOPE, garbage)
    assert caught.value.argument == "after"
    assert "not a cursor" in str(caught.value) and "start again without `after`" in str(caught.value)


def test_a_cursor_made_by_another_version_is_refused_as_such() -> None:
    codec = CursorCodec()
    _, body = unpack(codec.encode(SCOPE, Cursor(20, (FRESH,) * 4)))
    body[0] = CURSOR_VERSION + 1
    with pytest.raises(BadUserInput, match="another version of the gateway") as caught:
        codec.decode(SCOPE, pack(b"\0" * 8, body))
    assert "start again without `after`" in str(caught.value)


def test_a_cursor_edited_by_hand_is_refused_as_altered() -> None:
    codec = CursorCodec()
    mac, body = unpack(codec.encode(SCOPE, Cursor(20, (Offset(3), FRESH, FRESH, FRESH))))
    body[5][0] = 0  # type: ignore[index]
    with pytest.raises(BadUserInput, match="altered"):
        codec.decode(SCOPE, pack(mac, body))


def test_every_single_character_change_is_refused_or_harmless() -> None:
    codec = CursorCodec()
    text = codec.encode(SCOPE, Cursor(20, (Offset(3), InPage(5, "offset:5:20", 0), Exhausted(9), FRESH)))
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    # The last character may carry base64 padding bits, which decode to the same bytes.
    for i, char in enumerate(text[:-1]):
        other = alphabet[(alphabet.index(char) + 17) % len(alphabet)]
        with pytest.raises(BadUserInput):
            codec.decode(SCOPE, text[:i] + other + text[i + 1 :])


def test_a_forged_cursor_is_refused_when_the_engine_has_a_key() -> None:
    forged_body = [CURSOR_VERSION, "documents", "NEWEST", SCOPE.digest, 20, [None, None, None, 99]]
    payload = json.dumps(forged_body, separators=(",", ":")).encode()
    unkeyed_mac = hashlib.blake2b(payload, digest_size=8).digest()
    forged = pack(unkeyed_mac, forged_body)
    assert CursorCodec().decode(SCOPE, forged).positions[3] == Offset(99), "unkeyed: integrity only"
    with pytest.raises(BadUserInput, match="altered, or was issued by another gateway"):
        CursorCodec(b"the replicas' shared secret").decode(SCOPE, forged)


def test_cursors_of_one_key_are_refused_under_another() -> None:
    text = CursorCodec(b"one").encode(SCOPE, Cursor(20, (FRESH,) * 4))
    assert CursorCodec(b"one").decode(SCOPE, text).page_size == 20
    with pytest.raises(BadUserInput, match="altered"):
        CursorCodec(b"two").decode(SCOPE, text)


def test_a_cursor_holding_a_wrong_number_of_positions_is_refused() -> None:
    codec = CursorCodec()
    smaller = CursorScope(SCOPE.kind, SCOPE.order, SCOPE.digest, 3)
    with pytest.raises(BadUserInput, match="wrong number of positions"):
        codec.decode(SCOPE, codec.encode(smaller, Cursor(20, (FRESH,) * 3)))


@pytest.mark.parametrize(
    "position", [-1, 1.5, True, "3", [1, 2], [1, 2, 3, 4], [-1], [1, 5, 0], [1, None, -2], {"a": 1}]
)
def test_malformed_positions_are_refused(position: object) -> None:
    codec = CursorCodec()
    body = [CURSOR_VERSION, "documents", "NEWEST", SCOPE.digest, 20, [None, None, None, position]]
    payload = json.dumps(body, separators=(",", ":")).encode()
    text = pack(hashlib.blake2b(payload, digest_size=8).digest(), body)
    with pytest.raises(BadUserInput, match="bad position"):
        codec.decode(SCOPE, text)


def test_a_cursor_for_43_opds_stays_small() -> None:
    slugs = [f"opd-{n:02d}" for n in range(43)]
    scope = CursorScope.of("documents", "NEWEST", {}, slugs)
    codec = CursorCodec()
    offsets = Cursor(20, tuple(Offset(100 + n) for n in range(43)))
    tokens = Cursor(20, tuple(InPage(100 + n, f"page:{n % 9 + 1}:20", n % 20) for n in range(43)))
    assert len(codec.encode(scope, Cursor(20, (FRESH,) * 43))) < 120
    assert len(codec.encode(scope, offsets)) < 300
    assert len(codec.encode(scope, tokens)) < 600


# -- through the engine ------------------------------------------------------------------


@pytest.fixture
def federation() -> Federation:
    catalog = Catalog([doc(f"a{i:02d}", f"Laporan {i}", published=day(i)) for i in range(30)])
    other = Catalog([doc(f"b{i:02d}", f"Laporan {i}", published=day(i)) for i in range(5)])
    return Federation.for_connectors(
        {"bkd": connector("bkd", catalog), "dinkes": connector("dinkes", other)},
        federation=settings(),
        clock=FakeClock(),
    )


async def second_page_cursor(federation: Federation, flt: DocumentFilter) -> str:
    page = await federation.documents(
        OperationReport(), opds=None, filter=flt, order=NEWEST, first=3, after=None
    )
    assert page.end_cursor is not None
    return page.end_cursor


async def test_a_cursor_is_refused_with_another_order(federation: Federation) -> None:
    after = await second_page_cursor(federation, DocumentFilter())
    with pytest.raises(BadUserInput) as caught:
        await federation.documents(
            OperationReport(),
            opds=None,
            filter=DocumentFilter(),
            order=DocumentOrder.TITLE,
            first=3,
            after=after,
        )
    assert caught.value.argument == "after"
    assert "orderBy NEWEST" in str(caught.value) and "start again without `after`" in str(caught.value)


@pytest.mark.parametrize(
    "other",
    [
        DocumentFilter(query="laporan"),
        DocumentFilter(categories=frozenset({InformationCategory.BERKALA})),
        DocumentFilter(year_from=2020),
        DocumentFilter(type="SOP"),
    ],
)
async def test_a_cursor_is_refused_with_another_filter(federation: Federation, other: DocumentFilter) -> None:
    after = await second_page_cursor(federation, DocumentFilter())
    with pytest.raises(BadUserInput, match="another filter or OPD selection") as caught:
        await federation.documents(
            OperationReport(), opds=None, filter=other, order=NEWEST, first=3, after=after
        )
    assert caught.value.argument == "after"


async def test_a_cursor_survives_a_filter_that_only_differs_in_spelling(federation: Federation) -> None:
    after = await second_page_cursor(federation, DocumentFilter(query="Laporan  1"))
    page = await federation.documents(
        OperationReport(),
        opds=None,
        filter=DocumentFilter(query=" laporan 1 "),
        order=NEWEST,
        first=3,
        after=after,
    )
    assert page.edges


async def test_a_cursor_is_refused_with_another_opd_selection(federation: Federation) -> None:
    after = await second_page_cursor(federation, DocumentFilter())
    with pytest.raises(BadUserInput, match="another filter or OPD selection"):
        await federation.documents(
            OperationReport(), opds=["bkd"], filter=DocumentFilter(), order=NEWEST, first=3, after=after
        )
    same = await federation.documents(
        OperationReport(),
        opds=["dinkes", "bkd", "bkd"],
        filter=DocumentFilter(),
        order=NEWEST,
        first=3,
        after=after,
    )
    assert same.edges, "the same OPDs in another order or repeated are the same selection"


async def test_a_document_cursor_is_refused_by_the_information_list(federation: Federation) -> None:
    after = await second_page_cursor(federation, DocumentFilter())
    with pytest.raises(BadUserInput, match="another list"):
        await federation.information_list(OperationReport(), opds=None, category=None, first=3, after=after)
