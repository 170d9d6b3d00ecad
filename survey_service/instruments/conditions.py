"""Evaluate ``enableWhen`` conditions: is an item shown, given the answers so far?"""

from __future__ import annotations

from collections.abc import Mapping

from .parts import Condition, Item
from .vocabulary import DONT_KNOW

__all__ = ["condition_met", "is_enabled"]


def condition_met(
    condition: Condition,
    answers: Mapping[str, object],
    respondent: Mapping[str, str] | None = None,
) -> bool:
    """Whether one condition holds. A missing answer (or attribute) meets only
    ``exists: false``; "don't know" takes part in ``=``, ``!=`` and ``in`` only."""
    if condition.question is not None:
        value = answers.get(condition.question)
    else:
        assert condition.respondent is not None
        value = (respondent or {}).get(condition.respondent)
    op, expected = condition.operator, condition.answer
    if op == "exists":
        return (value is not None) == expected
    if value is None:
        return False
    if op == "=":
        return value == expected
    if op == "!=":
        return value != expected
    if op == "in":
        assert isinstance(expected, tuple)
        return value in expected
    if value == DONT_KNOW or not isinstance(value, int) or isinstance(value, bool):
        return False
    assert isinstance(expected, int)
    if op == ">":
        return value > expected
    if op == ">=":
        return value >= expected
    if op == "<":
        return value < expected
    return value <= expected


def is_enabled(
    item: Item,
    answers: Mapping[str, object],
    respondent: Mapping[str, str] | None = None,
) -> bool:
    """Whether ``item`` is enabled by its ``enableWhen`` (always, if it has none).

    ``answers`` should hold only the answers of enabled items: conditions may only name
    earlier items, so evaluating items in order and dropping the answers of disabled ones
    gives FHIR's semantics (a disabled item's answer counts as absent).
    """
    if not item.enable_when:
        return True
    results = (condition_met(c, answers, respondent) for c in item.enable_when)
    return any(results) if item.enable_behavior == "any" else all(results)
