"""The authentication headers of a ``rest`` connector, from secrets in the environment."""

from __future__ import annotations

import base64
import os
from collections.abc import Mapping

from ..errors import ConnectorConfigError
from .settings import AuthSettings

__all__ = ["auth_headers", "read_secret"]


def auth_headers(
    auth: AuthSettings, environ: Mapping[str, str] | None = None, *, key: str = "auth"
) -> dict[str, str]:
    """The headers that authenticate every call, reading secrets from ``environ`` (``os.environ``).

    Raises ``ConnectorConfigError`` naming the variable and its settings key
    (below ``key``, the block's own key path: ``auth``, ``intake.auth``) when a
    variable is unset or empty, so a missing secret stops the gateway at start
    rather than failing every call.
    """
    if auth.type == "bearer":
        return {"Authorization": f"Bearer {read_secret(auth.token_env, f'{key}.token_env', environ)}"}
    if auth.type == "api_key":
        return {auth.header: read_secret(auth.token_env, f"{key}.token_env", environ)}
    if auth.type == "basic":
        user = read_secret(auth.username_env, f"{key}.username_env", environ)
        password = read_secret(auth.password_env, f"{key}.password_env", environ)
        pair = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        return {"Authorization": f"Basic {pair}"}
    return {}


def read_secret(name: str | None, key: str, environ: Mapping[str, str] | None = None) -> str:
    """The value of the environment variable ``name``, which the settings key ``key`` names.

    Raises ``ConnectorConfigError`` naming both when it is unset or empty.
    """
    # The settings models already require the variable names; None here would be a bug in them.
    assert name is not None, key
    env = os.environ if environ is None else environ
    value = env.get(name, "")
    if not value:
        raise ConnectorConfigError(
            f"environment variable {name} is not set or empty; {key} names it as the holder of the secret. "
            "Set it in the gateway's environment, or change the key.",
            key=key,
        )
    return value
