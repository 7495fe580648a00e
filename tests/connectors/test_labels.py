"""Labels map to KIP values through the map first, then by enum name, and never silently."""

from __future__ import annotations

from typing import Any

import pytest

from connectors import ExemptionGround, InformationCategory, UpstreamBadResponse
from connectors.labels import LabelMap

CATEGORIES = LabelMap(
    InformationCategory,
    {
        "Informasi Berkala": InformationCategory.BERKALA,
        "1": InformationCategory.BERKALA,
        "Wajib Tersedia": InformationCategory.SETIAP_SAAT,
    },
)


@pytest.mark.parametrize(
    ("value", "member"),
    [
        ("Informasi Berkala", InformationCategory.BERKALA),
        (" INFORMASI   berkala ", InformationCategory.BERKALA),
        (1, InformationCategory.BERKALA),
        ("berkala", InformationCategory.BERKALA),
        ("serta-merta", InformationCategory.SERTA_MERTA),
        ("Serta Merta", InformationCategory.SERTA_MERTA),
        ("wajib tersedia", InformationCategory.SETIAP_SAAT),
    ],
)
def test_labels_are_read(value: Any, member: InformationCategory) -> None:
    assert CATEGORIES.parse(value, field="kategori") is member


@pytest.mark.parametrize("value", ["rahasia", "Pasal 17 huruf b", True, None, {"nama": "berkala"}])
def test_anything_else_is_a_bad_response_naming_the_field(value: Any) -> None:
    with pytest.raises(UpstreamBadResponse) as caught:
        LabelMap(ExemptionGround).parse(value, field="data[0].dasar")
    assert caught.value.field == "data[0].dasar"


def test_the_first_label_of_a_member_is_sent_upstream() -> None:
    assert CATEGORIES.label(InformationCategory.BERKALA) == "Informasi Berkala"
    assert CATEGORIES.label(InformationCategory.DIKECUALIKAN) == "DIKECUALIKAN"


def test_exemption_letters_in_any_case() -> None:
    grounds = LabelMap(ExemptionGround, {"Pasal 17 huruf b": ExemptionGround.B})
    assert grounds.parse("i", field="x") is ExemptionGround.I
    assert grounds.parse("Pasal 17 huruf b", field="x") is ExemptionGround.B
    assert grounds.find("Pasal 17 huruf c", field="x") is None
