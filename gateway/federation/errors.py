"""What the engine raises or returns when something is wrong.

``BadUserInput`` is the client's mistake and is raised. ``UpstreamFailure``
is an OPD's failure given as the value of one DataLoader key, so that it
fails only that key; its outcome is in the operation's report as well.
"""

from __future__ import annotations

from typing import Any

from .outcomes import UpstreamOutcome, UpstreamStatusCode

__all__ = ["BadUserInput", "UpstreamFailure"]

_STATUS_CODES = {
    UpstreamStatusCode.TIMEOUT: "UPSTREAM_TIMEOUT",
    UpstreamStatusCode.OPEN_CIRCUIT: "UPSTREAM_CIRCUIT_OPEN",
}


class BadUserInput(Exception):  # noqa: N818 - a public name the schema relies on
    """A client mistake in one argument; the schema maps it to ``BAD_USER_INPUT``.

    ``argument`` is the GraphQL argument at fault (``after``, ``first``,
    ``filter.opds``, ``id``); the message says what was wrong and what to do.
    """

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, argument: str) -> None:
        super().__init__(message)
        self.message = message
        self.argument = argument


class UpstreamFailure(Exception):  # noqa: N818 - a public name the schema relies on
    """An OPD failed to answer for one key; ``outcome`` says how.

    ``extensions`` is the GraphQL error extensions dict (graphql-core copies
    it from the original error), so the error a client sees carries the code
    and the OPD without the schema knowing this class.
    """

    def __init__(self, outcome: UpstreamOutcome) -> None:
        super().__init__(f"OPD {outcome.opd!r} did not answer: {outcome.message or outcome.status.value}")
        self.outcome = outcome

    @property
    def opd(self) -> str:
        """The OPD's slug."""
        return self.outcome.opd

    @property
    def code(self) -> str:
        """``UPSTREAM_TIMEOUT``, ``UPSTREAM_CIRCUIT_OPEN``, or the connector's error code."""
        return _STATUS_CODES.get(self.outcome.status) or self.outcome.error_code or "UPSTREAM_ERROR"

    @property
    def extensions(self) -> dict[str, Any]:
        """``{code, opd, status}`` for the GraphQL error."""
        return {"code": self.code, "opd": self.opd, "status": self.outcome.status.value}
