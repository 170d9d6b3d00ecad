"""Validate a respondent's answers (and attributes) against an instrument version."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Mapping

from .conditions import is_enabled
from .errors import AnswerError, Problem
from .model import Instrument
from .parts import AttributeRequest, Item
from .vocabulary import AREA_MAX_LENGTH, DONT_KNOW, PREFER_NOT_TO_SAY, RESPONDENT_ATTRIBUTES

__all__ = [
    "allowed_attribute_codes",
    "attribute_requests",
    "free_text_value",
    "validate_answers",
    "validate_respondent",
]

_INT_RE = re.compile(r"^-?\d{1,6}$")


def allowed_attribute_codes(inst: Instrument, attribute: str) -> tuple[str, ...] | None:
    """The codes ``attribute`` accepts for this instrument, "prefer not to say" included;
    ``None`` for an open (survey-defined) attribute such as ``area``."""
    vocab = RESPONDENT_ATTRIBUTES[attribute]
    if vocab.open:
        return None
    for req in inst.respondent_attributes:
        if req.attribute == attribute and req.options:
            return (*req.options, PREFER_NOT_TO_SAY)
    return vocab.codes


def attribute_requests(
    inst: Instrument, asked: Collection[str] | None = None
) -> tuple[AttributeRequest, ...]:
    """The respondent attributes to ask: the instrument's own, then any more a survey asks
    for (``asked``: attribute keys; unknown keys are ignored, optional, all codes)."""
    out = list(inst.respondent_attributes)
    have = {req.attribute for req in out}
    for name in asked or ():
        if name in RESPONDENT_ATTRIBUTES and name not in have:
            out.append(AttributeRequest(name))
            have.add(name)
    return tuple(out)


def free_text_value(raw: str) -> str:
    """A free-text attribute value as stored: NFC, invisible formatting characters (zero-width
    spaces and joiners, bidirectional overrides: Unicode category Cf) removed, spaces trimmed.

    Two values that look the same are then the same value, and no value can reorder or hide
    what is shown beside it.
    """
    text = unicodedata.normalize("NFC", raw)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf").strip()


def _respondent(
    inst: Instrument,
    respondent: Mapping[str, object] | None,
    areas: Collection[str] | None,
    problems: list[Problem],
    asked: Collection[str] | None = None,
) -> dict[str, str]:
    out: dict[str, str] = {}
    if respondent is None:
        respondent = {}
    if not isinstance(respondent, Mapping):
        problems.append(Problem("respondent", "must be a mapping of attribute to code", "type"))
        return out
    requests = attribute_requests(inst, asked)
    asked_by = {req.attribute: req for req in requests}
    for name, raw in respondent.items():
        path = f"respondent.{name}"
        if name not in asked_by:
            known = ", ".join(asked_by) or "none"
            problems.append(
                Problem(
                    path,
                    f"unknown respondent attribute {name!r} (this instrument asks for: {known})",
                    "unknown_attribute",
                )
            )
            continue
        if raw is None or raw == "":
            continue
        value = _attribute_value(inst, name, raw, areas, path)
        if isinstance(value, Problem):
            problems.append(value)
        else:
            out[name] = value
    for req in requests:
        if (
            req.required
            and req.attribute not in out
            and not any(p.path == f"respondent.{req.attribute}" for p in problems)
        ):
            problems.append(
                Problem(
                    f"respondent.{req.attribute}",
                    f"this question must be answered (use {PREFER_NOT_TO_SAY!r} to decline)",
                    "required",
                )
            )
    return out


def _attribute_value(
    inst: Instrument, name: str, raw: object, areas: Collection[str] | None, path: str
) -> str | Problem:
    """One attribute's value as stored, or the problem with it."""
    if not isinstance(raw, str):
        return Problem(path, f"must be a code (a string), got {raw!r}", "type")
    codes = allowed_attribute_codes(inst, name)
    if codes is not None:
        if raw not in codes:
            allowed = ", ".join(codes)
            return Problem(
                path, f"unknown {name} code {raw!r} (allowed: {allowed})", "not_an_option"
            )
        return raw
    # A free-text attribute (area without a list): no control characters, normalised.
    if any(unicodedata.category(ch) == "Cc" for ch in raw):
        return Problem(path, "must not contain control characters", "control_character")
    value = free_text_value(raw)
    if areas is not None and value not in areas and value != PREFER_NOT_TO_SAY:
        allowed = ", ".join(sorted(areas))
        return Problem(path, f"unknown {name} {value!r} (allowed: {allowed})", "not_an_option")
    if not value or len(value) > AREA_MAX_LENGTH:
        return Problem(path, f"must be 1 to {AREA_MAX_LENGTH} characters", "too_long")
    return value


def validate_respondent(
    inst: Instrument,
    respondent: Mapping[str, object] | None,
    *,
    areas: Collection[str] | None = None,
    asked: Collection[str] | None = None,
) -> dict[str, str]:
    """Check the respondent attributes; return them normalised (empty values dropped).

    ``areas``: the survey's own ``area`` codes, if it defines them. ``asked``: attribute
    keys a survey asks for on top of the instrument's (a mapping's keys will do).
    Raises :class:`AnswerError` with problems at ``respondent.<attribute>``.
    """
    problems: list[Problem] = []
    out = _respondent(inst, respondent, areas, problems, asked)
    if problems:
        raise AnswerError(problems)
    return out


def _value(item: Item, raw: object, problems: list[Problem]) -> int | str | None:
    path = item.link_id
    if raw == DONT_KNOW:
        if item.dont_know:
            return DONT_KNOW
        problems.append(
            Problem(path, 'this question has no "don\'t know" option', "dont_know_not_allowed")
        )
        return None
    if item.type == "text":
        if not isinstance(raw, str):
            problems.append(Problem(path, f"must be text, got {type(raw).__name__}", "type"))
            return None
        text = raw.strip()
        assert item.max_length is not None
        if len(text) > item.max_length:
            problems.append(
                Problem(
                    path,
                    f"the text has {len(text)} characters; at most {item.max_length} are allowed",
                    "too_long",
                )
            )
            return None
        return text
    if item.type == "choice":
        codes = [str(v) for v in item.values]
        if not isinstance(raw, str) or raw not in codes:
            problems.append(
                Problem(
                    path,
                    f"{raw!r} is not an answer option (allowed: {', '.join(codes)})",
                    "not_an_option",
                )
            )
            return None
        return raw
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and math.isfinite(raw) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and _INT_RE.match(raw.strip()):
        value = int(raw.strip())  # HTML forms submit numbers as strings
    if value is None:
        problems.append(Problem(path, f"must be a whole number, got {raw!r}", "type"))
        return None
    if value not in item.values:
        scale = item.scale
        assert scale is not None
        allowed = (
            ", ".join(str(v) for v in item.values)
            if item.type == "likert"
            else f"{scale[0]}–{scale[1]}"
        )
        problems.append(
            Problem(
                path, f"{value} is not on the answer scale (allowed: {allowed})", "out_of_range"
            )
        )
        return None
    return value


def validate_answers(
    inst: Instrument,
    answers: Mapping[str, object],
    *,
    respondent: Mapping[str, object] | None = None,
    audience: str | None = None,
    areas: Collection[str] | None = None,
    asked: Collection[str] | None = None,
) -> dict[str, object]:
    """Check one respondent's answers; return them normalised.

    ``answers`` maps link ids to values: an integer for Likert, rating and dice items (a
    string of digits or an integral float is accepted), an option code for choice items,
    a string for text items, ``"dont_know"`` where the item allows it, and ``None`` (or an
    empty string) for "not answered". The result holds the answered items only, in the
    instrument's order, with integers for scale items and stripped text.

    Raises :class:`AnswerError` listing every problem, one per link id (and per
    ``respondent.<attribute>``): an unknown item (or one not shown to ``audience``), a value
    of the wrong type, off the scale or not an option, "don't know" where not allowed, text
    over the item's ``maxLength``, a required item left unanswered while enabled, an answer to
    an item its ``enableWhen`` disables. ``respondent``, ``areas`` and ``asked`` are checked
    as by :func:`validate_respondent`.
    """
    problems: list[Problem] = []
    resp = _respondent(inst, respondent, areas, problems, asked)
    if not isinstance(answers, Mapping):
        raise AnswerError(
            [*problems, Problem("answers", "must be a mapping of link id to value", "type")]
        )
    shown = inst.items_for(audience)
    shown_ids = {item.link_id for item in shown}
    for link_id in answers:
        if link_id not in shown_ids:
            extra = (
                f" for the audience {audience!r}"
                if isinstance(link_id, str) and inst.has_item(link_id)
                else ""
            )
            problems.append(
                Problem(str(link_id), f"unknown item {link_id!r}{extra}", "unknown_item")
            )
    out: dict[str, object] = {}
    invalid: set[str] = set()  # items whose answer was refused: their dependants are moot
    for item in shown:
        raw = answers.get(item.link_id)
        if isinstance(raw, str) and not raw.strip():
            raw = None
        moot = any(c.question in invalid for c in item.enable_when)
        enabled = moot or is_enabled(item, out, resp)
        if raw is None:
            if enabled and item.required and not moot:
                problems.append(Problem(item.link_id, "this question must be answered", "required"))
            continue
        value = _value(item, raw, problems)
        if value is None:
            invalid.add(item.link_id)
            continue
        if not enabled:
            problems.append(
                Problem(
                    item.link_id,
                    "this question is not shown for the answers "
                    "given (its enableWhen is not met), so it cannot be "
                    "answered",
                    "condition_not_met",
                )
            )
            continue
        if value != "":
            out[item.link_id] = value
        if moot:
            invalid.add(item.link_id)
    if problems:
        raise AnswerError(problems)
    return out
