"""Catalog files for the OPDs of the ``files`` dialect, read by the gateway's ``files`` connector.

A catalog is a YAML mapping: ``profile`` (the fields of
``connectors.records.OpdProfile``, with a ``contact`` mapping and a ``menu``
list of ``{section, available, url, updated_at}``), ``documents`` (the fields
of ``connectors.records.Document``, ``id`` for ``local_id``, enum names for
``category`` and ``exemption_ground``, ``file_url`` relative to the
connector's ``files_base_url``) and ``information_list`` (the fields of
``InformationListEntry``, ``id`` for ``local_id``, ``document_id`` for
``document_local_id``, ``formats`` a list). Nothing in it depends on ports,
so catalogs can be committed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from connectors.records import OpdProfile

from .directory import OpdInfo
from .plan import Dialect, make_plan
from .seed import IdStyle, OpdSeed, seed_opd

__all__ = ["catalog_data", "catalog_path", "catalog_yaml", "write_catalogs"]


def _compact(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value is not None}


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _profile(profile: OpdProfile) -> dict[str, Any]:
    contact = profile.contact
    return _compact(
        {
            "description": profile.description,
            "vision": profile.vision,
            "mission": profile.mission,
            "tasks": profile.tasks,
            "service_statement": profile.service_statement,
            "structure_url": profile.structure_url,
            "contact": _compact(contact.model_dump()) if contact else None,
            "menu": [
                _compact(
                    {
                        "section": m.section.name,
                        "available": m.available,
                        "url": m.url,
                        "updated_at": _iso(m.updated_at),
                    }
                )
                for m in profile.menu
            ],
            "updated_at": _iso(profile.updated_at),
        }
    )


def catalog_data(seed: OpdSeed) -> dict[str, Any]:
    """The catalog of ``seed``'s OPD as plain data (ready for YAML)."""
    documents = []
    for doc in seed.documents:
        served = seed.files.get(doc.local_id)
        documents.append(
            _compact(
                {
                    "id": doc.local_id,
                    "title": doc.title,
                    "category": doc.category.name,
                    "summary": doc.summary,
                    "type": doc.type,
                    "year": doc.year,
                    "published_at": _iso(doc.published_at),
                    "updated_at": _iso(doc.updated_at),
                    # Taken from the served files, not the record: the catalog,
                    # like the portal, still links some exempt documents' files.
                    "file_url": served.path if served else None,
                    "mime_type": served.mime_type if served else None,
                    "size_bytes": served.size_bytes if served else None,
                    "source_url": doc.source_url,
                    "exemption_ground": doc.exemption_ground.name if doc.exemption_ground else None,
                }
            )
        )
    entries = [
        _compact(
            {
                "id": e.local_id,
                "number": e.number,
                "title": e.title,
                "summary": e.summary,
                "category": e.category.name,
                "holding_unit": e.holding_unit,
                "responsible_official": e.responsible_official,
                "made_at": e.made_at,
                "formats": list(e.formats),
                "retention_period": e.retention_period,
                "year": e.year,
                "document_id": e.document_local_id,
            }
        )
        for e in seed.information_list
    ]
    return {"profile": _profile(seed.profile), "documents": documents, "information_list": entries}


class _Dumper(yaml.SafeDumper):
    """Writes multi-line text as a literal block, which keeps a mission statement readable."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def catalog_yaml(seed: OpdSeed) -> str:
    """The catalog file of ``seed``'s OPD, with a header naming its origin."""
    return _catalog_text(seed.opd, seed.id_style)


@cache
def _catalog_text(opd: OpdInfo, id_style: IdStyle) -> str:
    # Cached: dumping YAML in pure Python takes ~0.1 s per catalog, and the
    # demo, the config command and the tests each write the same catalogs.
    seed = seed_opd(opd, id_style)
    header = (
        f"# {seed.opd.name} ({seed.opd.slug}): catalog for the gateway's `files` connector.\n"
        "# Generated from the simulator's seed by `python -m simulator config`; do not edit by hand.\n"
    )
    body = yaml.dump(catalog_data(seed), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def catalog_path(catalog_dir: Path, slug: str) -> Path:
    """Where the catalog of ``slug`` is written."""
    return Path(catalog_dir) / f"{slug}.yaml"


def write_catalogs(
    catalog_dir: Path,
    endpoints: Mapping[str, str] | Iterable[str],
    *,
    dialects: Mapping[str, Dialect | str] | None = None,
) -> list[Path]:
    """Write the catalog of every ``files`` OPD among ``endpoints`` (its keys are the slugs).

    Returns the paths written. ``dialects`` overrides dialects as in
    :func:`simulator.plan.make_plan`; pass the same overrides as to the fleet.
    """
    catalog_dir = Path(catalog_dir)
    catalog_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for plan in make_plan(list(endpoints), dialects=dialects):
        if plan.dialect is Dialect.FILES:
            path = catalog_path(catalog_dir, plan.slug)
            path.write_text(catalog_yaml(plan.seed()), encoding="utf-8")
            written.append(path)
    return written
