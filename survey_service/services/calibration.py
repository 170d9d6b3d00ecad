"""Weights for a survey's cells from its population margins, with small groups pooled.

Post-stratification on one margin, raking on several (``scoring.rake``). A margin is one
attribute (``gender``) or a joint one (``age_band+gender``, as SSB publishes age by sex),
whose categories join the codes (``30_44+female``). Respondents who did not give a margin's
attribute (or preferred not to) form an "unknown" category whose population share is taken to
be its share of the sample, so they carry the average weight and the known categories share
the rest.

Pooling: a weight of its own for a small group is a disclosure. Whoever may set the margins
can read the scores, change the margins (``{female: 1, male: 1}``, then ``{female: 1,
male: 3}``), read again and solve the two weighted means for the group's answers. So no
weighting group, marginal or joint, carries a weight of its own unless at least ``min_n``
respondents are in it (for the figure being weighted: who answered that item) and, when it
has fewer than ``2 × min_n``, they did not all give the same answer. A group that falls
short is pooled with the smallest other category of its margin, repeatedly, and a pooled
group gets one weight: the re-weighting attack then recovers at most the total of a group
that may be published anyway. For raking, the joint cells (the cross-classification of the
raked margins) must pass the same test; the margin with the most categories gives way first
(of equals, the first in alphabetical order).
A margin left with one category weights nothing and is dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from survey_service.scoring import ConvergenceError, poststratify, rake
from survey_service.services import score_store

UNKNOWN = "(unknown)"
POOL = " & "


@dataclass(frozen=True)
class CellStats:
    """One cell's respondents for the figure being weighted: count, Σy, Σy² (``values=False``
    when only the count is known: then no group is judged on its answers)."""

    n: float
    sum_y: float = 0.0
    sum_y2: float = 0.0
    values: bool = True


@dataclass(frozen=True)
class Weighting:
    """Per-cell weights (one weight for every respondent of a cell) and post-strata."""

    method: str  # "none", "poststratified" or "raked"
    weights: dict[str, float]
    strata: dict[str, str]
    margins: tuple[str, ...] = ()
    note: str | None = None
    # margin -> the groups that were pooled, e.g. ("gender", ("male & (unknown)",))
    pooled: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # stratum -> its category of each margin (in ``margins`` order): what the raking variance
    # regresses on
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def raking_margins(self) -> dict[str, dict[str, str]]:
        """Margin -> (stratum -> category), for ``scoring.mean_ci_from_strata_stats``."""
        return {
            name: {stratum: cats[k] for stratum, cats in self.categories.items()}
            for k, name in enumerate(self.margins)
        }


def all_alike(n: float, sum_y: float, sum_y2: float) -> bool:
    """Whether every one of ``n`` values is the same, from their sum and sum of squares."""
    if n < 1:
        return False
    spread = sum_y2 - sum_y * sum_y / n
    return spread <= 1e-9 * (abs(sum_y2) + 1.0)


def figure_cells(cells: score_store.Cells, measure: str) -> dict[str, CellStats]:
    """The cells with respondents to ``measure``, with their moments: what the figure is
    weighted from (the scores and the export's weight columns both read it here)."""
    return {
        cell: CellStats(*moments)
        for cell, (_count, stats) in cells.items()
        if (moments := stats.measures.get(measure, score_store.NO_MOMENTS)).n > 0
    }


def unweighted(cells: Sequence[str], note: str | None = None) -> Weighting:
    return Weighting("none", {c: 1.0 for c in cells}, {c: "" for c in cells}, note=note)


def weighting(
    cells: Mapping[str, CellStats], margins: Mapping[str, Mapping[str, int]], *, min_n: int
) -> Weighting:
    """The weights of ``cells`` (score-store cell keys) for the survey's ``margins``; see the
    module docstring for how groups are pooled."""
    # In name order, so that a tie in pooling is broken alike whatever order the margins
    # were stored in (PostgreSQL's JSONB keeps its own).
    names = sorted(name for name, counts in margins.items() if counts)
    units = [cell for cell, stats in cells.items() if stats.n > 0]
    if not names or not units:
        return unweighted(list(cells))
    stats = [cells[cell] for cell in units]
    labels: dict[str, list[str]] = {}
    populations: dict[str, dict[str, float]] = {}
    total_population = None
    for name in names:
        values = _labels(units, name, margins[name])
        population = {str(k): float(v) for k, v in margins[name].items() if float(v) > 0}
        population = {k: v for k, v in population.items() if k in set(values)}
        if not population:
            return unweighted(
                list(cells), f"no respondent gave a {name} that the margins know; not weighted"
            )
        pop_total = float(sum(float(v) for v in margins[name].values()))
        total_population = total_population or pop_total
        labels[name] = values
        populations[name] = _scaled(population, values, stats, total_population)

    pooled: dict[str, list[str]] = defaultdict(list)
    for name in names:
        _pool([name], labels, populations, stats, min_n, pooled, together=1)
    names = [name for name in names if len(populations[name]) > 1]
    _pool(names, labels, populations, stats, min_n, pooled, together=2)
    names = [name for name in names if len(populations[name]) > 1]
    pooled_groups = tuple((name, tuple(groups)) for name, groups in pooled.items() if name in names)
    if not names:
        return unweighted(
            list(cells),
            f"not weighted: fewer than {min_n} respondents in all but one group of every margin",
        )
    strata = {cell: "|".join(labels[name][i] for name in names) for i, cell in enumerate(units)}
    sizes = np.array([s.n for s in stats])
    if len(names) == 1:
        name = names[0]
        totals = _poststratify(
            tuple(labels[name]),
            tuple(populations[name].items()),
            tuple(float(s) for s in sizes),
        )
        weights = {cell: float(totals[i] / sizes[i]) for i, cell in enumerate(units)}
        return Weighting("poststratified", weights, strata, tuple(names), pooled=pooled_groups)
    try:
        raked = _rake(
            tuple(tuple(labels[name]) for name in names),
            tuple(tuple(sorted(populations[name].items())) for name in names),
            tuple(float(s) for s in sizes),
        )
    except ConvergenceError:
        return unweighted(list(cells), "raking over the margins did not converge; not weighted")
    weights = {cell: float(raked[i] / sizes[i]) for i, cell in enumerate(units)}
    categories = {
        strata[cell]: tuple(labels[name][i] for name in names) for i, cell in enumerate(units)
    }
    return Weighting(
        "raked", weights, strata, tuple(names), pooled=pooled_groups, categories=categories
    )


def _labels(units: Sequence[str], name: str, margin: Mapping[str, int]) -> list[str]:
    """Each unit's category of margin ``name`` (UNKNOWN when it has none the margin knows)."""
    known = {str(k) for k, v in margin.items() if float(v) > 0}
    values = []
    for cell in units:
        attributes = score_store.parse_cell(cell)
        # A joint margin ("age_band+gender") has joint categories ("30_44+female").
        parts = [attributes.get(part, "") for part in name.split("+")]
        value = "+".join(parts) if all(parts) else None
        values.append(value if value in known else UNKNOWN)
    return values


def _scaled(
    population: Mapping[str, float],
    values: Sequence[str],
    stats: Sequence[CellStats],
    total_population: float,
) -> dict[str, float]:
    """Population counts on one scale; the unknown category gets its sample share."""
    n = sum(s.n for s in stats)
    unknown_share = sum(s.n for s, v in zip(stats, values, strict=True) if v == UNKNOWN) / n
    known_sum = sum(population.values())
    scaled = {
        k: v / known_sum * total_population * (1.0 - unknown_share) for k, v in population.items()
    }
    if unknown_share > 0:
        scaled[UNKNOWN] = total_population * unknown_share
    return scaled


def _group(indices: Sequence[int], stats: Sequence[CellStats]) -> CellStats:
    return CellStats(
        n=sum(stats[i].n for i in indices),
        sum_y=sum(stats[i].sum_y for i in indices),
        sum_y2=sum(stats[i].sum_y2 for i in indices),
        values=all(stats[i].values for i in indices),
    )


def _may_stand_alone(group: CellStats, min_n: int) -> bool:
    if group.n < min_n:
        return False
    alike = group.values and all_alike(group.n, group.sum_y, group.sum_y2)
    return not (group.n < 2 * min_n and alike)


def _merge(
    name: str,
    small: str,
    labels: dict[str, list[str]],
    populations: dict[str, dict[str, float]],
    stats: Sequence[CellStats],
    pooled: dict[str, list[str]],
) -> None:
    """Pool category ``small`` of margin ``name`` with the smallest other category."""
    sizes: dict[str, float] = defaultdict(float)
    for value, s in zip(labels[name], stats, strict=True):
        sizes[value] += s.n
    others = [c for c in populations[name] if c != small]
    partner = min(others, key=lambda c: (sizes.get(c, 0.0), c))
    merged = POOL.join(sorted(small.split(POOL) + partner.split(POOL)))
    labels[name] = [merged if v in (small, partner) else v for v in labels[name]]
    population = populations[name]
    population[merged] = population.pop(small) + population.pop(partner)
    groups = pooled[name]
    for old in (small, partner):
        if old in groups:
            groups.remove(old)
    groups.append(merged)


def _pool(
    names: list[str],
    labels: dict[str, list[str]],
    populations: dict[str, dict[str, float]],
    stats: Sequence[CellStats],
    min_n: int,
    pooled: dict[str, list[str]],
    *,
    together: int,
) -> None:
    """Pool categories until every group may stand alone: the categories of one margin
    (``together=1``), or the joint cells of the margins still in play (``together=2``)."""
    while True:
        active = [name for name in names if len(populations[name]) > 1]
        if len(active) < together:
            return
        members: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i in range(len(stats)):
            members[tuple(labels[name][i] for name in active)].append(i)
        short = [
            (_group(indices, stats).n, key)
            for key, indices in members.items()
            if not _may_stand_alone(_group(indices, stats), min_n)
        ]
        if not short:
            return
        key = min(short)[1]
        # The margin with the most categories gives way (then the first named).
        position, name = max(enumerate(active), key=lambda p: (len(populations[p[1]]), -p[0]))
        _merge(name, key[position], labels, populations, stats, pooled)


@lru_cache(maxsize=1024)
def _poststratify(
    labels: tuple[str, ...],
    populations: tuple[tuple[str, float], ...],
    sizes: tuple[float, ...],
) -> np.ndarray:
    """Post-stratified totals per unit (cached: the figures of a survey that everyone
    answered share the cells' counts, hence one weighting; the bulk scores weigh hundreds
    of them)."""
    totals = poststratify(
        np.array(labels, dtype=object), dict(populations), weights=np.array(sizes)
    )
    totals.flags.writeable = False  # shared by every caller of the cache
    return totals


@lru_cache(maxsize=256)
def _rake(
    labels: tuple[tuple[str, ...], ...],
    populations: tuple[tuple[tuple[str, float], ...], ...],
    sizes: tuple[float, ...],
) -> np.ndarray:
    """Raked totals per unit (cached: most figures of a survey share one weighting)."""
    names = [f"m{i}" for i in range(len(labels))]
    return rake(
        {name: np.array(values, dtype=object) for name, values in zip(names, labels, strict=True)},
        {name: dict(pop) for name, pop in zip(names, populations, strict=True)},
        weights=np.array(sizes),
        max_iter=200,
        tol=1e-8,
    )
