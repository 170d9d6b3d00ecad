"""Many surveys' headline figures at once: dimensions and indices, for the scores across
surveys and their benchmarks.

A survey's own read (``services.scores``) computes every item, every share of every answer
and Cronbach's α: a few milliseconds a survey, seconds for 357. Here the same estimator
(``scores._estimate``, the same weighting, the same disclosure rules through
``score_presentation.present``) runs for the dimension and index measures only, from the
published snapshots (``snapshots``), read in one query. The figures are those of the
survey's own read (a test holds them equal); reliability (α) is left to that read.

``headline_reports`` estimates the unweighted surveys' figures together, as arrays
(``scoring.many_means``: the same floats as ``scores._estimate`` one at a time); a weighted
survey's figures each need their groups pooled and weighted (``calibration``), so those
surveys go one at a time. Either way the figures leave through ``present``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.instruments import Instrument
from survey_service.models import ScoreSnapshot
from survey_service.scoring import ConfidenceInterval, MeanResult, MeanStats
from survey_service.scoring.bounded import BOUNDED_INTERVAL
from survey_service.scoring.many_means import means_from_stats
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
from survey_service.services.survey_rows import SurveyRow

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


class Snapshot(NamedTuple):
    """What a headline reads of a survey's published snapshot."""

    seq: int
    taken_on: date
    margins: dict[str, Any]


@dataclass(frozen=True)
class Shown:
    """What readers may be shown of a survey, for its headline: its snapshot (None before
    the first) and, per cell, the count and the dimension and index measures."""

    snapshot: Snapshot | None
    cells: dict[str, tuple[int, dict[str, Moments]]]

    @property
    def n(self) -> int:
        return sum(n for n, _measures in self.cells.values())


def published_snapshots(session: Session, survey_ids: Iterable[int]) -> dict[int, Shown]:
    """Each survey's published snapshot, read in one query, with only the headline measures
    of its cells parsed (the stored form is ``score_store.Stats``)."""
    ids = sorted(set(survey_ids))
    out = {survey_id: Shown(None, {}) for survey_id in ids}
    statement = select(
        ScoreSnapshot.survey_id,
        ScoreSnapshot.seq,
        ScoreSnapshot.taken_on,
        ScoreSnapshot.margins,
        ScoreSnapshot.cells,
    ).where(ScoreSnapshot.survey_id.in_(ids))
    for survey_id, seq, taken_on, margins, stored in session.execute(statement):
        cells: dict[str, tuple[int, dict[str, Moments]]] = {}
        for cell, n, stats in stored:
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
        out[survey_id] = Shown(Snapshot(seq, taken_on, margins), cells)
    return out


def _plus(a: Mapping[str, Moments], b: Mapping[str, Moments]) -> dict[str, Moments]:
    out = dict(a)
    for key, moments in b.items():
        out[key] = out.get(key, NO_MOMENTS).plus(moments)
    return out


def headline_report(survey: SurveyRow, shown: Shown, rules: Rules) -> Report:
    """``scores._raw_scores`` for the dimension and index measures of ``shown``, without α
    and the answers' shares."""
    instrument = as_instrument(survey.instrument_version)
    snapshot, n = shown.snapshot, shown.n
    margins = snapshot.margins if snapshot is not None else {}
    cells = shown.cells
    if not margins:
        # Unweighted, a figure needs only the sums over all cells: add them up once.
        cells = {"": (n, _summed(cells))}
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
    return Report(
        instrument, n, _published(shown, rules), weighting, results, counts, alike, {}, {}
    )


def headline_reports(
    surveys: Mapping[int, SurveyRow], shown: Mapping[int, Shown], rules: Rules
) -> dict[int, Report]:
    """``headline_report`` of each survey (by id), the unweighted ones together: their
    figures' sums gathered into arrays and estimated at once (``scoring.means_from_stats``),
    the same floats as one survey at a time (a test holds them equal). A weighted survey
    pools and weights each figure's groups of its own (``calibration``), one at a time."""
    reports: dict[int, Report] = {}
    # Per figure: its survey, measure, count (float, as stored) and Σy, Σy²
    owners: list[tuple[int, str]] = []
    counts: list[int] = []
    stored: list[float] = []
    sums: list[float] = []
    squares: list[float] = []
    populations: list[float] = []
    lows: list[float] = []
    highs: list[float] = []
    for survey_id, survey in surveys.items():
        one = shown[survey_id]
        if one.snapshot is not None and one.snapshot.margins:
            reports[survey_id] = headline_report(survey, one, rules)
            continue
        instrument = as_instrument(survey.instrument_version)
        report = Report(
            instrument,
            one.n,
            _published(one, rules),
            ONE_CELL_UNWEIGHTED,
            {},
            {},
            set(),
            {},
            {},
        )
        reports[survey_id] = report
        population = survey.population_size
        for measure, total in _summed(one.cells).items():
            if not total.n > 0:
                continue
            # As headline_report: the one cell's sums (0 + x: the same floats).
            n = int(round(total.n))
            report.counts[measure] = n
            if calibration.all_alike(total.n, total.sum_y, total.sum_y2):
                report.alike.add(measure)
            if n == 0:
                report.results[measure] = None
                continue
            low, high = _scale(instrument, measure)
            owners.append((survey_id, measure))
            counts.append(n)
            stored.append(1.0 * total.n)
            sums.append(1.0 * total.sum_y)
            squares.append(1.0 * total.sum_y2)
            # Everyone answered: no finite population correction (scores._estimate).
            usable = population is not None and population > n
            populations.append(float(population) if usable else math.nan)  # type: ignore[arg-type]
            lows.append(float(low))
            highs.append(float(high))
    if not owners:
        return reports
    arrays = means_from_stats(
        counts,
        stored,
        sums,
        stored,
        sums,
        squares,
        population_size=populations,
        scale_low=lows,
        scale_high=highs,
        confidence_level=rules.confidence_level,
    )
    level = rules.confidence_level
    columns = zip(
        owners,
        counts,
        arrays.estimate.tolist(),
        arrays.standard_error.tolist(),
        arrays.low.tolist(),
        arrays.high.tolist(),
        arrays.n_effective.tolist(),
        arrays.degrees_of_freedom.tolist(),
        arrays.design_effect.tolist(),
        strict=True,
    )
    for (survey_id, measure), n, estimate, se, low, high, n_eff, df, effect in columns:
        single = n < 2
        reports[survey_id].results[measure] = MeanResult(
            estimate=estimate,
            standard_error=None if single else se,
            confidence_interval=None if single else ConfidenceInterval(low, high),
            confidence_level=level,
            n=n,
            n_effective=n_eff,
            degrees_of_freedom=None if single else df,
            method="srs",
            design_effect=effect,
            interval_method=BOUNDED_INTERVAL,
        )
    return reports


def _summed(cells: Mapping[str, tuple[int, dict[str, Moments]]]) -> dict[str, Moments]:
    total: dict[str, Moments] = {}
    for _count, measures in cells.values():
        total = _plus(total, measures)
    return total


def _published(shown: Shown, rules: Rules) -> dict[str, Any] | None:
    snapshot, n = shown.snapshot, shown.n
    if snapshot is None:
        return None
    return {
        "seq": snapshot.seq,
        "taken_on": snapshot.taken_on,
        "n": n if n >= rules.min_n else None,
    }


def headline(
    report: Report,
    survey: SurveyRow,
    rules: Rules,
    baseline: tuple[Report, SurveyRow] | None = None,
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
