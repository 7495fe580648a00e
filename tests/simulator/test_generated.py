"""Generated OPDs (``opd-044`` on): a larger directory for benchmarks, usable wherever a real slug is."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pytest
import yaml

from gateway.config import parse_config
from simulator import Dialect, Fleet, fixed_endpoints, make_plan, render_gateway_config, write_catalogs
from simulator.directory import UnknownOpdError, generated_opd, load_opds, opd_index, resolve_slugs
from simulator.plan import default_dialect, default_dialects

from .walk import DOCUMENTS_PATH, HEADERS, ids, walk


def test_a_larger_directory_is_the_real_one_then_numbered_opds() -> None:
    opds = load_opds(500)
    assert len(opds) == 500
    assert opds[:43] == load_opds()
    assert [opd.slug for opd in opds[43:45]] == ["opd-044", "opd-045"]
    assert opds[-1].slug == "opd-500"
    assert load_opds(1000)[-1].slug == "opd-1000"
    assert load_opds(10) == load_opds()[:10]
    assert len({opd.slug for opd in opds}) == 500
    assert [opd_index(opd.slug) for opd in opds] == list(range(500))
    assert generated_opd(44).kind == load_opds()[0].kind
    assert generated_opd(44).name == "Badan Simulasi 044"


@pytest.mark.parametrize("slug", ["opd-043", "opd-44", "opd-0044", "opd-", "opd-abc"])
def test_only_the_one_spelling_of_a_generated_number_past_the_real_ones_is_known(slug: str) -> None:
    with pytest.raises(UnknownOpdError, match="opd-044"):
        opd_index(slug)


def test_generated_slugs_resolve_in_directory_order_beside_real_ones() -> None:
    assert [opd.slug for opd in resolve_slugs("opd-100,dinkes,opd-044,dinkes")] == [
        "dinkes",
        "opd-044",
        "opd-100",
    ]
    assert fixed_endpoints(20000, ["opd-044"]) == {"opd-044": "http://127.0.0.1:20043"}


def test_generated_opds_speak_about_the_real_mix_of_dialects_and_the_real_ones_keep_theirs() -> None:
    plans = make_plan([opd.slug for opd in load_opds(1000)])
    assert {plan.slug: plan.dialect for plan in plans[:43]} == default_dialects()
    counts = Counter(plan.dialect for plan in plans[43:])
    shares = {dialect: counts[dialect] / (1000 - 43) for dialect in Dialect}
    for dialect, expected in {
        Dialect.LARAVEL: 15 / 43,
        Dialect.DRF: 12 / 43,
        Dialect.EXPORT: 8 / 43,
        Dialect.FILES: 8 / 43,
    }.items():
        assert abs(shares[dialect] - expected) < 0.06, (dialect, shares)
    assert not any(plan.auth for plan in plans[43:])
    assert default_dialect("opd-044") is plans[43].dialect
    assert make_plan(["opd-044"], dialects={"opd-044": "drf"})[0].dialect is Dialect.DRF


def test_a_config_over_generated_opds_validates(tmp_path: Path) -> None:
    slugs = [opd.slug for opd in load_opds(60)]
    endpoints = fixed_endpoints(18100, slugs)
    write_catalogs(tmp_path / "catalogs", endpoints)
    config = render_gateway_config(endpoints, catalog_dir=tmp_path / "catalogs", config_dir=tmp_path)
    parsed = parse_config(yaml.safe_dump(config, allow_unicode=True), base_dir=tmp_path)
    assert [opd.slug for opd in parsed.opds] == slugs
    assert parsed.ppid_utama == "diskominfo"


def test_a_fleet_serves_generated_opds_in_their_dialects() -> None:
    wanted = {}
    for plan in make_plan([opd.slug for opd in load_opds(120)][43:]):
        wanted.setdefault(plan.dialect, plan.slug)
    with Fleet(wanted.values(), processes=2) as fleet, httpx.Client(timeout=5.0, trust_env=False) as client:
        assert set(fleet.endpoints) == set(wanted.values())
        for dialect, slug in wanted.items():
            assert fleet.dialects[slug] is dialect
            seed, base = fleet.seed(slug), fleet.endpoints[slug]
            if dialect.is_rest:
                items, _ = walk(client, dialect, base + DOCUMENTS_PATH[dialect], page_size=50)
                assert sorted(ids(dialect, items)) == sorted(doc.local_id for doc in seed.documents)
            path = next(iter(seed.files.values())).path
            answer = client.get(f"{base}/{path}", headers=HEADERS)
            assert answer.status_code == 200, slug
            assert answer.headers["content-type"].startswith("application/pdf")
        assert sum(counts["file"] for counts in fleet.stats().values()) == len(wanted)
