"""The survey's totals read during fieldwork, against the groups shown at its end (rule 5 of
``breakdown_disclosure``).

While a survey collects, its own scores are published at every snapshot: the total of the
first five, of the first ten, and so on. Breakdowns published afterwards are sums over
groups of the same people. Together they can isolate someone: when the six politicians
answered at one meeting and fill the first snapshot but one, the politicians' total minus
the total of the first snapshot is minus the one who was not a politician. So the first
publication is audited against every snapshot before it, from the changes recorded at each
(:class:`Step`, kept in ``breakdown_step``; per figure, the cells that changed and how many
changes the snapshots counted, a lower bound where a cell emptied and filled again).

The audit (:func:`history_disclosure`), per family of breakdowns whose shown groups nest
(one breakdown; or the roles with the role groups) and per figure: the shown groups cut the
cells into *blocks* (cells in exactly the same shown groups), and what the groups and the
totals tell together is ``Y + Σ_i x_i T_i``, with ``Y`` constant on blocks and ``T_i`` the
changes of step ``i``. It is a sum over the people of step ``i`` whose block's ``Y``
differs from ``-x_i``. The fewest such people are reached by ``Y = 1`` on a union ``U`` of
blocks and ``0`` elsewhere, each ``x_i`` taking the larger side of its step (for any ``Y``,
its level set holding the most of some step does no worse), so every union of blocks is
tried: it weighs ``Σ_i min(|step_i ∩ U|, |step_i \\ U|)``, which must be 0 (``U`` changed
only with whole steps: the totals tell it already) or at least ``k``. A step whose total was
not published (too few yet, or the figure kept its value) counts with the next.

Limits: groups of two breakdowns that cross (gender and age band) are audited against each
other at one time (rule 4), not together with the fieldwork's totals; a weighted survey's
totals count as plain totals; surveys published before this record began have no steps.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from survey_service.services.breakdown_groups import group_of
from survey_service.services.breakdown_table import Group, Table
from survey_service.services.score_store import parse_cell

#: Up to this many blocks in one family every union is tried (2^blocks); above it (the
#: participating municipalities of an organiser's survey: one block each) a branch and bound
#: search, which gives up after :data:`SEARCH_BUDGET` nodes: then the smallest shown group
#: gives way first, as if it had found a union.
MAX_BLOCKS = 12
SEARCH_BUDGET = 200_000


@dataclass(frozen=True)
class Step:
    """From one score snapshot to the next: per figure, cell -> its changes (only cells
    that changed), and the figures whose survey total the later snapshot published."""

    changes: Mapping[str, Mapping[str, float]]
    published: frozenset[str]

    def to_json(self) -> dict[str, Any]:
        return {m: dict(cells) for m, cells in self.changes.items()}

    @classmethod
    def from_json(cls, changes: Mapping[str, Any], published: Iterable[str]) -> Step:
        return cls(
            {m: {c: float(w) for c, w in cells.items()} for m, cells in changes.items()},
            frozenset(published),
        )


def step_between(before: Table, after: Table, published: Iterable[str]) -> Step:
    """The step from ``before`` to ``after`` (tables over one cell order)."""
    changes = {}
    for measure in after.measures:
        weights = changes_between(before, after, measure)
        changes[measure] = {
            cell: float(w) for cell, w in zip(after.cells, weights, strict=True) if w > 0
        }
    return Step(changes, frozenset(published))


def changes_between(before: Table, after: Table, measure: str) -> NDArray[np.float64]:
    """A lower bound of each cell's changes of a figure: the growth of its change count;
    where that count went down (the cell emptied and filled again, or the survey was
    rescored) or stood still while the sums moved, the change in its number of respondents,
    and at least one."""
    grown = after.changes[measure] - before.changes[measure]
    moved = (
        _apart(after.n[measure], before.n[measure])
        | _apart(after.s1[measure], before.s1[measure])
        | _apart(after.s2[measure], before.s2[measure])
    )
    net = np.maximum(np.abs(after.n[measure] - before.n[measure]), 1.0)
    return np.where(grown > 0, grown, np.where(moved, net, 0.0))


def _apart(a: NDArray[np.float64], b: NDArray[np.float64]) -> NDArray[np.bool_]:
    """``~np.isclose(a, b)`` for finite sums (its tolerances), at a fraction of its cost: it
    runs for every figure of every snapshot."""
    return np.abs(a - b) > 1e-8 + 1e-5 * np.abs(b)


def history_disclosure(
    steps: Sequence[Step],
    shown: Collection[Group],
    *,
    families: Iterable[Collection[str]],
    measures: Iterable[str],
    min_n: int,
) -> list[Group] | None:
    """The shown groups whose withholding would break the first union of blocks found that
    the groups and the fieldwork's totals isolate (smallest first); None if there is none."""
    if not steps:
        return None
    for family in families:
        groups = sorted(g for g in shown if g[0] in family)
        if not groups:
            continue
        cells = sorted({c for step in steps for m in step.changes.values() for c in m})
        member = {c: _signature(c, groups) for c in cells}
        blocks = sorted(set(member.values()))
        for measure in measures:
            counts = _merged_counts(steps, measure, member, blocks)
            if len(blocks) <= MAX_BLOCKS:
                union = _small_union(counts, min_n)
            else:
                union = _small_union_searched(counts, min_n)
                if union == _GAVE_UP:
                    return groups  # withhold (smallest first) instead
            if union is not None:
                inside = {blocks[b] for b in union}
                return [g for g in groups if _breaks(g, groups, inside, blocks)]
    return None


def _signature(cell: str, groups: Sequence[Group]) -> tuple[bool, ...]:
    attributes = parse_cell(cell)
    return tuple(group_of(by, attributes) == value for by, value in groups)


def _merged_counts(
    steps: Sequence[Step],
    measure: str,
    member: Mapping[str, tuple[bool, ...]],
    blocks: Sequence[tuple[bool, ...]],
) -> NDArray[np.float64]:
    """Changes per (published step, block): steps whose total was not published are added
    to the next one."""
    position = {block: i for i, block in enumerate(blocks)}
    rows: list[NDArray[np.float64]] = []
    pending = np.zeros(len(blocks))
    for step in steps:
        for cell, changes in step.changes.get(measure, {}).items():
            pending[position[member[cell]]] += changes
        if measure in step.published and pending.any():
            rows.append(pending)
            pending = np.zeros(len(blocks))
    if pending.any():
        rows.append(pending)
    return np.vstack(rows) if rows else np.zeros((0, len(blocks)))


def _small_union(counts: NDArray[np.float64], min_n: int) -> tuple[int, ...] | None:
    """A union of blocks (columns) weighing 1 to ``min_n - 1``, or None. A union and its
    complement weigh the same, so the last block stays outside."""
    blocks = counts.shape[1]
    if blocks < 2 or counts.shape[0] == 0:
        return None
    totals = counts.sum(axis=1)
    for chunk in _chunks(itertools.product((0.0, 1.0), repeat=blocks - 1), 1024):
        unions = np.hstack([np.array(chunk), np.zeros((len(chunk), 1))])
        inside = counts @ unions.T
        weight = np.minimum(inside, totals[:, None] - inside).sum(axis=0)
        small = np.flatnonzero((weight >= 1) & (weight < min_n))
        if small.size:
            return tuple(int(b) for b in np.flatnonzero(unions[small[0]]))
    return None


#: What :func:`_small_union_searched` answers when it ran out of budget.
_GAVE_UP: tuple[int, ...] = (-1,)


def _small_union_searched(
    counts: NDArray[np.float64], min_n: int, *, budget: int = SEARCH_BUDGET
) -> tuple[int, ...] | None:
    """As :func:`_small_union`, by branch and bound over the blocks (heaviest first): a
    block is put inside or left outside in turn, and a branch is cut when even its best
    completion weighs ``min_n`` or more. Per step, the weight ``min(x, total - x)`` is
    concave in the changes ``x`` inside, so over every completion (``x`` between what is
    inside now and that plus all blocks still open) it is least at one of the two ends:
    the sum of those least values bounds the branch from below. :data:`_GAVE_UP` when the
    search needs more than ``budget`` nodes."""
    rows, blocks = counts.shape
    if blocks < 2 or rows == 0:
        return None
    totals = counts.sum(axis=1)
    # The last block stays outside: a union and its complement weigh the same.
    order = sorted(range(blocks - 1), key=lambda b: (-float(counts[:, b].sum()), b))
    open_after = np.zeros((len(order) + 1, rows))
    for i in range(len(order) - 1, -1, -1):
        open_after[i] = open_after[i + 1] + counts[:, order[i]]

    def weigh(inside: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.minimum(inside, totals - inside)

    stack: list[tuple[int, NDArray[np.float64], tuple[int, ...]]] = [(0, np.zeros(rows), ())]
    nodes = 0
    while stack:
        depth, inside, chosen = stack.pop()
        nodes += 1
        if nodes > budget:
            return _GAVE_UP
        least = float(np.minimum(weigh(inside), weigh(inside + open_after[depth])).sum())
        if least >= min_n:
            continue
        if depth == len(order):
            weight = float(weigh(inside).sum())
            if 1 <= weight < min_n:
                return tuple(sorted(chosen))
            continue
        block = order[depth]
        stack.append((depth + 1, inside, chosen))
        stack.append((depth + 1, inside + counts[:, block], (*chosen, block)))
    return None


def _chunks(items: Iterable[Any], size: int) -> Iterable[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _breaks(
    group: Group,
    groups: Sequence[Group],
    inside: set[tuple[bool, ...]],
    blocks: Sequence[tuple[bool, ...]],
) -> bool:
    """Whether withholding ``group`` joins a block inside the union with one outside."""
    position = groups.index(group)
    merged: dict[tuple[bool, ...], set[bool]] = {}
    for block in blocks:
        key = block[:position] + block[position + 1 :]
        merged.setdefault(key, set()).add(block in inside)
    return any(len(sides) == 2 for sides in merged.values())
