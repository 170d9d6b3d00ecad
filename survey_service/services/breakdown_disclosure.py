"""Disclosure control for breakdowns: which groups may be shown, and from which state.

A breakdown shows, for each group of respondents (a role, a role group, an age band, a
gender, an area), every dimension and index of the survey, unweighted, from the cells of a
published snapshot. *k* is ``SURVEY_MIN_N``. The rules:

1. **Small or uniform groups** (primary suppression). A group is withheld, with every figure,
   when for some figure it has 1 to k−1 respondents, or fewer than 2k who all gave the same
   score, or when its index's respondents differ by 1 to k−1 from those of one of the
   index's dimensions (as ``score_disclosure`` rules for the survey's own figures).
2. **No answer is no group.** Respondents without the attribute (or who preferred not to say)
   are never shown as a group; they are in what the shown groups leave over.
3. **What is left over is a figure too** (complementary suppression). The survey's total
   minus a breakdown's shown groups (its withheld groups and those who gave no answer), and a
   shown role group minus its shown roles, can be computed by anyone: each must pass rule 1
   itself (or be empty), else one more group is withheld (the smallest that would join it).
   So a single withheld group is never the total minus the visible ones, and no role is a
   role group minus its other roles.
4. **No combination isolates few people** (an exact audit across breakdowns). All figures
   shown at once, the survey's total and, for a weighted survey, the weighting groups of its
   own figures, added and subtracted in any way, never give a sum over fewer than k
   respondents (women minus the under-30s when nearly all young people are women; a
   breakdown by gender against one by age band), nor over 1 to k−1 people between an index
   and one of its dimensions: :func:`disclosure_audit.smallest_disclosure` decides it, and
   while it finds such a combination the smallest shown group it uses is withheld.
5. **Over time.** Breakdowns are shown once the survey has stopped collecting, from the
   snapshot then published, and keep that state (``breakdown_snapshots``). That state is
   audited against the survey's own totals read at every snapshot of the fieldwork
   (``breakdown_history``): the politicians' total minus the total of the first snapshot
   must not be the one who was not a politician.
6. **Across waves.** The change since the baseline survey is given for a group only when the
   group is shown in both waves, each from its own published breakdown.
7. **Weighting.** Group figures are unweighted means (``method``); a survey's weighted total
   is a different sum over the same cells, so its weighting groups enter the audit of rule 4
   (the re-weighting attack gains nothing from the breakdowns).

Why one state, kept, rather than following the snapshots: a breakdown that keeps a state
while the survey's total moves on, and then moves on too, lets the total in between cut its
change in two (the women's change minus the total's first step is the men of that step less
the women of the next: four people). So a breakdown that follows the snapshots must move
with every one, by ``k`` or more in every group each time, which during fieldwork almost
never happens: simulated, a role breakdown shown from the start and moving only so showed
about half of the responses at 60 and at 100. Shown once fieldwork is over, it holds them
all. A withdrawal after that reaches the survey's scores with the next snapshot but not the
breakdowns, as it does not reach an export taken before it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from survey_service.instruments import Instrument
from survey_service.services.breakdown_groups import role_group
from survey_service.services.breakdown_history import Step, history_disclosure
from survey_service.services.breakdown_table import Group, Table, related_pairs
from survey_service.services.calibration import all_alike
from survey_service.services.disclosure_audit import smallest_disclosure

FEWER_THAN_MIN_N = "fewer_than_min_n"
ALL_ALIKE = "all_gave_the_same_answer"
RELATED = "nearly_the_same_respondents_as_a_related_figure"
#: Withheld so that no other withheld figure can be computed from the shown ones.
COMPLEMENTARY = "complementary"

#: The breakdowns that nest: every role group is a union of roles.
NESTED = {"role": "role_group"}


@dataclass(frozen=True)
class Setting:
    """What a plan is made for: the instrument, the breakdowns the survey has, ``k``, and
    the population margins its snapshot was weighted with."""

    instrument: Instrument
    breakdowns: tuple[str, ...]
    min_n: int
    margins: Mapping[str, Mapping[str, int]]


def primary_reason(table: Table, group: Group, measure: str, setting: Setting) -> str | None:
    """Why rule 1 withholds ``group``'s figure ``measure`` (None: it may be shown)."""
    return _reason(table, table.members(group), measure, setting)


def _reason(
    table: Table,
    mask: NDArray[np.bool_],
    measure: str,
    setting: Setting,
    *,
    within: Collection[str] | None = None,
) -> str | None:
    """Rule 1 for the cells in ``mask``; the related rule only against figures ``within``
    (default: all) that can be computed for them."""
    k = setting.min_n
    n, s1, s2 = table.totals(measure, mask)
    if n == 0:
        return None
    if n < k:
        return FEWER_THAN_MIN_N
    if n < 2 * k and all_alike(n, s1, s2):
        return ALL_ALIKE
    for index, dimension in related_pairs(setting.instrument):
        if measure == index and (within is None or dimension in within):
            other = float(table.n[dimension][mask].sum())
            if other >= k and 0 < abs(other - n) < k:
                return RELATED
    return None


def plan(
    table: Table,
    setting: Setting,
    *,
    history: Sequence[Step] = (),
    forced: Collection[Group] = frozenset(),
) -> frozenset[Group] | None:
    """The groups shown (rules 1-5): a fixed point of primary suppression and then, while
    a block or a combination discloses, alone or with the fieldwork's totals (``history``),
    withholding the smallest group it uses. ``forced`` groups count as shown whatever
    happens; None when they alone disclose."""
    forced = frozenset(forced)
    candidates = [(by, group) for by in setting.breakdowns for group in sorted(table.groups(by))]
    shown = {
        g
        for g in candidates
        if not any(primary_reason(table, g, m, setting) for m in table.measures)
    }
    size = {g: float(table.respondents[table.members(g)].sum()) for g in candidates}
    for _ in range(len(candidates) + 1):
        implicated = _first_disclosure(table, shown | forced, setting, history)
        if implicated is None:
            return frozenset(shown)
        choices = [g for g in implicated if g in shown and g not in forced]
        if not choices:
            return None if forced else frozenset()
        shown.discard(min(choices, key=lambda g: (size[g], g)))
    return frozenset()


# --------------------------------------------------------------------------- the audits


def total_shown(table: Table, setting: Setting) -> set[str]:
    """The figures the survey itself publishes from this state (``score_disclosure``'s
    rules on its totals): only those give away what the shown groups leave over."""
    everyone = np.ones(len(table.cells), dtype=bool)
    return {
        m for m in table.measures if table.n[m].sum() and not _reason(table, everyone, m, setting)
    }


def _first_disclosure(
    table: Table, shown: set[Group], setting: Setting, history: Sequence[Step]
) -> list[Group] | None:
    """The shown groups implicated in the first disclosure found (rules 3, 4 and 5),
    smallest first; None when there is none."""
    published = total_shown(table, setting)
    for block, measures, neighbours in _blocks(table, shown, setting, published):
        if any(_reason(table, block, m, setting, within=measures) for m in measures):
            return neighbours
    for rows, weights in _audits(table, shown, setting, published):
        matrix = np.vstack([row for _, row in rows])
        found = smallest_disclosure(matrix, weights, limit=setting.min_n)
        if found is not None:
            return [
                group
                for (group, _), coefficient in zip(rows, found.coefficients, strict=True)
                if group is not None and abs(coefficient) > 1e-7
            ]
    families = [
        (by, NESTED[by]) if by in NESTED else (by,)
        for by in setting.breakdowns
        if by not in NESTED.values()
    ]
    return history_disclosure(
        history, shown, families=families, measures=table.measures, min_n=setting.min_n
    )


def _blocks(
    table: Table, shown: set[Group], setting: Setting, published: set[str]
) -> Iterable[tuple[NDArray[np.bool_], list[str], list[Group]]]:
    """What the shown groups leave over (rule 3), with the figures it can be computed for
    and the shown groups whose withholding would join it: per breakdown, the total minus
    its top-level shown groups (for the figures the survey publishes), and a shown role
    group minus its shown roles (for every figure)."""
    everyone = np.ones(len(table.cells), dtype=bool)

    def smallest_first(groups: Iterable[Group]) -> list[Group]:
        return sorted(groups, key=lambda g: (table.respondents[table.members(g)].sum(), g))

    for by in setting.breakdowns:
        if by in NESTED.values():
            continue  # role groups are the parents of the roles: done with "role"
        parent = NESTED.get(by)
        parents = sorted(g for g in shown if g[0] == parent)
        tops = list(parents)
        for child in sorted(g for g in shown if g[0] == by):
            if (parent, role_group(child[1])) not in parents:
                tops.append(child)
        rest = everyone.copy()
        for top in tops:
            rest &= ~table.members(top)
        if tops and rest.any():
            yield rest, sorted(published), smallest_first(tops)
        for node in parents:
            kids = [g for g in shown if g[0] == by and (parent, role_group(g[1])) == node]
            block = table.members(node)
            for kid in kids:
                block &= ~table.members(kid)
            if kids and block.any():
                yield block, table.measures, smallest_first(kids)


def _audits(
    table: Table, shown: set[Group], setting: Setting, published: set[str]
) -> Iterable[tuple[list[tuple[Group | None, NDArray[np.float64]]], NDArray[np.float64]]]:
    """(generator rows, cell weights) for rule 4: per figure (figures alike in their empty
    and heavy cells and in what the survey publishes of them share one audit, on their
    smallest counts), then per index and dimension the people between them."""
    k = setting.min_n
    groups: list[tuple[Group | None, NDArray[np.float64]]] = [
        (g, table.members(g).astype(float)) for g in sorted(shown)
    ]

    def totals(measure: str) -> list[tuple[Group | None, NDArray[np.float64]]]:
        if measure not in published:
            return []
        strata = table.strata(measure, setting.margins, k)
        return [(None, np.ones(len(table.cells)))] + [(None, s.astype(float)) for s in strata]

    patterns: dict[tuple[bytes, ...], list[str]] = {}
    for measure in table.measures:
        n = table.n[measure]
        key = ((n > 0).tobytes(), (n >= k).tobytes(), *(r.tobytes() for _, r in totals(measure)))
        patterns.setdefault(key, []).append(measure)
    for measures in patterns.values():
        weights = np.min(np.vstack([table.n[m] for m in measures]), axis=0)
        yield groups + totals(measures[0]), weights
    for index, dimension in related_pairs(setting.instrument):
        between = np.abs(table.n[index] - table.n[dimension])
        if between.any():
            yield groups + totals(index) + totals(dimension), between
