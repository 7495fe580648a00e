"""The ledger's public surface: exported once each, and free of SQLAlchemy for callers."""

from __future__ import annotations

import inspect

from gateway import ledger
from gateway.ledger import Ledger, LedgerTransaction, Outbox

SQLALCHEMY_NAMES = (
    "sqlalchemy",
    "sa.",
    "AsyncConnection",
    "AsyncEngine",
    "Connection",
    "RowMapping",
    "Result",
)


def test_the_public_names_are_exported_once_each() -> None:
    assert len(ledger.__all__) == len(set(ledger.__all__))  # ruff (RUF022) keeps it sorted
    for name in ledger.__all__:
        assert getattr(ledger, name) is not None


def test_callers_never_handle_sqlalchemy_types() -> None:
    for cls in (Ledger, LedgerTransaction, Outbox):
        # Constructors (underscored, like __init__) are Ledger's business, not the callers'.
        for name, member in inspect.getmembers(cls, inspect.isfunction):
            if not name.startswith("_"):
                signature = str(inspect.signature(member))
                assert not any(word in signature for word in SQLALCHEMY_NAMES), (
                    cls.__name__,
                    name,
                    signature,
                )


def test_every_public_method_is_documented() -> None:
    for cls in (Ledger, LedgerTransaction, Outbox):
        assert cls.__doc__
        for name, member in inspect.getmembers(cls):
            if not name.startswith("_"):
                assert inspect.getdoc(member), f"{cls.__name__}.{name} has no docstring"
