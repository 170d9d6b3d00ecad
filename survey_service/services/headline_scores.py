"""Many surveys' headline figures at once: dimensions and indices, for the scores across
surveys and their benchmarks.

A survey's own read (``services.scores``) computes every item, every share of every answer
and Cronbach's α: a few milliseconds a survey, seconds for 357. Here the same estimator
(``scores._estimate``, the same weighting, the same disclosure rules through
``score_presentation.present``) runs for the dimension and index measures only, from the
published snapshots (``snapshots``), read in one query. The figures are those of the
survey's own read (a test holds them equal); reliability (α) is left to that read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.instruments import Instrument
from survey_service.models import ScoreSnapshot, Survey
from survey_service.scoring import MeanResult, MeanStats
from survey_service.services import calibration
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.score_presentation import present
from survey_service.services.score_report import Report, Rules
from survey_service.services.score_store import NO_MOMENTS, Moments
from survey_service.services.scores import (
    ONE_CELL_UNWEIGHTED,
    _add_change,
    _estimate,
    _scale,
    _weighted,
)

#: What a headline row keeps of a survey's published report.
HEADLINE_FIELDS = (
    "survey",
    "municipality",
    "instrument",
    "instrument_version",
    "audience",
    "period",
    "n",
    "suppressed",
    "response_rate",
    "dimensions",
    "indices",
    "staircase",
)
_HEADLINE_MEASURES = ("dim:", "idx:")


@dataclass(frozen=True)
class Shown:
    """What readers may be shown of a survey, for its headline: its snapshot (None before
    the first) and, per cell, the count and the dimension and index measures."""

    snapshot: ScoreSnapshot | None
    cells: dict[str, tuple[int, dict[str, Moments]]]

    @property
    def n(self) -> int:
        return sum(n for n, _measures in self.cells.values())


def published_snapshots(session: Session, survey_ids: Iterable[int]) -> dict[int, Shown]:
    """Each survey's published snapshot, read in one query, with only the headline measures
    of its cells parsed (the stored form is ``score_store.Stats``)."""
    ids = sorted(set(survey_ids))
    out = {survey_id: Shown(None, {}) for survey_id in ids}
    for snapshot in session.scalars(select(ScoreSnapshot).where(ScoreSnapshot.survey_id.in_(ids))):
        cells: dict[str, tuple[int, dict[str, Moments]]] = {}
        for cell, n, stats in snapshot.cells:
            measures = {
                key: Moments(*triple)
                for key, triple in (stats or {}).get("m", {}).items()
                if key.startswith(_HEADLINE_MEASURES)
            }
            if cell in cells:  # a cell is stored once; older snapshots may hold it twice
                count, before = cells[cell]
                cells[cell] = (count + int(n), _plus(before, measures))
            else:
                cells[cell] = (int(n), measures)
        out[snapshot.survey_id] = Shown(snapshot, cells)
    return out


def _plus(a: Mapping[str, Moments], b: Mapping[str, Moments]) -> dict[str, Moments]:
    out = dict(a)
    for key, moments in b.items():
        out[key] = out.get(key, NO_MOMENTS).plus(moments)
    return out


def headline_report(survey: Survey, shown: Shown, rules: Rules) -> Report:
    """``scores._raw_scores`` for the dimension and index measures of ``shown``, without α
    and the answers' shares."""
    instrument = as_instrument(survey.instrument_version)
    snapshot, n = shown.snapshot, shown.n
    margins = snapshot.margins if snapshot is not None else {}
    cells = shown.cells
    if not margins:
        # Unweighted, a figure needs only the sums over all cells: add them up once.
        total: dict[str, Moments] = {}
        for _count, measures in cells.values():
            total = _plus(total, measures)
        cells = {"": (n, total)}
    weighting = calibration.weighting(
        {cell: calibration.CellStats(count, values=False) for cell, (count, _) in cells.items()},
        margins,
        min_n=rules.min_n,
    )
    keys = {key for _count, measures in cells.values() for key, m in measures.items() if m.n > 0}
    results: dict[str, MeanResult | None] = {}
    counts: dict[str, int] = {}
    alike: set[str] = set()
    for measure in keys:
        per_cell = {
            cell: calibration.CellStats(*moments)
            for cell, (_count, measures) in cells.items()
            if (moments := measures.get(measure, NO_MOMENTS)).n > 0
        }
        total_stats = calibration.CellStats(
            sum(c.n for c in per_cell.values()),
            sum(c.sum_y for c in per_cell.values()),
            sum(c.sum_y2 for c in per_cell.values()),
        )
        if calibration.all_alike(total_stats.n, total_stats.sum_y, total_stats.sum_y2):
            alike.add(measure)
        # Without margins every figure has the one cell "" and no weights (what
        # calibration.weighting gives then), so it is not asked 6 times a survey.
        own = (
            calibration.weighting(per_cell, margins, min_n=rules.min_n)
            if margins
            else ONE_CELL_UNWEIGHTED
        )
        strata: dict[str, MeanStats] = defaultdict(MeanStats)
        for cell, part in per_cell.items():
            strata[own.strata[cell]] += _weighted(part, own.weights[cell])
        counts[measure] = int(round(total_stats.n))
        results[measure] = _estimate(strata, own, survey, rules, _scale(instrument, measure))
    published = (
        None
        if snapshot is None
        else {
            "seq": snapshot.seq,
            "taken_on": snapshot.taken_on,
            "n": n if n >= rules.min_n else None,
        }
    )
    return Report(instrument, n, published, weighting, results, counts, alike, {}, {})


def headline(
    report: Report,
    survey: Survey,
    rules: Rules,
    baseline: tuple[Report, Survey] | None = None,
) -> dict[str, Any]:
    """The published headline of a survey (``HEADLINE_FIELDS``), with the change since its
    baseline when given."""
    if baseline is not None:
        _add_change(report, baseline[0], baseline[1], rules)
    # Presented as the survey's own read is, by an instrument without items: a headline has
    # none, and presenting each item's (empty) distribution is most of the work.
    instrument = _without_items(report.instrument)
    full = present(replace(report, instrument=instrument), survey, rules)
    return {key: full[key] for key in HEADLINE_FIELDS}


_WITHOUT_ITEMS: dict[str, Instrument] = {}


def _without_items(instrument: Instrument) -> Instrument:
    stripped = _WITHOUT_ITEMS.get(instrument.content_hash)
    if stripped is None:
        stripped = _WITHOUT_ITEMS[instrument.content_hash] = replace(instrument, items=())
    return stripped
