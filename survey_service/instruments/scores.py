"""Score one response from its answers, generically, from the instrument's scoring spec.

Notes
-----
An item value ``x`` on a scale ``[min, max]`` scores ``(x - min) / (max - min) * 100``, or
``100`` minus that for a reverse-scored item. "Don't know" and unanswered items are left out.
A ``mean`` dimension is the mean of its answered items' scores when at least ``minAnswered``
are answered; a ``gap`` dimension is the mean, over pairs with both items answered, of
experience minus expectation (−100..100). An index is the mean of its dimensions' scores when
at least ``minDimensions`` of them have one. A staircase step is reached when its score is at
least the threshold; the attainment is the number of steps reached from the ground floor up
without a gap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .model import Instrument
from .parts import DimensionRule, IndexRule, Item, Staircase
from .vocabulary import DONT_KNOW

__all__ = [
    "ResponseScores",
    "StaircaseAttainment",
    "dimension_score",
    "index_score",
    "item_score",
    "score_response",
    "staircase_attainment",
]


@dataclass(frozen=True)
class StaircaseAttainment:
    """``level``: how many steps are reached from the ground floor up, without a gap (0 when
    not even the first is); ``step``: the key of the highest such step (None at level 0);
    ``reached``: per step, True/False, or None when the step has no score."""

    level: int
    step: str | None
    reached: dict[str, bool | None] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "step": self.step, "reached": dict(self.reached)}


@dataclass(frozen=True)
class ResponseScores:
    """One response's scores: items (0–100), dimensions (0–100, gap dimensions −100..100,
    None below the minimum), indices, and the staircase attainment where there is one."""

    item_scores: dict[str, float]
    dimension_scores: dict[str, float | None]
    index_scores: dict[str, float | None]
    staircase: StaircaseAttainment | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": dict(self.item_scores),
            "dimensions": dict(self.dimension_scores),
            "indices": dict(self.index_scores),
            "staircase": None if self.staircase is None else self.staircase.to_dict(),
        }


def item_score(item: Item, value: object) -> float | None:
    """An answer's score on 0–100; None for no answer, "don't know" or an unscored item.

    Raises ``ValueError`` for a value that is not on the item's scale (validate first).
    """
    scale = item.scale
    if value is None or value == DONT_KNOW or scale is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in item.values:
        raise ValueError(f"{item.link_id}: {value!r} is not on the scale {scale[0]}–{scale[1]}")
    low, high = scale
    score = (value - low) / (high - low) * 100.0
    return 100.0 - score if item.reverse else score


def dimension_score(rule: DimensionRule, item_scores: Mapping[str, float]) -> float | None:
    """A dimension's score from item scores (see the module notes), or None."""
    if rule.method == "gap":
        gaps = [
            item_scores[p.experience] - item_scores[p.expectation]
            for p in rule.pairs
            if p.experience in item_scores and p.expectation in item_scores
        ]
        values = gaps
    else:
        values = [item_scores[i] for i in rule.items if i in item_scores]
    if len(values) < rule.min_answered:
        return None
    return sum(values) / len(values)


def index_score(rule: IndexRule, dimension_scores: Mapping[str, float | None]) -> float | None:
    """An index's score: the mean of its dimensions' scores, or None below the minimum."""
    values = [s for d in rule.dimensions if (s := dimension_scores.get(d)) is not None]
    if len(values) < rule.min_dimensions:
        return None
    return sum(values) / len(values)


def staircase_attainment(
    staircase: Staircase, dimension_scores: Mapping[str, float | None]
) -> StaircaseAttainment:
    """The staircase attainment for one response, or for aggregated scores (e.g. a survey's
    mean per dimension): a step counts only when every step below it is reached too."""
    reached: dict[str, bool | None] = {}
    level = 0
    climbing = True
    for step in staircase.steps:
        score = dimension_scores.get(step)
        ok = None if score is None else score >= staircase.threshold
        reached[step] = ok
        if climbing and ok:
            level += 1
        else:
            climbing = False
    step_key = staircase.steps[level - 1] if level else None
    return StaircaseAttainment(level, step_key, reached)


def score_response(inst: Instrument, answers: Mapping[str, object]) -> ResponseScores:
    """Score one response (answers as returned by ``validate_answers``).

    Unknown link ids, unanswered items and "don't know" are ignored; a value off an item's
    scale raises ``ValueError``.
    """
    items: dict[str, float] = {}
    for item in inst.items:
        score = item_score(item, answers.get(item.link_id))
        if score is not None:
            items[item.link_id] = score
    dims: dict[str, float | None] = {
        rule.dimension: dimension_score(rule, items) for rule in inst.scoring.dimensions
    }
    indices = {rule.key: index_score(rule, dims) for rule in inst.indices}
    stair = None if inst.staircase is None else staircase_attainment(inst.staircase, dims)
    return ResponseScores(items, dims, indices, stair)
