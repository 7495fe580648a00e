"""The kit itself: its documented example passes, and connectors that break the contract fail it.

Each case writes a small project with pytester and runs the suite in it, in
pytest-asyncio's strict mode (the inner run has no ``asyncio_mode`` setting),
as a third party would run it.
"""

from __future__ import annotations

import importlib.metadata
import re
import textwrap

import pytest

import connectors.testing

pytest_plugins = ["pytester"]

ENTRY_POINT = "ppid_gateway_connectors"
MARKER = "connector_contract"


def _example_blocks() -> list[str]:
    """The literal blocks (after ``::``) of the kit's module docstring."""
    doc = connectors.testing.__doc__ or ""
    return [textwrap.dedent(block) for block in re.findall(r"::\n\n((?:    .*\n|\n)+)", doc)]


def _conftest() -> str:
    # Once the package declares the pytest11 entry point, pytest loads the plugin by itself,
    # and naming it again would register it twice under two names (a pluggy error).
    installed = any(ep.name == ENTRY_POINT for ep in importlib.metadata.entry_points(group="pytest11"))
    return "" if installed else 'pytest_plugins = ["connectors.testing.plugin"]\n'


def _project(pytester: pytest.Pytester, **tests: str) -> None:
    connector, test_file = _example_blocks()
    pytester.makepyfile(acme_connector=connector, test_acme_contract=test_file, **tests)
    pytester.makeconftest(_conftest())


def _run(pytester: pytest.Pytester, *args: str) -> pytest.HookRecorder:
    # The outer run may have imported the plugin already; the inner one then cannot assert-rewrite it.
    quiet = ("-W", "ignore::pytest.PytestAssertRewriteWarning")
    options = ("-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function", *quiet)
    return pytester.inline_run(*options, *args)


def _failed(recorder: pytest.HookRecorder) -> set[str]:
    return {report.nodeid for report in recorder.getfailures() if report.when == "call"}


BROKEN = '''
from __future__ import annotations

import httpx
import pytest

from acme_connector import AcmeConnector, AcmeSettings
from connectors import Capability, Document, DocumentPage, DocumentQuery, OpdRef, Pushdown
from connectors.testing.server import HttpContractServer, json_documents_handler, sample_documents
from connectors.testing.suite import *  # noqa: F403


class RepeatingConnector(AcmeConnector):
    """Repeats the first document at the top of every later page."""

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        page = await super().list_documents(query)
        if query.token is None:
            return page
        first = await super().list_documents(DocumentQuery(page_size=1))
        return DocumentPage(items=first.items + page.items, next_token=page.next_token, total=page.total)


class RawErrorConnector(AcmeConnector):
    """Lets httpx and JSON errors through."""

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        response = await self.http.get(f"{self.settings.base_url}/documents", params={"per_page": 100})
        response.raise_for_status()
        items = tuple(Document.model_validate(item) for item in response.json()["data"])
        return DocumentPage(items=items, next_token=None, total=len(items))


class LyingConnector(AcmeConnector):
    """Declares category pushdown and the TITLE order, and applies neither."""

    pushdown = Pushdown(categories=True, orders=frozenset({"TITLE"}))


class LeakyConnector(AcmeConnector):
    """Opens a streamed response for a peek on every page and never closes it."""

    async def list_documents(self, query: DocumentQuery) -> DocumentPage:
        peek = self.http.build_request("GET", f"{self.settings.base_url}/documents", params={"per_page": 1})
        await self.http.send(peek, stream=True)
        return await super().list_documents(query)


@pytest.fixture
def fixture_server():
    documents = sample_documents()
    return HttpContractServer(json_documents_handler(documents), documents)


@pytest.fixture
def connector_factory():
    def make(server):
        settings = AcmeSettings(base_url=server.base_url)
        return {CLASS}(OpdRef(slug="acme", name="Dinas Acme"), settings, server.http)

    return make
'''


def test_the_documented_example_passes_the_suite_in_strict_mode(pytester: pytest.Pytester) -> None:
    _project(pytester)
    recorder = _run(pytester, "test_acme_contract.py")
    passed, skipped, failed = recorder.listoutcomes()
    assert not failed, [report.nodeid for report in failed]
    assert len(passed) >= 20
    reasons = {str(report.longrepr) for report in skipped}
    assert any("does not declare PROFILE" in reason for reason in reasons)
    assert any("does not push down order TITLE" in reason for reason in reasons)


def test_the_plugin_marks_every_suite_test(pytester: pytest.Pytester) -> None:
    _project(pytester, test_other="def test_not_a_contract_test():\n    pass\n")
    recorder = _run(pytester, "-m", f"not {MARKER}", "--strict-markers")
    passed, skipped, failed = recorder.listoutcomes()
    assert [report.nodeid for report in passed] == ["test_other.py::test_not_a_contract_test"]
    assert not skipped
    assert not failed


def test_a_connector_repeating_documents_across_pages_fails(pytester: pytest.Pytester) -> None:
    _project(pytester, test_broken=BROKEN.replace("{CLASS}", "RepeatingConnector"))
    failed = _failed(_run(pytester, "test_broken.py"))
    natural = "test_broken.py::TestPaginationContract::test_natural_order_is_the_same_whatever_the_page_size"
    assert {f"{natural}[1]", f"{natural}[2]", f"{natural}[5]"} <= failed
    assert f"{natural}[50]" not in failed  # one page: nothing to repeat
    assert not any("TestErrorsContract" in nodeid for nodeid in failed)


def test_a_connector_leaking_raw_errors_fails(pytester: pytest.Pytester) -> None:
    _project(pytester, test_broken=BROKEN.replace("{CLASS}", "RawErrorConnector"))
    recorder = _run(pytester, "test_broken.py", "-k", "TestErrorsContract")
    errors = "test_broken.py::TestErrorsContract::test_upstream_fault_raises_a_typed_error"
    expected = {
        f"{errors}[{fault}-{operation}]"
        for fault in ("status-500", "status-503", "garbage", "timeout")
        for operation in ("list_documents", "probe")
    }
    assert _failed(recorder) == expected
    messages = "\n".join(str(report.longrepr) for report in recorder.getfailures())
    assert "httpx.HTTPStatusError" in messages
    assert "httpx.ReadTimeout" in messages
    assert "translate it at the connector's boundary" in messages


def test_a_connector_lying_about_its_pushdown_fails(pytester: pytest.Pytester) -> None:
    _project(pytester, test_broken=BROKEN.replace("{CLASS}", "LyingConnector"))
    failed = _failed(_run(pytester, "test_broken.py", "-k", "Pushdown or Pagination"))
    assert (
        "test_broken.py::TestPushdownContract::test_pushed_down_filter_equals_engine_filtering[categories]"
        in failed
    )
    ordered = "test_broken.py::TestPaginationContract::test_declared_order_is_followed_across_pages"
    assert {f"{ordered}[TITLE-{size}]" for size in (1, 2, 5, 50)} <= failed


def test_a_connector_leaving_responses_open_fails(pytester: pytest.Pytester) -> None:
    _project(pytester, test_broken=BROKEN.replace("{CLASS}", "LeakyConnector"))
    failed = _failed(_run(pytester, "test_broken.py", "-k", "Lifecycle"))
    assert failed == {"test_broken.py::TestLifecycleContract::test_aclose_releases_what_the_connector_opened"}


def test_every_public_class_and_function_of_the_kit_is_documented() -> None:
    import connectors.testing.plugin
    import connectors.testing.server
    import connectors.testing.suite

    for module in (
        connectors.testing,
        connectors.testing.server,
        connectors.testing.suite,
        connectors.testing.plugin,
    ):
        public = [getattr(module, name) for name in module.__all__]
        undocumented = [obj for obj in public if callable(obj) and not (obj.__doc__ or "").strip()]
        assert not undocumented, f"{module.__name__}: {undocumented}"


async def test_the_http_server_is_a_contract_server_and_counts_open_responses() -> None:
    from connectors.testing.server import (
        ContractServer,
        HttpContractServer,
        json_documents_handler,
        sample_documents,
    )

    documents = sample_documents()
    server = HttpContractServer(json_documents_handler(documents), documents)
    try:
        assert isinstance(server, ContractServer)
        async with server.http.stream("GET", f"{server.base_url}/documents/doc-01") as response:
            assert server.transport.open_responses == 1
            assert (await response.aread()).startswith(b'{"data"')
        assert server.transport.open_responses == 0
        server.fail_with(503)
        assert (await server.http.get(f"{server.base_url}/documents")).status_code == 503
        server.heal()
        assert (await server.http.get(f"{server.base_url}/nowhere")).status_code == 404
    finally:
        await server.aclose()
