"""A GET that meets a keep-alive connection the OPD just closed is sent once more."""

from __future__ import annotations

import httpx
import pytest
import respx

from connectors import UpstreamUnavailable
from connectors.http import fetch_json

from .upstream import BASE


async def test_a_get_dropped_on_a_stale_connection_is_resent_once(
    router: respx.Router, http: httpx.AsyncClient
) -> None:
    route = router.get("/api/ping").mock(
        side_effect=[httpx.RemoteProtocolError("Server disconnected"), httpx.Response(200, json={"ok": True})]
    )
    reply = await fetch_json(http, http.build_request("GET", f"{BASE}/api/ping"))
    assert reply.body == {"ok": True}
    assert route.call_count == 2


async def test_a_get_dropped_twice_is_an_unavailable_opd(
    router: respx.Router, http: httpx.AsyncClient
) -> None:
    route = router.get("/api/ping").mock(side_effect=httpx.RemoteProtocolError("Server disconnected"))
    with pytest.raises(UpstreamUnavailable):
        await fetch_json(http, http.build_request("GET", f"{BASE}/api/ping"))
    assert route.call_count == 2


async def test_a_post_is_never_resent(router: respx.Router, http: httpx.AsyncClient) -> None:
    route = router.post("/api/requests").mock(side_effect=httpx.RemoteProtocolError("Server disconnected"))
    with pytest.raises(UpstreamUnavailable):
        await fetch_json(http, http.build_request("POST", f"{BASE}/api/requests", json={}))
    assert route.call_count == 1
