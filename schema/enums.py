"""GraphQL enums: the domain's own Python enums, registered with Strawberry as they are.

``strawberry.enum`` registers the class itself, so resolvers and types are
annotated with the domain enums directly (``connectors.InformationCategory``).
"""

from __future__ import annotations

import strawberry

from connectors import DocumentOrder, ExemptionGround, InformationCategory, MenuSectionKind
from gateway.federation import UpstreamStatusCode

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

__all__ = ["DocumentOrder", "ExemptionGround", "InformationCategory", "MenuSectionKind", "UpstreamStatusCode"]
