"""The weights of an export's rows: those its survey's published figures were weighted with.

A survey's final snapshot (``services/snapshots.py``) holds exactly the rows an export
releases, with the population margins its figures were weighted by. Each figure is weighted
by groups large enough among the people who gave it (``services/calibration.py``), so an
item some people skipped can carry weights of its own. The export writes:

- ``weight``: the weight of the row's weighting group over all the survey's respondents,
  with which the figures that everyone gave (and the survey's n) were weighted; 1 for an
  unweighted survey;
- ``weight_<column>``: for a figure whose weights differ from ``weight`` in some survey of the
  export, the row's weight for that figure (empty where the row has no value for it).

Then ``Σ weight·y / Σ weight`` over a survey's rows that have ``y`` is the published
estimate. A weight tells which weighting group a row belongs to (a gender, an age band), so
the tuple of a row's weights is a quasi-identifier (:attr:`RowWeights.group`): disclosure
control counts classes with it and never blanks it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from survey_service.services import calibration, score_store, snapshots
from survey_service.services.calibration import Weighting
from survey_service.services.exports.disclosure import SPLITS
from survey_service.services.score_store import Cells

#: The figures that have a column of their own, by measure prefix.
FIGURE_PREFIXES = ("item", "dim", "idx")


@dataclass(frozen=True)
class RowWeights:
    """A survey's weights: the overall one and each figure's, per cell (attribute combination)."""

    overall: Mapping[str, float]
    figures: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    method: str = "none"
    margins: tuple[str, ...] = ()

    def of(self, cell: str) -> tuple[float, dict[str, float | None]]:
        """The row's overall weight and its weight for each figure that has weights."""
        return self.overall.get(cell, 1.0), {m: w.get(cell) for m, w in self.figures.items()}

    def group(self, cell: str) -> str:
        """The row's weighting group as released: every weight it carries ("" unweighted),
        marked with ``SPLITS`` when the survey has more than one group (then the group says
        something about its members, and disclosure control judges homogeneity with it)."""
        if self.method == "none":
            return ""
        overall, own = self.of(cell)
        key = repr((overall, tuple(sorted(own.items()))))
        return SPLITS + key if self.splits else key

    @property
    def splits(self) -> bool:
        groups = {
            (self.overall.get(c), tuple(w.get(c) for w in self.figures.values()))
            for c in self.overall
        }
        return len(groups) > 1

    def differs(self, measure: str) -> bool:
        """Whether figure ``measure``'s weights differ from the overall ones anywhere."""
        own = self.figures.get(measure)
        return own is not None and any(
            abs(w - self.overall.get(cell, 1.0)) > 1e-12 * max(1.0, abs(w))
            for cell, w in own.items()
        )


UNWEIGHTED = RowWeights({})


def survey_weights(session: Session, survey_id: int, *, min_n: int) -> RowWeights:
    """The weights of the survey's published figures, from its snapshot (the final one when
    the survey is exported), exactly as the scores service computes them."""
    shown = snapshots.published(session, survey_id)
    margins = shown.snapshot.margins if shown.snapshot is not None else {}
    if not margins:
        return UNWEIGHTED
    return row_weights(shown.cells, margins, min_n=min_n)


def row_weights(
    cells: Cells, margins: Mapping[str, Mapping[str, int]], *, min_n: int
) -> RowWeights:
    """Overall and per-figure weights of ``cells`` under ``margins`` (pure)."""
    overall = calibration.weighting(
        {cell: calibration.CellStats(count, values=False) for cell, (count, _) in cells.items()},
        margins,
        min_n=min_n,
    )
    if overall.method == "none":
        return UNWEIGHTED
    figures: dict[str, Mapping[str, float]] = {}
    measures = {
        key
        for _count, stats in cells.values()
        for key, moments in stats.measures.items()
        if moments.n > 0 and key.partition(":")[0] in FIGURE_PREFIXES
    }
    for measure in sorted(measures):
        own = calibration.weighting(calibration.figure_cells(cells, measure), margins, min_n=min_n)
        figures[measure] = _per_cell(own, cells)
    return RowWeights(_per_cell(overall, cells), figures, overall.method, overall.margins)


def _per_cell(weighting: Weighting, cells: Cells) -> dict[str, float]:
    return {cell: weighting.weights[cell] for cell in cells if cell in weighting.weights}


def cell_of_row(row: object) -> str:
    """The score-store cell of a response row (its attribute combination). An exported row
    has no ``municipality``: exports hold municipalities' own surveys only."""
    return _cell_of(tuple(getattr(row, name, None) for name in score_store.ATTRIBUTES))


@lru_cache(maxsize=4096)
def _cell_of(values: tuple[Any, ...]) -> str:
    # Remembered: an export asks for the same few combinations once per row or class.
    return score_store.cell_of(dict(zip(score_store.ATTRIBUTES, values, strict=True)))
