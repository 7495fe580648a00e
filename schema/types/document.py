"""Documents and their connection."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from connectors import ExemptionGround, InformationCategory
from gateway.federation import FederatedDocument, Slice

from .connection import PageInfo

if TYPE_CHECKING:
    from .opd import Opd


@strawberry.type(description="A public document of one OPD.")
class Document:
    source: strawberry.Private[FederatedDocument]

    @strawberry.field(
        description='The global id: "<opd-slug>:<local-id>". Stable; use it with `document(id:)`.'
    )
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.source.id)

    @strawberry.field(description="The id within the OPD's own system.")
    def local_id(self) -> str:
        return self.source.document.local_id

    @strawberry.field(description="The OPD that publishes it.")
    def opd(self, info: strawberry.Info) -> Annotated[Opd, strawberry.lazy(".opd")]:
        from .opd import Opd

        return Opd.for_slug(info, self.source.opd)

    @strawberry.field
    def title(self) -> str:
        return self.source.document.title

    @strawberry.field(description="A short description (ringkasan).")
    def summary(self) -> str | None:
        return self.source.document.summary

    @strawberry.field
    def category(self) -> InformationCategory:
        return self.source.document.category

    @strawberry.field(description="For DIKECUALIKAN documents: the Pasal 17 ground, when the OPD gives it.")
    def exemption_ground(self) -> ExemptionGround | None:
        return self.source.document.exemption_ground

    @strawberry.field(description="The OPD's own document type (Laporan, SOP, Peraturan, ...).")
    def type(self) -> str | None:
        return self.source.document.type

    @strawberry.field
    def year(self) -> int | None:
        return self.source.document.year

    @strawberry.field
    def published_at(self) -> dt.datetime | None:
        return self.source.document.published_at

    @strawberry.field
    def updated_at(self) -> dt.datetime | None:
        return self.source.document.updated_at

    @strawberry.field(description="Where to download the file. Always null for DIKECUALIKAN documents.")
    def file_url(self) -> str | None:
        return self.source.document.file_url

    @strawberry.field
    def mime_type(self) -> str | None:
        return self.source.document.mime_type

    @strawberry.field
    def size_bytes(self) -> int | None:
        return self.source.document.size_bytes

    @strawberry.field(description="The document's page on the OPD's own website.")
    def source_url(self) -> str | None:
        return self.source.document.source_url


@strawberry.type
class DocumentEdge:
    cursor: str
    node: Document


@strawberry.type(description="A page of documents, in a stable order across every OPD.")
class DocumentConnection:
    edges: list[DocumentEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many documents match in all, summed over the OPDs that answered."
    )

    @strawberry.field(description="The documents of this page, without cursors (smaller payloads).")
    def nodes(self) -> list[Document]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(cls, page: Slice[FederatedDocument], *, after: str | None) -> DocumentConnection:
        """The GraphQL view of one engine slice."""
        return cls(
            edges=[DocumentEdge(cursor=edge.cursor, node=Document(source=edge.node)) for edge in page.edges],
            page_info=PageInfo.of(page, after=after),
            total_count=page.total_count,
        )


@strawberry.input(description="Which documents to return. Every field narrows the result; omit it for all.")
class DocumentFilter:
    opds: list[strawberry.ID] | None = strawberry.field(default=None, description="Only these OPD slugs.")
    categories: list[InformationCategory] | None = None
    year_from: int | None = strawberry.field(
        default=None, description="Only documents of this year or later."
    )
    year_to: int | None = strawberry.field(
        default=None, description="Only documents of this year or earlier."
    )
    query: str | None = strawberry.field(
        default=None, description="Free text: every word must occur in the title, summary or type."
    )
    type: str | None = strawberry.field(
        default=None, description="Only this document type (case-insensitive)."
    )
