"""The connector contract of ppid-gateway.

A connector turns one OPD's system (a REST API, a WordPress site, a CKAN
portal, a catalog file...) into normalized records. A connector author
depends on this package alone. Start with :class:`Connector` and
``docs/connectors.md``.
"""

from .base import Connector
from .capabilities import Capability, Pushdown
from .errors import (
    ConnectorConfigError,
    ConnectorError,
    InvalidToken,
    NotSupported,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from .filtering import document_matches, order_key
from .mock import MockCall, MockConnector
from .queries import DocumentFilter, DocumentOrder, DocumentQuery, ListQuery, OpdRef
from .records import (
    WIB,
    Contact,
    Document,
    DocumentPage,
    ExemptionGround,
    InformationCategory,
    InformationListEntry,
    InformationListPage,
    MenuSection,
    MenuSectionKind,
    OpdProfile,
)
from .registry import ENTRY_POINT_GROUP, UnknownConnectorKind, available_kinds, connector_class

__all__ = [
    "ENTRY_POINT_GROUP",
    "WIB",
    "Capability",
    "Connector",
    "ConnectorConfigError",
    "ConnectorError",
    "Contact",
    "Document",
    "DocumentFilter",
    "DocumentOrder",
    "DocumentPage",
    "DocumentQuery",
    "ExemptionGround",
    "InformationCategory",
    "InformationListEntry",
    "InformationListPage",
    "InvalidToken",
    "ListQuery",
    "MenuSection",
    "MenuSectionKind",
    "MockCall",
    "MockConnector",
    "NotSupported",
    "OpdProfile",
    "OpdRef",
    "Pushdown",
    "UnknownConnectorKind",
    "UpstreamBadResponse",
    "UpstreamError",
    "UpstreamTimeout",
    "UpstreamUnavailable",
    "available_kinds",
    "connector_class",
    "document_matches",
    "order_key",
]
