"""Personal data at rest: AES-256-GCM per value and per field, keyed hashes, key rotation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.identity.crypto import (
    KEY_BYTES,
    DecryptionError,
    PersonalDataCipher,
    generate_master_key,
    load_master_key,
)

KEY = bytes(range(32))
OLD_KEY = bytes(range(100, 132))
CIPHER = PersonalDataCipher(KEY)
NIK = "3603124506900001"
TOKEN = re.compile(r"v1:[0-9a-f]{8}:[A-Za-z0-9_-]+")
fields = st.sampled_from(["nik", "address", "phone", "email", "requester.address"])


@given(fields, st.text())
def test_what_is_encrypted_decrypts_to_itself(field: str, plaintext: str) -> None:
    token = CIPHER.encrypt(field, plaintext)
    assert TOKEN.fullmatch(token)
    assert CIPHER.decrypt(field, token) == plaintext


def test_a_token_is_versioned_keyed_and_reveals_nothing() -> None:
    token = CIPHER.encrypt("nik", NIK)
    version, key_id, payload = token.split(":")
    assert (version, key_id) == ("v1", CIPHER.key_id)
    sealed = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert len(sealed) == 12 + len(NIK) + 16  # nonce, ciphertext, tag
    assert NIK not in token and NIK.encode() not in sealed


def test_each_encryption_uses_a_fresh_nonce() -> None:
    tokens = {CIPHER.encrypt("nik", NIK) for _ in range(50)}
    assert len(tokens) == 50
    assert len({token.split(":")[2][:16] for token in tokens}) == 50


def test_a_ciphertext_cannot_be_moved_to_another_field() -> None:
    token = CIPHER.encrypt("nik", NIK)
    with pytest.raises(DecryptionError, match="integrity check"):
        CIPHER.decrypt("address", token)


@given(st.text(min_size=1), st.data())
def test_any_change_to_the_sealed_bytes_is_detected(plaintext: str, data: st.DataObject) -> None:
    token = CIPHER.encrypt("nik", plaintext)
    prefix, payload = token.rsplit(":", 1)
    sealed = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    index = data.draw(st.integers(0, len(sealed) - 1))
    sealed[index] ^= data.draw(st.integers(1, 255))
    altered = f"{prefix}:{base64.urlsafe_b64encode(bytes(sealed)).decode().rstrip('=')}"
    with pytest.raises(DecryptionError):
        CIPHER.decrypt("nik", altered)


@given(st.data())
def test_any_change_to_a_character_of_the_token_is_detected(data: st.DataObject) -> None:
    token = CIPHER.encrypt("phone", "+6281234567890")
    index = data.draw(st.integers(0, len(token) - 1))
    replacement = data.draw(st.characters(codec="ascii").filter(lambda c: c != token[index]))
    with pytest.raises(DecryptionError):
        CIPHER.decrypt("phone", token[:index] + replacement + token[index + 1 :])


@pytest.mark.parametrize(
    "token", ["", "v1", "v2:00000000:AAAA", "v1:zz:AAAA", "v1::AAAA", "plain text", "v1:a:b:c"]
)
def test_a_malformed_token_is_refused(token: str) -> None:
    with pytest.raises(DecryptionError):
        CIPHER.decrypt("nik", token)


def test_a_truncated_token_is_refused() -> None:
    token = CIPHER.encrypt("nik", NIK)
    version, key_id, payload = token.split(":")
    with pytest.raises(DecryptionError, match="too short"):
        CIPHER.decrypt("nik", f"{version}:{key_id}:{payload[:20]}")


def test_a_token_of_another_key_is_refused_naming_its_key_id() -> None:
    other = PersonalDataCipher(OLD_KEY)
    with pytest.raises(DecryptionError, match=other.key_id):
        CIPHER.decrypt("nik", other.encrypt("nik", NIK))


def test_after_a_rotation_old_tokens_still_decrypt_and_are_flagged_for_reencryption() -> None:
    old = PersonalDataCipher(OLD_KEY)
    rotated = PersonalDataCipher(KEY, old_keys=[OLD_KEY])
    old_token = old.encrypt("address", "Jl. Raya Serang No. 5")
    assert rotated.decrypt("address", old_token) == "Jl. Raya Serang No. 5"
    assert rotated.needs_reencryption(old_token)
    new_token = rotated.encrypt("address", "Jl. Raya Serang No. 5")
    assert new_token.split(":")[1] == CIPHER.key_id
    assert not rotated.needs_reencryption(new_token)
    assert CIPHER.decrypt("address", new_token) == "Jl. Raya Serang No. 5"


def test_keyed_hashes_are_stable_per_field_and_key() -> None:
    first = CIPHER.keyed_hash("nik", NIK)
    assert first == PersonalDataCipher(KEY).keyed_hash("nik", NIK)
    assert re.fullmatch(r"[0-9a-f]{8}:[0-9a-f]{64}", first)
    assert first != CIPHER.keyed_hash("phone", NIK)
    assert first != CIPHER.keyed_hash("nik", "3603124506900002")
    assert first != PersonalDataCipher(OLD_KEY).keyed_hash("nik", NIK)
    assert NIK not in first


def test_look_ups_during_a_rotation_try_every_key_current_first() -> None:
    rotated = PersonalDataCipher(KEY, old_keys=[OLD_KEY, KEY])
    assert rotated.keyed_hashes("nik", NIK) == (
        CIPHER.keyed_hash("nik", NIK),
        PersonalDataCipher(OLD_KEY).keyed_hash("nik", NIK),
    )


def test_the_hashing_key_is_not_the_encryption_key() -> None:
    # a hash made with the master key's bytes would let one leaked key serve both purposes
    digest = CIPHER.keyed_hash("nik", NIK).split(":")[1]
    assert digest != hmac.new(KEY, b"nik\0" + NIK.encode(), hashlib.sha256).hexdigest()


def test_a_field_name_must_be_a_name() -> None:
    with pytest.raises(ValueError, match="field name"):
        CIPHER.encrypt("", NIK)
    with pytest.raises(ValueError, match="field name"):
        CIPHER.keyed_hash("ni\0k", NIK)


def test_generated_master_keys_load_and_differ() -> None:
    first, second = generate_master_key(), generate_master_key()
    assert first != second
    assert len(load_master_key(first)) == KEY_BYTES
    assert PersonalDataCipher.from_base64(first).key_id == PersonalDataCipher(load_master_key(first)).key_id


def test_a_master_key_loads_from_standard_or_url_safe_base64_padded_or_not() -> None:
    for text in (
        base64.b64encode(KEY).decode(),
        base64.urlsafe_b64encode(KEY).decode(),
        base64.urlsafe_b64encode(KEY).decode().rstrip("="),
        " " + base64.b64encode(KEY).decode() + "\n",
    ):
        assert load_master_key(text) == KEY


@pytest.mark.parametrize(
    "text", ["", "not base64!", base64.b64encode(b"short").decode(), base64.b64encode(bytes(33)).decode()]
)
def test_a_bad_master_key_is_refused_without_quoting_it(text: str) -> None:
    with pytest.raises(ValueError, match="master key") as refused:
        load_master_key(text)
    if text:
        assert text not in str(refused.value)


def test_a_key_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        PersonalDataCipher(bytes(16))


def test_a_cipher_s_repr_shows_no_key() -> None:
    text = repr(PersonalDataCipher(KEY, old_keys=[OLD_KEY]))
    assert text == f"PersonalDataCipher(key_id={CIPHER.key_id!r}, keys=2)"
