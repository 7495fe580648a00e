"""The authentication headers of a ``rest`` connector, from secrets in the environment."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

from ..errors import ConnectorConfigError
from .settings import AuthSettings

__all__ = ["auth_headers"]


def auth_headers(auth: AuthSettings, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The headers that authenticate every call, reading secrets from ``environ`` (``os.environ``).

    Raises ``ConnectorConfigError`` naming the variable and its settings key
    when a variable is unset or empty, so a missing secret stops the gateway
    at start rather than failing every call.
    """
    env = os.environ if environ is None else environ
    if auth.type == "bearer":
        return {"Authorization": f"Bearer {_secret(env, auth.token_env, 'auth.token_env')}"}
    if auth.type == "api_key":
        return {auth.header: _secret(env, auth.token_env, "auth.token_env")}
    if auth.type == "basic":
        user = _secret(env, auth.username_env, "auth.username_env")
        password = _secret(env, auth.password_env, "auth.password_env")
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    return {}


def _secret(env: Mapping[str, str], name: str | None, key: str) -> str:
    # AuthSettings already requires the variable names; None here would be a bug in it.
    assert name is not None, key
    value = env.get(name, "")
    if not value:
        raise ConnectorConfigError(
            f"environment variable {name} is not set or empty; {key} names it as the holder of the secret. "
            "Set it in the gateway's environment, or change the key.",
            key=key,
        )
    return value
