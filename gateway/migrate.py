"""``ppid-gateway migrate``: bring the request ledger's schema to this release's revision."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.console import Console

from .config import ConfigError, DatabaseConfig, load_config
from .ledger import Ledger, LedgerUnavailable

EXIT_OK = 0
EXIT_DATABASE_UNAVAILABLE = 1
EXIT_INVALID_CONFIG = 2


def run_migrate(path: Path, console: Console) -> int:
    """Apply every pending migration to the database named in the config at ``path``."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        console.print(f"[bold red]Invalid config[/]\n{exc.render()}", highlight=False)
        return EXIT_INVALID_CONFIG
    try:
        before, after, where = asyncio.run(_migrate(config.database))
    except LedgerUnavailable as exc:
        console.print(f"[bold red]Database unavailable[/]: {exc}", highlight=False)
        return EXIT_DATABASE_UNAVAILABLE
    if before == after:
        console.print(f"{where}: already at revision {after}; nothing to do.", highlight=False)
    else:
        console.print(f"{where}: migrated from {before or 'an empty database'} to {after}.", highlight=False)
    return EXIT_OK


async def _migrate(database: DatabaseConfig) -> tuple[str | None, str | None, str]:
    async with await Ledger.open(database) as ledger:
        before = await ledger.schema_revision()
        await ledger.migrate()
        return before, await ledger.schema_revision(), ledger.database
