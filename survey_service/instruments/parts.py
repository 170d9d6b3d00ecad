"""The frozen parts an instrument is built of: items and their answer options and
conditions, dimensions, scoring rules and the respondent attributes it asks for.

They are made by the definition parser (:mod:`.schema`), which validates everything first:
an object that exists is valid. Collections are tuples and texts read-only mappings, so a
published version cannot be changed by accident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .vocabulary import Text

__all__ = [
    "SCORED_TYPES",
    "AnswerOption",
    "AttributeRequest",
    "Condition",
    "ConditionValue",
    "Dimension",
    "DimensionRule",
    "GapPair",
    "IndexRule",
    "Item",
    "Scoring",
    "Staircase",
]

ConditionValue = int | str | bool | tuple[int | str, ...]
SCORED_TYPES = frozenset({"likert", "rating", "dice"})


@dataclass(frozen=True)
class AnswerOption:
    """One answer option: the stored ``value`` (int for Likert, code for choice) and its label."""

    value: int | str
    label: Text


@dataclass(frozen=True)
class Condition:
    """An ``enableWhen`` condition, on an earlier item's answer or on a respondent attribute.

    Exactly one of ``question`` (a link id) and ``respondent`` (an attribute key) is set.
    ``operator`` is one of ``exists = != > >= < <= in``; for ``in`` the answer is a tuple.
    """

    operator: str
    answer: ConditionValue
    question: str | None = None
    respondent: str | None = None


@dataclass(frozen=True)
class Item:
    """One question. ``text_variants`` maps an audience to its own wording of the item."""

    link_id: str
    type: str
    text: Text
    required: bool = False
    reverse: bool = False
    dont_know: bool = False
    answer_options: tuple[AnswerOption, ...] = ()
    min_value: int | None = None
    max_value: int | None = None
    min_label: Text | None = None
    max_label: Text | None = None
    max_length: int | None = None
    text_variants: Mapping[str, Text] = field(default_factory=dict)
    audiences: tuple[str, ...] = ()
    enable_when: tuple[Condition, ...] = ()
    enable_behavior: str = "all"

    @property
    def scored(self) -> bool:
        """Whether the item's answers map to 0–100 (Likert, rating, dice)."""
        return self.type in SCORED_TYPES

    @cached_property  # read for every answer scored
    def scale(self) -> tuple[int, int] | None:
        """``(min, max)`` of a scored item's values, ``None`` for choice and text items."""
        if self.type == "likert":
            values = [int(o.value) for o in self.answer_options]
            return min(values), max(values)
        if self.type in ("rating", "dice") and self.min_value is not None:
            assert self.max_value is not None
            return self.min_value, self.max_value
        return None

    @cached_property
    def values(self) -> tuple[int | str, ...]:
        """Every allowed value except "don't know"."""
        if self.type in ("likert", "choice"):
            return tuple(o.value for o in self.answer_options)
        scale = self.scale
        if scale is not None:
            return tuple(range(scale[0], scale[1] + 1))
        return ()

    def shown_to(self, audience: str | None) -> bool:
        """Whether the item is part of the questionnaire for ``audience`` (None: everyone)."""
        return audience is None or not self.audiences or audience in self.audiences

    def text_for(self, lang: str, audience: str | None = None) -> str:
        """The item's text in ``lang``, in the audience's own wording where there is one."""
        if audience is not None and audience in self.text_variants:
            return self.text_variants[audience][lang]
        return self.text[lang]


@dataclass(frozen=True)
class Dimension:
    """A construct measured by a group of items (a staircase step, a characteristic)."""

    key: str
    title: Text
    description: Text | None = None


@dataclass(frozen=True)
class GapPair:
    """Two items on the same topic: what is expected and what is experienced."""

    expectation: str
    experience: str


@dataclass(frozen=True)
class DimensionRule:
    """How a dimension is scored from item scores (each on 0–100).

    ``method="mean"``: the mean of the answered ``items``' scores, on 0–100.
    ``method="gap"``: for every ``pairs`` entry with both items answered, experience minus
    expectation; the dimension is the mean of these gaps, on −100..100.
    ``min_answered`` answered items (or complete pairs) are needed, otherwise no score.
    """

    dimension: str
    method: str
    min_answered: int
    items: tuple[str, ...] = ()
    pairs: tuple[GapPair, ...] = ()

    @property
    def score_range(self) -> tuple[float, float]:
        return (-100.0, 100.0) if self.method == "gap" else (0.0, 100.0)

    @property
    def item_ids(self) -> tuple[str, ...]:
        """Every item the rule reads, in order."""
        if self.method == "gap":
            return tuple(i for p in self.pairs for i in (p.expectation, p.experience))
        return self.items


@dataclass(frozen=True)
class IndexRule:
    """An index combining dimension scores: the mean of at least ``min_dimensions`` of them."""

    key: str
    title: Text
    method: str
    dimensions: tuple[str, ...]
    min_dimensions: int


@dataclass(frozen=True)
class Staircase:
    """A staircase: ``steps`` are dimension keys, ground floor first; a step is reached when
    its score is at least ``threshold`` (0–100)."""

    threshold: float
    steps: tuple[str, ...]


@dataclass(frozen=True)
class Scoring:
    dimensions: tuple[DimensionRule, ...]
    indices: tuple[IndexRule, ...] = ()
    staircase: Staircase | None = None

    def rule(self, dimension: str) -> DimensionRule:
        for rule in self.dimensions:
            if rule.dimension == dimension:
                return rule
        raise KeyError(dimension)


@dataclass(frozen=True)
class AttributeRequest:
    """A respondent attribute the instrument asks for (see ``RESPONDENT_ATTRIBUTES``);
    ``options`` narrows the vocabulary's codes (empty: all of them)."""

    attribute: str
    required: bool = False
    options: tuple[str, ...] = ()
