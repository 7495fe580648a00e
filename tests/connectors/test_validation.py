"""build_record turns a pydantic ValidationError into an UpstreamBadResponse naming the upstream field."""

from __future__ import annotations

import pytest

from connectors import Document, InformationListEntry, UpstreamBadResponse
from connectors.validation import build_record


def test_a_valid_record_is_built() -> None:
    document = build_record(Document, {"local_id": "1", "title": "A", "category": "BERKALA"})
    assert document.title == "A"


def test_the_error_names_the_upstream_path_and_the_origin() -> None:
    with pytest.raises(UpstreamBadResponse) as caught:
        build_record(
            Document,
            {"local_id": "1", "title": "", "category": "BERKALA"},
            where="data[3]",
            sources={"title": "atribut.judul"},
            origin="GET https://opd.example.go.id/api",
        )
    assert caught.value.field == "data[3].atribut.judul"
    assert str(caught.value).startswith("GET https://opd.example.go.id/api: String should have at least 1")


def test_nested_locations_continue_the_source_path() -> None:
    with pytest.raises(UpstreamBadResponse) as caught:
        build_record(
            InformationListEntry,
            {"local_id": "1", "title": "A", "category": "BERKALA", "formats": ["softcopy", 3]},
            where="rows[0]",
            sources={"formats": "bentuk"},
        )
    assert caught.value.field == "rows[0].bentuk[1]"


def test_several_problems_are_counted() -> None:
    with pytest.raises(UpstreamBadResponse, match=r"Field required \(and 1 more problem\)") as caught:
        build_record(Document, {"local_id": "1"})
    assert caught.value.field == "title"
    assert caught.value.__cause__ is not None
