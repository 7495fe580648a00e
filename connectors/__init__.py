"""The connector contract of ppid-gateway.

A connector turns one OPD's system (a REST API, a WordPress site, a CKAN
portal, a catalog file...) into normalized records. A connector author
depends on this package alone. Start with :class:`Connector` and
``docs/connectors.md``; request delivery is described in :mod:`connectors.intake`.
"""

from .base import Connector
from .capabilities import Capability, Pushdown
from .errors import (
    ConnectorConfigError,
    ConnectorError,
    InvalidToken,
    NotSupported,
    SubmissionRejected,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from .filtering import document_matches, order_key
from .intake import RequesterDetails, Submission, SubmissionOperation, UpstreamReceipt, UpstreamRequestStatus
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
from .vocabulary import (
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterType,
    RequestKind,
    RequestState,
    RoutedBy,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "WIB",
    "Capability",
    "Connector",
    "ConnectorConfigError",
    "ConnectorError",
    "Contact",
    "DeliveryMethod",
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
    "ObjectionReason",
    "ObtainMethod",
    "OpdProfile",
    "OpdRef",
    "Pushdown",
    "RequestKind",
    "RequestState",
    "RequesterDetails",
    "RequesterType",
    "RoutedBy",
    "Submission",
    "SubmissionOperation",
    "SubmissionRejected",
    "UnknownConnectorKind",
    "UpstreamBadResponse",
    "UpstreamError",
    "UpstreamReceipt",
    "UpstreamRequestStatus",
    "UpstreamTimeout",
    "UpstreamUnavailable",
    "available_kinds",
    "connector_class",
    "document_matches",
    "order_key",
]
