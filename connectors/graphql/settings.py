"""Settings of the ``graphql`` connector: one OPD of an upstream ppid-gateway (or an API with its schema).

::

    connector:
      kind: graphql
      endpoint: https://ppid.tangerangkab.go.id/graphql
      upstream_opd: dinkes
      auth_env: TANGKAB_GATEWAY_KEY     # optional; sent as the X-API-Key header
      auth_header: X-API-Key
      timeout_s: 10

The province's slug for the OPD (``tangkab-dinkes``) is its own; the
upstream's slug (``dinkes``) is only sent upstream. A document's local id is
the upstream's local id (the part after ``dinkes:``), so the province's global
id is ``tangkab-dinkes:123`` for the regency's ``dinkes:123``.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

__all__ = ["GraphQLSettings"]

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*")
_HEADER = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")


class GraphQLSettings(BaseModel):
    """The ``connector:`` block of an OPD that is read from an upstream GraphQL gateway."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    endpoint: HttpUrl
    """The upstream's GraphQL endpoint (``https://ppid.tangerangkab.go.id/graphql``); queries are POSTed."""
    upstream_opd: str = Field(min_length=1, max_length=100)
    """The OPD's slug at the upstream (``dinkes``): the first half of the upstream's global ids."""
    auth_env: str | None = None
    """The environment variable holding a credential for the upstream, sent in ``auth_header``; ``None``:
    anonymous. The credential itself never goes in the config file."""
    auth_header: str = "X-API-Key"
    """The header the credential is sent in (``Authorization`` for a bearer token written in full)."""
    page_size_max: int = Field(default=100, ge=1, le=1000)
    """The most items asked for per call (a ppid-gateway allows ``first`` up to 100)."""
    timeout_s: float | None = Field(default=None, gt=0)
    """A per-call timeout in seconds; ``None`` uses the gateway client's."""

    @field_validator("upstream_opd")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not _SLUG.fullmatch(value):
            raise ValueError(
                f"{value!r} is not an OPD slug: use the upstream's own slug "
                "(lower-case letters, digits, '-', '_')"
            )
        return value

    @field_validator("auth_header")
    @classmethod
    def _header_name(cls, value: str) -> str:
        if not _HEADER.fullmatch(value):
            raise ValueError(f"{value!r} is not an HTTP header name")
        return value
