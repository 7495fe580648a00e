"""An exempt (DIKECUALIKAN) document is listed but its file is never served, by any path."""

from __future__ import annotations

from connectors import Capability, Document, DocumentFilter, DocumentOrder, InformationCategory, MockCall
from gateway.federation import FederatedDocument, OperationReport

from .catalog import Catalog, connector, day
from .conftest import EngineFactory

EXEMPT = InformationCategory.DIKECUALIKAN


def smuggled() -> Document:
    # model_construct skips validation: a careless connector could hand this over.
    return Document.model_construct(
        local_id="rahasia",
        title="Dokumen Pengadaan",
        category=EXEMPT,
        published_at=day(1),
        file_url="https://bkd.example/rahasia.pdf",
        mime_type="application/pdf",
        size_bytes=1234,
    )


def assert_no_file(found: FederatedDocument | BaseException | None) -> None:
    assert isinstance(found, FederatedDocument)
    assert found.document.category is EXEMPT
    assert (found.document.file_url, found.document.mime_type, found.document.size_bytes) == (
        None,
        None,
        None,
    )


async def test_exempt_documents_never_carry_a_file_through_the_engine(engine: EngineFactory) -> None:
    validated = Document(
        local_id="valid",
        title="Dokumen",
        category=EXEMPT,
        published_at=day(2),
        file_url="https://x.example/a.pdf",
    )
    catalog = Catalog([smuggled(), validated])

    def handler(call: MockCall) -> object:
        return catalog(call)

    federation = engine(
        {
            "bkd": connector("bkd", handler),
            "dinkes": connector("dinkes", handler, capabilities={Capability.DOCUMENTS}),
        }
    )
    page = await federation.documents(
        OperationReport(),
        opds=None,
        filter=DocumentFilter(),
        order=DocumentOrder.NEWEST,
        first=10,
        after=None,
    )
    assert len(page.edges) == 4
    for edge in page.edges:
        assert_no_file(edge.node)
    assert_no_file(await federation.document(OperationReport(), "bkd:rahasia"))
    for found in await federation.documents_by_id(OperationReport(), ["bkd:rahasia", "dinkes:rahasia"]):
        assert_no_file(found)


def test_the_wrapper_strips_the_file_of_an_unvalidated_exempt_document() -> None:
    assert_no_file(FederatedDocument("bkd", smuggled()))
