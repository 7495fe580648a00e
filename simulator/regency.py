"""A regency's own ppid-gateway over a small fleet of its own: the upstream of the ``graphql`` connector.

Kabupaten Lebak (:data:`simulator.directory.REGENCY_NAME`) runs a gateway of
its own over three OPD portals. The province federates it: each regency OPD
is an OPD of the province's config, ``kind: graphql``, with the province's
slug ``lebak-dinkes`` and the regency's own ``upstream_opd: dinkes``::

    with Regency() as regency:
        regency.endpoint                          # http://127.0.0.1:41234/graphql
        regency.connector_block("lebak-dinkes")   # {"kind": "graphql", ...}
        regency.fleet.set_knobs("lebak-dinkes", down=True)

The regency's gateway is ``ppid-gateway serve`` in a process of its own
(:class:`simulator.gateway_process.GatewayProcess`), its ledger a SQLite file
in a temporary folder removed on stop.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml

from connectors.records import Document

from .directory import REGENCY_NAME, REGENCY_PREFIX, regency_opds
from .fleet import Fleet
from .gateway_process import GatewayProcess

__all__ = ["REGENCY_PORT_OFFSET", "Regency", "graphql_block", "upstream_slug"]

REGENCY_PORT_OFFSET = 50
"""``python -m simulator serve-fleet --base-port P`` runs the regency's gateway on ``P + 50``."""


def upstream_slug(slug: str) -> str:
    """The regency gateway's own slug for the province's ``slug`` (``lebak-dinkes`` → ``dinkes``)."""
    prefix = f"{REGENCY_PREFIX}-"
    if not slug.startswith(prefix):
        raise ValueError(f"{slug!r} is not an OPD of {REGENCY_NAME} (its slugs start with {prefix!r})")
    return slug.removeprefix(prefix)


class Regency:
    """The simulated regency: its OPD portals (a :class:`Fleet`) and its gateway, started and stopped as one.

    ``port``: the regency gateway's port (default: one the OS picks).
    ``knobs``: faults of its OPDs at start, as for :class:`Fleet`.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        knobs: Mapping[str, Any] | None = None,
        python: str = sys.executable,
        startup_timeout_s: float = 60.0,
    ) -> None:
        self.port = port
        self.python = python
        self.startup_timeout_s = startup_timeout_s
        self.fleet = Fleet([opd.slug for opd in regency_opds()], processes=1, knobs=knobs, python=python)
        """The regency's OPD portals (slugs with the province's prefix: ``lebak-dinkes``)."""
        self.gateway: GatewayProcess | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None

    @property
    def slugs(self) -> list[str]:
        """The province's slugs of the regency's OPDs, in directory order."""
        return [plan.slug for plan in self.fleet.plan]

    @property
    def endpoint(self) -> str:
        """The regency gateway's GraphQL endpoint."""
        if self.gateway is None:
            raise RuntimeError("the regency is not running")
        return self.gateway.graphql_url

    def start(self) -> Regency:
        """Start the OPD portals, migrate the regency's ledger and start its gateway (``/readyz`` 200)."""
        try:
            self._folder = tempfile.TemporaryDirectory(prefix="ppid-simulator-regency-")
            folder = Path(self._folder.name)
            self.fleet.start()
            config_path = folder / "regency.yaml"
            config_path.write_text(
                yaml.safe_dump(self._config(folder), sort_keys=False, allow_unicode=True), encoding="utf-8"
            )
            migrate = subprocess.run(
                [self.python, "-m", "gateway.cli", "migrate", "--config", str(config_path)],
                capture_output=True,
                text=True,
                check=False,
                timeout=self.startup_timeout_s,
            )
            if migrate.returncode != 0:
                raise RuntimeError(f"the regency's ledger did not migrate:\n{migrate.stdout}{migrate.stderr}")
            self.gateway = GatewayProcess(
                config_path,
                env=self.fleet.environment(),
                port=self.port,
                start_timeout_s=self.startup_timeout_s,
            ).start()
        except BaseException:
            self.stop()
            raise
        return self

    def _config(self, folder: Path) -> dict[str, Any]:
        config = self.fleet.gateway_config(folder / "catalogs", config_dir=folder)
        for entry in config["opds"]:
            entry["slug"] = upstream_slug(entry["slug"])
        config["title"] = f"PPID {REGENCY_NAME} (simulator)"
        config["ppid_utama"] = config["opds"][0]["slug"]
        config["database"] = {"url": f"sqlite+aiosqlite:///{folder / 'regency-ledger.db'}"}
        return config

    def stop(self) -> None:
        """Stop the gateway, then the portals; remove the folder. Idempotent."""
        if self.gateway is not None:
            self.gateway.stop()
            self.gateway = None
        self.fleet.stop()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def __enter__(self) -> Regency:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def connector_block(self, slug: str) -> dict[str, Any]:
        """The province's ``connector:`` block for the regency's OPD ``slug`` (``lebak-dinkes``)."""
        return graphql_block(self.endpoint, slug)

    def served_documents(self, slug: str) -> list[Document]:
        """What the province reads of ``slug`` through the regency: the regency's documents, its ids."""
        return self.fleet.served_documents(slug)


def graphql_block(endpoint: str, slug: str) -> dict[str, Any]:
    """The ``connector:`` block that reads the regency's OPD ``slug`` from its gateway at ``endpoint``."""
    return {"kind": "graphql", "endpoint": endpoint, "upstream_opd": upstream_slug(slug)}
