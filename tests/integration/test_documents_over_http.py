"""`documents` over the whole simulated fleet, end to end over HTTP."""

from __future__ import annotations

import httpx
import yaml

from connectors import Document, DocumentOrder, InformationCategory, order_key
from simulator import Dialect, Fleet
from simulator.gateway_process import GatewayProcess

from .conftest import graphql

PAGE_QUERY = """
query($first: Int!, $after: String, $order: DocumentOrder!) {
  documents(first: $first, after: $after, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id title opd { slug } category year publishedAt } }
  }
}
"""


def every_document(fleet: Fleet) -> dict[str, Document]:
    """Every document the gateway should serve, by global id: the fleet's and the regency's."""
    return {f"{slug}:{doc.local_id}": doc for slug in fleet.opds for doc in fleet.served_documents(slug)}


def test_total_count_is_the_sum_over_every_opd(fleet: Fleet, client: httpx.Client) -> None:
    body = graphql(client, "{ documents(first: 20) { totalCount edges { node { id opd { slug } } } } }")
    assert "errors" not in body
    assert body["data"]["documents"]["totalCount"] == len(every_document(fleet))
    assert len(body["data"]["documents"]["edges"]) == 20
    reported = {entry["opd"]: entry["status"] for entry in body["extensions"]["upstreams"]}
    assert set(reported) == set(fleet.opds)
    assert set(reported.values()) == {"OK"}


def test_one_query_returns_documents_read_through_every_builtin_connector_kind(
    fleet: Fleet, client: httpx.Client, gateway: GatewayProcess
) -> None:
    config = yaml.safe_load(gateway.config.read_text(encoding="utf-8"))
    kind_of = {opd["slug"]: opd["connector"]["kind"] for opd in config["opds"]}
    assert set(kind_of.values()) == {"rest", "files", "wordpress", "ckan", "sql", "graphql"}
    query = "query($opds: [ID!]) { documents(first: 100, filter: {opds: $opds}) { totalCount nodes { id } } }"
    for kind in sorted(set(kind_of.values())):
        slugs = [slug for slug, found in kind_of.items() if found == kind]
        body = graphql(client, query, opds=slugs)
        assert "errors" not in body, (kind, body["errors"])
        expected = {gid for gid in every_document(fleet) if gid.partition(":")[0] in slugs}
        assert body["data"]["documents"]["totalCount"] == len(expected), kind
        returned = {node["id"] for node in body["data"]["documents"]["nodes"]}
        assert returned and returned <= expected, kind


def test_the_regency_gateway_shows_its_opds_in_the_province(fleet: Fleet, client: httpx.Client) -> None:
    assert fleet.regency is not None
    body = graphql(client, "{ opds { slug name } }")
    listed = {opd["slug"]: opd["name"] for opd in body["data"]["opds"]}
    assert set(fleet.regency.slugs) <= set(listed)
    assert listed["lebak-dinkes"] == "Dinas Kesehatan Kabupaten Lebak"
    document = fleet.served_documents("lebak-dinkes")[0]
    query = f'{{ document(id: "lebak-dinkes:{document.local_id}") {{ title opd {{ slug }} }} }}'
    found = graphql(client, query)
    assert found["data"]["document"] == {"title": document.title, "opd": {"slug": "lebak-dinkes"}}


def test_paging_with_after_visits_every_document_exactly_once_in_order(
    fleet: Fleet, client: httpx.Client
) -> None:
    expected = every_document(fleet)
    seen: list[str] = []
    after = None
    sizes = [100, 37, 100, 1, 100]  # the page size may change between pages
    while True:
        first = sizes[len(seen) % len(sizes)]
        body = graphql(client, PAGE_QUERY, first=first, after=after, order="NEWEST")
        assert "errors" not in body, body["errors"]
        page = body["data"]["documents"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)), "a document was repeated"
    assert set(seen) == set(expected), "a document was skipped"

    def global_key(gid: str) -> tuple[object, ...]:
        slug, _, _ = gid.partition(":")
        doc = expected[gid]
        key = order_key(doc, DocumentOrder.NEWEST)
        return (*key[:-1], slug, key[-1])

    assert seen == sorted(seen, key=global_key)


def test_filters_narrow_across_every_opd(fleet: Fleet, client: httpx.Client) -> None:
    body = graphql(
        client,
        "{ documents(first: 100, filter: {categories: [SERTA_MERTA], yearFrom: 2024, yearTo: 2025}) "
        "{ totalCount nodes { category year } } }",
    )
    expected = [
        doc
        for doc in every_document(fleet).values()
        if doc.category is InformationCategory.SERTA_MERTA
        and doc.year is not None
        and 2024 <= doc.year <= 2025
    ]
    documents = body["data"]["documents"]
    assert documents["totalCount"] == len(expected)
    assert all(n["category"] == "SERTA_MERTA" and 2024 <= n["year"] <= 2025 for n in documents["nodes"])


def test_exempt_documents_never_carry_a_file_even_when_the_portal_leaks_one(
    fleet: Fleet, client: httpx.Client
) -> None:
    # the custom APIs keep the seed's ids, so its leaked ids are the gateway's
    rest = [slug for slug in fleet.endpoints if fleet.dialects[slug].is_rest]
    leaking = [slug for slug in rest if fleet.seed(slug).leaked_exempt_ids]
    assert leaking, "the simulator should leak some exempt files, or this test proves nothing"
    body = graphql(
        client,
        "{ documents(first: 100, filter: {categories: [DIKECUALIKAN]}) "
        "{ totalCount nodes { id fileUrl mimeType sizeBytes exemptionGround } } }",
    )
    nodes = body["data"]["documents"]["nodes"]
    assert nodes
    assert all(n["fileUrl"] is None and n["mimeType"] is None and n["sizeBytes"] is None for n in nodes)
    leaked_ids = {f"{slug}:{local}" for slug in leaking for local in fleet.seed(slug).leaked_exempt_ids}
    returned = {n["id"] for n in nodes}
    assert leaked_ids & returned


def test_document_opd_names_make_no_extra_upstream_calls(fleet: Fleet, client: httpx.Client) -> None:
    fleet.reset_stats()
    body = graphql(client, "{ documents(first: 50) { nodes { title opd { name shortName website } } } }")
    assert "errors" not in body
    stats = fleet.stats()
    assert sum(s.get("profile", 0) + s.get("document", 0) for s in stats.values()) == 0
    portals = (Dialect.FILES, Dialect.SQL)  # read from a catalog file, a database
    over_http = [slug for slug, dialect in fleet.dialects.items() if dialect not in portals]
    assert all(stats[slug].get("documents", 0) >= 1 for slug in over_http)


def test_a_document_by_id_and_its_file_url_is_served_by_the_opd(fleet: Fleet, client: httpx.Client) -> None:
    slug = "dinkes"
    doc = next(d for d in fleet.seed(slug).documents if d.file_url)
    body = graphql(
        client, f'{{ document(id: "{slug}:{doc.local_id}") {{ id title fileUrl opd {{ slug }} }} }}'
    )
    found = body["data"]["document"]
    assert found["title"] == doc.title
    download = httpx.get(found["fileUrl"], timeout=10)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")


def test_queries_work_over_get(client: httpx.Client) -> None:
    response = client.get("/graphql", params={"query": '{ opd(slug: "dinkes") { name } }'})
    assert response.status_code == 200
    assert response.json()["data"]["opd"]["name"] == "Dinas Kesehatan"
