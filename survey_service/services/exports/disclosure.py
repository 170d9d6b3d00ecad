"""Disclosure control for exports: the k-anonymity and homogeneity plan. Pure.

Two more rules apply to the released rows, each in a module of its own:
:mod:`.conditional_items` (items shown to some respondents only) and :mod:`.text_screening`
(personal data in free-text answers).

Quasi-identifiers
-----------------
A row's *quasi-identifiers* are everything someone who knows a respondent could know about
them: municipality (and county), period and audience (the survey), the language answered in,
the ISO week of submission, the respondent attributes (role, age band, gender, area), and
the row's weights, which tell its weighting group (``weights.py``). Rows sharing all of them
form an *equivalence class*. The weights are never generalised: they are what reproduces the
published weighted figures, so a class too small with them is suppressed instead.

The plan
--------
A first pass counts the rows of every class in SQL (``query.stored_classes``), with, per
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
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

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
    # The row's weights as released (``weights.RowWeights.group``): never blanked, since the
    # weights reproduce the published figures; "" when unweighted.
    weighting: str = ""


#: Marks a weighting group that splits its survey (see ``weights.RowWeights.group``).
SPLITS = "*"


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
    return any((qi.language, qi.week, qi.role, qi.age_band, qi.gender, qi.area)) or (
        qi.weighting.startswith(SPLITS)
    )


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
