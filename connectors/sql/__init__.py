"""The ``sql`` connector: an OPD's documents read from its document-management database, read-only.

See :class:`~connectors.sql.settings.SqlSettings` for the ``connector:`` block
and :mod:`connectors.sql.mapping` for how a row becomes a document.
"""

from .connector import SqlConnector, database_url
from .settings import CategoryValues, ColumnMapping, SqlSettings

__all__ = ["CategoryValues", "ColumnMapping", "SqlConnector", "SqlSettings", "database_url"]
