"""Alembic, driven from code: the migrations ship inside the package, beside this module.

Each function takes a synchronous SQLAlchemy ``Connection``; the ledger calls
them through ``AsyncConnection.run_sync``, so one code path serves SQLite and
PostgreSQL and migrations run inside the caller's transaction. ``env.py``
refuses to run without that connection.

A maintainer who changes ``tables.py`` writes the next revision in
``migrations/versions`` (``command.revision(alembic_config(connection),
autogenerate=True)`` drafts it); ``tests/ledger/test_migrations.py`` fails
until the migrations and the tables agree again.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from .tables import VERSION_TABLE, metadata

__all__ = [
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "schema_differences",
    "upgrade",
]

MIGRATIONS = Path(__file__).resolve().with_name("migrations")
"""The Alembic script directory: ``env.py``, ``script.py.mako``, ``versions/``."""


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config for the ledger's migrations, running on ``connection``."""
    config = Config()
    # The value goes through configparser interpolation, where "%" is special.
    config.set_main_option("script_location", str(MIGRATIONS).replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def upgrade(connection: Connection, revision: str = "head") -> None:
    """Apply the migrations up to ``revision``; a database already there is left as it is."""
    command.upgrade(alembic_config(connection), revision)


def downgrade(connection: Connection, revision: str) -> None:
    """Undo migrations down to ``revision`` (``"base"``: drop every ledger table)."""
    command.downgrade(alembic_config(connection), revision)


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at; ``None`` before the first migration."""
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def head_revision() -> str | None:
    """The newest revision this code ships."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_differences(connection: Connection) -> list[str]:
    """How the database differs from ``tables.py``, one line per difference; empty when they agree."""
    context = MigrationContext.configure(
        connection, opts={"version_table": VERSION_TABLE, "compare_type": True, "target_metadata": metadata}
    )
    return [repr(difference) for difference in compare_metadata(context, metadata)]
