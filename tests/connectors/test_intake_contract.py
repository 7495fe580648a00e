"""The request-delivery part of the contract: submissions, receipts, states, the mock, the vocabulary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import connectors
from connectors import (
    WIB,
    Capability,
    Connector,
    ExemptionGround,
    MockCall,
    MockConnector,
    NotSupported,
    RequestKind,
    RequestState,
    SubmissionOperation,
    SubmissionRejected,
    UpstreamError,
    UpstreamReceipt,
    UpstreamRequestStatus,
    UpstreamTimeout,
)
from connectors.rest import RestConnector, RestSettings
from gateway.kip import vocabulary

from .conftest import OPD
from .submissions import REQUESTER, cancellation, information_request, objection

MakeRest = Callable[[dict[str, Any]], RestConnector]
INTAKE = frozenset({Capability.REQUEST_INTAKE, Capability.REQUEST_STATUS})


def test_the_gateway_vocabulary_is_the_contracts_very_classes() -> None:
    for name in vocabulary.__all__:
        assert getattr(vocabulary, name) is getattr(connectors, name), name
    assert vocabulary.RequestState.GRANTED is connectors.RequestState.GRANTED
    assert set(vocabulary.__all__) == set(connectors.vocabulary.__all__)


def test_every_vocabulary_member_is_documented() -> None:
    text = Path(connectors.vocabulary.__file__).read_text(encoding="utf-8")
    for name in connectors.vocabulary.__all__:
        for member in getattr(connectors.vocabulary, name):
            assert f'    {member.name} = "{member.value}"\n    """' in text, f"{name}.{member.name}"


async def test_the_mock_answers_intake_and_status_through_its_handler() -> None:
    receipts: dict[str, UpstreamReceipt] = {}

    def handler(call: MockCall) -> object:
        if call.operation == "submit_request":
            number = call.argument.registration_number
            if number in receipts:
                return receipts[number].model_copy(update={"duplicate": True})
            receipts[number] = UpstreamReceipt(reference=f"440/{len(receipts) + 1:04d}/DINKES/2026")
            return receipts[number]
        if call.operation == "request_status":
            return UpstreamRequestStatus(reference=call.argument, state=RequestState.IN_PROCESS)
        raise UpstreamTimeout("not this one")

    connector = MockConnector(handler, capabilities=INTAKE)
    submission = information_request()

    first = await connector.submit_request(submission)
    again = await connector.submit_request(submission)
    status = await connector.request_status(first.reference)

    assert (first.reference, first.duplicate) == ("440/0001/DINKES/2026", False)
    assert (again.reference, again.duplicate) == (first.reference, True)
    assert status.state is RequestState.IN_PROCESS
    assert [(c.operation, c.argument) for c in connector.calls] == [
        ("submit_request", submission),
        ("submit_request", submission),
        ("request_status", "440/0001/DINKES/2026"),
    ]
    assert connector.supports(Capability.REQUEST_INTAKE)
    assert not MockConnector(handler).supports(Capability.REQUEST_INTAKE)
    await connector.http.aclose()


async def test_a_connector_without_intake_says_it_is_not_supported(make_rest: MakeRest) -> None:
    class ReadOnly(Connector):
        kind = "read-only"
        Settings = RestSettings

    rest = make_rest({})
    bare = ReadOnly(OPD, rest.settings, rest.http)

    for connector in (rest, bare):
        assert not connector.supports(Capability.REQUEST_INTAKE)
        with pytest.raises(NotSupported):
            await connector.submit_request(information_request())
        with pytest.raises(NotSupported):
            await connector.request_status("440/0001/DINKES/2026")


def test_submission_rejected_is_permanent_and_not_an_upstream_failure() -> None:
    error = SubmissionRejected("NIK tidak valid", "requester.nik", status_code=422)

    assert error.field == "requester.nik"
    assert error.status_code == 422
    assert error.code == "SUBMISSION_REJECTED"
    assert "requester.nik" in str(error)
    assert not isinstance(error, UpstreamError)  # the OPD answered: not a reason to open its circuit
    assert SubmissionRejected("refused").field is None


def test_a_submission_is_checked_for_its_kind_and_operation() -> None:
    with pytest.raises(ValidationError, match="needs details, purpose"):
        information_request(details=None, purpose=None)
    with pytest.raises(ValidationError, match="needs reason"):
        objection(reason=None)
    with pytest.raises(ValidationError, match="needs requester"):
        information_request(requester=None)
    with pytest.raises(ValidationError, match="timezone"):
        information_request(received_at=dt.datetime(2026, 3, 2, 9, 30))
    with pytest.raises(ValidationError, match="cancel_reason belongs to a CANCEL"):
        information_request(cancel_reason="no longer needed")
    cancel = cancellation("440/0001/DINKES/2026")
    assert cancel.operation is SubmissionOperation.CANCEL
    assert cancel.requester is None and cancel.kind is RequestKind.INFORMATION


def test_the_repr_of_a_submission_leaves_personal_data_and_free_text_out() -> None:
    submission = information_request()
    text = repr(submission) + str(submission)

    for secret in (REQUESTER.name, REQUESTER.nik, REQUESTER.address, REQUESTER.phone, REQUESTER.email):
        assert secret is not None and secret not in text
    assert submission.details is not None and submission.details not in text
    assert "PI/2026/DINKES/000001" in text and "INDIVIDUAL" in text


def test_receipts_and_states_take_naive_upstream_times_as_wib() -> None:
    receipt = UpstreamReceipt(reference=" 440/0001/DINKES/2026 ", accepted_at=dt.datetime(2026, 3, 2, 9))
    status = UpstreamRequestStatus(
        reference="7",
        state=RequestState.REFUSED,
        updated_at=dt.datetime(2026, 3, 9, 14),
        refusal_ground=ExemptionGround.H,
    )

    assert receipt.reference == "440/0001/DINKES/2026"
    assert receipt.accepted_at == dt.datetime(2026, 3, 2, 9, tzinfo=WIB)
    assert status.updated_at is not None and status.updated_at.utcoffset() == dt.timedelta(hours=7)
    with pytest.raises(ValidationError):
        UpstreamReceipt(reference="")
