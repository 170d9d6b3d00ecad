"""Disclosure control for exports: conditional items. Pure.

An item with an ``enableWhen`` on a respondent attribute is shown to some respondents only:
``tv_involvering`` in ``partssamarbeid`` to union and safety representatives. Whether a row
answered it is then a quasi-identifier as well: where the plan (:mod:`.disclosure`) coarsens
or blanks ``role`` for a small class, the one row with ``tv_involvering`` filled in would
still single out the only union representative, and release their whole row.

:class:`ConditionalItems` sets such an item to missing, whatever the answer and whether or
not there was one, in every released row whose released value of the attribute does not by
itself tell whether the item was shown; that is, unless the condition has the same outcome
for every stored value that some step of :data:`~.disclosure.LADDER` releases as that value.
``employee`` and ``union_representative`` tell it; ``representative`` (step 3) tells it for
``role in [union_representative, safety_representative]`` but not for ``role =
union_representative``; a blank never tells it (for an open attribute such as area, whose
values cannot be listed, only a value released as it is does). The released attributes are
part of the released class, so an item is kept or blanked for a whole released class (at
least k rows) at once: the answered / not answered pattern then says nothing the class does
not say already.
Everything computed from a blanked item goes with it in the same rows: a dimension score
that reads it, an index of such a dimension (their presence and value would tell whether the
item was answered), and an item conditional on its answer.

Blanking, rather than adding the answered pattern to the quasi-identifiers, because no step
of the ladder merges "answered" with "not answered": the lone union representative's class
could only climb to suppression, losing every other answer of the row, and the aggregate
pass would have to group by the presence of JSON keys. Blanking keeps every row and every
other answer, and loses the item only in the classes whose released attribute does not tell.

Items conditional on another answer (the follow-ups to ``kontakt = yes`` in
``omdommepavirkere``) are not blanked for that: whether they were answered tells something
about the answer they depend on, which is content exported in the same row (or a free-text
answer's presence), not something that someone who knows the respondent knows and could
match on. They are blanked only where the answer they depend on is itself blanked by this
rule, which is applied in item order (an ``enableWhen`` names earlier items only), so
chains are followed to the end.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from survey_service.instruments import RESPONDENT_ATTRIBUTES, Condition, Instrument, condition_met
from survey_service.services.exports.columns import dimension_column, index_column
from survey_service.services.exports.disclosure import (
    SUPPRESSED,
    Plan,
    QuasiIdentifiers,
    generalise,
)

_BLANK_QI = QuasiIdentifiers(*("" for _ in QuasiIdentifiers._fields))


def stored_values_behind(attribute: str, released: str) -> frozenset[str] | None:
    """Every stored value of respondent ``attribute`` ("" = not given) that some step of
    :data:`~.disclosure.LADDER` releases as ``released``; None when they cannot be listed (a
    blank open attribute, or an attribute that is not a quasi-identifier and so is never
    released)."""
    vocabulary = RESPONDENT_ATTRIBUTES.get(attribute)
    if vocabulary is None or attribute not in QuasiIdentifiers._fields:
        return None
    if vocabulary.open:
        return frozenset({released}) if released else None
    return frozenset(
        stored
        for stored in (*vocabulary.codes, "")
        if any(
            getattr(generalise(_BLANK_QI._replace(**{attribute: stored}), level), attribute)
            == released
            for level in range(SUPPRESSED)
        )
    )


def released_value_tells(condition: Condition, released: QuasiIdentifiers) -> bool:
    """Whether the released value of the condition's respondent attribute alone decides the
    condition (the same outcome for every stored value behind it)."""
    attribute = condition.respondent
    assert attribute is not None
    value = getattr(released, attribute) if attribute in QuasiIdentifiers._fields else ""
    behind = stored_values_behind(attribute, value)
    if behind is None:
        return False
    outcomes = {condition_met(condition, {}, {attribute: v} if v else {}) for v in behind}
    return len(outcomes) <= 1


@dataclass(frozen=True)
class Blanked:
    """What disclosure control sets to missing in one released row: item link ids,
    dimension keys (``score_<key>``) and index keys (``index_<key>``)."""

    items: frozenset[str] = frozenset()
    dimensions: frozenset[str] = frozenset()
    indices: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.items or self.dimensions or self.indices)


NOTHING_BLANKED = Blanked()


class ConditionalItems:
    """The conditional-items rule of an instrument (see the module docstring).

    What a row loses depends only on its released respondent attributes, so it is worked out
    once per combination of them and remembered.
    """

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.attributes = tuple(
            sorted(
                {
                    c.respondent
                    for item in instrument.items
                    for c in item.enable_when
                    if c.respondent is not None
                }
            )
        )
        self._memo: dict[tuple[str, ...], Blanked] = {}

    def blanked(self, released: QuasiIdentifiers) -> Blanked:
        """What to set to missing in a row released with ``released``."""
        if not self.attributes:
            return NOTHING_BLANKED
        key = tuple(getattr(released, a, "") for a in self.attributes)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = self._work_out(released)
        return found

    def _work_out(self, released: QuasiIdentifiers) -> Blanked:
        items: set[str] = set()
        for item in self.instrument.items:
            for condition in item.enable_when:
                if condition.respondent is not None:
                    hidden = not released_value_tells(condition, released)
                else:
                    hidden = condition.question in items
                if hidden:
                    items.add(item.link_id)
                    break
        scoring = self.instrument.scoring
        dimensions = {r.dimension for r in scoring.dimensions if items.intersection(r.item_ids)}
        indices = {i.key for i in scoring.indices if dimensions.intersection(i.dimensions)}
        return Blanked(frozenset(items), frozenset(dimensions), frozenset(indices))

    def rows_blanked(self, export_plan: Plan, columns: Iterable[str]) -> dict[str, int]:
        """Per exported column (of ``columns``), how many released rows get it set to missing
        by this rule. A function of the released rows alone, so safe to publish."""
        wanted = set(columns)
        counts: dict[str, int] = {}
        for qi, level in export_plan.levels.items():
            if level >= SUPPRESSED:
                continue
            blanked = self.blanked(generalise(qi, level))
            names = [
                *blanked.items,
                *(dimension_column(d) for d in blanked.dimensions),
                *(index_column(i) for i in blanked.indices),
            ]
            for name in names:
                if name in wanted:
                    counts[name] = counts.get(name, 0) + export_plan.sizes[qi]
        return dict(sorted(counts.items()))
