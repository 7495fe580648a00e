"""Single-flight: one piece of work per key, shared by its callers, never cancelled by one of them."""

from __future__ import annotations

import asyncio

import pytest

from gateway.federation.flights import Flight, Flights


def aborted(flight: Flight[str]) -> str:
    return f"aborted {flight.key}"


async def test_callers_of_one_key_share_one_piece_of_work() -> None:
    flights: Flights[str] = Flights(aborted)
    runs = 0
    release = asyncio.Event()

    async def body(flight: Flight[str]) -> None:
        nonlocal runs
        runs += 1
        await release.wait()
        flight.land("answer")

    flight = flights.start("k", "bkd", body)
    assert flights.get("k") is flight and flights.get("other") is None
    waiters = [asyncio.ensure_future(flight.wait()) for _ in range(3)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*waiters) == ["answer"] * 3
    await flights.settle()
    assert runs == 1 and flights.get("k") is None and len(flights) == 0


async def test_a_waiter_that_is_cancelled_leaves_the_work_running_for_the_others() -> None:
    flights: Flights[str] = Flights(aborted)
    release = asyncio.Event()

    async def body(flight: Flight[str]) -> None:
        await release.wait()
        flight.land("answer")

    flight = flights.start("k", "bkd", body)
    impatient = asyncio.ensure_future(flight.wait())
    patient = asyncio.ensure_future(flight.wait())
    await asyncio.sleep(0)
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    release.set()
    assert await patient == "answer"


async def test_work_that_fails_fails_its_waiters_with_the_same_exception() -> None:
    flights: Flights[str] = Flights(aborted)

    async def body(flight: Flight[str]) -> None:
        raise ValueError("a bug")

    flight = flights.start("k", "bkd", body)
    with pytest.raises(ValueError, match="a bug"):
        await flight.wait()


async def test_closing_lands_every_flight_even_one_that_never_ran() -> None:
    flights: Flights[str] = Flights(aborted)

    async def body(flight: Flight[str]) -> None:
        await asyncio.Event().wait()

    flight = flights.start("k", "bkd", body)  # cancelled below before its task ever runs
    await flights.aclose()
    assert await flight.wait() == "aborted k"
    late = flights.start("k2", "bkd", body)
    assert await late.wait() == "aborted k2", "nothing starts once closed"
    assert len(flights) == 0


async def test_detached_flights_are_joinable_no_more_and_marked() -> None:
    flights: Flights[str] = Flights(aborted)
    release = asyncio.Event()

    async def body(flight: Flight[str]) -> None:
        await release.wait()
        flight.land("answer")

    bkd = flights.start("bkd-key", "bkd", body)
    dinkes = flights.start("dinkes-key", "dinkes", body)
    flights.detach("bkd")
    assert flights.get("bkd-key") is None and bkd.detached
    assert flights.get("dinkes-key") is dinkes and not dinkes.detached
    release.set()
    assert await bkd.wait() == "answer", "its waiters still get the answer"
    await flights.settle()
