"""The gateway config that reads a running simulator fleet, as ``gateway.config.parse_config`` expects it.

Each OPD gets the ``connector:`` block its dialect module declares: ``rest``
for the custom APIs (with an ``intake:`` block when the simulated OPD takes
requests), ``wordpress``, ``ckan``, ``sql`` (its database URL read from
``PPID_SIM_DMS_URL_<SLUG>``); each ``files`` OPD gets ``kind: files`` with its
catalog (written by :func:`simulator.catalogs.write_catalogs`) and the
simulator URL its files are served from. The OPDs of a regency gateway
(:mod:`simulator.regency`) are added with the ``graphql`` blocks given.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from .catalogs import catalog_path, write_catalogs
from .dialects import connector_block, dms_url_env
from .directory import load_opds, opd_index, resolve_slugs
from .plan import SIM_INTAKE_SECRET_ENV, SIM_TOKEN_ENV, SIM_TOKEN_HEADER, Dialect, OpdPlan, make_plan

__all__ = ["TITLE", "fixed_endpoints", "render_config_yaml", "render_gateway_config", "write_catalogs"]
# write_catalogs lives in simulator.catalogs; it is re-exported here because
# the config and its catalogs are always made together.

TITLE = "PPID Provinsi Banten (simulator)"
"""The config's title: shown in GraphiQL and the demo banner."""


def fixed_endpoints(base_port: int, slugs: Iterable[str] | None = None) -> dict[str, str]:
    """The base URLs of ``python -m simulator serve-fleet --base-port BASE_PORT``: OPD i on BASE_PORT + i."""
    opds = resolve_slugs(None if slugs is None else list(slugs))
    return {opd.slug: f"http://127.0.0.1:{base_port + opd_index(opd.slug)}" for opd in opds}


def _catalog_ref(catalog_dir: Path, slug: str, config_dir: Path | None) -> str:
    path = catalog_path(catalog_dir, slug)
    if config_dir is None:
        return str(path.resolve())
    return Path(os.path.relpath(path.resolve(), Path(config_dir).resolve())).as_posix()


def _connector(plan: OpdPlan, url: str, catalog_dir: Path, config_dir: Path | None) -> dict[str, Any]:
    if plan.dialect is Dialect.FILES:
        return {
            "kind": "files",
            "catalog": _catalog_ref(catalog_dir, plan.slug, config_dir),
            "files_base_url": url,
        }
    block = connector_block(plan, url)
    if plan.auth:
        auth = {"type": "api_key", "token_env": SIM_TOKEN_ENV, "header": SIM_TOKEN_HEADER}
        # After base_url, where a reader looks for it.
        block = {"kind": block.pop("kind"), "base_url": block.pop("base_url"), "auth": auth, **block}
    return block


def _entry(plan: OpdPlan, connector: dict[str, Any]) -> dict[str, Any]:
    opd = plan.opd
    contact = plan.seed().profile.contact
    return {
        "slug": opd.slug,
        "name": opd.name,
        "short_name": opd.short_name,
        "kind": opd.kind,
        "website": opd.website,
        "ppid_contact": contact.model_dump(exclude_none=True) if contact else None,
        "connector": connector,
    }


def render_gateway_config(
    endpoints: Mapping[str, str],
    *,
    catalog_dir: Path,
    opds: list[str] | None = None,
    federation: Mapping[str, Any] | None = None,
    dialects: Mapping[str, Dialect | str] | None = None,
    auth: Iterable[str] | None = None,
    intake: Iterable[str] | None = None,
    config_dir: Path | None = None,
    title: str = TITLE,
    regency: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A config dict for ``gateway.config.parse_config`` over the simulated OPDs at ``endpoints``.

    ``endpoints`` maps slugs to base URLs (``Fleet.endpoints``); ``opds``
    narrows them. Catalogs of ``files`` OPDs are expected in ``catalog_dir``
    (see :func:`simulator.catalogs.write_catalogs`); their paths are written
    relative to ``config_dir`` when given (for a config file kept there),
    else absolute. ``dialects``, ``auth`` and ``intake`` must match the
    fleet's (the defaults do). PPID Utama is ``diskominfo``, or the first OPD
    when the fleet has no diskominfo. The gateway needs
    ``PPID_SIM_TOKEN=simulator-token`` in its environment for the OPDs with an
    API key, and ``PPID_SIM_INTAKE_SECRET=simulator-intake-secret`` for those
    that take requests (``Fleet.environment()`` has both, and each ``sql``
    OPD's database URL). ``regency`` adds OPDs read from a regency gateway:
    province slug → its ``graphql`` connector block (``Regency.connector_block``).
    """
    slugs = list(opds) if opds is not None else list(endpoints)
    missing = [slug for slug in slugs if slug not in endpoints]
    if missing:
        raise ValueError(f"no endpoint for {', '.join(missing)}; endpoints has {', '.join(endpoints)}")
    plans = make_plan(slugs, dialects=dialects, auth=auth, intake=intake)
    if not plans:
        raise ValueError("a gateway config needs at least one OPD")
    entries = [
        _entry(plan, _connector(plan, endpoints[plan.slug], Path(catalog_dir), config_dir)) for plan in plans
    ]
    for plan in make_plan(list(regency)) if regency else []:
        entries.append(_entry(plan, dict(regency[plan.slug]) if regency else {}))
    slug_set = {plan.slug for plan in plans}
    config: dict[str, Any] = {
        "title": title,
        "ppid_utama": "diskominfo" if "diskominfo" in slug_set else plans[0].slug,
    }
    if federation is not None:
        config["federation"] = dict(federation)
    config["cache"] = {"url": "memory://"}
    config["opds"] = entries
    return config


class _Dumper(yaml.SafeDumper):
    """Writes shared sub-dicts out in full: anchors and aliases would only puzzle a reader."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render_config_yaml(config: Mapping[str, Any], *, base_port: int | None = None) -> str:
    """``config`` as YAML with a header on how to run it (for the fixed-port fleet when ``base_port``)."""
    keyed = [opd["slug"] for opd in config["opds"] if "auth" in opd["connector"]]
    taking = [opd["slug"] for opd in config["opds"] if "intake" in opd["connector"]]
    databases = [opd["slug"] for opd in config["opds"] if opd["connector"].get("kind") == "sql"]
    federated = [opd for opd in config["opds"] if opd["connector"].get("kind") == "graphql"]
    lines = ["# The Banten OPDs as `python -m simulator` simulates them."]
    if base_port is not None:
        last = base_port + len(load_opds()) - 1
        lines += [
            "#",
            "# To run by hand, in two terminals:",
            f"#   python -m simulator serve-fleet --base-port {base_port}   "
            f"# OPDs on ports {base_port}-{last}, control API on {base_port - 1}",
            "#   ppid-gateway migrate --config examples/banten.yaml   # the request ledger, once",
            *(f"#   export {dms_url_env(slug)}=<the URL serve-fleet prints>" for slug in databases),
            f"#   {SIM_TOKEN_ENV}=simulator-token {SIM_INTAKE_SECRET_ENV}=simulator-intake-secret \\",
            "#   PPID_PERSONAL_DATA_KEY=<a key from gateway.identity.crypto.generate_master_key()> \\",
            "#       ppid-gateway serve --config examples/banten.yaml",
            "#",
            "# Generated by:",
            f"#   python -m simulator config --base-port {base_port} --catalog-dir examples/catalogs \\",
            "#       --output examples/banten.yaml",
            "# tests/simulator/test_examples.py fails when this file or a catalog is stale.",
        ]
    if keyed:
        lines += [f"# {', '.join(keyed)} want an API key: the gateway reads it from {SIM_TOKEN_ENV}."]
    if taking:
        text = (
            f"{', '.join(taking)} take requests (intake): the gateway reads their shared secret "
            f"from {SIM_INTAKE_SECRET_ENV}."
        )
        lines += [f"# {line}" for line in textwrap.wrap(text, width=100)]
    if databases:
        text = (
            f"{', '.join(databases)}: documents in a database (kind: sql); the gateway reads the URL "
            f"from {', '.join(dms_url_env(slug) for slug in databases)}."
        )
        lines += [f"# {line}" for line in textwrap.wrap(text, width=100)]
    if federated:
        endpoints = sorted({str(opd["connector"]["endpoint"]) for opd in federated})
        text = (
            f"{', '.join(opd['slug'] for opd in federated)} are a regency's OPDs, read from its own gateway "
            f"at {', '.join(endpoints)} (kind: graphql)."
        )
        lines += [f"# {line}" for line in textwrap.wrap(text, width=100)]
    body = yaml.dump(dict(config), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110)
    tail = _OFFICERS_EXAMPLE if base_port is not None and "officers" not in config else ""
    return "\n".join(lines) + "\n" + body + tail


_OFFICERS_EXAMPLE = """
# Officers answer requests with a key of their own; the config keeps only its SHA-256. For each one,
#   ppid-gateway officer-key --id dinkes-ppid --name "PPID Pembantu Dinkes" --role PPID --opd dinkes
# prints a new key (give it to that officer only) and the entry to paste here, uncommented.
# Roles: PPID and ATASAN (atasan PPID, decides objections) act for their opd; PPID_UTAMA for every OPD.
# officers:
#   - id: dinkes-ppid
#     name: PPID Pembantu Dinkes
#     role: PPID
#     opd: dinkes
#     key_sha256: <the 64 hex digits ppid-gateway officer-key prints>
#   - id: dinkes-atasan
#     name: Atasan PPID Dinkes
#     role: ATASAN
#     opd: dinkes
#     key_sha256: <...>
#   - id: ppid-utama
#     name: PPID Utama Provinsi Banten
#     role: PPID_UTAMA
#     key_sha256: <...>
"""
