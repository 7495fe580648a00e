"""Dropping cached data: PPID Utama's ``invalidateCache`` and an OPD's signed webhook."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from .conftest import DOCUMENTS, SECRET, Gateway, catalog, officer, signed

INVALIDATE = "mutation Drop($opd: ID) { invalidateCache(opd: $opd) }"
BODY = b'{"changed": "documents"}'


async def warm(gateway: Gateway) -> None:
    """Two cached answers: the portal's page over POST and over GET."""
    await gateway.post(DOCUMENTS)
    assert (await gateway.post(DOCUMENTS)).headers["x-cache"] == "HIT"
    await gateway.client.get("/graphql", params={"query": DOCUMENTS})


async def hook(
    gateway: Gateway, slug: str, headers: dict[str, str], body: bytes = BODY
) -> tuple[int, dict[str, object]]:
    answer = await gateway.client.post(f"/hooks/opd/{slug}", content=body, headers=headers)
    return answer.status_code, answer.json()


# -- invalidateCache ---------------------------------------------------------------------


async def test_invalidate_cache_needs_an_officer_key(gateway: Gateway) -> None:
    answer = (await gateway.post(INVALIDATE, opd="dinkes")).json()

    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_invalidate_cache_is_for_ppid_utama_only(gateway: Gateway) -> None:
    await warm(gateway)
    answer = (await gateway.post(INVALIDATE, headers=officer("dinkes-ppid"), opd="dinkes")).json()

    [error] = answer["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "only PPID Utama" in error["message"]
    assert (await gateway.post(DOCUMENTS)).headers["x-cache"] == "HIT"  # nothing was dropped


async def test_ppid_utama_drops_an_opds_data_and_every_whole_answer(gateway: Gateway, tmp_path: Path) -> None:
    await warm(gateway)
    (tmp_path / "dinkes.yaml").write_text(yaml.safe_dump(catalog("dinkes", 5)), encoding="utf-8")

    answer = (await gateway.post(INVALIDATE, headers=officer("ppid-utama"), opd="dinkes")).json()

    assert "errors" not in answer
    dropped = answer["data"]["invalidateCache"]
    assert dropped >= 2  # at least the two whole answers (raw and normalized keys share one answer each)
    fresh = await gateway.post(DOCUMENTS)
    assert fresh.headers["x-cache"] == "MISS"
    assert fresh.json()["data"]["documents"]["totalCount"] == 9


async def test_invalidate_cache_without_an_opd_drops_everything_and_counts_what_it_dropped(
    gateway: Gateway,
) -> None:
    await warm(gateway)
    first = (await gateway.post(INVALIDATE, headers=officer("ppid-utama"))).json()
    second = (await gateway.post(INVALIDATE, headers=officer("ppid-utama"))).json()

    assert first["data"]["invalidateCache"] >= 2
    assert second["data"]["invalidateCache"] == 0
    assert (await gateway.post(DOCUMENTS)).headers["x-cache"] == "MISS"


async def test_invalidate_cache_names_an_unknown_opd(gateway: Gateway) -> None:
    answer = (await gateway.post(INVALIDATE, headers=officer("ppid-utama"), opd="dinks")).json()

    [error] = answer["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "did you mean dinkes" in error["message"]


# -- the webhook -------------------------------------------------------------------------


async def test_a_signed_webhook_drops_the_opds_cached_data(gateway: Gateway, tmp_path: Path) -> None:
    await warm(gateway)
    (tmp_path / "dinkes.yaml").write_text(yaml.safe_dump(catalog("dinkes", 4)), encoding="utf-8")

    status, body = await hook(gateway, "dinkes", signed(BODY))

    assert status == 200
    assert isinstance(body["invalidated"], int) and body["invalidated"] >= 2
    fresh = await gateway.post(DOCUMENTS)
    assert fresh.headers["x-cache"] == "MISS"
    assert fresh.json()["data"]["documents"]["totalCount"] == 8


async def test_a_webhook_with_a_wrong_signature_is_refused_and_drops_nothing(gateway: Gateway) -> None:
    await warm(gateway)
    wrong_secret = signed(BODY, secret="not-" + SECRET)
    other_body = signed(b"{}")

    for headers in (wrong_secret, other_body):
        status, body = await hook(gateway, "dinkes", headers)
        assert status == 401
        assert "signature does not match" in str(body["error"])
    assert (await gateway.post(DOCUMENTS)).headers["x-cache"] == "HIT"


@pytest.mark.parametrize(
    ("headers", "says"),
    [
        ({}, "X-PPID-Timestamp header is missing"),
        ({"X-PPID-Timestamp": str(int(time.time()))}, "X-PPID-Signature header is missing"),
        ({"X-PPID-Timestamp": "yesterday", "X-PPID-Signature": "sha256=00"}, "unix seconds"),
        ({"X-PPID-Timestamp": str(int(time.time())), "X-PPID-Signature": "md5=abc"}, "64 hex digits"),
    ],
)
async def test_a_webhook_without_a_proper_signature_is_refused(
    gateway: Gateway, headers: dict[str, str], says: str
) -> None:
    status, body = await hook(gateway, "dinkes", headers)

    assert status == 401
    assert says in str(body["error"])


async def test_a_webhook_signed_too_long_ago_is_refused_with_the_clock_difference(gateway: Gateway) -> None:
    status, body = await hook(gateway, "dinkes", signed(BODY, at=time.time() - 3600))
    ahead_status, ahead = await hook(gateway, "dinkes", signed(BODY, at=time.time() + 900))

    assert status == ahead_status == 401
    assert "s behind the gateway's clock" in str(body["error"])
    assert "within 300 s" in str(body["error"])
    assert "s ahead of the gateway's clock" in str(ahead["error"])


async def test_a_webhook_call_is_acted_on_once(gateway: Gateway) -> None:
    headers = signed(BODY)
    first, _ = await hook(gateway, "dinkes", headers)
    replayed, body = await hook(gateway, "dinkes", headers)

    assert first == 200
    assert replayed == 409
    assert "already acted on" in str(body["error"])


async def test_a_webhook_for_an_unknown_opd_is_not_found(gateway: Gateway) -> None:
    status, body = await hook(gateway, "nowhere", signed(BODY))

    assert status == 404
    assert "no OPD has the slug 'nowhere'" in str(body["error"])


@pytest.mark.parametrize("slug", ["diskominfo", "dpk"])
async def test_a_webhook_of_an_opd_without_a_secret_is_off(gateway: Gateway, slug: str) -> None:
    # diskominfo names no secret variable; dpk names one that is not set
    status, body = await hook(gateway, slug, signed(BODY))

    assert status == 403
    assert "no webhook secret configured" in str(body["error"])


async def test_the_webhook_never_logs_its_secret_or_signature(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    good = signed(BODY)
    bad = signed(BODY, secret="not-" + SECRET)
    with caplog.at_level("DEBUG"):
        await hook(gateway, "dinkes", good)
        await hook(gateway, "dinkes", bad)

    assert "refused (401)" in caplog.text
    assert "invalidated for dinkes by webhook" in caplog.text
    for secret in (SECRET, good["X-PPID-Signature"], bad["X-PPID-Signature"]):
        assert secret not in caplog.text
        assert secret.removeprefix("sha256=") not in caplog.text


async def test_a_webhook_body_larger_than_the_limit_is_refused(gateway: Gateway) -> None:
    body = b"x" * (64 * 1024 + 1)
    status, answer = await hook(gateway, "dinkes", signed(body), body)

    assert status == 413
    assert "larger than" in str(answer["error"])
