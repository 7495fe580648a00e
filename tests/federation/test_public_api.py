"""The engine's public names, on which the schema is written, stay put; gateway never imports Strawberry."""

from __future__ import annotations

import subprocess
import sys

from gateway import federation

SCHEMA_USES = {
    "BadUserInput",
    "Edge",
    "FederatedDocument",
    "FederatedListEntry",
    "Federation",
    "OperationReport",
    "Slice",
    "UpstreamHealth",
    "UpstreamOutcome",
    "UpstreamStatusCode",
}


def test_the_public_names_are_exported_once_each() -> None:
    assert set(federation.__all__) >= SCHEMA_USES
    assert len(federation.__all__) == len(set(federation.__all__))  # ruff (RUF022) keeps it sorted
    for name in federation.__all__:
        assert getattr(federation, name) is not None


def test_the_engine_does_not_import_strawberry() -> None:
    code = "import sys, gateway.federation; sys.exit('strawberry' in sys.modules or 'graphql' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
