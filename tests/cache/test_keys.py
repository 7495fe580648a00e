"""Key layout: versioned, namespaced, grouped by prefix, and never carrying unsafe or long text."""

from __future__ import annotations

import hashlib

import pytest

from cache import keys


def test_a_key_is_version_namespace_then_parts() -> None:
    assert keys.key("upstream", "dinkes", "profile") == f"{keys.FORMAT_VERSION}:upstream:dinkes:profile"
    assert keys.key("upstream", "dpk", "documents", 2) == f"{keys.FORMAT_VERSION}:upstream:dpk:documents:2"


def test_a_prefix_ends_with_the_separator_so_similar_slugs_do_not_match() -> None:
    prefix = keys.prefix("upstream", "dinkes")
    assert prefix == f"{keys.FORMAT_VERSION}:upstream:dinkes:"
    assert keys.key("upstream", "dinkes", "profile").startswith(prefix)
    assert not keys.key("upstream", "dinkes-2", "profile").startswith(prefix)
    assert keys.key("upstream", "dinkes").startswith(keys.prefix("upstream"))


@pytest.mark.parametrize(
    "part",
    [
        '{"query": "anggaran"}',
        "a:b",
        "with space",
        "glob*?[]",
        "dokumen-ß",
        "",
        "~looks-like-a-digest",
        "x" * (keys.MAX_PLAIN_PART + 1),
    ],
)
def test_unsafe_or_long_parts_become_their_sha256(part: str) -> None:
    digest = hashlib.sha256(part.encode()).hexdigest()
    assert keys.key("upstream", "dinkes", part) == f"{keys.FORMAT_VERSION}:upstream:dinkes:~{digest}"


def test_plain_parts_up_to_the_limit_are_kept_as_written() -> None:
    part = "Laporan_2024.v2-" + "x" * (keys.MAX_PLAIN_PART - 16)
    assert keys.key("apq", part).endswith(f":{part}")


def test_different_parts_make_different_keys() -> None:
    made = {
        keys.key("upstream", "a", "b"),
        keys.key("upstream", "a:b"),
        keys.key("upstream", "a", ""),
        keys.key("upstream", "a"),
        keys.key("upstream", "1"),
        keys.key("upstream", 1, 0),
    }
    assert len(made) == 6


def test_an_integer_part_is_written_like_its_text() -> None:
    assert keys.key("upstream", 7) == keys.key("upstream", "7")


@pytest.mark.parametrize("namespace", ["", "Upstream", "up:stream", "1st", "x" * 33])
def test_a_namespace_must_be_a_plain_word(namespace: str) -> None:
    with pytest.raises(ValueError, match="namespace"):
        keys.key(namespace)


@pytest.mark.parametrize("part", [True, None, 1.5, b"bytes"])
def test_a_part_is_text_or_an_integer(part: object) -> None:
    with pytest.raises(TypeError, match="str or int"):
        keys.key("upstream", part)  # type: ignore[arg-type]


def test_the_key_layout_is_documented_where_keys_are_made() -> None:
    assert keys.__doc__ is not None
    assert "<key_prefix>:<FORMAT_VERSION>:<namespace>:<part>" in keys.__doc__
