"""Outbox payloads become the submissions connectors receive."""

from __future__ import annotations

import pytest

from gateway.delivery.payloads import local_document_id


@pytest.mark.parametrize(
    ("document_id", "expected"),
    [
        ("dinkes:sk-2025-01", "sk-2025-01"),
        ("dinkes:a:b", "a:b"),  # the local part may hold colons
        ("bappeda:sk-2025-01", None),  # another OPD's document: not the receiving OPD's to look up
        ("dinkes:", None),
        ("sk-2025-01", None),
        (None, None),
        ("", None),
    ],
)
def test_the_local_id_is_given_only_for_the_receiving_opds_own_document(
    document_id: str | None, expected: str | None
) -> None:
    assert local_document_id(document_id, "dinkes") == expected
