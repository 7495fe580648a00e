"""GraphQL enums: the domain's own Python enums, registered with Strawberry as they are.

``strawberry.enum`` registers the class itself, so resolvers and types are
annotated with the domain enums directly (``connectors.InformationCategory``).
"""

from __future__ import annotations

import strawberry

from connectors import DocumentOrder, ExemptionGround, InformationCategory, MenuSectionKind
from connectors.vocabulary import (
    DeliveryMethod,
    ObjectionReason,
    ObtainMethod,
    RequesterType,
    RequestKind,
    RequestState,
    RoutedBy,
)
from gateway.federation import UpstreamStatusCode
from gateway.ledger import ActorKind

strawberry.enum(
    InformationCategory,
    name="InformationCategory",
    description="The four categories of public information of UU KIP (Pasal 9, 10, 11, 17).",
)
strawberry.enum(
    ExemptionGround,
    name="ExemptionGround",
    description="The ground of an exemption: UU KIP Pasal 17 letters a–j.",
)
strawberry.enum(
    DocumentOrder,
    name="DocumentOrder",
    description="How documents are ordered. Ties are broken by OPD slug, then local id.",
)
strawberry.enum(
    MenuSectionKind,
    name="MenuSectionKind",
    description="The sections of the standard PPID menu of an OPD website.",
)
strawberry.enum(
    UpstreamStatusCode,
    name="UpstreamStatus",
    description="How an OPD answered: OK, from cache, stale, failed, or not asked.",
)

strawberry.enum(
    RequesterType,
    name="RequesterType",
    description="Who asks: a person (NIK), a legal entity (ratification number), or a proxy (NIK).",
)
strawberry.enum(
    ObtainMethod,
    name="ObtainMethod",
    description="How the requester obtains the information: view it, or a soft or hard copy.",
)
strawberry.enum(
    DeliveryMethod,
    name="DeliveryMethod",
    description="How a copy reaches the requester (UU KIP Pasal 22(2)).",
)
strawberry.enum(RequestKind, name="RequestKind", description="An information request or an objection.")
strawberry.enum(
    ObjectionReason,
    name="ObjectionReason",
    description="The reason of an objection, UU KIP Pasal 35(1): A refused on a Pasal 17 exemption; "
    "B periodic information not provided; C request not responded to; D responded to other than as "
    "requested; E request not fulfilled; F unreasonable fees; G information delivered late.",
)
strawberry.enum(
    RequestState,
    name="RequestState",
    description="Where a request or objection is in its life (DOMAIN.md).",
)
strawberry.enum(
    RoutedBy,
    name="RoutedBy",
    description="How the request's OPD was chosen: named by the requester, by the document, "
    "by a routing rule, or PPID Utama by default.",
)
strawberry.enum(
    ActorKind,
    name="ActorKind",
    description="What kind of actor made a step of a request's history (never who).",
)

__all__ = [
    "ActorKind",
    "DeliveryMethod",
    "DocumentOrder",
    "ExemptionGround",
    "InformationCategory",
    "MenuSectionKind",
    "ObjectionReason",
    "ObtainMethod",
    "RequestKind",
    "RequestState",
    "RequesterType",
    "RoutedBy",
    "UpstreamStatusCode",
]
