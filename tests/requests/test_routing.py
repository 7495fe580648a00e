"""Routing: the OPD chosen, else the cited document's, else a rule, else PPID Utama."""

from __future__ import annotations

import pytest

from gateway.identity.errors import InvalidInput
from gateway.kip.vocabulary import RoutedBy
from gateway.requests import RequestService
from gateway.requests.routing import words

from .conftest import submission


@pytest.mark.parametrize(
    ("changes", "opd", "routed_by"),
    [
        ({"opd": "dindikbud", "document_id": "dinkes:42"}, "dindikbud", RoutedBy.EXPLICIT),
        ({"opd": None, "document_id": "dinkes:renstra-2025"}, "dinkes", RoutedBy.DOCUMENT),
        (
            {"opd": None, "form_details": "Jumlah tempat tidur Rumah  Sakit umum daerah"},
            "dinkes",
            RoutedBy.RULE,
        ),
        ({"opd": None, "form_purpose": "Penelitian tentang sekolah dasar"}, "dindikbud", RoutedBy.RULE),
        ({"opd": None}, "diskominfo", RoutedBy.DEFAULT),
    ],
)
async def test_a_request_is_routed(
    service: RequestService, changes: dict[str, object], opd: str, routed_by: RoutedBy
) -> None:
    receipt = await service.submit_information_request(submission(**changes))
    assert (receipt.opd_slug, receipt.routed_by) == (opd, routed_by)
    assert f"/{opd.upper()}/" in receipt.registration_number


async def test_a_rule_matches_whole_words_only(service: RequestService) -> None:
    receipt = await service.submit_information_request(
        submission(opd=None, form_details="Data persekolahan 2025")
    )
    assert receipt.routed_by is RoutedBy.DEFAULT


async def test_an_unknown_opd_or_document_owner_is_invalid(service: RequestService) -> None:
    with pytest.raises(InvalidInput) as raised:
        await service.submit_information_request(submission(opd="dinas-tidak-ada", document_id="nope:1"))
    assert {p.path for p in raised.value.fields} == {"opd", "documentId"}


def test_words_ignore_case_accents_and_punctuation() -> None:
    assert words("Rumah-Sakit, PUSKÉSMAS!") == ("rumah", "sakit", "puskesmas")
