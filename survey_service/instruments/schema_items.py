"""Items: one question each, with the answer format its type needs."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from .parts import AnswerOption, AttributeRequest, Condition, Item
from .schema_enable_when import ConditionTargets, read_enable_when
from .schema_options import ValueSets, read_item_options
from .schema_reader import Reader, literal
from .vocabulary import AUDIENCES, ITEM_TYPES, Text

__all__ = ["DEFAULT_MAX_LENGTH", "ItemScope", "read_item"]

DEFAULT_MAX_LENGTH = 2000

_COMMON_FIELDS = {
    "linkId",
    "type",
    "text",
    "textVariants",
    "required",
    "audiences",
    "enableWhen",
    "enableBehavior",
}
# A field that does not fit the item's type is refused rather than ignored: an author who
# writes `reverse` on a choice item expects it to do something.
_FIELDS_BY_TYPE = {
    "likert": _COMMON_FIELDS | {"answerOption", "answerValueSet", "reverse", "dontKnow"},
    "rating": _COMMON_FIELDS
    | {"minValue", "maxValue", "minLabel", "maxLabel", "reverse", "dontKnow"},
    "dice": _COMMON_FIELDS | {"minLabel", "maxLabel", "reverse", "dontKnow"},
    "choice": _COMMON_FIELDS | {"answerOption", "answerValueSet", "dontKnow"},
    "text": _COMMON_FIELDS | {"maxLength"},
}


@dataclass(frozen=True)
class ItemScope:
    """What the definition around an item offers it: named value sets, the instrument's
    audiences, the respondent attributes asked for, and every link id."""

    value_sets: ValueSets
    audiences: tuple[str, ...]
    attributes: Mapping[str, AttributeRequest]
    all_ids: AbstractSet[str]


@dataclass(frozen=True)
class _AnswerFormat:
    """The part of an item that depends on its type: options, scale or length limit."""

    options: tuple[AnswerOption, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    min_label: Text | None = None
    max_label: Text | None = None
    max_length: int | None = None


def read_item(
    r: Reader, raw: object, path: str, scope: ItemScope, earlier: Mapping[str, Item]
) -> Item | None:
    """One item; ``earlier`` holds the items before it, which its conditions may name."""
    m = r.mapping(raw, path)
    if m is None:
        return None
    start = r.mark()
    link_id = r.key(m["linkId"], f"{path}.linkId", "linkId") if "linkId" in m else None
    kind = _item_type(r, m, path)
    if kind is None:
        return None
    r.check_fields(m, path, _FIELDS_BY_TYPE[kind], ("linkId", "type", "text"))
    text = r.text(m["text"], f"{path}.text") if "text" in m else None
    variants = _text_variants(r, m, path, scope.audiences)
    audiences = _item_audiences(r, m, path, scope.audiences)
    required = r.flag(m, "required", path)
    reverse = r.flag(m, "reverse", path)
    dont_know = r.flag(m, "dontKnow", path)
    answer_format = _answer_format(r, m, path, kind, scope.value_sets)
    targets = ConditionTargets(earlier, scope.all_ids, scope.attributes)
    conditions, behavior = _enable_when(r, m, path, link_id, targets)
    if r.found_since(start) or link_id is None or text is None:
        return None
    return Item(
        link_id=link_id,
        type=kind,
        text=text,
        required=required,
        reverse=reverse,
        dont_know=dont_know,
        answer_options=answer_format.options,
        min_value=answer_format.min_value,
        max_value=answer_format.max_value,
        min_label=answer_format.min_label,
        max_label=answer_format.max_label,
        max_length=answer_format.max_length,
        text_variants=MappingProxyType(variants),
        audiences=audiences,
        enable_when=conditions,
        enable_behavior=behavior,
    )


def _item_type(r: Reader, m: Mapping[str, Any], path: str) -> str | None:
    kind = m.get("type")
    if kind in ITEM_TYPES:
        assert isinstance(kind, str)
        return kind
    r.add(
        f"{path}.type",
        f"unknown item type {literal(kind)} (allowed: {', '.join(ITEM_TYPES)})",
        "unknown_type",
    )
    # Without a type only the fields no type allows can be told apart.
    r.check_fields(m, path, set().union(*_FIELDS_BY_TYPE.values()), ("linkId", "text"))
    return None


def _text_variants(
    r: Reader, m: Mapping[str, Any], path: str, audiences: tuple[str, ...]
) -> dict[str, Text]:
    """``textVariants``: the item's own wording for some of the instrument's audiences."""
    variants: dict[str, Text] = {}
    if m.get("textVariants") is None:
        return variants
    for audience, raw in (r.mapping(m["textVariants"], f"{path}.textVariants") or {}).items():
        variant_path = f"{path}.textVariants.{audience}"
        if audience not in AUDIENCES:
            r.add(
                variant_path,
                f"unknown audience {audience!r} (allowed: {', '.join(AUDIENCES)})",
                "unknown_audience",
            )
        else:
            _check_instrument_audience(r, audience, variant_path, audiences)
        text = r.text(raw, variant_path)
        if text is not None:
            variants[audience] = text
    return variants


def _item_audiences(
    r: Reader, m: Mapping[str, Any], path: str, audiences: tuple[str, ...]
) -> tuple[str, ...]:
    """``audiences``: the item is shown only to these (empty: to every audience)."""
    own = r.audiences(m.get("audiences", []), f"{path}.audiences")
    for i, audience in enumerate(own):
        _check_instrument_audience(r, audience, f"{path}.audiences[{i}]", audiences)
    return own


def _check_instrument_audience(
    r: Reader, audience: str, path: str, audiences: tuple[str, ...]
) -> None:
    if audience not in audiences:
        r.add(
            path,
            f"audience {audience!r} is not one of the instrument's audiences",
            "unknown_audience",
        )


def _answer_format(
    r: Reader, m: Mapping[str, Any], path: str, kind: str, value_sets: ValueSets
) -> _AnswerFormat:
    if kind in ("likert", "choice"):
        return _AnswerFormat(options=read_item_options(r, m, path, kind, value_sets) or ())
    if kind == "text":
        return _AnswerFormat(max_length=_max_length(r, m, path))
    # A die always has six faces; only a rating chooses its scale.
    min_value, max_value = _rating_scale(r, m, path) if kind == "rating" else (1, 6)
    return _AnswerFormat(
        min_value=min_value,
        max_value=max_value,
        min_label=r.optional_text(m, "minLabel", path),
        max_label=r.optional_text(m, "maxLabel", path),
    )


def _rating_scale(r: Reader, m: Mapping[str, Any], path: str) -> tuple[int | None, int | None]:
    min_value = r.integer(m, "minValue", path)
    max_value = r.integer(m, "maxValue", path)
    for name, value in (("minValue", min_value), ("maxValue", max_value)):
        if value is None and name not in m:
            r.add(f"{path}.{name}", f"a rating needs {name}", "missing")
    if min_value is not None and max_value is not None:
        if min_value >= max_value:
            r.add(
                f"{path}.maxValue",
                f"scale minimum {min_value} must be less than its maximum {max_value}",
                "bad_scale",
            )
        if max_value - min_value > 100:
            r.add(f"{path}.maxValue", "a rating scale has at most 101 points", "bad_scale")
    return min_value, max_value


def _max_length(r: Reader, m: Mapping[str, Any], path: str) -> int:
    max_length = r.integer(m, "maxLength", path)
    if max_length is None:
        return DEFAULT_MAX_LENGTH
    if not 1 <= max_length <= 10000:
        r.add(
            f"{path}.maxLength",
            f"must be between 1 and 10000, got {max_length}",
            "out_of_range",
        )
    return max_length


def _enable_when(
    r: Reader, m: Mapping[str, Any], path: str, link_id: str | None, targets: ConditionTargets
) -> tuple[tuple[Condition, ...], str]:
    """The item's conditions and how they combine (``all`` unless there are conditions)."""
    conditions: tuple[Condition, ...] = ()
    if m.get("enableWhen") is not None:
        conditions = read_enable_when(r, m["enableWhen"], f"{path}.enableWhen", link_id, targets)
    behavior = m.get("enableBehavior", "all")
    if behavior not in ("all", "any"):
        r.add(f"{path}.enableBehavior", f"must be 'all' or 'any', got {literal(behavior)}")
    return conditions, str(behavior) if conditions else "all"
