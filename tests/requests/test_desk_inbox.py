"""An officer's inbox: their OPD's requests and objections, oldest due first, in pages, nothing personal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from gateway.identity.errors import InvalidInput
from gateway.kip.vocabulary import RequestKind, RequestState
from gateway.ledger import Ledger
from gateway.officers import Forbidden
from gateway.requests import InboxPage, OfficerDesk, RequestService, ResponseOutcome

from .conftest import ADDRESS, EMAIL, NAME, NIK, NOW, PHONE_E164, Clock, submission
from .officers import PPID_DINKES, UTAMA, file_objection
from .test_status import everything_in


def numbers(page: InboxPage) -> list[str]:
    return [edge.item.registration_number for edge in page.edges]


async def fill(service: RequestService, clock: Clock) -> None:
    """Dinkes 1 (due 30 March), Dindikbud 1 (30 March), Dinkes 2 (31 March), Dinkes 3 (1 April)."""
    await service.submit_information_request(submission())
    await service.submit_information_request(submission(opd="dindikbud"))
    clock.now = NOW + timedelta(days=3)  # Monday 16 March
    await service.submit_information_request(submission())
    clock.now = NOW + timedelta(days=4)
    await service.submit_information_request(submission(form_details="Data stunting per kecamatan"))


async def test_the_inbox_lists_the_officers_opd_oldest_due_first_in_pages(
    service: RequestService, desk: OfficerDesk, clock: Clock
) -> None:
    await fill(service, clock)
    first = await desk.inbox(PPID_DINKES, first=2)
    assert numbers(first) == ["PI/2026/DINKES/000001", "PI/2026/DINKES/000002"]
    assert (first.total_count, first.has_next_page) == (3, True)
    assert [edge.item.due_date for edge in first.edges] == [date(2026, 3, 30), date(2026, 3, 31)]
    rest = await desk.inbox(PPID_DINKES, first=2, after=first.end_cursor)
    assert numbers(rest) == ["PI/2026/DINKES/000003"]
    assert (rest.total_count, rest.has_next_page) == (3, False)
    assert rest.edges[0].item.details == "Data stunting per kecamatan"
    shown = everything_in(first) + everything_in(rest)
    for plaintext in (NAME, NIK, ADDRESS, EMAIL, PHONE_E164):
        assert plaintext not in shown


async def test_an_extension_moves_a_request_down_and_an_answer_takes_it_out(
    service: RequestService, desk: OfficerDesk, clock: Clock
) -> None:
    await fill(service, clock)
    await desk.extend_request_deadline(PPID_DINKES, "PI/2026/DINKES/000001", "Data di 8 puskesmas.")
    await desk.respond_to_request(PPID_DINKES, "PI/2026/DINKES/000002", ResponseOutcome.GRANTED)
    page = await desk.inbox(PPID_DINKES)
    assert numbers(page) == ["PI/2026/DINKES/000003", "PI/2026/DINKES/000001"]
    assert [edge.item.extended for edge in page.edges] == [False, True]
    assert page.edges[1].item.state is RequestState.EXTENDED
    answered = await desk.inbox(PPID_DINKES, states=[RequestState.GRANTED])
    assert numbers(answered) == ["PI/2026/DINKES/000002"]


async def test_overdue_only_keeps_the_open_requests_past_their_due_date(
    service: RequestService, desk: OfficerDesk, clock: Clock
) -> None:
    await fill(service, clock)
    clock.now = NOW + timedelta(days=18)  # Tuesday 31 March: the 30 March ones are late
    page = await desk.inbox(UTAMA, overdue_only=True)
    assert numbers(page) == ["PI/2026/DINKES/000001", "PI/2026/DINDIKBUD/000001"]
    assert all(edge.item.overdue for edge in page.edges)
    every = await desk.inbox(UTAMA)
    assert [edge.item.overdue for edge in every.edges] == [True, True, False, False]


async def test_ppid_utama_sees_every_opd_or_one_and_others_only_their_own(
    service: RequestService, desk: OfficerDesk, clock: Clock
) -> None:
    await fill(service, clock)
    everything = await desk.inbox(UTAMA)
    assert everything.total_count == 4
    assert {edge.item.opd_slug for edge in everything.edges} == {"dinkes", "dindikbud"}
    one = await desk.inbox(UTAMA, opd="dindikbud")
    assert numbers(one) == ["PI/2026/DINDIKBUD/000001"]
    own = await desk.inbox(PPID_DINKES, opd="dinkes")
    assert own.total_count == 3
    with pytest.raises(Forbidden, match="your key is for dinkes"):
        await desk.inbox(PPID_DINKES, opd="dindikbud")
    with pytest.raises(InvalidInput) as raised:
        await desk.inbox(UTAMA, opd="nowhere")
    assert [problem.path for problem in raised.value.fields] == ["opd"]


async def test_objections_are_listed_with_the_request_they_object_to(
    service: RequestService, desk: OfficerDesk, ledger: Ledger, clock: Clock
) -> None:
    await fill(service, clock)
    objection = await file_objection(ledger, "PI/2026/DINKES/000002")
    page = await desk.inbox(PPID_DINKES, kind=RequestKind.OBJECTION)
    assert numbers(page) == [objection]
    item = page.edges[0].item
    assert (item.kind, item.parent_registration_number, item.details) == (
        RequestKind.OBJECTION,
        "PI/2026/DINKES/000002",
        None,
    )
    requests_only = await desk.inbox(PPID_DINKES, kind=RequestKind.INFORMATION)
    assert objection not in numbers(requests_only) and requests_only.total_count == 3


async def test_a_cursor_works_only_with_the_filter_it_was_made_for(
    service: RequestService, desk: OfficerDesk, clock: Clock
) -> None:
    await fill(service, clock)
    page = await desk.inbox(UTAMA, first=1)
    assert page.end_cursor is not None
    for bad in (
        {"after": page.end_cursor, "opd": "dinkes"},
        {"after": "v1.bm90IGpzb24"},
        {"after": "garbage"},
    ):
        with pytest.raises(InvalidInput) as raised:
            await desk.inbox(UTAMA, first=1, **bad)
        assert [problem.path for problem in raised.value.fields] == ["after"]
    with pytest.raises(InvalidInput) as raised:
        await desk.inbox(UTAMA, first=0)
    assert [problem.path for problem in raised.value.fields] == ["first"]


async def test_paging_visits_every_item_once_while_earlier_ones_are_answered(
    service: RequestService, desk: OfficerDesk, clock: Clock
) -> None:
    await fill(service, clock)
    seen: list[str] = []
    page = await desk.inbox(UTAMA, first=1)
    while True:
        seen += numbers(page)
        # answering what was seen changes the inbox before the cursor, never after it
        await desk.respond_to_request(UTAMA, numbers(page)[0], ResponseOutcome.GRANTED)
        if not page.has_next_page:
            break
        page = await desk.inbox(UTAMA, first=1, after=page.end_cursor)
    assert seen == [
        "PI/2026/DINKES/000001",
        "PI/2026/DINDIKBUD/000001",
        "PI/2026/DINKES/000002",
        "PI/2026/DINKES/000003",
    ]
