"""Phones normalised to E.164, e-mail checked for syntax offline, and both masked for display."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.identity.contact import mask_address, mask_email, mask_phone, normalize_email, normalize_phone
from gateway.identity.errors import InvalidField


@pytest.mark.parametrize(
    "text",
    [
        "081234567890",
        "+6281234567890",
        "6281234567890",
        "0812-3456-7890",
        "+62 812 3456 7890",
        "(0812) 3456.7890",
    ],
)
def test_indonesian_mobiles_written_any_usual_way_are_one_e164_number(text: str) -> None:
    assert normalize_phone(text) == "+6281234567890"


def test_landlines_and_numbers_abroad_are_accepted() -> None:
    assert normalize_phone("(021) 555-1234") == "+62215551234"
    assert normalize_phone("0254 200123") == "+62254200123"  # Serang
    assert normalize_phone("+1 650 253 0000") == "+16502530000"


@pytest.mark.parametrize(
    "text", ["", "   ", "0812", "12345", "08123456789012345678", "0812-abc-7890", "+62", "628"]
)
def test_an_impossible_phone_number_is_refused(text: str) -> None:
    with pytest.raises(InvalidField) as refused:
        normalize_phone(text, field="requester.phone")
    assert refused.value.field == "requester.phone"
    assert "0812 3456 7890" in refused.value.message_en
    assert "nomor telepon" in refused.value.message_id


# phonenumbers loads each region's data on first use: a slow first example is not a failure
@settings(deadline=None)
@given(
    st.sampled_from(["811", "812", "813", "821", "822", "852", "857", "878", "896"]),
    st.text("0123456789", min_size=7, max_size=8),
)
def test_the_three_spellings_of_a_mobile_agree(prefix: str, rest: str) -> None:
    national = f"0{prefix}{rest}"
    e164 = normalize_phone(national)
    assert e164 == f"+62{prefix}{rest}"
    assert normalize_phone(e164) == e164
    assert normalize_phone(e164[1:]) == e164


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("budi@example.com", "budi@example.com"),
        ("  Budi.Santoso@Example.COM ", "Budi.Santoso@example.com"),
        ("ppid@dinkes.bantenprov.go.id", "ppid@dinkes.bantenprov.go.id"),
    ],
)
def test_an_email_address_is_normalised(text: str, normalized: str) -> None:
    assert normalize_email(text) == normalized


@pytest.mark.parametrize(
    "text", ["", "budi", "budi@", "@example.com", "budi@@example.com", "budi@localhost", "a b@c.id"]
)
def test_an_invalid_email_address_is_refused(text: str) -> None:
    with pytest.raises(InvalidField) as refused:
        normalize_email(text)
    assert refused.value.field == "email"
    assert refused.value.message_id == "Isi alamat e-mail yang valid, misalnya nama@contoh.id."


def test_masks() -> None:
    assert mask_phone("+6281234567789") == "+62812****789"
    assert mask_phone("+62215551234") == "+62215****234"
    assert mask_phone("not a phone") == "****"
    assert mask_email("budi@example.com") == "b***@example.com"
    assert mask_email("nonsense") == "***"
    assert mask_address("Jl. Raya Serang No. 5, Cikupa") == "Jl.…"
    assert mask_address("Pandeglang") == "…"
    assert mask_address("") == "…"


# phonenumbers loads each region's data on first use: a slow first example is not a failure
@settings(deadline=None)
@given(st.text("0123456789", min_size=9, max_size=12))
def test_a_masked_phone_hides_the_middle_digits(national: str) -> None:
    masked = mask_phone(f"+62{national}")
    assert "****" in masked
    assert national not in masked
    assert sum(c.isdigit() for c in masked) <= 2 + 6


@given(st.emails())
def test_a_masked_email_shows_one_character_of_the_local_part(email: str) -> None:
    local, _, domain = email.rpartition("@")
    assert mask_email(email) == f"{local[0]}***@{domain}"
