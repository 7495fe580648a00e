"""The Daftar Informasi Publik (DIP) entries and their connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

from connectors import InformationCategory
from gateway.federation import FederatedListEntry, Slice, UpstreamFailure

from .connection import PageInfo
from .document import Document

if TYPE_CHECKING:
    from .opd import Opd


@strawberry.type(description="One row of an OPD's public information list (DIP).")
class InformationListEntry:
    source: strawberry.Private[FederatedListEntry]

    @strawberry.field(description='The global id: "<opd-slug>:<local-id>".')
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.source.id)

    @strawberry.field(description="The OPD whose list this is.")
    def opd(self, info: strawberry.Info) -> Annotated[Opd, strawberry.lazy(".opd")]:
        from .opd import Opd

        return Opd.for_slug(info, self.source.opd)

    @strawberry.field(description="The row's number in the OPD's DIP.")
    def number(self) -> str | None:
        return self.source.entry.number

    @strawberry.field
    def title(self) -> str:
        return self.source.entry.title

    @strawberry.field(description="Ringkasan isi: summary of content.")
    def summary(self) -> str | None:
        return self.source.entry.summary

    @strawberry.field
    def category(self) -> InformationCategory:
        return self.source.entry.category

    @strawberry.field(description="The unit that holds the information.")
    def holding_unit(self) -> str | None:
        return self.source.entry.holding_unit

    @strawberry.field(description="The official responsible for producing it.")
    def responsible_official(self) -> str | None:
        return self.source.entry.responsible_official

    @strawberry.field(description="Time and place it was made.")
    def made_at(self) -> str | None:
        return self.source.entry.made_at

    @strawberry.field(description="Formats available: softcopy, hardcopy.")
    def formats(self) -> list[str]:
        return list(self.source.entry.formats)

    @strawberry.field(description="Retention period (jangka waktu penyimpanan).")
    def retention_period(self) -> str | None:
        return self.source.entry.retention_period

    @strawberry.field
    def year(self) -> int | None:
        return self.source.entry.year

    @strawberry.field(description="The document this entry refers to, when the OPD links one.")
    async def document(self, info: strawberry.Info) -> Document | None:
        local_id = self.source.entry.document_local_id
        if local_id is None:
            return None
        try:
            found = await info.context.documents.load(f"{self.source.opd}:{local_id}")
        except UpstreamFailure:
            return None  # reported once per OPD in `errors` and `extensions.upstreams`
        return Document(source=found) if found is not None else None


@strawberry.type
class InformationListEdge:
    cursor: str
    node: InformationListEntry


@strawberry.type(description="A page of DIP entries, OPD by OPD.")
class InformationListConnection:
    edges: list[InformationListEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="How many entries in all, over the OPDs that answered.")

    @strawberry.field(description="The entries of this page, without cursors.")
    def nodes(self) -> list[InformationListEntry]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of(cls, page: Slice[FederatedListEntry], *, after: str | None) -> InformationListConnection:
        """The GraphQL view of one engine slice."""
        return cls(
            edges=[
                InformationListEdge(cursor=edge.cursor, node=InformationListEntry(source=edge.node))
                for edge in page.edges
            ],
            page_info=PageInfo.of(page, after=after),
            total_count=page.total_count,
        )
