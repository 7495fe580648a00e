"""The examples in the docs stay true: they parse and validate as written."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from connectors import Capability, Connector
from gateway.config import parse_config

DOCS = Path(__file__).resolve().parent.parent / "docs"


def blocks(name: str, language: str) -> list[str]:
    text = (DOCS.parent / name if name == "README.md" else DOCS / name).read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_the_rest_example_in_connectors_md_is_a_valid_config() -> None:
    [example] = [b for b in blocks("connectors.md", "yaml") if "kind: rest" in b and "ppid_utama:" not in b]
    opds = yaml.safe_load(example)
    config = parse_config(yaml.safe_dump({"ppid_utama": "dinkes", "opds": opds}))
    connector = config.opds[0].resolved_connector
    assert connector.kind == "rest"


def test_the_step_by_step_config_in_connectors_md_is_a_valid_config() -> None:
    [example] = [b for b in blocks("connectors.md", "yaml") if "kind: rest" in b and "ppid_utama:" in b]
    config = parse_config(example)
    assert [opd.resolved_connector.kind for opd in config.opds] == ["rest"]


def test_the_custom_connector_example_defines_a_connector() -> None:
    [example] = [b for b in blocks("connectors.md", "python") if "class MyDmsConnector" in b]
    namespace: dict[str, object] = {}
    exec(compile(example, "docs/connectors.md", "exec"), namespace)
    cls = namespace["MyDmsConnector"]
    assert isinstance(cls, type) and issubclass(cls, Connector)
    assert cls.capabilities == frozenset({Capability.DOCUMENTS})


def test_the_operations_example_config_keys_exist() -> None:
    [example] = [b for b in blocks("operations.md", "yaml") if "federation:" in b]
    raw = yaml.safe_load(example)
    raw["opds"][0]["ppid_contact"] = {"name": "PPID Pembantu Dinkes"}
    raw["ppid_utama"] = "dinkes"
    raw["opds"][0]["connector"]["profile"] = {"path": "/api/profil"}
    config = parse_config(yaml.safe_dump(raw))
    assert config.federation.circuit.failure_threshold == 5


def test_the_intake_example_in_connectors_md_is_valid_rest_settings() -> None:
    from connectors.rest.settings import RestSettings

    [example] = [b for b in blocks("connectors.md", "yaml") if "intake:" in b]
    settings = RestSettings.model_validate(
        {"base_url": "https://dinkes.example.go.id", **yaml.safe_load(example)}
    )
    assert settings.intake is not None and settings.intake.status is not None


def test_the_graphql_examples_in_schema_md_and_the_readme_are_valid_operations() -> None:
    from graphql import build_schema as from_sdl
    from graphql import parse, validate

    from schema.build import build_schema

    schema = from_sdl(build_schema().as_str())
    examples = blocks("schema.md", "graphql")
    assert any("submitObjection" in example for example in examples)
    readme = blocks("README.md", "graphql")
    assert any("submitInformationRequest" in example for example in readme)
    examples += readme
    for example in examples:
        assert validate(schema, parse(example)) == [], example


def test_the_examples_of_the_other_builtin_connectors_in_connectors_md_are_valid_configs() -> None:
    for kind in ("wordpress", "ckan", "sql", "graphql"):
        [example] = [b for b in blocks("connectors.md", "yaml") if f"kind: {kind}" in b]
        opds = yaml.safe_load(example)
        config = parse_config(yaml.safe_dump({"ppid_utama": opds[0]["slug"], "opds": opds}))
        assert config.opds[0].resolved_connector.kind == kind
