"""An item's ``enableWhen``: conditions on an earlier item's answer or a respondent attribute.

Conditions are evaluated in :mod:`.conditions`; this module checks that each one can ever be
met: it names something that exists and compares it with an answer that it can have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any

from .parts import AttributeRequest, Condition, ConditionValue, Item
from .schema_reader import Reader, is_int, literal
from .vocabulary import DONT_KNOW, RESPONDENT_ATTRIBUTES

__all__ = ["OPERATORS", "ConditionTargets", "read_enable_when"]

OPERATORS: tuple[str, ...] = ("exists", "=", "!=", ">", ">=", "<", "<=", "in")
_ORDERING = (">", ">=", "<", "<=")


@dataclass(frozen=True)
class ConditionTargets:
    """What an item's conditions may name.

    Only items before it: answers are then checked in questionnaire order, and a disabled
    item's answer is dropped before a later condition reads it. ``all_ids`` tells a
    reference to a later item from a misspelt one.
    """

    earlier: Mapping[str, Item]
    all_ids: AbstractSet[str]
    attributes: Mapping[str, AttributeRequest]


@dataclass(frozen=True)
class _AnswerDomain:
    """The answers a condition's target can have: ``allowed`` (``None``: any value of the
    right type) and whether they are numbers, which the ordering operators need."""

    allowed: tuple[object, ...] | None
    numeric: bool = False


def read_enable_when(
    r: Reader, value: object, path: str, own_id: str | None, targets: ConditionTargets
) -> tuple[Condition, ...]:
    """The usable conditions of an ``enableWhen`` list."""
    seq = r.sequence(value, path)
    if seq is None:
        return ()
    if not seq:
        r.add(path, "enableWhen must not be empty (leave it out instead)", "too_few")
    conditions = (
        _read_condition(r, raw, f"{path}[{i}]", own_id, targets) for i, raw in enumerate(seq)
    )
    return tuple(c for c in conditions if c is not None)


def _read_condition(
    r: Reader, raw: object, path: str, own_id: str | None, targets: ConditionTargets
) -> Condition | None:
    start = r.mark()
    fields = {"question", "respondent", "operator", "answer"}
    m = r.checked_mapping(raw, path, fields, ("operator", "answer"))
    if m is None:
        return None
    op = m.get("operator")
    if op not in OPERATORS:
        r.add(
            f"{path}.operator",
            f"unknown operator {literal(op)} (allowed: {', '.join(OPERATORS)})",
            "unknown_operator",
        )
        return None
    assert isinstance(op, str)
    question, respondent = m.get("question"), m.get("respondent")
    if (question is None) == (respondent is None):
        r.add(
            path,
            "give exactly one of 'question' (a link id) and 'respondent' (an attribute)",
            "missing",
        )
        return None
    if question is not None:
        domain = _question_domain(r, question, f"{path}.question", own_id, targets)
    else:
        domain = _respondent_domain(r, respondent, f"{path}.respondent", targets)
    if domain is None:
        return None
    answer = _condition_answer(r, op, m.get("answer"), f"{path}.answer", domain)
    if answer is None or r.found_since(start):
        return None
    return Condition(
        operator=op,
        answer=answer,
        question=question if isinstance(question, str) else None,
        respondent=respondent if isinstance(respondent, str) else None,
    )


def _question_domain(
    r: Reader, question: object, path: str, own_id: str | None, targets: ConditionTargets
) -> _AnswerDomain | None:
    if question == own_id:
        r.add(path, f"an item cannot depend on itself ({question!r})", "cycle")
        return None
    target = targets.earlier.get(question) if isinstance(question, str) else None
    if target is None:
        if isinstance(question, str) and question in targets.all_ids:
            r.add(
                path,
                f"item {question!r} must come before the item whose enableWhen names it",
                "forward_reference",
            )
        else:
            r.add(path, f"unknown item {literal(question)}", "unknown_reference")
        return None
    if target.type == "text":
        return _AnswerDomain(allowed=None)
    dont_know = (DONT_KNOW,) if target.dont_know else ()
    return _AnswerDomain(allowed=(*target.values, *dont_know), numeric=target.scored)


def _respondent_domain(
    r: Reader, respondent: object, path: str, targets: ConditionTargets
) -> _AnswerDomain | None:
    name = r.respondent_attribute(respondent, path)
    if name is None:
        return None
    if name not in targets.attributes:
        r.add(
            path,
            f"respondent attribute {name!r} is not asked for in respondentAttributes",
            "unknown_reference",
        )
        return None
    vocabulary = RESPONDENT_ATTRIBUTES[name]
    return _AnswerDomain(allowed=None if vocabulary.open else vocabulary.codes)


def _condition_answer(
    r: Reader, op: str, answer: object, path: str, domain: _AnswerDomain
) -> ConditionValue | None:
    """The answer a condition compares with, in the shape its operator needs."""
    if op == "exists":
        if not isinstance(answer, bool):
            r.add(path, f"'exists' needs true or false, got {literal(answer)}", "type")
            return None
        return answer
    if op in _ORDERING:
        if not domain.numeric or not is_int(answer):
            r.add(
                path,
                f"{op!r} needs an integer answer on a scored item, got {literal(answer)}",
                "type",
            )
            return None
        return answer
    values = _compared_values(r, op, answer, path)
    if values is None or not _values_are_possible(r, values, path, domain):
        return None
    clean = [v for v in values if isinstance(v, int | str)]
    return tuple(clean) if op == "in" else clean[0]


def _compared_values(r: Reader, op: str, answer: object, path: str) -> Sequence[Any] | None:
    """``in`` compares with a list of values; ``=`` and ``!=`` with one."""
    if op != "in":
        return [answer]
    seq = r.sequence(answer, path)
    if seq is not None and not seq:
        r.add(path, "'in' needs a non-empty list", "too_few")
        return None
    return seq


def _values_are_possible(
    r: Reader, values: Sequence[Any], path: str, domain: _AnswerDomain
) -> bool:
    """Whether every value is one the target can have: otherwise the condition never holds."""
    possible = True
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | str):
            r.add(path, f"must be an answer value, got {literal(value)}", "type")
            possible = False
        elif domain.allowed is not None and value not in domain.allowed:
            r.add(
                path,
                f"{literal(value)} is not a possible answer (allowed: "
                f"{', '.join(str(a) for a in domain.allowed)})",
                "not_an_option",
            )
            possible = False
    return possible
