"""The error raised when an action would break a rule of UU KIP or Perki 1/2021.

A :class:`RuleViolation` is told to a citizen or an officer as it is: its
message says what was refused and why, and names the article, so that anyone
can check it. It carries the English message and the Indonesian one; the
GraphQL layer puts :attr:`RuleViolation.extensions` in the error's
``extensions`` and picks the language the client asked for.
"""

from __future__ import annotations

__all__ = ["RuleViolation"]


class RuleViolation(Exception):  # noqa: N818 - it names what happened: a rule was violated
    """An action refused by a rule of the law.

    ``message`` (English) and ``message_id`` (Bahasa Indonesia) say what was
    refused in words a citizen understands; ``rule`` cites the article
    (``UU KIP Pasal 22(7)–(8)``); ``key`` is a stable machine-readable name
    (``EXTENSION_ALREADY_USED``) for clients that branch on it. ``str(error)``
    is ``"<rule>: <message>"``.
    """

    code = "RULE_VIOLATION"
    """The GraphQL error code of every rule violation."""

    def __init__(self, message: str, *, rule: str, message_id: str, key: str) -> None:
        super().__init__(f"{rule}: {message}")
        self.message = message
        self.rule = rule
        self.message_id = message_id
        self.key = key

    @property
    def extensions(self) -> dict[str, str]:
        """The GraphQL error extensions: code, key, rule and both messages."""
        return {
            "code": self.code,
            "key": self.key,
            "rule": self.rule,
            "message_en": f"{self.rule}: {self.message}",
            "message_id": f"{self.rule}: {self.message_id}",
        }
