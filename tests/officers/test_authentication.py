"""Who is calling: an officer key in the headers is an officer, no key is a citizen, a bad key is refused."""

from __future__ import annotations

import hashlib

import pytest
from starlette.datastructures import Headers

from gateway.config import OfficerConfig
from gateway.kip.lifecycle import Actor
from gateway.kip.roles import OfficerRole
from gateway.ledger import ActorKind
from gateway.officers import (
    MAX_KEY_LENGTH,
    OfficerDirectory,
    Unauthenticated,
    authenticate,
    key_sha256,
    new_officer_key,
)

DINKES_KEY = new_officer_key()
UTAMA_KEY = new_officer_key()
DIRECTORY = OfficerDirectory(
    [
        OfficerConfig(
            id="dinkes-ppid",
            name="PPID Dinkes",
            role=OfficerRole.PPID,
            opd="dinkes",
            key_sha256=key_sha256(DINKES_KEY),
        ),
        OfficerConfig(
            id="ppid-utama", name="PPID Utama", role=OfficerRole.PPID_UTAMA, key_sha256=key_sha256(UTAMA_KEY)
        ),
    ]
)


def caller(**headers: str) -> object:
    return authenticate(Headers(headers={k.replace("_", "-"): v for k, v in headers.items()}), DIRECTORY)


def test_a_new_key_is_long_random_and_its_digest_is_plain_sha256() -> None:
    assert len(DINKES_KEY) == 43 and DINKES_KEY != UTAMA_KEY
    assert key_sha256(DINKES_KEY) == hashlib.sha256(DINKES_KEY.encode()).hexdigest()


def test_a_bearer_key_or_an_api_key_names_the_officer() -> None:
    officer = caller(Authorization=f"Bearer {DINKES_KEY}")
    assert officer == DIRECTORY.by_id("dinkes-ppid")
    assert caller(authorization=f"bearer   {DINKES_KEY} ") == officer
    assert caller(x_api_key=DINKES_KEY) == officer
    assert caller(Authorization=f"Bearer {DINKES_KEY}", x_api_key=DINKES_KEY) == officer
    utama = caller(x_api_key=UTAMA_KEY)
    assert utama is not None and utama == DIRECTORY.by_id("ppid-utama")


def test_no_key_is_a_citizen() -> None:
    assert caller() is None
    assert caller(content_type="application/json") is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer not-a-key-of-anyone"},
        {"x_api_key": DINKES_KEY[:-1]},
        {"Authorization": f"Basic {DINKES_KEY}"},
        {"Authorization": "Bearer "},
        {"x_api_key": "k" * (MAX_KEY_LENGTH + 1)},
        {"Authorization": f"Bearer {DINKES_KEY}", "x_api_key": UTAMA_KEY},
    ],
    ids=["unknown", "mistyped", "basic", "empty", "too-long", "two-keys"],
)
def test_a_key_that_is_not_valid_is_refused_without_quoting_it(headers: dict[str, str]) -> None:
    with pytest.raises(Unauthenticated) as raised:
        caller(**headers)
    error = raised.value
    assert error.extensions["code"] == "UNAUTHENTICATED"
    assert "Authorization: Bearer" in error.message and "Authorization: Bearer" in error.message_id
    for value in headers.values():
        secret = value.removeprefix("Bearer ").removeprefix("Basic ").strip()
        if secret:
            assert secret not in error.message and secret not in error.message_id


def test_an_officer_maps_to_the_lifecycles_actor_and_the_audits_actor_kind() -> None:
    ppid, utama = DIRECTORY.by_id("dinkes-ppid"), DIRECTORY.by_id("ppid-utama")
    assert ppid is not None and utama is not None
    assert (ppid.actor, ppid.actor_kind, ppid.covers("dinkes"), ppid.covers("dinsos")) == (
        Actor.OFFICER,
        ActorKind.OFFICER,
        True,
        False,
    )
    assert (utama.actor, utama.actor_kind) == (Actor.PPID_UTAMA, ActorKind.PPID_UTAMA)
    assert utama.covers("dinsos")
    assert DINKES_KEY not in repr(ppid) and key_sha256(DINKES_KEY) not in repr(ppid)
    assert len(DIRECTORY) == 2
