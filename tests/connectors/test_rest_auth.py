"""The rest connector authenticates with secrets from the environment, read once when it is built."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any, NamedTuple

import httpx
import pytest
import respx

from connectors import ConnectorConfigError, DocumentQuery
from connectors.rest import RestConnector

from .upstream import documents_block

MakeRest = Callable[[dict[str, Any]], RestConnector]


class AuthCase(NamedTuple):
    auth: dict[str, str]
    env: dict[str, str]
    header: str
    value: str


AUTH_CASES = [
    AuthCase(
        {"type": "bearer", "token_env": "DINKES_TOKEN"},
        {"DINKES_TOKEN": "s3cret"},
        "Authorization",
        "Bearer s3cret",
    ),
    AuthCase({"type": "api_key", "token_env": "DINKES_KEY"}, {"DINKES_KEY": "k3y"}, "X-API-Key", "k3y"),
    AuthCase(
        {"type": "api_key", "token_env": "DINKES_KEY", "header": "Apikey"},
        {"DINKES_KEY": "k3y"},
        "Apikey",
        "k3y",
    ),
    AuthCase(
        {"type": "basic", "username_env": "DINKES_USER", "password_env": "DINKES_PASS"},
        {"DINKES_USER": "ppid", "DINKES_PASS": "rahasia:1"},
        "Authorization",
        "Basic " + base64.b64encode(b"ppid:rahasia:1").decode(),
    ),
]


@pytest.mark.parametrize("case", AUTH_CASES, ids=lambda case: f"{case.auth['type']}-{case.header}")
async def test_each_auth_kind_sends_its_header(
    case: AuthCase, router: respx.Router, make_rest: MakeRest, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, secret in case.env.items():
        monkeypatch.setenv(name, secret)
    route = router.get("/api/docs").mock(return_value=httpx.Response(200, json={"data": []}))
    headers = {"X-Client": "ppid-gateway"}
    connector = make_rest({"auth": case.auth, "headers": headers, "documents": documents_block("page")})
    for name in case.env:
        monkeypatch.delenv(name)  # read at construction: later changes do not matter

    await connector.list_documents(DocumentQuery())

    request = route.calls.last.request
    assert request.headers[case.header] == case.value
    assert request.headers["X-Client"] == "ppid-gateway"
    assert request.headers["Accept"] == "application/json"


async def test_no_auth_sends_no_authorization(router: respx.Router, make_rest: MakeRest) -> None:
    route = router.get("/api/docs").mock(return_value=httpx.Response(200, json={"data": []}))
    connector = make_rest({"documents": documents_block("page")})

    await connector.list_documents(DocumentQuery())

    assert "Authorization" not in route.calls.last.request.headers


class MissingCase(NamedTuple):
    auth: dict[str, str]
    present: dict[str, str]
    variable: str
    key: str


MISSING_CASES = [
    MissingCase({"type": "bearer", "token_env": "NO_SUCH_TOKEN"}, {}, "NO_SUCH_TOKEN", "auth.token_env"),
    MissingCase(
        {"type": "api_key", "token_env": "EMPTY_TOKEN"}, {"EMPTY_TOKEN": ""}, "EMPTY_TOKEN", "auth.token_env"
    ),
    MissingCase(
        {"type": "basic", "username_env": "U", "password_env": "NO_SUCH_PASSWORD"},
        {"U": "ppid"},
        "NO_SUCH_PASSWORD",
        "auth.password_env",
    ),
]


@pytest.mark.parametrize("case", MISSING_CASES, ids=lambda case: case.variable)
def test_a_missing_secret_stops_construction_naming_variable_and_key(
    case: MissingCase, make_rest: MakeRest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(case.variable, raising=False)
    for name, secret in case.present.items():
        monkeypatch.setenv(name, secret)

    with pytest.raises(ConnectorConfigError) as caught:
        make_rest({"auth": case.auth, "documents": documents_block("page")})

    assert caught.value.key == case.key
    assert case.variable in str(caught.value)
    assert case.key in str(caught.value)
