"""The connector benchmark: what reading one OPD costs through each builtin connector kind.

One OPD per connector kind (and per ``rest`` dialect) is served as the
simulator serves it, over real HTTP on loopback (the ``sql`` OPD from its
SQLite database, the ``graphql`` OPD from the regency's own gateway). In this
process, each OPD's connector, built from the simulator's own config, reads
every document page by page (``page_size`` 100), ``--rounds`` times, and then
answers one filtered query (a category and a span of years). Figures:

- documents, and upstream calls per full read (counted by the simulated portal);
- wall time of a full read (p50 over the rounds);
- the connector's CPU in this process per 100 documents: parsing, validation
  and mapping, which is what a connector costs the gateway;
- for the filtered query: the documents the connector fetched and those that
  match (the engine drops the rest), and what the connector pushed upstream
  (``Pushdown``).

::

    .venv/bin/python -m bench.connectors
    .venv/bin/python -m bench.connectors --rounds 20 --json bench/results/connectors.json

Nothing here is a test and nothing asserts a timing. Every process it starts
is stopped, even when it fails.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as ``python bench/connectors.py``: find the project's packages
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import yaml

from bench.machine import describe_code, describe_machine, machine_line
from connectors import Connector, DocumentFilter, InformationCategory, OpdRef, document_matches
from connectors.testing.suite import walk_documents
from gateway.config import GatewayConfig, parse_config
from simulator.fleet import Fleet
from simulator.plan import Dialect

ROOT = Path(__file__).resolve().parent.parent
OPDS = {
    "dinkes": "rest (laravel)",
    "bappeda": "rest (drf)",
    "dishub": "rest (export)",
    "dpk": "files",
    "dispar": "wordpress",
    "dlhk": "wordpress (?rest_route=)",
    "diskominfo": "ckan",
    "dpmptsp": "sql (SQLite)",
    "lebak-dinkes": "graphql (a regency's gateway)",
}
"""The OPDs read, and what reads them."""
PAGE_SIZE = 100
FILTER = DocumentFilter(categories=frozenset({InformationCategory.BERKALA}), year_from=2023, year_to=2025)


@dataclass
class ConnectorFigures:
    """What reading one OPD through its connector cost."""

    opd: str
    reader: str
    documents: int
    calls_per_read: float | None
    wall_p50_ms: float
    cpu_ms_per_100: float
    filtered_fetched: int
    filtered_matching: int
    filter_pushed: str


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.connectors", description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10, help="full reads per OPD (default 10)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    return parser


def _pushed(connector: Connector) -> str:
    pushdown = connector.pushdown
    parts = [name for name, on in (("category", pushdown.categories), ("years", pushdown.years)) if on]
    return f"upstream: {', '.join(parts)}" if parts else "the engine"


async def _measure(
    connectors: dict[str, Connector], rounds: int, calls: dict[str, list[int]], fleet: Fleet
) -> list[ConnectorFigures]:
    figures = []
    for slug, connector in connectors.items():
        await connector.probe()
        walls: list[float] = []
        cpu = 0.0
        count = 0
        for _ in range(rounds):
            before = _documents_calls(fleet, slug)
            started, cpu_started = time.perf_counter(), time.process_time()
            documents = await walk_documents(connector, page_size=PAGE_SIZE)
            walls.append((time.perf_counter() - started) * 1000)
            cpu += time.process_time() - cpu_started
            count = len(documents)
            after = _documents_calls(fleet, slug)
            if before is not None and after is not None:
                calls.setdefault(slug, []).append(after - before)
        filtered = await walk_documents(connector, page_size=PAGE_SIZE, flt=FILTER)
        made = calls.get(slug)
        figures.append(
            ConnectorFigures(
                opd=slug,
                reader=OPDS[slug],
                documents=count,
                calls_per_read=statistics.mean(made) if made else None,
                wall_p50_ms=statistics.median(walls),
                cpu_ms_per_100=cpu * 1000 / rounds / max(count, 1) * 100,
                filtered_fetched=len(filtered),
                filtered_matching=sum(1 for doc in filtered if document_matches(doc, FILTER)),
                filter_pushed=_pushed(connector),
            )
        )
    return figures


def _documents_calls(fleet: Fleet, slug: str) -> int | None:
    """The documents requests the OPD's portal has counted; ``None`` when its documents are not read over
    HTTP from the fleet (a catalog file, a database, the regency's gateway, which caches what it reads)."""
    if fleet.dialects.get(slug) in (None, Dialect.FILES, Dialect.SQL):
        return None
    return fleet.stats()[slug]["documents"]


async def _run(config: GatewayConfig, rounds: int, fleet: Fleet) -> list[ConnectorFigures]:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        connectors: dict[str, Connector] = {}
        for opd in config.opds:
            resolved = opd.resolved_connector
            connectors[opd.slug] = resolved.cls(OpdRef(slug=opd.slug, name=opd.name), resolved.settings, http)
        try:
            return await _measure(connectors, rounds, {}, fleet)
        finally:
            await asyncio.gather(*(connector.aclose() for connector in connectors.values()))


def _table(figures: list[ConnectorFigures]) -> str:
    lines = [
        "| OPD | read by | documents | calls / read | full read p50 | connector CPU / 100 docs "
        "| filtered: fetched / matching | filter applied by |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for f in figures:
        calls = "—" if f.calls_per_read is None else f"{f.calls_per_read:.0f}"
        filtered = f"{f.filtered_fetched} / {f.filtered_matching}"
        lines.append(
            f"| {f.opd} | {f.reader} | {f.documents} | {calls} | {f.wall_p50_ms:.0f} ms "
            f"| {f.cpu_ms_per_100:.1f} ms | {filtered} | {f.filter_pushed} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the table; the exit code is 0."""
    args = _parser().parse_args(argv)
    machine = describe_machine()
    province = [slug for slug in OPDS if not slug.startswith("lebak-")]
    print(f"{machine_line(machine)}\nstarting {len(province)} portals and the regency…", file=sys.stderr)
    with (
        tempfile.TemporaryDirectory(prefix="ppid-bench-connectors-") as folder,
        Fleet(province, processes=2, auth=[], intake=[], regency=True) as fleet,
    ):
        assert fleet.regency is not None
        path = Path(folder) / "gateway.yaml"
        config = fleet.gateway_config(Path(folder) / "catalogs", config_dir=Path(folder))
        config["opds"] = [opd for opd in config["opds"] if opd["slug"] in OPDS]
        path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
        os.environ.update(fleet.environment())
        parsed = parse_config(path.read_text(encoding="utf-8"), base_dir=path.parent)
        figures = asyncio.run(_run(parsed, args.rounds, fleet))
    print(_table(figures))
    if args.json:
        report: dict[str, Any] = {
            "machine": machine,
            "code": describe_code(ROOT),
            "rounds": args.rounds,
            "page_size": PAGE_SIZE,
            "filter": {"categories": ["BERKALA"], "year_from": 2023, "year_to": 2025},
            "connectors": [asdict(f) for f in figures],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
