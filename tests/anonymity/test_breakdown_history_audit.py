"""The fieldwork audit's shortcut: of everything the totals of each snapshot and the groups
of one breakdown tell together, the fewest people are isolated by a union of blocks against
each step's larger side. Checked against brute force over (step, block) on random data
where, as in the service, every step holds at least k changes (a snapshot is taken, and a
figure moves on, only with k of them)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from survey_service.services.breakdown_history import _small_union, _small_union_searched

K = 5


def brute_force(counts: np.ndarray) -> bool:
    """Whether some combination of the step totals and the block totals is non-zero on
    people weighing 1 to K-1: the rank of the other (step, block) columns drops without
    them."""
    steps, blocks = counts.shape
    atoms = [(i, b) for i in range(steps) for b in range(blocks) if counts[i, b] > 0]
    rows = [[1.0 if a[0] == i else 0.0 for a in atoms] for i in range(steps)]
    rows += [[1.0 if a[1] == b else 0.0 for a in atoms] for b in range(blocks)]
    matrix = np.array(rows)
    full = np.linalg.matrix_rank(matrix)
    for size in range(1, K):
        for chosen in itertools.combinations(range(len(atoms)), size):
            if sum(counts[atoms[c]] for c in chosen) >= K:
                continue
            rest = [c for c in range(len(atoms)) if c not in chosen]
            if np.linalg.matrix_rank(matrix[:, rest]) < full:
                return True
    return False


@pytest.mark.parametrize("seed", range(80))
def test_the_union_shortcut_agrees_with_brute_force(seed):
    rng = np.random.default_rng(seed)
    steps, blocks = int(rng.integers(1, 5)), int(rng.integers(2, 5))
    counts = rng.choice([0, 0, 1, 1, 2, 3, 5], size=(steps, blocks)).astype(float)
    for row in counts:
        while row.sum() < K:
            row[rng.integers(blocks)] += 1
    assert (_small_union(counts, K) is not None) == brute_force(counts)


def test_politicians_together_and_one_with_others():
    # Snapshot 1: five politicians; snapshot 2: one politician and four others.
    assert _small_union(np.array([[5.0, 0.0], [1.0, 4.0]]), K) is not None
    # Spread over the snapshots, they are not isolated.
    assert _small_union(np.array([[2.0, 3.0], [2.0, 3.0], [2.0, 3.0]]), K) is None


def _weight(counts: np.ndarray, union: tuple[int, ...]) -> float:
    inside = counts[:, list(union)].sum(axis=1)
    return float(np.minimum(inside, counts.sum(axis=1) - inside).sum())


@pytest.mark.parametrize("seed", range(40))
def test_the_branch_and_bound_finds_a_small_union_exactly_when_one_exists(seed):
    """Many blocks (an organiser's survey: one per participating municipality) are searched
    by branch and bound: on tables small enough to try every union, it finds one exactly
    when there is one, and what it finds weighs 1 to k - 1."""
    rng = np.random.default_rng(seed)
    blocks = int(rng.integers(2, 11))
    rows = int(rng.integers(1, 5))
    counts = rng.choice([0, 0, 0, 1, 1, 2, 3, 6], size=(rows, blocks)).astype(float)
    exhaustive = _small_union(counts, 5)
    searched = _small_union_searched(counts, 5)
    assert (exhaustive is None) == (searched is None), (counts, exhaustive, searched)
    if searched is not None:
        assert 1 <= _weight(counts, searched) < 5
        assert blocks - 1 not in searched  # the last block stays outside


def test_the_branch_and_bound_audits_a_hundred_municipalities_quickly():
    """110 blocks, twenty published steps of random arrivals: decided within the budget."""
    rng = np.random.default_rng(7)
    counts = np.zeros((20, 110))
    for row in counts:
        for block in rng.integers(0, 110, size=15):
            row[block] += 1
    found = _small_union_searched(counts, 5)
    assert found != (-1,)
    if found is not None:
        assert 1 <= _weight(counts, found) < 5
