"""The words of the request service: kinds, states, reasons, methods (DOMAIN.md).

Defined in the connector contract (:mod:`connectors.vocabulary`), because an
OPD's connector receives and reports them too and ``connectors`` never imports
the gateway; re-exported here, the very same classes, for the gateway's code.
"""

from __future__ import annotations

from connectors.vocabulary import (
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterType,
    RequestKind,
    RequestState,
    RoutedBy,
)

__all__ = [
    "DeliveryMethod",
    "ObjectionReason",
    "ObtainMethod",
    "RequestKind",
    "RequestState",
    "RequesterType",
    "RoutedBy",
]
