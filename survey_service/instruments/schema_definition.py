"""The whole definition: its identity and texts, audiences, respondent attributes, value
sets, dimensions and items, and then the scoring rules that refer to them.

The result is the fields of an :class:`~.model.Instrument`, not the instrument itself: the
instrument's constructors call this module, so it cannot call them back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import yaml

from .errors import InstrumentError, Problem
from .parts import AttributeRequest, Dimension, Item, Scoring
from .schema_items import ItemScope, read_item
from .schema_options import read_value_sets
from .schema_reader import NUL_MESSAGE, Reader, literal, nul_paths
from .schema_scoring import read_scoring
from .versions import SEMVER_RE
from .vocabulary import PREFER_NOT_TO_SAY, RESPONDENT_ATTRIBUTES, Text

__all__ = ["InstrumentFields", "load_yaml", "read_definition", "read_instrument"]

_REQUIRED = (
    "key",
    "version",
    "title",
    "introduction",
    "audiences",
    "dimensions",
    "item",
    "scoring",
)
_FIELDS = {*_REQUIRED, "respondentAttributes", "answerValueSets"}
_MAX_VERSION_LENGTH = 32


class InstrumentFields(TypedDict):
    """A valid definition: the arguments of :class:`~.model.Instrument`."""

    key: str
    version: str
    title: Text
    introduction: Text
    audiences: tuple[str, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    scoring: Scoring
    respondent_attributes: tuple[AttributeRequest, ...]


def load_yaml(text: str) -> Mapping[str, Any]:
    """A YAML definition as a mapping (safe loader), not yet validated."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InstrumentError([Problem("", f"not valid YAML: {exc}", "syntax")]) from exc
    if not isinstance(data, Mapping):
        raise InstrumentError([Problem("", "a definition must be a mapping", "type")])
    return data


def read_definition(data: Mapping[str, Any]) -> InstrumentFields:
    """Validate ``data`` (the file format); raise :class:`InstrumentError` listing every
    problem found."""
    reader = Reader()
    # Refused before anything is read: a definition is stored as it was sent.
    for path in nul_paths(data):
        reader.add(path, NUL_MESSAGE, "nul")
    if reader.problems:
        raise InstrumentError(reader.problems)
    fields = read_instrument(reader, data)
    if fields is None:
        if not reader.problems:  # pragma: no cover - a bug, not a user error
            reader.add("", "definition could not be read")
        raise InstrumentError(reader.problems)
    return fields


def read_instrument(r: Reader, data: object) -> InstrumentFields | None:
    """The instrument's fields, or ``None`` when ``r`` has recorded any problem.

    The parts are read in the order in which they depend on each other (items name value
    sets, attributes and earlier items; scoring names dimensions and items), and a part is
    read even when an earlier one has problems, so that all of them are reported at once.
    """
    m = r.checked_mapping(data, "", _FIELDS, _REQUIRED)
    if m is None:
        return None
    key = r.key(m["key"], "key") if "key" in m else None
    version = _version(r, m)
    title = r.text(m["title"], "title") if "title" in m else None
    introduction = r.text(m["introduction"], "introduction") if "introduction" in m else None
    audiences = r.audiences(m.get("audiences", []), "audiences")
    if "audiences" in m and not audiences:
        r.add("audiences", "name at least one audience", "empty")
    attributes = _respondent_attributes(r, m)
    value_sets = read_value_sets(r, m)
    dimensions = _dimensions(r, m)
    raw_items = r.sequence(m.get("item", []), "item") or []
    if "item" in m and not raw_items:
        r.add("item", "an instrument needs at least one item", "empty")
    all_ids = _link_ids(r, raw_items)
    scope = ItemScope(value_sets, audiences, attributes, all_ids)
    items = _items(r, raw_items, scope)
    scoring = read_scoring(r, m["scoring"], dimensions, items, all_ids) if "scoring" in m else None
    if r.problems:
        return None
    assert key and version and title and introduction and scoring
    return InstrumentFields(
        key=key,
        version=version,
        title=title,
        introduction=introduction,
        audiences=audiences,
        dimensions=dimensions,
        items=tuple(items.values()),
        scoring=scoring,
        respondent_attributes=tuple(attributes.values()),
    )


def _version(r: Reader, m: Mapping[str, Any]) -> str | None:
    version = m.get("version")
    if "version" in m and (not isinstance(version, str) or not SEMVER_RE.match(version)):
        r.add(
            "version",
            f"{literal(version)} is not a semantic version such as '1.0.0'",
            "bad_version",
        )
    elif isinstance(version, str) and len(version) > _MAX_VERSION_LENGTH:
        r.add("version", f"a version has at most {_MAX_VERSION_LENGTH} characters", "bad_version")
    return version if isinstance(version, str) else None


def _respondent_attributes(r: Reader, m: Mapping[str, Any]) -> dict[str, AttributeRequest]:
    """The attributes asked of the respondent, by name, in the order they are asked."""
    attributes: dict[str, AttributeRequest] = {}
    raw_list = r.sequence(m.get("respondentAttributes", []), "respondentAttributes") or []
    for i, raw in enumerate(raw_list):
        request = _attribute_request(r, raw, f"respondentAttributes[{i}]")
        if request is None:
            continue
        if request.attribute in attributes:
            r.add(
                f"respondentAttributes[{i}].attribute",
                f"attribute {request.attribute!r} is listed twice",
                "duplicate",
            )
        attributes[request.attribute] = request
    return attributes


def _attribute_request(r: Reader, raw: object, path: str) -> AttributeRequest | None:
    start = r.mark()
    m = r.checked_mapping(raw, path, {"attribute", "required", "options"}, ("attribute",))
    if m is None:
        return None
    name = r.respondent_attribute(m.get("attribute"), f"{path}.attribute")
    if name is None:
        return None
    required = r.flag(m, "required", path)
    options = _attribute_options(r, m, path, name)
    if r.found_since(start):
        return None
    return AttributeRequest(name, required, options)


def _attribute_options(r: Reader, m: Mapping[str, Any], path: str, name: str) -> tuple[str, ...]:
    """``options`` narrows a closed vocabulary. "Prefer not to say" is offered always, so it
    is not an option to choose."""
    vocabulary = RESPONDENT_ATTRIBUTES[name]
    seq = r.sequence(m.get("options", []), f"{path}.options") or []
    if vocabulary.open:
        if seq:
            r.add(f"{path}.options", f"{name!r} takes survey-defined values, not options")
        return ()
    choosable = tuple(c for c in vocabulary.codes if c != PREFER_NOT_TO_SAY)
    return r.distinct_codes(
        seq,
        f"{path}.options",
        choosable,
        unknown=f"{name} code",
        repeated="code",
        code="not_an_option",
    )


def _dimensions(r: Reader, m: Mapping[str, Any]) -> tuple[Dimension, ...]:
    """The dimensions, in reporting order."""
    dimensions: list[Dimension] = []
    for i, raw in enumerate(r.sequence(m.get("dimensions", []), "dimensions") or []):
        path = f"dimensions[{i}]"
        dm = r.checked_mapping(raw, path, {"key", "title", "description"}, ("key", "title"))
        if dm is None:
            continue
        key = r.key(dm["key"], f"{path}.key", "dimension key") if "key" in dm else None
        title = r.text(dm["title"], f"{path}.title") if "title" in dm else None
        description = r.optional_text(dm, "description", path)
        if key is not None and any(d.key == key for d in dimensions):
            r.add(f"{path}.key", f"dimension key {key!r} is used twice", "duplicate")
        elif key is not None and title is not None:
            dimensions.append(Dimension(key, title, description))
    if "dimensions" in m and not m["dimensions"]:
        r.add("dimensions", "an instrument needs at least one dimension", "empty")
    return tuple(dimensions)


def _link_ids(r: Reader, raw_items: Sequence[Any]) -> frozenset[str]:
    """Every link id, read before the items themselves: a condition or scoring rule that
    names a later or broken item is then told apart from one that names no item at all."""
    all_ids: set[str] = set()
    for i, raw in enumerate(raw_items):
        link = raw.get("linkId") if isinstance(raw, Mapping) else None
        if isinstance(link, str):
            if link in all_ids:
                r.add(f"item[{i}].linkId", f"duplicate linkId {link!r}", "duplicate")
            all_ids.add(link)
    return frozenset(all_ids)


def _items(r: Reader, raw_items: Sequence[Any], scope: ItemScope) -> dict[str, Item]:
    """The usable items by link id, in questionnaire order (the first of a duplicate id)."""
    items: dict[str, Item] = {}
    for i, raw in enumerate(raw_items):
        item = read_item(r, raw, f"item[{i}]", scope, earlier=items)
        if item is not None and item.link_id not in items:
            items[item.link_id] = item
    return items
