"""``served_documents``: what the simulator says the gateway reads is what each connector reads.

Integration tests compare the gateway's answers with ``Fleet.served_documents``;
this pins that expectation to the connectors themselves, one OPD per dialect,
every field but the links (absolute URLs depend on where the portal runs).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from connectors import InformationCategory, OpdRef
from connectors.registry import connector_class
from connectors.testing.suite import walk_documents
from simulator.dialects import api_routes, connector_block, dms_url_env, served_documents
from simulator.files_server import file_route
from simulator.plan import SIM_INTAKE_SECRET, SIM_INTAKE_SECRET_ENV, Dialect, make_plan
from simulator.sql_dms import write_dms

BASE = "http://portal.test"
ONE_PER_DIALECT = {
    "dinkes": Dialect.LARAVEL,
    "bappeda": Dialect.DRF,
    "dishub": Dialect.EXPORT,
    "dispar": Dialect.WORDPRESS,
    "dlhk": Dialect.WORDPRESS,  # plain permalinks: /?rest_route=
    "diskominfo": Dialect.CKAN,
    "dpmptsp": Dialect.SQL,
}
LINKS = ("file_url", "source_url")


@pytest.mark.parametrize("slug", list(ONE_PER_DIALECT))
async def test_the_connector_reads_exactly_the_served_documents(
    slug: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = make_plan([slug])[0]
    assert plan.dialect is ONE_PER_DIALECT[slug]
    monkeypatch.setenv(SIM_INTAKE_SECRET_ENV, SIM_INTAKE_SECRET)
    if plan.dialect is Dialect.SQL:
        url = f"sqlite+aiosqlite:///{tmp_path / 'dms.sqlite'}"
        await write_dms(plan.seed(), url, files_base_url=BASE)
        monkeypatch.setenv(dms_url_env(slug), url)
    app = Starlette(routes=[*api_routes(plan.dialect, plan.seed()), file_route(plan.seed())])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http:
        block = connector_block(plan, BASE)
        cls = connector_class(block.pop("kind"))
        connector = cls(OpdRef(slug=slug, name=plan.opd.name), cls.Settings.model_validate(block), http)
        try:
            read = await walk_documents(connector, page_size=50)
        finally:
            await connector.aclose()
    expected = {doc.local_id: doc for doc in served_documents(plan)}
    assert sorted(doc.local_id for doc in read) == sorted(expected)
    for doc in read:
        assert doc.model_dump(exclude=set(LINKS)) == expected[doc.local_id].model_dump(exclude=set(LINKS))
        if doc.category is InformationCategory.DIKECUALIKAN:
            assert doc.file_url is None, "an exempt document's file is never passed on"
        elif doc.file_url is not None:
            assert doc.file_url.startswith(BASE), "files are served by the OPD's own portal"
