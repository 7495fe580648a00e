"""Alembic's entry point for the ledger: runs the migrations on the connection the ledger passes.

Loaded by Alembic (never imported), from :func:`gateway.ledger.migration.upgrade`
and its siblings, which put the connection in ``config.attributes``.
"""

from __future__ import annotations

from alembic import context

from gateway.ledger.tables import VERSION_TABLE, metadata


def run_migrations() -> None:
    """Configure Alembic on the ledger's connection and run the requested migrations."""
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "the ledger's migrations run on a connection from the ledger: "
            "use `ppid-gateway migrate --config FILE` or `await Ledger.migrate()`, not the alembic command"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        compare_type=True,
        # SQLite alters a table by copying it; later revisions need that to change a column.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    # The caller's transaction is already open: Alembic joins it rather than committing on its own.
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
