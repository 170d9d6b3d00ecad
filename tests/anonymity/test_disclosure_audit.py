"""The exact audit behind complementary suppression: can published totals be combined into a
sum over fewer than k people? Checked on the known attacks and against brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from survey_service.services.disclosure_audit import smallest_disclosure

K = 5


def crossing(cells):
    """Generators for the total and every gender and age group of ``cells`` (gender, age)."""
    rows = [[1.0] * len(cells)]
    for position in (0, 1):
        for value in sorted({c[position] for c in cells}):
            rows.append([1.0 if c[position] == value else 0.0 for c in cells])
    return np.array(rows)


def test_women_minus_the_young_is_the_one_older_woman():
    cells = [("f", "young"), ("f", "old"), ("m", "old")]
    found = smallest_disclosure(crossing(cells), [9, 1, 10], limit=K)
    assert found is not None and found.cells == (1,) and found.weight == 1
    # The combination it reports is one: zero on every other weighted cell.
    combination = found.coefficients @ crossing(cells)
    assert abs(combination[1]) > 1e-9
    assert np.allclose(combination[[0, 2]], 0)


def test_two_people_of_two_crossing_groups_are_found_together():
    cells = [("f", "young"), ("f", "old"), ("m", "young"), ("m", "old")]
    found = smallest_disclosure(crossing(cells), [9, 1, 1, 9], limit=K)
    assert found is not None and found.cells == (1, 2) and found.weight == 2


def test_margins_of_a_well_filled_table_isolate_no_one():
    cells = [("f", "young"), ("f", "old"), ("m", "young"), ("m", "old")]
    assert smallest_disclosure(crossing(cells), [7, 3, 4, 6], limit=K) is None


def test_the_total_minus_the_groups_shown_is_the_rest():
    total, women, men = [1, 1, 1], [1, 0, 0], [0, 1, 0]
    found = smallest_disclosure([total, women, men], [10, 10, 2], limit=K)
    assert found is not None and found.cells == (2,)
    assert smallest_disclosure([total, women], [10, 10, 2], limit=K) is None


def test_three_crossing_breakdowns_can_isolate_a_cell_that_no_two_can():
    """Four cells of three people, one for each even combination of three yes/no attributes:
    every two attributes' groups hold six, yet a + b + c - total is twice the first cell."""
    cells = [(0, 0, 0), (0, 1, 1), (1, 0, 1), (1, 1, 0)]
    weights = [3, 3, 3, 3]

    def rows(attributes):
        out = [[1.0] * 4]
        for a in attributes:
            out += [[1.0 if c[a] == v else 0.0 for c in cells] for v in (0, 1)]
        return np.array(out)

    for pair in itertools.combinations(range(3), 2):
        assert smallest_disclosure(rows(pair), weights, limit=K) is None
    found = smallest_disclosure(rows((0, 1, 2)), weights, limit=K)
    assert found is not None and len(found.cells) == 1


def test_a_search_out_of_budget_says_so_and_withholds():
    """A sparse 5 x 4 x 10 table whose margins isolate no one: proved with the full budget;
    with a budget too small to prove it, the answer is a suspicion (withhold), never "safe"."""
    rng = np.random.default_rng(0)
    cells = list(itertools.product(range(5), range(4), range(10)))
    n = rng.poisson(0.8, len(cells)).astype(float)
    cells, n = [c for c, k in zip(cells, n, strict=True) if k], n[n > 0]
    rows = [[1.0] * len(cells)]
    for position, size in enumerate((5, 4, 10)):
        for value in range(size):
            row = [1.0 if c[position] == value else 0.0 for c in cells]
            if np.dot(row, n) >= K:
                rows.append(row)
    assert smallest_disclosure(rows, n, limit=K) is None
    suspicion = smallest_disclosure(rows, n, limit=K, budget=2)
    assert suspicion is not None and suspicion.exhaustive is False


def test_bad_input_is_refused_with_the_value():
    with pytest.raises(ValueError, match=r"weights must be finite and non-negative, got \[-1"):
        smallest_disclosure([[1, 1]], [-1, 2], limit=K)
    with pytest.raises(ValueError, match="one weight per cell"):
        smallest_disclosure([[1, 1]], [1, 2, 3], limit=K)
    with pytest.raises(ValueError, match="limit must be a positive number, got 0"):
        smallest_disclosure([[1, 1]], [1, 2], limit=0)


def brute_force(generators, weights, limit):
    """Whether some set of weighted cells lighter than ``limit`` is the exact support of a
    combination: the rank of the other weighted cells' columns drops without them."""
    weighted = [c for c in range(len(weights)) if weights[c] > 0]
    full = np.linalg.matrix_rank(generators[:, weighted]) if weighted else 0
    for size in range(1, len(weighted) + 1):
        for subset in itertools.combinations(weighted, size):
            if sum(weights[c] for c in subset) >= limit:
                continue
            rest = [c for c in weighted if c not in subset]
            if (np.linalg.matrix_rank(generators[:, rest]) if rest else 0) < full:
                return True
    return False


@pytest.mark.parametrize("seed", range(60))
def test_agrees_with_brute_force_on_small_tables(seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(2, 4)), int(rng.integers(2, 4)), int(rng.integers(1, 3)))
    cells = [c for c in itertools.product(*(range(s) for s in shape)) if rng.random() < 0.8]
    weights = rng.choice([0, 1, 1, 2, 3, 4, 6, 8], size=len(cells)).astype(float)
    rows = [[1.0] * len(cells)]
    for position, size in enumerate(shape):
        for value in range(size):
            if rng.random() < 0.7:  # some groups shown, some withheld
                rows.append([1.0 if c[position] == value else 0.0 for c in cells])
    generators = np.array(rows)
    found = smallest_disclosure(generators, weights, limit=K)
    assert (found is not None) == brute_force(generators, weights, K)
    if found is not None:
        assert found.weight < K
        combination = found.coefficients @ generators
        outside = [c for c in range(len(cells)) if weights[c] > 0 and c not in found.cells]
        assert np.allclose(combination[outside], 0, atol=1e-7)
        assert any(abs(combination[c]) > 1e-7 for c in found.cells)
