"""A published state's cells as arrays: per figure, each cell's count, sums and changes.

What the breakdown rules and figures are computed from (``breakdown_disclosure``,
``breakdowns``): the cells of a published snapshot (``score_store.Cells``), never live
aggregates or responses. A *group* (``("role", "politician")``) is the set of cells whose
attributes put them in it (``breakdown_groups.group_of``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from survey_service.instruments import Instrument
from survey_service.services import calibration
from survey_service.services.breakdown_groups import group_of
from survey_service.services.score_store import NO_MOMENTS, Cells, parse_cell

Group = tuple[str, str]  # (breakdown, group)
Vector = NDArray[np.float64]


def measures_of(instrument: Instrument) -> list[str]:
    """The figures a breakdown shows: every dimension and index."""
    return [f"dim:{d.key}" for d in instrument.dimensions] + [
        f"idx:{index.key}" for index in instrument.scoring.indices
    ]


def related_pairs(instrument: Instrument) -> list[tuple[str, str]]:
    """(index, dimension) pairs whose respondents must not differ by a few (as
    ``score_disclosure.related``: the index gives way)."""
    return [
        (f"idx:{index.key}", f"dim:{dimension}")
        for index in instrument.scoring.indices
        for dimension in index.dimensions
    ]


@dataclass
class Table:
    """Cells in a fixed order, with per figure: ``n`` (respondents with a score), ``s1``
    (Σy), ``s2`` (Σy²) and ``changes`` (the cell's change count of the figure)."""

    cells: list[str]
    attributes: list[dict[str, str]]
    n: dict[str, Vector] = field(default_factory=dict)
    s1: dict[str, Vector] = field(default_factory=dict)
    s2: dict[str, Vector] = field(default_factory=dict)
    changes: dict[str, Vector] = field(default_factory=dict)
    respondents: Vector = field(default_factory=lambda: np.zeros(0))

    @classmethod
    def of(cls, cells: Cells, measures: Iterable[str], order: Sequence[str] | None = None) -> Table:
        """The table of ``cells`` (in ``order``, default sorted; a cell missing from
        ``cells`` is empty)."""
        keys = list(order) if order is not None else sorted(cells)
        table = cls(keys, [parse_cell(key) for key in keys])
        table.respondents = np.array([float(cells.get(key, (0, None))[0]) for key in keys])
        for measure in measures:
            moments = [
                cells[key][1].measures.get(measure, NO_MOMENTS) if key in cells else NO_MOMENTS
                for key in keys
            ]
            table.n[measure] = np.array([m.n for m in moments], dtype=float)
            table.s1[measure] = np.array([m.sum_y for m in moments], dtype=float)
            table.s2[measure] = np.array([m.sum_y2 for m in moments], dtype=float)
            table.changes[measure] = np.array(
                [
                    float(cells[key][1].changes.get(measure, 0)) if key in cells else 0.0
                    for key in keys
                ]
            )
        return table

    @property
    def measures(self) -> list[str]:
        return list(self.n)

    def members(self, group: Group) -> NDArray[np.bool_]:
        by, value = group
        return np.array([group_of(by, a) == value for a in self.attributes], dtype=bool)

    def groups(self, by: str) -> set[str]:
        """The groups of ``by`` that some cell of the table is in."""
        found = {group_of(by, a) for a in self.attributes}
        return {g for g in found if g is not None}

    def totals(self, measure: str, mask: NDArray[np.bool_]) -> tuple[float, float, float]:
        """``(n, Σy, Σy²)`` of a figure over the cells in ``mask``."""
        return (
            float(self.n[measure][mask].sum()),
            float(self.s1[measure][mask].sum()),
            float(self.s2[measure][mask].sum()),
        )

    def strata(
        self, measure: str, margins: Mapping[str, Mapping[str, int]], min_n: int
    ) -> list[NDArray[np.bool_]]:
        """The weighting groups of the survey's own figure for ``measure`` (as
        ``services.scores`` weights it, small groups pooled); none when it is unweighted."""
        if not margins:
            return []
        given = self.n[measure] > 0
        per_cell = {
            cell: calibration.CellStats(
                self.n[measure][i], self.s1[measure][i], self.s2[measure][i]
            )
            for i, cell in enumerate(self.cells)
            if given[i]
        }
        weighting = calibration.weighting(per_cell, margins, min_n=min_n)
        if weighting.method == "none":
            return []
        labels = sorted(set(weighting.strata.values()))
        return [
            np.array([weighting.strata.get(cell) == label for cell in self.cells], dtype=bool)
            for label in labels
        ]
