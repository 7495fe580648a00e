"""Typed errors a connector raises to the engine.

A connector never lets a bare ``httpx`` error, ``KeyError`` or
``ValidationError`` reach the engine: it translates them at the boundary, the
way httpx maps httpcore's exceptions. The tree::

    ConnectorError
    ├── UpstreamError            the OPD's system failed us
    │   ├── UpstreamTimeout      no answer within the time allowed
    │   ├── UpstreamUnavailable  refused, unreachable, or answered 5xx / 429
    │   └── UpstreamBadResponse  answered, but not in the shape we expect
    ├── SubmissionRejected       the OPD refuses a delivered submission for good: do not retry
    ├── NotSupported             the operation is not declared by this connector
    ├── InvalidToken             the continuation token was not made by this connector
    └── ConnectorConfigError     the connector's settings cannot work
"""

from __future__ import annotations

__all__ = [
    "ConnectorConfigError",
    "ConnectorError",
    "InvalidToken",
    "NotSupported",
    "SubmissionRejected",
    "UpstreamBadResponse",
    "UpstreamError",
    "UpstreamTimeout",
    "UpstreamUnavailable",
]


class ConnectorError(Exception):
    """Base class of every error a connector raises on purpose."""

    code = "CONNECTOR_ERROR"
    """Machine-readable code, copied into GraphQL ``extensions.code``."""


class UpstreamError(ConnectorError):
    """The OPD's system did not give a usable answer."""

    code = "UPSTREAM_ERROR"


class UpstreamTimeout(UpstreamError):  # noqa: N818 - the contract's public names
    """The OPD did not answer within the connector's or the engine's timeout."""

    code = "UPSTREAM_TIMEOUT"


class UpstreamUnavailable(UpstreamError):  # noqa: N818 - the contract's public names
    """The OPD refused the connection, was unreachable, or answered 5xx or 429.

    ``status_code`` is the HTTP status when there was one.
    """

    code = "UPSTREAM_UNAVAILABLE"

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class UpstreamBadResponse(UpstreamError):  # noqa: N818 - the contract's public names
    """The OPD answered, but the body is not what the connector expects.

    ``field`` names the offending field path (``data[3].judul``) when one is
    to blame, so that the OPD's developers can find it.
    """

    code = "UPSTREAM_BAD_RESPONSE"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message if field is None else f"{message} (field {field!r})")
        self.field = field


class SubmissionRejected(ConnectorError):  # noqa: N818 - the contract's public names
    """The OPD refuses a delivered submission for good (an HTTP 4xx about its content).

    Delivering the same submission again would get the same answer, so the
    gateway's outbox stops retrying and an officer serves the request from the
    gateway's own inbox. ``field`` names the submission field the OPD objects
    to (``requester.nik``) when the connector can tell. Like ``InvalidToken`` it
    is not an ``UpstreamError``: the OPD answered, and a refusal must not count
    against its circuit breaker.

    The message must never repeat the submission's personal data.
    """

    code = "SUBMISSION_REJECTED"

    def __init__(self, message: str, field: str | None = None, *, status_code: int | None = None) -> None:
        super().__init__(message if field is None else f"{message} (field {field!r})")
        self.field = field
        self.status_code = status_code


class NotSupported(ConnectorError):  # noqa: N818 - the contract's public names
    """The connector was asked for an operation it does not declare."""

    code = "NOT_SUPPORTED"


class InvalidToken(ConnectorError):  # noqa: N818 - the contract's public names
    """The continuation token cannot be read or does not belong to this OPD.

    Tokens travel to clients inside the engine's cursor, so a bad one is the
    caller's mistake, not the OPD's: it is deliberately not an ``UpstreamError``
    and must not count against the OPD's circuit breaker.
    """

    code = "BAD_USER_INPUT"


class ConnectorConfigError(ConnectorError):
    """The connector's settings are valid in shape but cannot work.

    ``key`` is the key path within the connector block (``documents.list.path``).
    """

    code = "CONNECTOR_CONFIG_ERROR"

    def __init__(self, message: str, *, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key
