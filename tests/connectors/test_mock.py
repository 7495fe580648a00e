"""MockConnector answers from a handler, records its calls and never makes a real request."""

from __future__ import annotations

import httpx
import pytest

from connectors import (
    Capability,
    Document,
    DocumentPage,
    DocumentQuery,
    InformationCategory,
    ListQuery,
    MockCall,
    MockConnector,
    NotSupported,
    OpdProfile,
    Pushdown,
    UpstreamUnavailable,
)


async def test_the_handler_answers_every_operation_and_calls_are_recorded() -> None:
    document = Document(local_id="1", title="Renstra", category=InformationCategory.BERKALA)

    async def handler(call: MockCall) -> object:
        if call.operation == "list_documents":
            return DocumentPage(items=(document,), total=1)
        if call.operation == "get_document":
            return document if call.argument == "1" else None
        if call.operation == "profile":
            return OpdProfile(description="PPID")
        raise UpstreamUnavailable("down", status_code=503)

    connector = MockConnector(handler)
    query = DocumentQuery(page_size=5)

    assert (await connector.list_documents(query)).items == (document,)
    assert await connector.get_document("1") == document
    assert await connector.get_document("2") is None
    assert (await connector.profile()).description == "PPID"
    with pytest.raises(UpstreamUnavailable):
        await connector.information_list(ListQuery())
    await connector.aclose()

    assert [(c.operation, c.argument) for c in connector.calls] == [
        ("list_documents", query),
        ("get_document", "1"),
        ("get_document", "2"),
        ("profile", None),
        ("information_list", ListQuery()),
    ]
    assert connector.closed
    await connector.http.aclose()


async def test_capabilities_and_pushdown_are_chosen_by_the_test() -> None:
    connector = MockConnector(
        lambda call: None,
        capabilities=frozenset({Capability.PROFILE}),
        pushdown=Pushdown(query=True),
    )

    assert connector.supports(Capability.PROFILE)
    assert not connector.supports(Capability.DOCUMENTS)
    assert connector.pushdown.query
    assert MockConnector(lambda call: None).supports(Capability.DOCUMENTS)
    await connector.http.aclose()


async def test_a_real_request_fails_the_test() -> None:
    connector = MockConnector(lambda call: None)

    with pytest.raises(AssertionError, match="real HTTP request"):
        await connector.http.get("https://example.go.id/")
    await connector.http.aclose()


async def test_probe_calls_the_cheapest_declared_read() -> None:
    connector = MockConnector(
        lambda call: DocumentPage(items=()), capabilities=frozenset({Capability.DOCUMENTS})
    )

    await connector.probe()

    assert [c.operation for c in connector.calls] == ["list_documents"]
    assert connector.calls[0].argument.page_size == 1
    await connector.http.aclose()


async def test_probe_goes_on_to_the_next_read_when_the_upstream_supports_none_of_the_first() -> None:
    def handler(call: MockCall) -> object:
        if call.operation == "profile":
            raise NotSupported("this OPD publishes no profile")
        return DocumentPage(items=())

    connector = MockConnector(handler)
    await connector.probe()
    assert [c.operation for c in connector.calls] == ["profile", "list_documents"]

    def refuse(call: MockCall) -> object:
        raise NotSupported(f"no {call.operation}")

    refusing = MockConnector(refuse)
    with pytest.raises(NotSupported, match="no information_list"):
        await refusing.probe()
    assert [c.operation for c in refusing.calls] == ["profile", "list_documents", "information_list"]
    await connector.http.aclose()
    await refusing.http.aclose()


def test_a_call_reads_well_in_assertion_messages() -> None:
    assert repr(MockCall("get_document", "7")) == "MockCall('get_document', '7')"


async def test_mock_is_usable_with_an_injected_client() -> None:
    async with httpx.AsyncClient() as client:
        assert MockConnector(lambda call: None, http=client).http is client
