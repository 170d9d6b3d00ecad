"""Disclosure control for exports: k-anonymity, homogeneity, conditional items, free-text
screening. Pure.

Quasi-identifiers
-----------------
A row's *quasi-identifiers* are everything someone who knows a respondent could know about
them: municipality (and county), period and audience (the survey), the language answered in,
the ISO week of submission, and the respondent attributes (role, age band, gender, area).
Rows sharing all of them form an *equivalence class*.

The plan
--------
A first pass counts the rows of every class in SQL (``query.class_statistics``), with, per
dimension score, its minimum, maximum and count. :func:`plan` then generalises, greedily and
only for the classes that need it, one step of :data:`LADDER` at a time:

0. nothing;
1. area and week blanked;
2. language blanked, age bands merged (under 45 / 45 or older);
3. role collapsed (elected, representative, leader, employee, citizen), gender blanked;
4. role and age band blanked;
5. municipality generalised to its county;
6. county blanked (the whole country);
7. suppressed: the rows are left out.

A class is generalised one step when, as released, it has fewer than ``k`` rows, or when it
is *homogeneous*: smaller than ``homogeneity_n`` (default ``2k``) and every member has the same
non-empty score on some dimension (then knowing someone is in the class tells their score:
l-diversity with l = 2). Homogeneity is judged only while a class still releases something
about its members (language, week, role, age band, gender or area): a class described by
the survey alone (place, period, audience) shows what the survey's published aggregates
show already, and k-anonymity still applies to it. Classes that merge as released are judged
together; the steps repeat until no released class is too small or homogeneous. Classes
only ever grow, so this ends.

Conditional items
-----------------
An item with an ``enableWhen`` on a respondent attribute is shown to some respondents only:
``tv_involvering`` in ``partssamarbeid`` to union and safety representatives. Whether a row
answered it is then a quasi-identifier as well: where the plan coarsens or blanks ``role``
for a small class, the one row with ``tv_involvering`` filled in would still single out the
only union representative, and release their whole row.

:class:`ConditionalItems` sets such an item to missing, whatever the answer and whether or
not there was one, in every released row whose released value of the attribute does not by
itself tell whether the item was shown; that is, unless the condition has the same outcome
for every stored value that some step of :data:`LADDER` releases as that value.
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

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from survey_service.instruments import RESPONDENT_ATTRIBUTES, Condition, Instrument, condition_met
from survey_service.services.exports.columns import dimension_column, index_column

LADDER: tuple[str, ...] = (
    "none",
    "area_and_week_blanked",
    "language_blanked_age_bands_merged",
    "role_collapsed_gender_blanked",
    "role_and_age_blanked",
    "municipality_to_county",
    "county_blanked",
    "suppressed",
)
SUPPRESSED = len(LADDER) - 1

AGE_MERGE = {"under_30": "under_45", "30_44": "under_45", "45_59": "45_plus", "60_plus": "45_plus"}
ROLE_COLLAPSE = {
    "politician": "elected",
    "union_representative": "representative",
    "safety_representative": "representative",
    "top_leader": "leader",
    "middle_leader": "leader",
    "project_leader": "leader",
}


class QuasiIdentifiers(NamedTuple):
    """The quasi-identifiers of one row, as stored or as released ("" = blank)."""

    municipality: str
    county_number: str
    period: str
    audience: str
    language: str
    week: str
    role: str
    age_band: str
    gender: str
    area: str


def generalise(qi: QuasiIdentifiers, level: int) -> QuasiIdentifiers:
    """``qi`` as released at ``level`` of :data:`LADDER` (each step includes the ones before)."""
    if level >= 1:
        qi = qi._replace(area="", week="")
    if level >= 2:
        qi = qi._replace(language="", age_band=AGE_MERGE.get(qi.age_band, qi.age_band))
    if level >= 3:
        qi = qi._replace(role=ROLE_COLLAPSE.get(qi.role, qi.role), gender="")
    if level >= 4:
        qi = qi._replace(role="", age_band="")
    if level >= 5:
        qi = qi._replace(municipality="")
    if level >= 6:
        qi = qi._replace(county_number="")
    return qi


def describes_respondents(qi: QuasiIdentifiers) -> bool:
    """Whether a released class still says something about its members beyond the survey
    (municipality or county, period, audience)."""
    return any((qi.language, qi.week, qi.role, qi.age_band, qi.gender, qi.area))


@dataclass
class ClassStats:
    """Size of a class and, per dimension, ``[min, max, non-empty count]`` of its scores."""

    n: int = 0
    scores: dict[str, list[float | int | None]] = field(default_factory=dict)

    def add(self, other: ClassStats) -> None:
        self.n += other.n
        for key, (low, high, count) in other.scores.items():
            mine = self.scores.get(key)
            if mine is None:
                self.scores[key] = [low, high, count]
                continue
            mine[0] = low if mine[0] is None else mine[0] if low is None else min(mine[0], low)
            mine[1] = high if mine[1] is None else mine[1] if high is None else max(mine[1], high)
            mine[2] = int(mine[2] or 0) + int(count or 0)

    def homogeneous_on(self) -> list[str]:
        """Dimensions on which every member has the same (non-empty) score."""
        return [
            key
            for key, (low, high, count) in self.scores.items()
            if count == self.n and self.n > 0 and low is not None and low == high
        ]


@dataclass
class Plan:
    """Which generalisation level every stored class gets, and what that did."""

    k: int
    homogeneity_n: int
    levels: dict[QuasiIdentifiers, int]
    sizes: dict[QuasiIdentifiers, int]
    reasons: dict[str, int] = field(default_factory=lambda: {"k_anonymity": 0, "homogeneity": 0})

    def release(self, qi: QuasiIdentifiers) -> QuasiIdentifiers | None:
        """The released quasi-identifiers of a stored row; None when it is suppressed (or
        its class was not in the plan, e.g. a row that arrived after the first pass)."""
        level = self.levels.get(qi)
        if level is None or level >= SUPPRESSED:
            return None
        return generalise(qi, level)

    def rows_at(self) -> dict[str, int]:
        counts = {name: 0 for name in LADDER}
        for qi, level in self.levels.items():
            counts[LADDER[level]] += self.sizes[qi]
        return counts

    @property
    def total_rows(self) -> int:
        return sum(self.sizes.values())

    @property
    def suppressed_rows(self) -> int:
        return sum(n for qi, n in self.sizes.items() if self.levels[qi] >= SUPPRESSED)

    @property
    def released_rows(self) -> int:
        return self.total_rows - self.suppressed_rows

    @property
    def generalised_rows(self) -> int:
        """Released rows whose quasi-identifiers were coarsened."""
        return self.released_rows - self.rows_at()["none"]

    def summary(self) -> dict[str, object]:
        at = self.rows_at()
        return {
            "k": self.k,
            "homogeneity_threshold": self.homogeneity_n,
            "rows_in_scope": self.total_rows,
            "rows_released": self.released_rows,
            "rows_suppressed": self.suppressed_rows,
            "rows_generalised": self.generalised_rows,
            "rows_by_level": at,
            "generalisation_steps_by_reason": dict(self.reasons),
        }


def plan(
    classes: Mapping[QuasiIdentifiers, ClassStats], *, k: int, homogeneity_n: int | None = None
) -> Plan:
    """Generalise until every released class has ≥ ``k`` rows and none smaller than
    ``homogeneity_n`` is homogeneous (see the module docstring)."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    threshold = 2 * k if homogeneity_n is None else homogeneity_n
    levels = {qi: 0 for qi in classes}
    result = Plan(k, threshold, levels, {qi: s.n for qi, s in classes.items()})
    while True:
        released: dict[QuasiIdentifiers, list[QuasiIdentifiers]] = defaultdict(list)
        for qi, level in levels.items():
            if level < SUPPRESSED:
                released[generalise(qi, level)].append(qi)
        changed = False
        for key, members in released.items():
            merged = ClassStats()
            for qi in members:
                merged.add(classes[qi])
            if merged.n < k:
                reason = "k_anonymity"
            elif merged.n < threshold and describes_respondents(key) and merged.homogeneous_on():
                reason = "homogeneity"
            else:
                continue
            for qi in members:
                levels[qi] += 1
                result.reasons[reason] += classes[qi].n
            changed = True
        if not changed:
            return result


# -- conditional items -------------------------------------------------------------------

_BLANK_QI = QuasiIdentifiers(*("" for _ in QuasiIdentifiers._fields))


def stored_values_behind(attribute: str, released: str) -> frozenset[str] | None:
    """Every stored value of respondent ``attribute`` ("" = not given) that some step of
    :data:`LADDER` releases as ``released``; None when they cannot be listed (a blank open
    attribute, or an attribute that is not a quasi-identifier and so is never released)."""
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


# -- free text ---------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Eleven digits, alone or as 6 + 5 with a space or dot (how a fødselsnummer is written).
_ELEVEN = re.compile(r"(?<!\d)\d{6}[ .]?\d{5}(?!\d)")
# A Norwegian phone number: eight digits, grouped or not, with or without +47 / 0047.
_PHONE = re.compile(r"(?<![\d+])(?:(?:\+|00)\s?47[\s-]?)?(?:\d[\s-]?){7}\d(?!\d)")

MASKS = {
    "email": "[e-post fjernet]",
    "national_id": "[fødselsnummer fjernet]",
    "number": "[nummer fjernet]",
    "phone": "[telefonnummer fjernet]",
}

_W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def valid_national_id(digits: str) -> bool:
    """Whether 11 digits carry valid fødselsnummer check digits (mod 11, both)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    k1 = 11 - sum(w * x for w, x in zip(_W1, d[:9], strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    k2 = 11 - sum(w * x for w, x in zip(_W2, d[:10], strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    return k1 != 10 and k2 != 10 and k1 == d[9] and k2 == d[10]


@dataclass
class ScreenCounts:
    """How many of each kind of personal data free-text screening masked."""

    email: int = 0
    national_id: int = 0
    number: int = 0
    phone: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def screen_text(text: str, counts: ScreenCounts | None = None) -> str:
    """``text`` with e-mail addresses, fødselsnumre (and any other 11-digit run) and
    Norwegian phone numbers masked. Valid check digits only decide the mask's label: every
    11-digit run is masked, since a typo'd number identifies as well as a valid one."""
    tally = counts if counts is not None else ScreenCounts()

    def email(_: re.Match[str]) -> str:
        tally.email += 1
        return MASKS["email"]

    def eleven(match: re.Match[str]) -> str:
        if valid_national_id(re.sub(r"\D", "", match.group())):
            tally.national_id += 1
            return MASKS["national_id"]
        tally.number += 1
        return MASKS["number"]

    def phone(_: re.Match[str]) -> str:
        tally.phone += 1
        return MASKS["phone"]

    text = _EMAIL.sub(email, text)
    text = _ELEVEN.sub(eleven, text)
    return _PHONE.sub(phone, text)
