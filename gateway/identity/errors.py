"""What the identity package raises when a citizen's input is wrong.

Every message exists in English (``message_en``) and Bahasa Indonesia
(``message_id``), says what to fix in words a citizen understands, and never
repeats the value given: the value may be personal data (UU 27/2022).

Paths name the field as the GraphQL input spells it (``requester.nik``,
``requester.legalEntityNumber``, ``deliveryMethod``), so a client can put the
message beside the right box.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["FieldProblem", "InvalidField", "InvalidInput", "ProblemList"]

_T = TypeVar("_T")


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field of a form."""

    path: str
    """The field, dotted: ``requester.nik``."""
    message_en: str
    message_id: str

    def as_extension(self) -> dict[str, str]:
        """The problem as one entry of the GraphQL error's ``extensions.fields``."""
        return {"path": self.path, "message_en": self.message_en, "message_id": self.message_id}


class InvalidField(ValueError):  # noqa: N818 - reads as what it is: an invalid field
    """One value is invalid: ``field`` names it, the messages say what to fix."""

    def __init__(self, field: str, message_en: str, message_id: str) -> None:
        super().__init__(f"{field}: {message_en}")
        self.field = field
        self.message_en = message_en
        self.message_id = message_id

    def problem(self, path: str | None = None) -> FieldProblem:
        """This error as a :class:`FieldProblem` at ``path`` (default: the field's own name)."""
        return FieldProblem(path or self.field, self.message_en, self.message_id)


class InvalidInput(ValueError):  # noqa: N818 - a public name the schema relies on
    """A form with one or more invalid fields, every one of them listed at once.

    The GraphQL layer puts :attr:`extensions` in the error, with one entry per
    field under ``fields``, so the citizen can fix the whole form in one go.
    """

    code = "BAD_USER_INPUT"
    """The GraphQL error code."""

    def __init__(self, fields: Iterable[FieldProblem]) -> None:
        self.fields = tuple(fields)
        if not self.fields:
            raise ValueError("InvalidInput needs at least one field problem")
        paths = ", ".join(problem.path for problem in self.fields)
        super().__init__(f"invalid input in {len(self.fields)} field(s): {paths}")

    @property
    def extensions(self) -> dict[str, Any]:
        """The GraphQL error extensions: the code and every field's problem."""
        return {"code": self.code, "fields": [problem.as_extension() for problem in self.fields]}


class ProblemList:
    """Collects the problems of a whole form, so that every one is reported at once."""

    def __init__(self) -> None:
        self._problems: list[FieldProblem] = []

    def __bool__(self) -> bool:
        return bool(self._problems)

    @property
    def problems(self) -> tuple[FieldProblem, ...]:
        """The problems so far, in the order found."""
        return tuple(self._problems)

    def add(self, path: str, message_en: str, message_id: str) -> None:
        """Record a problem at ``path``."""
        self._problems.append(FieldProblem(path, message_en, message_id))

    def check(self, path: str, validate: Callable[[], _T]) -> _T | None:
        """``validate()``'s result, or ``None`` after recording its :class:`InvalidField` at ``path``."""
        try:
            return validate()
        except InvalidField as error:
            self._problems.append(error.problem(path))
            return None

    def raise_if_any(self) -> None:
        """Raise :class:`InvalidInput` with every problem, if there is one."""
        if self._problems:
            raise InvalidInput(self._problems)
