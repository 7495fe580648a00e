"""The ``files`` connector: an OPD's documents, DIP and profile from a YAML or CSV catalog file.

See :mod:`connectors.files.catalog` for the file format and
:class:`~connectors.files.settings.FilesSettings` for the ``connector:`` block.
"""

from .connector import FilesConnector
from .settings import FilesSettings

__all__ = ["FilesConnector", "FilesSettings"]
