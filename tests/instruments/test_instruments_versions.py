"""Versions sort as numbers, the same way wherever "newest" is decided."""

from __future__ import annotations

import pytest

from survey_service.instruments import parse_version, version_key


def test_versions_compare_as_numbers() -> None:
    versions = ["1.10.0", "1.9.0", "2.0.0", "1.9.10", "1.9.2", "0.1.0"]
    assert sorted(versions, key=version_key) == [
        "0.1.0",
        "1.9.0",
        "1.9.2",
        "1.9.10",
        "1.10.0",
        "2.0.0",
    ]


def test_pre_release_and_build_parts_are_not_compared() -> None:
    assert version_key("1.2.3-rc.1+build.5") == version_key("1.2.3") == (1, 2, 3)


@pytest.mark.parametrize("version", ["1.0", "1.01.0", "v1.0.0", "", "1.0.0.0"])
def test_not_a_semantic_version(version: str) -> None:
    with pytest.raises(ValueError, match="is not a semantic version"):
        version_key(version)


def test_parse_version_is_the_same_function() -> None:
    assert parse_version is version_key
