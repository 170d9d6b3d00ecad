"""Fitted values of the regression on the raking margins, from per-cell counts and sums.

The linearised variance of a raked (calibrated) mean uses the residuals of ``y`` from its
least-squares regression on the indicator variables of every margin. The indicators are
constant within a joint cell (one category of each margin), so the fit needs only each
cell's count and sum of ``y``, and the fitted value is one number per cell.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def margin_fit(
    margin_codes: list[NDArray[np.intp]], counts: FloatArray, sums: FloatArray
) -> FloatArray:
    """Each cell's fitted value from the unweighted least-squares regression on the margins.

    ``margin_codes[k][g]`` is cell ``g``'s category (0, 1, …) of margin ``k``; ``counts`` and
    ``sums`` are the cell's number of values and their sum (unweighted: R's ``survey``
    projects with ``ave``, an unweighted mean, for a raked design).

    Minimising ``Σ_i (y_i − x_gβ)²`` over the values equals minimising
    ``Σ_g n_g (ȳ_g − x_gβ)²`` over the cells, solved by least squares on rows
    ``√n_g · x_g`` with targets ``√n_g · ȳ_g``. The margins' indicators are collinear (each
    margin's sum to the intercept); ``lstsq`` still gives the unique projection.
    """
    columns = [np.eye(int(codes.max()) + 1)[codes] for codes in margin_codes]
    design = np.hstack(columns)
    root = np.sqrt(counts)
    cell_means = sums / counts
    beta, *_ = np.linalg.lstsq(design * root[:, None], cell_means * root, rcond=None)
    fitted: FloatArray = design @ beta
    # One refinement step: least squares on the residuals recovers digits lost to rounding.
    correction, *_ = np.linalg.lstsq(
        design * root[:, None], (cell_means - fitted) * root, rcond=None
    )
    refined: FloatArray = fitted + design @ correction
    return refined


def joint_cells(margin_codes: list[NDArray[np.intp]]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Each value's joint cell and, per cell, its code on each margin (rows: margins)."""
    stacked = np.vstack(margin_codes)
    cells, inverse = np.unique(stacked, axis=1, return_inverse=True)
    return np.asarray(inverse, dtype=np.intp).reshape(-1), np.asarray(cells, dtype=np.intp)
