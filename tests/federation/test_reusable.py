"""What is stored for a reusable OPD answer: keys by OPD and canonical arguments, versioned by shape."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel

from cache import keys
from connectors import (
    WIB,
    Document,
    DocumentFilter,
    DocumentOrder,
    DocumentPage,
    DocumentQuery,
    InformationCategory,
    ListQuery,
    OpdProfile,
)
from gateway.federation.reusable import (
    ALL_DOCUMENTS,
    DOCUMENT,
    DOCUMENT_PAGE,
    PROFILE,
    Reusable,
    arguments_digest,
)

BERKALA, SERTA_MERTA = InformationCategory.BERKALA, InformationCategory.SERTA_MERTA


def test_equal_arguments_make_equal_keys_whatever_the_order_of_a_set() -> None:
    one = DocumentQuery(filter=DocumentFilter(categories=frozenset({BERKALA, SERTA_MERTA})), page_size=20)
    other = DocumentQuery(filter=DocumentFilter(categories=frozenset({SERTA_MERTA, BERKALA})), page_size=20)
    assert DOCUMENT_PAGE.key("bkd", one) == DOCUMENT_PAGE.key("bkd", other)


@pytest.mark.parametrize(
    "changed",
    [
        DocumentQuery(page_size=21),
        DocumentQuery(token="2"),
        DocumentQuery(order=DocumentOrder.NEWEST),
        DocumentQuery(filter=DocumentFilter(query="anggaran")),
        DocumentQuery(filter=DocumentFilter(year_from=2024)),
    ],
)
def test_any_other_argument_makes_another_key(changed: DocumentQuery) -> None:
    assert DOCUMENT_PAGE.key("bkd", DocumentQuery()) != DOCUMENT_PAGE.key("bkd", changed)


def test_keys_group_by_opd_then_operation() -> None:
    key = DOCUMENT_PAGE.key("bkd", DocumentQuery())
    assert key.startswith(keys.prefix("upstream", "bkd") + "list_documents:" + DOCUMENT_PAGE.shape + ":")
    assert not key.startswith(keys.prefix("upstream", "bk"))
    assert DOCUMENT_PAGE.key("bkd", DocumentQuery()) != DOCUMENT_PAGE.key("dinkes", DocumentQuery())
    assert ALL_DOCUMENTS.key("bkd", DocumentFilter()) != DOCUMENT_PAGE.key("bkd", DocumentFilter())


def test_arguments_that_cannot_be_made_canonical_are_refused() -> None:
    with pytest.raises(TypeError, match="cannot make a cache key of a object"):
        arguments_digest(object())
    assert arguments_digest(ListQuery()) == arguments_digest(ListQuery(category=None, page_size=100))


class ProfileV2(BaseModel):
    """A profile of a later release: one more field."""

    description: str | None = None
    motto: str | None = None


def test_a_change_in_the_answers_shape_changes_the_key() -> None:
    later = Reusable[ProfileV2]("profile", "profile", ProfileV2)
    assert later.shape != PROFILE.shape
    assert later.key("bkd", None) != PROFILE.key("bkd", None)
    assert Reusable[OpdProfile]("profile", "profile", OpdProfile).shape == PROFILE.shape, "stable across runs"


def test_an_answer_comes_back_equal_with_its_times() -> None:
    page = DocumentPage(
        items=(
            Document(
                local_id="k1",
                title="Laporan Keuangan",
                category=BERKALA,
                published_at=dt.datetime(2025, 3, 1, 9, tzinfo=WIB),
                year=2025,
            ),
        ),
        next_token="2",
        total=7,
    )
    stored = DOCUMENT_PAGE.encode(page, stored_at=1_000.5, fresh_until=1_300.5)
    entry = DOCUMENT_PAGE.decode(stored)
    assert (entry.value, entry.stored_at, entry.fresh_until) == (page, 1_000.5, 1_300.5)
    assert entry.value.items[0].published_at == dt.datetime(2025, 3, 1, 9, tzinfo=WIB)


def test_no_document_is_an_answer_too() -> None:
    entry = DOCUMENT.decode(DOCUMENT.encode(None, stored_at=1.0, fresh_until=2.0))
    assert entry.value is None


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'{"stored_at":1,"fresh_until":2}',
        b'{"stored_at":1,"fresh_until":2,"payload":{"deskripsi":"lama"}}',
        b"\x80\x04\x95pickle",
    ],
)
def test_anything_but_an_envelope_of_this_shape_is_refused(raw: bytes) -> None:
    with pytest.raises(ValueError):
        PROFILE.decode(raw)
