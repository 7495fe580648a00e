"""Look-ups by id and by slug, batched per OPD for DataLoaders; a failure fails only its keys."""

from __future__ import annotations

import pytest

from connectors import Capability, MockCall, OpdProfile, UpstreamUnavailable
from gateway.federation import BadUserInput, OperationReport, UpstreamFailure, UpstreamStatusCode

from .catalog import ALL_CAPABILITIES, Catalog, connector, day, doc
from .conftest import EngineFactory

LISTING_ONLY = {Capability.DOCUMENTS}


def catalog(prefix: str, count: int = 3) -> Catalog:
    return Catalog([doc(f"{prefix}{i}", published=day(i)) for i in range(count)], page_size=50)


@pytest.mark.parametrize("bad", ["", "bkd", ":a1", "bkd:", "bkd:  ", "BKD:a1", "bad slug:a1"])
async def test_a_malformed_global_id_is_refused_naming_id(engine: EngineFactory, bad: str) -> None:
    federation = engine({"bkd": connector("bkd", catalog("a"))})
    with pytest.raises(BadUserInput) as caught:
        await federation.document(OperationReport(), bad)
    assert caught.value.argument == "id"
    assert "<opd-slug>:<local-id>" in str(caught.value)


async def test_a_global_id_of_an_unknown_opd_is_refused_naming_id(engine: EngineFactory) -> None:
    federation = engine({"bkd": connector("bkd", catalog("a"))})
    with pytest.raises(BadUserInput, match="unknown OPD 'dinsos'") as caught:
        await federation.document(OperationReport(), "dinsos:a1")
    assert caught.value.argument == "id"


async def test_a_document_is_fetched_by_get_document_when_declared(engine: EngineFactory) -> None:
    bkd = connector("bkd", catalog("a"))
    federation = engine({"bkd": bkd})
    report = OperationReport()
    found = await federation.document(report, "bkd:a1")
    assert found is not None and found.id == "bkd:a1" and found.opd == "bkd"
    assert [(c.operation, c.argument) for c in bkd.calls] == [("get_document", "a1")]
    assert await federation.document(report, "bkd:missing") is None
    assert [o.status for o in report.outcomes()] == [UpstreamStatusCode.OK]


async def test_a_local_id_may_contain_colons(engine: EngineFactory) -> None:
    federation = engine({"bkd": connector("bkd", Catalog([doc("2024:SK:7")]))})
    found = await federation.document(OperationReport(), "bkd:2024:SK:7")
    assert found is not None and found.id == "bkd:2024:SK:7"


async def test_without_get_document_the_document_is_found_by_listing(engine: EngineFactory) -> None:
    bkd = connector("bkd", catalog("a"), capabilities=LISTING_ONLY)
    federation = engine({"bkd": bkd})
    found = await federation.document(OperationReport(), "bkd:a2")
    assert found is not None and found.document.local_id == "a2"
    assert {c.operation for c in bkd.calls} == {"list_documents"}


async def test_an_opd_that_cannot_find_documents_is_skipped(engine: EngineFactory) -> None:
    bkd = connector("bkd", catalog("a"), capabilities={Capability.PROFILE})
    federation = engine({"bkd": bkd})
    report = OperationReport()
    assert await federation.document(report, "bkd:a1") is None
    assert bkd.calls == []
    assert report.outcomes()[0].status is UpstreamStatusCode.SKIPPED


async def test_a_failing_opd_gives_none_and_a_failure_in_the_report(engine: EngineFactory) -> None:
    def down(call: MockCall) -> object:
        raise UpstreamUnavailable("down")

    federation = engine({"bkd": connector("bkd", down)})
    report = OperationReport()
    assert await federation.document(report, "bkd:a1") is None
    assert [f.opd for f in report.failures()] == ["bkd"]


async def test_documents_by_id_batches_per_opd_and_asks_each_distinct_key_once(engine: EngineFactory) -> None:
    bkd = connector("bkd", catalog("a"))
    dinkes = connector("dinkes", catalog("b"), capabilities=LISTING_ONLY)
    federation = engine({"bkd": bkd, "dinkes": dinkes})
    ids = ["bkd:a0", "dinkes:b1", "bkd:a2", "dinkes:b2", "bkd:a0", "dinkes:zz", "bkd:zz"]
    found = await federation.documents_by_id(OperationReport(), ids)
    assert [f.id if f is not None and not isinstance(f, BaseException) else f for f in found] == [
        "bkd:a0",
        "dinkes:b1",
        "bkd:a2",
        "dinkes:b2",
        "bkd:a0",
        None,
        None,
    ]
    assert sorted(c.argument for c in bkd.calls) == ["a0", "a2", "zz"], "one get_document per distinct id"
    assert len(dinkes.calls) == 1, "one listing (of one page) for all of the OPD's ids"


async def test_one_failing_opd_fails_only_its_own_keys(engine: EngineFactory) -> None:
    def down(call: MockCall) -> object:
        raise UpstreamUnavailable("maintenance")

    federation = engine({"bkd": connector("bkd", catalog("a")), "dinkes": connector("dinkes", down)})
    found = await federation.documents_by_id(OperationReport(), ["dinkes:b1", "bkd:a1", "oops", "dinkes:b2"])
    first, second, third, fourth = found
    assert isinstance(first, UpstreamFailure) and isinstance(fourth, UpstreamFailure)
    assert first.opd == "dinkes" and first.extensions == {
        "code": "UPSTREAM_UNAVAILABLE",
        "opd": "dinkes",
        "status": "ERROR",
    }
    assert second is not None and not isinstance(second, BaseException) and second.id == "bkd:a1"
    assert isinstance(third, BadUserInput) and third.argument == "id"


async def test_profiles_are_fetched_once_per_opd_with_none_for_what_cannot_be_had(
    engine: EngineFactory,
) -> None:
    profile = OpdProfile(description="PPID Pembantu BKD")

    def down(call: MockCall) -> object:
        raise UpstreamUnavailable("down")

    bkd = connector("bkd", Catalog(profile=profile))
    no_profile = connector("bpbd", Catalog(), capabilities=ALL_CAPABILITIES - {Capability.PROFILE})
    federation = engine({"bkd": bkd, "bpbd": no_profile, "dinkes": connector("dinkes", down)})
    report = OperationReport()
    found = await federation.profiles(report, ["bkd", "bpbd", "dinkes", "nope", "bkd"])
    assert found[0] is profile and found[4] is profile
    assert found[1] is None and found[3] is None
    assert isinstance(found[2], UpstreamFailure) and found[2].code == "UPSTREAM_UNAVAILABLE"
    assert len(bkd.calls) == 1 and no_profile.calls == []
    assert {o.opd: o.status for o in report.outcomes()} == {
        "bkd": UpstreamStatusCode.OK,
        "bpbd": UpstreamStatusCode.SKIPPED,
        "dinkes": UpstreamStatusCode.ERROR,
    }
