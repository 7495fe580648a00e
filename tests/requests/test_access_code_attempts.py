"""Wrong access codes are rate limited per registration number (DOMAIN.md, Cek Status)."""

from __future__ import annotations

import asyncio
import logging
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

import limits.aio.storage.memory
import pytest
import redis

from gateway.config import ConfigError, parse_config
from gateway.kip.errors import RuleViolation
from gateway.requests import AccessCodeGuard, RateLimited, RequestService
from gateway.requests.access_codes import hash_access_code
from gateway.requests.attempts import DEFAULT_KEY_PREFIX
from tests.conftest import TestRedis

from .conftest import submission

NUMBER = "PI/2026/DINKES/000001"
OTHER = "PI/2026/DINKES/000002"
CODE = "ABCDEFGHJK"
WRONG = "ZZZZZZZZZZ"
WINDOW_S = 15 * 60
OPDS = (
    "ppid_utama: a\n"
    "opds: [{slug: a, name: A, short_name: A, connector: {kind: rest, base_url: 'https://a.example.go.id'}}]\n"
)


class LimitsClock:
    """Stands in for the ``time`` module of limits' memory storage, so a test can move the window."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 13, 3, 0, tzinfo=UTC).timestamp()

    def time(self) -> float:
        return self.now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def limits_clock(monkeypatch: pytest.MonkeyPatch) -> LimitsClock:
    clock = LimitsClock()
    monkeypatch.setattr(limits.aio.storage.memory, "time", clock)
    return clock


@pytest.fixture(scope="module")
def code_hash() -> str:
    return asyncio.run(hash_access_code(CODE))


@pytest.fixture
async def guard(limits_clock: LimitsClock) -> AsyncIterator[AccessCodeGuard]:
    guard = AccessCodeGuard("5/15 minutes", clock=limits_clock)
    yield guard
    await guard.aclose()


async def wrong_codes(guard: AccessCodeGuard, code_hash: str, count: int, number: str = NUMBER) -> None:
    for _ in range(count):
        with pytest.raises(RuleViolation) as refused:
            await guard.check(number, WRONG, code_hash)
        assert refused.value.key == "WRONG_ACCESS_CODE"


def stored_keys(url: str, pattern: str) -> list[bytes]:
    client = redis.Redis.from_url(url)
    try:
        return list(client.scan_iter(match=pattern))
    finally:
        client.close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# -- the policy, in memory


async def test_the_sixth_attempt_after_five_wrong_codes_is_refused_even_with_the_right_code(
    guard: AccessCodeGuard, code_hash: str, limits_clock: LimitsClock
) -> None:
    await wrong_codes(guard, code_hash, 5)

    with pytest.raises(RateLimited) as limited:
        await guard.check(NUMBER, CODE, code_hash)

    assert limited.value.retry_after_s == WINDOW_S
    assert limited.value.until.timestamp() == limits_clock.now + WINDOW_S
    with pytest.raises(RateLimited):  # a wrong code gets the very same answer: no hint either way
        await guard.check(NUMBER, WRONG, code_hash)


async def test_the_refusal_says_when_to_try_again_in_english_and_indonesian(
    guard: AccessCodeGuard, code_hash: str
) -> None:
    await wrong_codes(guard, code_hash, 5)
    with pytest.raises(RateLimited) as limited:
        await guard.check(NUMBER, CODE, code_hash)

    extensions = limited.value.extensions
    assert extensions["code"] == "RATE_LIMITED"
    assert extensions["retryAfterSeconds"] == WINDOW_S
    # 03:00 UTC is 10:00 WIB; the window ends 15 minutes later
    assert "until 10:15 WIB (in about 15 minutes)" in str(extensions["message_en"])
    assert "sampai pukul 10.15 WIB (sekitar 15 menit lagi)" in str(extensions["message_id"])
    assert CODE not in str(extensions) and NUMBER not in str(extensions)


async def test_four_wrong_codes_leave_the_right_one_working_and_it_does_not_reset_the_count(
    guard: AccessCodeGuard, code_hash: str
) -> None:
    await wrong_codes(guard, code_hash, 4)
    await guard.check(NUMBER, CODE, code_hash)
    await guard.check(NUMBER, CODE.lower(), code_hash)  # right codes are never counted

    await wrong_codes(guard, code_hash, 1)
    with pytest.raises(RateLimited):
        await guard.check(NUMBER, CODE, code_hash)


async def test_counts_are_kept_per_registration_number(guard: AccessCodeGuard, code_hash: str) -> None:
    await wrong_codes(guard, code_hash, 5)
    await guard.check(OTHER, CODE, code_hash)
    await wrong_codes(guard, code_hash, 4, number=OTHER)


async def test_wrong_codes_leave_the_window_one_by_one(
    guard: AccessCodeGuard, code_hash: str, limits_clock: LimitsClock
) -> None:
    start = limits_clock.now
    await wrong_codes(guard, code_hash, 4)
    limits_clock.now = start + 600
    await wrong_codes(guard, code_hash, 1)  # the fifth, ten minutes after the first four

    limits_clock.now = start + WINDOW_S - 1
    with pytest.raises(RateLimited) as limited:
        await guard.check(NUMBER, CODE, code_hash)
    assert limited.value.retry_after_s == 1

    limits_clock.now = start + WINDOW_S + 1  # the first four have left the window: four attempts again
    await guard.check(NUMBER, CODE, code_hash)
    await wrong_codes(guard, code_hash, 4)
    with pytest.raises(RateLimited) as again:
        await guard.check(NUMBER, CODE, code_hash)
    # now the oldest wrong code in the window is the one made at +600
    assert again.value.retry_after_s == 600 + WINDOW_S - (WINDOW_S + 1)


async def test_concurrent_guesses_take_turns_so_none_escapes_the_count(
    guard: AccessCodeGuard, code_hash: str
) -> None:
    outcomes = await asyncio.gather(
        *(guard.check(NUMBER, WRONG, code_hash) for _ in range(12)), return_exceptions=True
    )

    wrong = [o for o in outcomes if isinstance(o, RuleViolation)]
    limited = [o for o in outcomes if isinstance(o, RateLimited)]
    assert (len(wrong), len(limited)) == (5, 7)


async def test_an_operator_can_clear_a_numbers_count(guard: AccessCodeGuard, code_hash: str) -> None:
    await wrong_codes(guard, code_hash, 5)
    await guard.clear(NUMBER)
    await guard.check(NUMBER, CODE, code_hash)


# -- through the request service


async def test_status_and_cancel_share_one_count_and_the_public_status_stays_open(
    make_service: Callable[..., RequestService],
) -> None:
    service = make_service(access_code_guard=AccessCodeGuard("3/15 minutes"))
    receipt = await service.submit_information_request(submission())
    number = receipt.registration_number

    for attempt in (service.request_status, service.cancel_request, service.request_status):
        with pytest.raises(RuleViolation) as wrong:
            await attempt(number, WRONG)
        assert wrong.value.key == "WRONG_ACCESS_CODE"
    with pytest.raises(RateLimited):
        await service.request_status(number, receipt.access_code)
    with pytest.raises(RateLimited):
        await service.cancel_request(number, receipt.access_code)

    public = await service.request_status(number)  # no code, nothing to guess: never limited
    assert public is not None and public.registration_number == number


async def test_the_service_limits_wrong_codes_by_default_as_configured(service: RequestService) -> None:
    receipt = await service.submit_information_request(submission())
    for _ in range(5):
        with pytest.raises(RuleViolation):
            await service.request_status(receipt.registration_number, WRONG)
    with pytest.raises(RateLimited):
        await service.request_status(receipt.registration_number, receipt.access_code)


# -- the storage


async def test_a_counter_that_does_not_answer_fails_open_with_one_warning(
    code_hash: str, caplog: pytest.LogCaptureFixture
) -> None:
    guard = AccessCodeGuard("2/15 minutes", storage_url=f"redis://127.0.0.1:{closed_port()}/0", timeout_s=0.5)
    try:
        with caplog.at_level(logging.WARNING, logger="gateway.requests.attempts"):
            await wrong_codes(guard, code_hash, 4)  # past the limit, yet still told "wrong", not "limited"
            await guard.check(NUMBER, CODE, code_hash)  # and the citizen gets in
    finally:
        await guard.aclose()

    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "attempt counter is unavailable (ConnectionError)" in warnings[0]
    assert "without a limit" in warnings[0]
    assert CODE not in caplog.text and WRONG not in caplog.text


async def test_replicas_sharing_redis_share_the_count(test_redis: TestRedis, code_hash: str) -> None:
    number = NUMBER  # the run's own key prefix keeps it apart from other runs
    first, second = (
        AccessCodeGuard("5/15 minutes", storage_url=test_redis.url, key_prefix=test_redis.key_prefix)
        for _ in range(2)
    )
    try:
        await wrong_codes(first, code_hash, 3, number=number)
        await wrong_codes(second, code_hash, 2, number=number)
        for replica in (first, second):
            with pytest.raises(RateLimited) as limited:
                await replica.check(number, CODE, code_hash)
            assert 0 < limited.value.retry_after_s <= WINDOW_S
        assert stored_keys(test_redis.url, f"{test_redis.key_prefix}:*{number}*")
        await first.clear(number)
        await second.check(number, CODE, code_hash)
    finally:
        await first.aclose()
        await second.aclose()


async def test_a_config_with_a_redis_cache_counts_wrong_codes_in_redis(
    test_redis: TestRedis, code_hash: str
) -> None:
    config = parse_config(
        f"{OPDS}cache: {{url: '{test_redis.url}'}}\nrequests: {{access_code_attempts: 1/15 minutes}}\n"
    )
    number = f"PI/2026/TEST/{secrets.randbelow(10**6):06d}"  # the default key prefix is shared: be unique
    guard = AccessCodeGuard.from_config(config)
    try:
        await wrong_codes(guard, code_hash, 1, number=number)
        assert stored_keys(test_redis.url, f"{DEFAULT_KEY_PREFIX}:*{number}*")
        with pytest.raises(RateLimited):
            await guard.check(number, CODE, code_hash)
    finally:
        await guard.clear(number)
        await guard.aclose()


# -- the config


def test_the_limit_is_configured_in_limits_notation() -> None:
    opds = OPDS
    config = parse_config(opds)
    assert config.requests.access_code_attempts == "5/15 minutes"
    assert config.requests.attempts_timeout_s == 1.0
    assert AccessCodeGuard.from_config(config).limit.amount == 5

    tuned = parse_config(opds + "requests: {access_code_attempts: 10 per hour}\n")
    assert AccessCodeGuard.from_config(tuned).limit.get_expiry() == 3600

    for bad in ("five a minute", "5/15 fortnights", "0/minute", "5/minute; 10/hour"):
        with pytest.raises(ConfigError) as refused:
            parse_config(opds + f"requests: {{access_code_attempts: '{bad}'}}\n")
        [problem] = refused.value.problems
        assert problem.key == "requests.access_code_attempts"
        assert "'5/15 minutes'" in problem.message
