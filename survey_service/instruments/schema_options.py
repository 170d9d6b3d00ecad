"""Answer options: the named ``answerValueSets`` and an item's ``answerOption`` list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .parts import AnswerOption
from .schema_reader import CODE_RE, Reader, is_int, literal
from .vocabulary import DONT_KNOW

__all__ = ["ValueSets", "read_item_options", "read_options", "read_value_sets"]

# A value set that has problems of its own maps to None: items that use it report nothing
# more about it.
ValueSets = Mapping[str, tuple[AnswerOption, ...] | None]


def read_value_sets(r: Reader, m: Mapping[str, Any]) -> dict[str, tuple[AnswerOption, ...] | None]:
    """The definition's ``answerValueSets``, by name."""
    value_sets: dict[str, tuple[AnswerOption, ...] | None] = {}
    if m.get("answerValueSets") is not None:
        for name, raw in (r.mapping(m["answerValueSets"], "answerValueSets") or {}).items():
            value_sets[str(name)] = read_options(r, raw, f"answerValueSets.{name}")
    return value_sets


def read_options(r: Reader, value: object, path: str) -> tuple[AnswerOption, ...] | None:
    """A list of answer options; ``None`` if any of them is unusable."""
    seq = r.sequence(value, path)
    if seq is None:
        return None
    seen: set[object] = set()
    options = [_read_option(r, raw, f"{path}[{i}]", seen) for i, raw in enumerate(seq)]
    if any(option is None for option in options):
        return None
    return tuple(option for option in options if option is not None)


def _read_option(r: Reader, raw: object, path: str, seen: set[object]) -> AnswerOption | None:
    m = r.checked_mapping(raw, path, {"value", "label"}, ("value", "label"))
    if m is None:
        return None
    value = m.get("value")
    label = r.text(m["label"], f"{path}.label") if "label" in m else None
    if not (is_int(value) or isinstance(value, str)):
        r.add(f"{path}.value", f"must be an integer or a code, got {literal(value)}", "type")
        return None
    usable = _value_is_usable(r, value, f"{path}.value", seen)
    seen.add(value)
    if not usable or label is None:
        return None
    return AnswerOption(value, label)


def _value_is_usable(r: Reader, value: int | str, path: str, seen: set[object]) -> bool:
    """Codes end up as data in exports; "don't know" has a switch of its own."""
    usable = True
    if isinstance(value, str) and not CODE_RE.match(value):
        r.add(
            path,
            f"code {value!r} must be lower-case ASCII letters, digits and underscores",
            "bad_key",
        )
        usable = False
    if value == DONT_KNOW:
        r.add(path, f"{DONT_KNOW!r} is reserved; use dontKnow: true", "reserved")
        usable = False
    if value in seen:
        r.add(path, f"value {literal(value)} is used twice", "duplicate")
        usable = False
    return usable


def read_item_options(
    r: Reader, m: Mapping[str, Any], path: str, kind: str, value_sets: ValueSets
) -> tuple[AnswerOption, ...] | None:
    """The options of a Likert or choice item, inline or from a named value set."""
    if ("answerOption" in m) == ("answerValueSet" in m):
        r.add(
            f"{path}.answerOption",
            "give exactly one of answerOption and answerValueSet",
            "missing",
        )
        return None
    if "answerValueSet" in m:
        options_path = f"{path}.answerValueSet"
        options = _named_value_set(r, m["answerValueSet"], options_path, value_sets)
    else:
        options_path = f"{path}.answerOption"
        options = read_options(r, m["answerOption"], options_path)
    if options is None:
        return None
    return options if _options_fit_type(r, options, options_path, kind) else None


def _named_value_set(
    r: Reader, name: object, path: str, value_sets: ValueSets
) -> tuple[AnswerOption, ...] | None:
    if not isinstance(name, str) or name not in value_sets:
        r.add(
            path,
            f"unknown answerValueSet {literal(name)} (defined: {', '.join(value_sets) or 'none'})",
            "unknown_reference",
        )
        return None
    return value_sets[name]


def _options_fit_type(r: Reader, options: tuple[AnswerOption, ...], path: str, kind: str) -> bool:
    """Likert values are points on a scale (integers); choice values are codes."""
    if len(options) < 2:
        r.add(path, f"a {kind} item needs at least 2 answer options", "too_few")
        return False
    if kind == "likert" and not all(is_int(o.value) for o in options):
        r.add(path, "Likert answer options need integer values", "type")
        return False
    if kind == "choice" and not all(isinstance(o.value, str) for o in options):
        r.add(path, "choice answer options need string codes", "type")
        return False
    return True
