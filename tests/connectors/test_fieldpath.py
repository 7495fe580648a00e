"""Field paths read nested JSON and name places the way an OPD developer would write them."""

from __future__ import annotations

import re
from typing import Any

import pytest

from connectors import UpstreamBadResponse
from connectors.fieldpath import MISSING, join_path, read_path, require_path

BODY: dict[str, Any] = {
    "data": [{"judul": "A", "berkas": [{"url": "/a.pdf"}], "kosong": None}],
    "meta": {"total": 3, "0": "zero-key"},
    "flag": False,
}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("", BODY),
        ("meta.total", 3),
        ("data.0.judul", "A"),
        ("data.0.berkas.0.url", "/a.pdf"),
        ("meta.0", "zero-key"),  # a numeric segment is a key in an object
        ("flag", False),  # false is a value, not an absence
        ("data.1.judul", MISSING),  # past the end
        ("data.0.kosong", MISSING),  # null
        ("data.0.kosong.deeper", MISSING),  # null on the way
        ("meta.absent", MISSING),
    ],
)
def test_read_path(path: str, value: Any) -> None:
    assert read_path(BODY, path) == value


@pytest.mark.parametrize(
    ("path", "field", "message"),
    [
        ("meta.total.x", "meta.total.x", "expected an object at meta.total, got number"),
        ("data.judul", "data.judul", "expected an object at data, got array"),
        ("data.0.judul.0", "data[0].judul[0]", "expected an object or a list at data[0].judul, got string"),
    ],
)
def test_going_through_a_scalar_is_a_bad_response(path: str, field: str, message: str) -> None:
    with pytest.raises(UpstreamBadResponse, match=re.escape(message)) as caught:
        read_path(BODY, path)
    assert caught.value.field == field


def test_require_path_names_the_missing_field_below_where() -> None:
    with pytest.raises(UpstreamBadResponse, match="missing") as caught:
        require_path(BODY["data"][0], "berkas.3.url", where="data[0]")
    assert caught.value.field == "data[0].berkas[3].url"


@pytest.mark.parametrize(
    ("where", "path", "rendered"),
    [("", "", "<body>"), ("", "a.b", "a.b"), ("data[3]", "judul", "data[3].judul"), ("", "0.x", "[0].x")],
)
def test_join_path(where: str, path: str, rendered: str) -> None:
    assert join_path(where, path) == rendered
