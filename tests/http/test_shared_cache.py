"""Two gateway processes sharing one Redis: each reuses the answers, APQ hashes and purges of the other."""

from __future__ import annotations

import hashlib
import json
import secrets
from pathlib import Path

import httpx
import pytest
import yaml

from simulator.gateway_process import GatewayProcess

from ..conftest import TestRedis
from .conftest import DOCUMENTS, SECRET, SECRET_ENV, catalog, signed, write_config

pytestmark = pytest.mark.integration


def replica(directory: Path, cache: dict[str, str]) -> Path:
    directory.mkdir()
    return write_config(directory, cache=cache)


def test_replicas_sharing_redis_share_answers_persisted_queries_and_invalidations(
    tmp_path: Path, test_redis: TestRedis
) -> None:
    cache = {"url": test_redis.url, "key_prefix": f"{test_redis.key_prefix}-http-{secrets.token_hex(4)}"}
    configs = [replica(tmp_path / name, cache) for name in ("a", "b")]
    env = {SECRET_ENV: SECRET}
    page = {"query": DOCUMENTS}
    with (
        GatewayProcess(configs[0], env=env) as a,
        GatewayProcess(configs[1], env=env) as b,
        httpx.Client(timeout=30) as http,
    ):
        warmed = http.post(a.graphql_url, json=page)
        shared = http.post(b.graphql_url, json=page)
        assert warmed.headers["x-cache"] == "MISS"
        assert shared.headers["x-cache"] == "HIT"
        assert shared.content == warmed.content

        query = "{ opds { slug } }"
        extensions = {
            "persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}
        }
        registered = http.post(a.graphql_url, json={"query": query, "extensions": extensions})
        by_hash = http.get(b.graphql_url, params={"extensions": json.dumps(extensions)})
        assert by_hash.status_code == 200
        assert by_hash.json()["data"] == registered.json()["data"]

        for config in configs:
            (config.parent / "dinkes.yaml").write_text(yaml.safe_dump(catalog("dinkes", 3)), encoding="utf-8")
        body = b"{}"
        headers = signed(body)
        hooked = http.post(f"{a.url}/hooks/opd/dinkes", content=body, headers=headers)
        assert hooked.status_code == 200, hooked.text
        assert hooked.json()["invalidated"] >= 1

        for process in (b, a):
            fresh = http.post(process.graphql_url, json=page)
            assert fresh.json()["data"]["documents"]["totalCount"] == 7
        assert http.post(b.graphql_url, json=page).headers["x-cache"] == "HIT"
        replayed = http.post(f"{b.url}/hooks/opd/dinkes", content=body, headers=headers)
        assert replayed.status_code == 409  # the other replica knows the call was acted on
