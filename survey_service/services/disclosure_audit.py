"""Can a set of published totals be combined to isolate a few people? An exact linear audit.

Every published figure of a survey is, for its sums ``n``, ``Σy`` and ``Σy²``, a linear
function of the *cells* (the combinations of respondent attributes): the survey's total
adds every cell, a group ("women", "politicians") adds the cells it holds. Whoever reads the
figures can add and subtract them, so what is known about the cells is the row space of the
*generators* (one row per published total, one column per cell). A combination ``v`` of
them tells ``Σ_c v_c S_c``: a sum over the people of the cells where ``v_c ≠ 0``. It
discloses when those people are few, counted by a weight per cell (the respondents of the
cell, or its changes since an earlier reading, or the people between two related figures).

:func:`smallest_disclosure` finds such a combination whose cells weigh less than ``limit``,
or proves there is none. Pure numpy/scipy; which generators and weights is the business of
``breakdown_disclosure``.

Notes
-----
Cells of weight 0 cost nothing and are ignored; a cell of weight ``limit`` or more cannot be
in a small support, so ``v`` must vanish there. What is left is the space ``V`` of such
combinations, seen on the light cells, with an orthonormal basis ``R`` (``d`` rows). A small
support ``S`` exists exactly when the columns of ``R`` outside ``S`` no longer span ``V``:
``S`` is a *cocircuit* of the column matroid of ``R``. Three reductions keep the search small:

1. columns that are multiples of each other are always zero together: they are one cell,
   weighing their sum (and vanish when that reaches ``limit``, which shrinks ``V``);
2. a cocircuit lies within one connected component of the matroid, found from the
   fundamental circuits of a basis (a column alone in its component is one by itself);
3. within a component, branch and bound: a small support must take one column of any basis
   of the columns still kept (else they would span), lightest first, until ``limit``.

A search that exceeds its budget answers as if it had found a disclosure (``exhaustive``
False), so the caller withholds more: never less.

References
----------
.. [1] Hundepool, A. et al. (2012). *Statistical Disclosure Control*, sec. 4.3 (secondary
       cell suppression, linked tables). Wiley.
.. [2] Oxley, J. (2011). *Matroid Theory*, 2nd ed., ch. 2 and 4 (cocircuits, connectivity).
       Oxford University Press.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import linalg

__all__ = ["Disclosure", "smallest_disclosure"]

#: Tolerance of the rank decisions: the generators are small 0/1 matrices.
_TOLERANCE = 1e-9
#: Search nodes per component before answering "possibly disclosive".
DEFAULT_BUDGET = 2000

Matrix = NDArray[np.float64]


@dataclass(frozen=True)
class Disclosure:
    """A combination of the generators that isolates few people.

    ``cells``: the columns of its support; ``weight``: their total weight;
    ``coefficients``: a combination of the generator rows that gives it (the caller
    withholds a generator it uses); ``exhaustive``: False when the search ran out of budget
    and this is a suspicion, not a proof."""

    cells: tuple[int, ...]
    weight: float
    coefficients: Matrix
    exhaustive: bool = True


def smallest_disclosure(
    generators: ArrayLike,
    weights: ArrayLike,
    *,
    limit: float,
    budget: int = DEFAULT_BUDGET,
) -> Disclosure | None:
    """A combination of ``generators`` whose support weighs less than ``limit``, or None.

    Parameters
    ----------
    generators : array_like, shape (r, m)
        One row per published total, one column per cell (usually 0/1).
    weights : array_like, shape (m,)
        Non-negative weight of each cell; 0: the cell does not count.
    limit : float
        A support must weigh at least this much (``SURVEY_MIN_N``).
    budget : int, default 2000
        Search nodes per component before answering with a non-exhaustive suspicion.

    Returns
    -------
    Disclosure or None
        None when every combination that is non-zero on some weighted cell weighs at least
        ``limit`` there.
    """
    g, w = _validated(generators, weights, limit)
    heavy = w >= limit
    light = np.flatnonzero((w > 0) & ~heavy)
    if light.size == 0 or g.shape[0] == 0:
        return None
    # Combinations of the generator rows that vanish on the heavy cells: the columns of
    # ``lift`` (r × q) map a combination of V's spanning rows back to the generators.
    lift = linalg.null_space(g[:, heavy].T) if heavy.any() else np.eye(g.shape[0])
    cells = [[int(c)] for c in light]
    weight = w[light].astype(float)
    columns = lift.T @ g[:, light]
    while True:
        basis, to_rows = _row_basis(columns)
        if basis.shape[0] == 0:
            return None
        lift = lift @ to_rows
        basis, cells, weight, vanish = _merged_parallel(basis, cells, weight, limit)
        if not vanish.any():
            break
        # A class of parallel cells that weighs ``limit`` together must vanish too.
        keep = linalg.null_space(basis[:, vanish].T)
        lift, columns = lift @ keep, keep.T @ basis[:, ~vanish]
        cells = [c for c, v in zip(cells, vanish, strict=True) if not v]
        weight = weight[~vanish]
    for component in _components(basis):
        found = _Search(basis[:, component], weight[component], limit, budget).run()
        if found is None:
            continue
        support, exhaustive = found
        chosen = [component[i] for i in support]
        rest = [c for c in range(basis.shape[1]) if c not in set(chosen)]
        null = linalg.null_space(basis[:, rest].T) if rest else np.eye(basis.shape[0])
        combination = null[:, 0] if exhaustive and null.shape[1] else _unit(basis.shape[0])
        return Disclosure(
            cells=tuple(sorted(c for i in chosen for c in cells[i])),
            weight=float(weight[chosen].sum()),
            coefficients=lift @ combination,
            exhaustive=exhaustive,
        )
    return None


def _validated(
    generators: ArrayLike, weights: ArrayLike, limit: float
) -> tuple[Matrix, NDArray[np.float64]]:
    g = np.atleast_2d(np.asarray(generators, dtype=float))
    w = np.asarray(weights, dtype=float)
    if w.ndim != 1 or g.shape[1] != w.shape[0]:
        raise ValueError(
            f"generators have {g.shape[1]} columns but weights has shape {w.shape}; "
            "one weight per cell (column) is needed"
        )
    if not np.all(np.isfinite(w)) or np.any(w < 0):
        raise ValueError(f"weights must be finite and non-negative, got {w.tolist()!r}")
    if not np.all(np.isfinite(g)):
        raise ValueError("generators must be finite")
    if not np.isfinite(limit) or limit <= 0:
        raise ValueError(f"limit must be a positive number, got {limit!r}")
    return g, w


def _row_basis(matrix: Matrix) -> tuple[Matrix, Matrix]:
    """An orthonormal basis of the row space of ``matrix`` (d × k), and the (q × d) map that
    takes a combination of the basis rows to one of ``matrix``'s rows."""
    if matrix.size == 0:
        return np.zeros((0, matrix.shape[1])), np.zeros((matrix.shape[0], 0))
    u, s, vt = np.linalg.svd(matrix, full_matrices=False)
    rank = int(np.sum(s > _TOLERANCE * max(matrix.shape) * max(float(s[0]), 1.0)))
    return vt[:rank], u[:, :rank] / s[:rank]


def _merged_parallel(
    basis: Matrix, cells: list[list[int]], weight: NDArray[np.float64], limit: float
) -> tuple[Matrix, list[list[int]], NDArray[np.float64], NDArray[np.bool_]]:
    """Columns that are multiples of one another as one column weighing their sum; which of
    the merged columns must vanish (they weigh ``limit`` or more together)."""
    norms = np.linalg.norm(basis, axis=0)
    live = norms > _TOLERANCE
    classes: dict[tuple[float, ...], list[int]] = {}
    for index in np.flatnonzero(live):
        direction = basis[:, index] / norms[index]
        first = direction[np.flatnonzero(np.abs(direction) > 1e-6)[0]]
        key = tuple(np.round(direction * np.sign(first), 6).tolist())
        classes.setdefault(key, []).append(int(index))
    members = list(classes.values())
    merged_cells = [[c for i in group for c in cells[i]] for group in members]
    merged_weight = np.array([weight[group].sum() for group in members], dtype=float)
    merged_basis = (
        np.column_stack([basis[:, group[0]] for group in members])
        if members
        else (np.zeros((basis.shape[0], 0)))
    )
    return merged_basis, merged_cells, merged_weight, merged_weight >= limit


def _components(basis: Matrix) -> list[list[int]]:
    """The connected components of the column matroid of ``basis`` (full row rank), from
    the fundamental circuits of a basis chosen by pivoted QR."""
    d, k = basis.shape
    _, r, pivots = linalg.qr(basis, mode="economic", pivoting=True)
    independent, others = pivots[:d], pivots[d:]
    # Each other column in terms of the basis columns: X = R11⁻¹ R12.
    x = linalg.solve_triangular(r[:, :d], r[:, d:]) if others.size else np.zeros((d, 0))
    parent = list(range(k))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for row in range(d):
        for col in np.flatnonzero(np.abs(x[row]) > 1e-9):
            parent[find(int(independent[row]))] = find(int(others[col]))
    groups: dict[int, list[int]] = {}
    for column in range(k):
        groups.setdefault(find(column), []).append(column)
    return sorted(groups.values(), key=len)


class _Search:
    """Branch and bound within one component (``basis``: d × k, rank d): a set ``S`` of
    columns weighing less than ``limit`` whose removal drops the rank."""

    def __init__(self, basis: Matrix, weights: NDArray[np.float64], limit: float, budget: int):
        self.basis = basis
        self.weights = weights
        self.limit = limit
        self.budget = budget
        self.rank = int(np.linalg.matrix_rank(basis, tol=1e-8))
        self.seen: set[frozenset[int]] = set()
        # Scaled by weight, pivoting picks heavy columns first: a basis with as few light
        # columns (the search as few branches) as it can.
        self.scale = 1.0 + weights / max(float(weights.max()), 1.0) * 10.0

    def run(self) -> tuple[list[int], bool] | None:
        """The support found (indices of this component's columns) and whether the search
        was exhaustive; None when there is none."""
        if self.rank == 0:
            return None
        try:
            found = self._visit(frozenset(), 0.0)
        except _OutOfBudget:
            return [int(c) for c in np.argsort(self.weights)], False
        return None if found is None else (sorted(found), True)

    def _visit(self, removed: frozenset[int], weight: float) -> frozenset[int] | None:
        if removed in self.seen:
            return None
        self.seen.add(removed)
        if len(self.seen) > self.budget:
            raise _OutOfBudget
        kept = np.array([c for c in range(self.basis.shape[1]) if c not in removed], dtype=int)
        chosen = self._basis_of(kept)
        if len(chosen) < self.rank:
            return removed
        for column in sorted(chosen, key=lambda c: (self.weights[c], c)):
            if weight + self.weights[column] < self.limit:
                found = self._visit(removed | {column}, weight + self.weights[column])
                if found is not None:
                    return found
        return None

    def _basis_of(self, kept: NDArray[np.int_]) -> list[int]:
        if kept.size == 0:
            return []
        scaled = self.basis[:, kept] * self.scale[kept]
        _, r, pivots = linalg.qr(scaled, mode="economic", pivoting=True)
        diagonal = np.abs(np.diag(r))
        rank = int(np.sum(diagonal > 1e-8 * max(float(diagonal[0]), 1.0)))
        return [int(kept[p]) for p in pivots[:rank]]


def _unit(size: int) -> Matrix:
    combination = np.zeros(size)
    combination[0] = 1.0
    return combination


class _OutOfBudget(Exception):
    pass
