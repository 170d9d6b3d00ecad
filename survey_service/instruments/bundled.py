"""The instruments shipped with the service, as data files in ``data/``."""

from __future__ import annotations

from functools import cache
from importlib import resources

from .errors import InstrumentError, Problem
from .model import Instrument
from .schema import parse_yaml

__all__ = ["bundled", "load_bundled"]


@cache
def load_bundled() -> tuple[Instrument, ...]:
    """Every bundled definition, validated, sorted by key and version.

    A file's name must be ``<key>-<version>.yaml``; a bad file raises
    :class:`InstrumentError` whose paths start with the file name.
    """
    out: list[Instrument] = []
    problems: list[Problem] = []
    folder = resources.files(__package__).joinpath("data")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            inst = parse_yaml(entry.read_text(encoding="utf-8"))
        except InstrumentError as exc:
            problems.extend(
                Problem(f"{entry.name}:{p.path}", p.message, p.code) for p in exc.problems
            )
            continue
        expected = f"{inst.key}-{inst.version}.yaml"
        if entry.name != expected:
            problems.append(Problem(entry.name, f"file name should be {expected!r}", "file_name"))
        out.append(inst)
    if problems:
        raise InstrumentError(problems)
    return tuple(sorted(out, key=lambda i: (i.key, i.version_tuple)))


def bundled(key: str, version: str | None = None) -> Instrument:
    """One bundled instrument by key: the given version, or the newest."""
    matches = [i for i in load_bundled() if i.key == key]
    if version is not None:
        matches = [i for i in matches if i.version == version]
    if not matches:
        raise KeyError(f"{key} {version}" if version else key)
    return matches[-1]
