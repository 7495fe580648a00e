"""The generic ``rest`` connector: an OPD's JSON API, described in config rather than code.

See :class:`~connectors.rest.settings.RestSettings` for the ``connector:``
block and :mod:`connectors.rest.pagination` for the continuation tokens.
"""

from .connector import RestConnector
from .settings import RestSettings

__all__ = ["RestConnector", "RestSettings"]
