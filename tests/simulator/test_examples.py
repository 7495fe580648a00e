"""examples/banten.yaml and examples/catalogs are what `python -m simulator config` generates."""

from __future__ import annotations

from pathlib import Path

from gateway.config import load_config
from simulator.__main__ import main
from simulator.directory import regency_opds

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_committed_example_config_and_catalogs_are_up_to_date(tmp_path: Path) -> None:
    output = tmp_path / "banten.yaml"
    catalogs = tmp_path / "catalogs"
    code = main(["config", "--base-port", "18100", "--catalog-dir", str(catalogs), "--output", str(output)])
    assert code == 0
    fix = "regenerate: python -m simulator config --base-port 18100 --catalog-dir examples/catalogs "
    fix += "--output examples/banten.yaml"
    assert (EXAMPLES / "banten.yaml").read_text(encoding="utf-8") == output.read_text(encoding="utf-8"), fix
    committed = sorted(p.name for p in (EXAMPLES / "catalogs").iterdir())
    assert committed == sorted(p.name for p in catalogs.iterdir()), fix
    for name in committed:
        expected = (catalogs / name).read_text(encoding="utf-8")
        assert (EXAMPLES / "catalogs" / name).read_text(encoding="utf-8") == expected, fix


def test_the_example_config_loads_and_uses_every_builtin_connector_kind() -> None:
    config = load_config(EXAMPLES / "banten.yaml")
    assert len(config.opds) == 43 + len(regency_opds())
    assert config.ppid_utama == "diskominfo"
    kinds = {opd.resolved_connector.kind for opd in config.opds}
    assert kinds == {"rest", "files", "wordpress", "ckan", "sql", "graphql"}
    regency = [opd for opd in config.opds if opd.resolved_connector.kind == "graphql"]
    assert [opd.slug for opd in regency] == [opd.slug for opd in regency_opds()]
