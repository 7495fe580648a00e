"""The ``wordpress`` connector: an OPD portal's documents from the WordPress REST API.

See :class:`~connectors.wordpress.settings.WordPressSettings` for the
``connector:`` block and :mod:`connectors.wordpress.mapping` for how media and
posts become documents.
"""

from .connector import WordPressConnector
from .settings import WordPressSettings

__all__ = ["WordPressConnector", "WordPressSettings"]
