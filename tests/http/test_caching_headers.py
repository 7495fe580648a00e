"""What a browser or a CDN is told: Cache-Control, ETag and 304 for GET; no-store where nothing may stay."""

from __future__ import annotations

from pathlib import Path

import yaml

from .conftest import DOCUMENTS, Gateway, catalog, officer

PAGE = {"query": DOCUMENTS}


async def test_a_public_get_answer_may_be_kept_by_shared_caches_for_the_response_ttl(
    gateway: Gateway,
) -> None:
    first = await gateway.client.get("/graphql", params=PAGE)
    second = await gateway.client.get("/graphql", params=PAGE)

    for answer in (first, second):
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=30"
        assert {"authorization", "x-api-key"} <= {
            v.strip().lower() for v in answer.headers["vary"].split(",")
        }
    etag = first.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')  # strong: the same bytes, every time
    assert second.headers["etag"] == etag
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert "age" in second.headers


async def test_if_none_match_with_the_current_etag_is_answered_304_without_a_body(gateway: Gateway) -> None:
    etag = (await gateway.client.get("/graphql", params=PAGE)).headers["etag"]

    unchanged = await gateway.client.get("/graphql", params=PAGE, headers={"if-none-match": etag})
    weak_or_listed = await gateway.client.get(
        "/graphql", params=PAGE, headers={"if-none-match": f'"other", W/{etag}'}
    )
    stale = await gateway.client.get("/graphql", params=PAGE, headers={"if-none-match": '"not-this-one"'})

    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert unchanged.headers["cache-control"] == "public, max-age=30"
    assert weak_or_listed.status_code == 304
    assert stale.status_code == 200
    assert stale.json()["data"]["documents"]["totalCount"] == 6


async def test_after_an_invalidation_an_old_etag_gets_the_new_data(gateway: Gateway, tmp_path: Path) -> None:
    etag = (await gateway.client.get("/graphql", params=PAGE)).headers["etag"]
    (tmp_path / "dinkes.yaml").write_text(yaml.safe_dump(catalog("dinkes", 3)), encoding="utf-8")
    await gateway.app.state.invalidation.invalidate("dinkes", by="test")

    changed = await gateway.client.get("/graphql", params=PAGE, headers={"if-none-match": etag})

    assert changed.status_code == 200
    assert changed.json()["data"]["documents"]["totalCount"] == 7
    assert changed.headers["etag"] != etag


async def test_get_answers_with_errors_or_to_officers_may_not_be_kept(gateway: Gateway) -> None:
    broken = await gateway.client.get("/graphql", params={"query": "{ documents(first: -1) { totalCount } }"})
    to_officer = await gateway.client.get("/graphql", params=PAGE, headers=officer("dinkes-ppid"))

    assert broken.json()["errors"]
    for answer in (broken, to_officer):
        assert answer.headers["cache-control"] == "no-store"
        assert "etag" not in answer.headers


async def test_post_answers_are_never_kept_by_http_caches(gateway: Gateway) -> None:
    first = await gateway.client.post("/graphql", json=PAGE)
    second = await gateway.client.post("/graphql", json=PAGE)

    for answer in (first, second):
        assert answer.headers["cache-control"] == "no-store"
        assert "etag" not in answer.headers
    assert second.headers["x-cache"] == "HIT"  # the gateway's own cache still answers it


async def test_a_large_answer_is_gzipped_with_its_etag(gateway: Gateway) -> None:
    fields = "totalCount nodes { id title year category opd { slug name } }"
    large = {"query": f"{{ a: documents {{ {fields} }} b: documents {{ {fields} }} }}"}
    plain = await gateway.client.get("/graphql", params=large, headers={"accept-encoding": "identity"})
    zipped = await gateway.client.get("/graphql", params=large, headers={"accept-encoding": "gzip"})

    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["x-cache"] == "HIT"
    assert zipped.content == plain.content  # httpx decodes it
    assert zipped.headers["etag"] == plain.headers["etag"]
    assert "accept-encoding" in zipped.headers["vary"].lower()
