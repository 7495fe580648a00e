"""The ``ckan`` connector: an OPD's datasets on a CKAN open-data portal (Satu Data), resources as documents.

See :class:`~connectors.ckan.settings.CkanSettings` for the ``connector:``
block, :mod:`connectors.ckan.mapping` for how a resource becomes a document and
:mod:`connectors.ckan.action` for how CKAN's answers and errors are read.
"""

from .connector import CkanConnector
from .settings import CategoryMapping, CkanSettings

__all__ = ["CategoryMapping", "CkanConnector", "CkanSettings"]
