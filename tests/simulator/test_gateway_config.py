"""The rendered gateway config validates, and the catalogs hold exactly the seed."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from connectors import Capability, OpdRef
from connectors.records import Document, InformationListEntry, OpdProfile
from connectors.rest.settings import RestSettings
from gateway.config import parse_config
from simulator import (
    SIM_INTAKE_SECRET,
    SIM_INTAKE_SECRET_ENV,
    SIM_TOKEN,
    SIM_TOKEN_ENV,
    Dialect,
    Fleet,
    fixed_endpoints,
    make_plan,
    render_gateway_config,
    write_catalogs,
)
from simulator.catalogs import catalog_path
from simulator.dialects import dms_url_env, rest_connector_block
from simulator.plan import default_auth, default_intake

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def test_the_config_for_a_running_fleet_validates_with_parse_config(
    dialect_fleet: Fleet, tmp_path: Path
) -> None:
    config = dialect_fleet.gateway_config(tmp_path / "catalogs", federation={"opd_timeout_s": 1.5})
    parsed = parse_config(yaml.safe_dump(config, allow_unicode=True), source="rendered", base_dir=tmp_path)
    assert [opd.slug for opd in parsed.opds] == list(dialect_fleet.endpoints)
    assert parsed.federation.opd_timeout_s == 1.5
    for opd in parsed.opds:
        dialect = dialect_fleet.dialects[opd.slug]
        assert opd.resolved_connector.kind == ("files" if dialect is Dialect.FILES else "rest")
        block = opd.connector.options()
        assert ("auth" in block) == (opd.slug in dialect_fleet.auth)
        assert ("intake" in block) == (opd.slug in dialect_fleet.intake)
        if dialect is Dialect.FILES:
            assert Path(block["catalog"]).is_absolute()
            assert block["files_base_url"] == dialect_fleet.endpoints[opd.slug]


def test_the_config_of_all_43_opds_validates_with_catalog_paths_relative_to_its_folder(
    tmp_path: Path,
) -> None:
    endpoints = fixed_endpoints(18100)
    written = write_catalogs(tmp_path / "catalogs", endpoints)
    assert len(written) == 8
    config = render_gateway_config(endpoints, catalog_dir=tmp_path / "catalogs", config_dir=tmp_path)
    parsed = parse_config(yaml.safe_dump(config, allow_unicode=True), base_dir=tmp_path)
    assert len(parsed.opds) == 43
    assert parsed.ppid_utama == "diskominfo"
    catalogs = [opd.connector.options()["catalog"] for opd in parsed.opds if opd.connector.kind == "files"]
    assert catalogs == [f"catalogs/{path.name}" for path in written]
    keyed = {opd.slug for opd in parsed.opds if "auth" in opd.connector.options()}
    assert keyed == default_auth()


async def test_the_config_of_all_43_opds_declares_intake_exactly_where_the_simulator_takes_requests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    endpoints = fixed_endpoints(18100)
    write_catalogs(tmp_path / "catalogs", endpoints)
    config = render_gateway_config(endpoints, catalog_dir=tmp_path / "catalogs", config_dir=tmp_path)
    parsed = parse_config(yaml.safe_dump(config, allow_unicode=True), base_dir=tmp_path)
    for name, value in {SIM_TOKEN_ENV: SIM_TOKEN, SIM_INTAKE_SECRET_ENV: SIM_INTAKE_SECRET}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(dms_url_env("dpmptsp"), f"sqlite+aiosqlite:///{tmp_path / 'dms.sqlite'}")

    capabilities = {}
    async with httpx.AsyncClient() as http:
        for opd in parsed.opds:
            resolved = opd.resolved_connector
            built = resolved.cls(OpdRef(slug=opd.slug, name=opd.name), resolved.settings, http)
            capabilities[opd.slug] = built.capabilities

    taking = {slug for slug, found in capabilities.items() if Capability.REQUEST_INTAKE in found}
    assert taking == default_intake()
    assert {slug for slug, found in capabilities.items() if Capability.REQUEST_STATUS in found} == taking
    assert "dinkes" in taking


@pytest.mark.parametrize("dialect", [Dialect.LARAVEL, Dialect.DRF, Dialect.EXPORT])
def test_each_rest_block_is_valid_rest_settings(dialect: Dialect) -> None:
    block = rest_connector_block(dialect, "http://127.0.0.1:18100", intake=dialect.can_take_requests)
    assert block.pop("kind") == "rest"
    settings = RestSettings.model_validate(block)
    assert settings.documents is not None and settings.information_list is not None
    assert settings.profile is not None and settings.profile.menu is not None
    assert (settings.intake is not None) == dialect.can_take_requests
    if settings.intake is not None:
        assert settings.intake.status is not None and settings.intake.cancel_path is not None
    pushed = settings.documents.list
    if dialect is Dialect.EXPORT:
        assert pushed.order is None and pushed.filters.query is None
        assert pushed.pagination.style == "next_link" and pushed.total == "header:X-Total-Count"
    else:
        assert pushed.order is not None and pushed.filters.year_from and pushed.filters.year_to


def test_ppid_utama_is_the_first_opd_when_the_fleet_has_no_diskominfo(tmp_path: Path) -> None:
    endpoints = fixed_endpoints(18100, ["dinkes", "bappeda"])
    config = render_gateway_config(endpoints, catalog_dir=tmp_path)
    assert config["ppid_utama"] == "bappeda"  # the first in directory order
    parse_config(yaml.safe_dump(config))
    with pytest.raises(ValueError, match="no endpoint for dishub"):
        render_gateway_config(endpoints, catalog_dir=tmp_path, opds=["dishub"])


def test_catalogs_hold_exactly_the_seed_and_do_not_depend_on_ports(tmp_path: Path) -> None:
    files_opds = [plan for plan in make_plan() if plan.dialect is Dialect.FILES]
    slugs = [plan.slug for plan in files_opds]
    write_catalogs(tmp_path / "a", fixed_endpoints(18100, slugs))
    write_catalogs(tmp_path / "b", fixed_endpoints(28100, slugs))
    for plan in files_opds:
        text = catalog_path(tmp_path / "a", plan.slug).read_text(encoding="utf-8")
        assert text == catalog_path(tmp_path / "b", plan.slug).read_text(encoding="utf-8")
        raw = yaml.load(text, Loader=LOADER)
        seed = plan.seed()
        # Served files are listed, those of leaked exempt documents included; the
        # records below drop the latter, as the files connector must.
        assert {row["id"] for row in raw["documents"] if "file_url" in row} == set(seed.files)
        documents = [Document(local_id=row.pop("id"), **row) for row in raw["documents"]]
        assert tuple(documents) == seed.documents
        entries = [
            InformationListEntry(
                local_id=row.pop("id"), document_local_id=row.pop("document_id", None), **row
            )
            for row in raw["information_list"]
        ]
        assert tuple(entries) == seed.information_list
        assert OpdProfile.model_validate(raw["profile"]) == seed.profile
