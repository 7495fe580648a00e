"""No error, repr or traceback of the identity package repeats the personal data it was given (UU 27/2022)."""

from __future__ import annotations

import json
import traceback
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.identity.contact import normalize_email, normalize_phone
from gateway.identity.crypto import DecryptionError, PersonalDataCipher
from gateway.identity.errors import InvalidField, InvalidInput
from gateway.identity.nik import parse_nik
from gateway.identity.requester import RequesterInput, validate_requester
from gateway.kip.vocabulary import RequesterType

TODAY = date(2026, 6, 8)


def everything_said_about(error: BaseException) -> str:
    """Every text a log line or a GraphQL response could carry about ``error``."""
    # its own frames are dropped: they would show this file's source, literals and all; the
    # exceptions chained to it, which a logged traceback prints, are kept
    shown = traceback.format_exception(type(error), error, None)
    said = [str(error), repr(error), *map(str, error.args), *shown]
    if isinstance(error, InvalidField):
        said += [error.message_en, error.message_id]
    if isinstance(error, InvalidInput):
        said.append(json.dumps(error.extensions))
    return "\n".join(said)


def assert_refused_silently(call: Callable[[], object], *secrets: str) -> None:
    with pytest.raises((InvalidField, InvalidInput, DecryptionError)) as refused:
        call()
    said = everything_said_about(refused.value)
    for secret in secrets:
        assert secret not in said


# 16 digits that fail a check: an unknown province, an impossible date, or serial 0000
bad_niks = st.one_of(
    st.builds(lambda rest: "00" + rest, st.text("0123456789", min_size=14, max_size=14)),
    st.builds(lambda head, tail: f"3603{head}3213{tail}", st.text("0123456789", min_size=2, max_size=2),
              st.text("0123456789", min_size=6, max_size=6)),
    st.builds(lambda head: f"3603{head}0000", st.text("0123456789", min_size=8, max_size=8)),
)  # fmt: skip


@given(bad_niks)
def test_a_refused_nik_is_not_repeated(nik: str) -> None:
    assert_refused_silently(lambda: parse_nik(nik, today=TODAY), nik)


# phonenumbers loads each region's data on first use: a slow first example is not a failure
@settings(deadline=None)
@given(st.text("0123456789", min_size=8, max_size=30))
def test_a_refused_phone_number_is_not_repeated(digits: str) -> None:
    for spelling in (digits, "+" + digits, digits[:4] + "-x-" + digits[4:]):
        try:
            normalize_phone(spelling)
        except InvalidField as refused:
            said = everything_said_about(refused)
            assert spelling not in said and digits not in said


@pytest.mark.parametrize(
    "email",
    [
        "siti.rahmawati@@example.com",
        "siti.rahmawati@example",
        "siti rahmawati@example.com",
        "siti.rahmawati@mail.invalid",
    ],
)
def test_a_refused_email_address_is_not_repeated(email: str) -> None:
    assert_refused_silently(lambda: normalize_email(email), email, "siti.rahmawati", "rahmawati")


def test_a_refused_requester_repeats_none_of_its_data() -> None:
    raw = RequesterInput(
        type=RequesterType.INDIVIDUAL,
        name="Siti Rahmawati",
        address="Jl. Raya Serang No. 5",
        nik="3603129906900001",
        phone="0899 9999 99999 9",
        email="siti.rahmawati@@example.com",
    )
    assert_refused_silently(
        lambda: validate_requester(raw, today=TODAY),
        raw.nik or "",
        "089999999999999",
        "siti.rahmawati",
        "Rahmawati",
        "Raya Serang",
    )


def test_a_refused_token_repeats_neither_the_plaintext_nor_the_token() -> None:
    cipher = PersonalDataCipher(bytes(32))
    token = cipher.encrypt("nik", "3603124506900001")
    assert_refused_silently(lambda: cipher.decrypt("phone", token), "3603124506900001", token.split(":")[2])
    altered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    assert_refused_silently(lambda: cipher.decrypt("nik", altered), "3603124506900001", altered.split(":")[2])
