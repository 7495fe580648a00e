"""The engine builds one connector per active OPD from the config, shares the HTTP client, and closes them."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from connectors import Connector, OpdRef
from gateway.config import ResolvedConnector
from gateway.federation import Federation, directory_config

from .catalog import Catalog, connector


class _Settings(BaseModel):
    greeting: str = "halo"


class Recording(Connector):
    kind = "recording"
    Settings = _Settings

    def __init__(self, opd: OpdRef, settings: Any, http: httpx.AsyncClient) -> None:
        super().__init__(opd, settings, http)
        self.closed = False

    async def aclose(self) -> None:
        self.closed = True
        if self.opd.slug == "rusak":
            raise RuntimeError("could not close")


async def test_connectors_are_built_from_the_config_with_the_shared_client() -> None:
    config = directory_config(["bkd", "rusak"])
    for opd in config.opds:
        opd._resolved = ResolvedConnector("recording", Recording, _Settings(greeting=opd.slug))
    async with httpx.AsyncClient() as http:
        federation = Federation(config, http)
        bkd = federation.connector("bkd")
        assert isinstance(bkd, Recording)
        assert bkd.opd == OpdRef(slug="bkd", name="OPD bkd")
        assert bkd.settings == _Settings(greeting="bkd") and bkd.http is http
        assert federation.connector("nope") is None and federation.opd("nope") is None
        assert [opd.slug for opd in federation.opds()] == ["bkd", "rusak"]
        await federation.aclose()
        assert not http.is_closed, "the shared client is the caller's"
    built = [federation.connector(slug) for slug in ("bkd", "rusak")]
    assert all(isinstance(c, Recording) and c.closed for c in built)


async def test_closing_continues_past_a_connector_that_fails_to_close(
    caplog: pytest.LogCaptureFixture,
) -> None:
    config = directory_config(["rusak", "bkd"])
    for opd in config.opds:
        opd._resolved = ResolvedConnector("recording", Recording, _Settings())
    async with httpx.AsyncClient() as http:
        federation = Federation(config, http)
        with caplog.at_level(logging.ERROR, logger="ppid_gateway.federation"):
            await federation.aclose()
    bkd = federation.connector("bkd")
    assert isinstance(bkd, Recording) and bkd.closed
    assert any("rusak" in record.getMessage() for record in caplog.records)


def test_connectors_for_opds_missing_from_the_config_are_refused() -> None:
    with pytest.raises(ValueError, match="not in the config: ghost"):
        Federation(
            directory_config(["bkd"]),
            httpx.AsyncClient(),
            connectors={"ghost": connector("ghost", Catalog())},
        )
