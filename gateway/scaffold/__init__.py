"""``ppid-gateway new-connector``: a new third-party connector package to start from.

:func:`write_connector` writes ``ppid-connector-<kind>/``: a working connector
for a plain JSON API (a settings model, ``list_documents``, ``get_document``,
``profile``), registered under the entry-point group ``ppid_gateway.connectors``,
with the contract kit's tests and a README. An OPD developer installs it next to
the gateway and adapts it to the OPD's real API.
"""

from .writer import (
    EXIT_OK,
    EXIT_USAGE,
    FILES,
    ConnectorName,
    ScaffoldError,
    parse_name,
    render,
    run_new_connector,
    write_connector,
)

__all__ = [
    "EXIT_OK",
    "EXIT_USAGE",
    "FILES",
    "ConnectorName",
    "ScaffoldError",
    "parse_name",
    "render",
    "run_new_connector",
    "write_connector",
]
