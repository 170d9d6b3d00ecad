"""Semantic versions of instrument definitions, and the one order in which they sort."""

from __future__ import annotations

import re

__all__ = ["SEMVER_RE", "parse_version", "version_key"]

# semver.org's grammar (pre-release and build metadata allowed, no leading zeros).
SEMVER_RE = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def version_key(version: str) -> tuple[int, int, int]:
    """``(major, minor, patch)`` of a semantic version as numbers: the sort key wherever
    versions are ordered, so that "newest" means the same everywhere (1.10.0 after 1.9.0).

    Pre-release and build parts are not compared: versions that differ only there tie, and a
    caller that needs one order breaks the tie itself. ``ValueError`` if ``version`` is not a
    semantic version.
    """
    match = SEMVER_RE.match(version)
    if match is None:
        raise ValueError(f"{version!r} is not a semantic version such as '1.0.0'")
    return int(match[1]), int(match[2]), int(match[3])


# The name this package has always exported for the same function.
parse_version = version_key
