"""Where the charts' benchmark comes from: the one place to change when a better one exists.

It is the national benchmark of ``GET /scores`` (``services.benchmark.compare_surveys``): the
other municipalities' published figures for the same instrument, audience and period, one
survey per municipality, each municipality counting alike, and the charted municipality
left out of its own benchmark; only when at least three others have the figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from survey_service.models import Survey
from survey_service.services.benchmark import compare_surveys
from survey_service.services.score_report import Rules

#: What the benchmark is, in each language: its name in a legend, and a note.
LABEL = {
    "nb": "Gjennomsnittskommunen",
    "nn": "Gjennomsnittskommunen",
    "en": "The average municipality",
}
NOTE = {
    "nb": "Snitt av {surveys} andre kommuner med samme skjema, målgruppe og periode",
    "nn": "Snitt av {surveys} andre kommunar med same skjema, målgruppe og periode",
    "en": "Mean of {surveys} other municipalities with the same questionnaire, audience and period",
}


@dataclass(frozen=True)
class Reference:
    """One benchmark figure: its estimate and interval, and how many surveys it pools."""

    estimate: float
    low: float
    high: float
    surveys: int


@dataclass(frozen=True)
class Benchmark:
    """The benchmark of each figure that has one, by ``"dimensions:key"``/``"indices:key"``."""

    figures: Mapping[str, Reference] = field(default_factory=dict)

    def label(self, lang: str) -> str:
        return LABEL[lang]

    def note(self, lang: str) -> str:
        """What the benchmark is, with how many surveys it pools ("3–5" when that varies)."""
        counts = sorted({f.surveys for f in self.figures.values()}) or [0]
        surveys = str(counts[0]) if len(counts) == 1 else f"{counts[0]}–{counts[-1]}"
        return NOTE[lang].format(surveys=surveys)


def benchmark_for(session: Session, survey: Survey, rules: Rules) -> Benchmark:
    """The benchmark of ``survey``'s figures (see the module docstring); none for an
    organiser's survey, which is no municipality's."""
    if survey.is_organised:
        return Benchmark({})
    rows, _pools = compare_surveys(session, rules, [survey])
    figures = {}
    for kind in ("dimensions", "indices"):
        for figure in rows[0][kind]:
            national = figure["benchmarks"]["national"]
            interval = national["confidence_interval"]
            if national["suppressed"] or national["estimate"] is None or interval is None:
                continue
            figures[f"{kind}:{figure['key']}"] = Reference(
                float(national["estimate"]),
                float(interval["low"]),
                float(interval["high"]),
                int(national["municipalities"]),
            )
    return Benchmark(figures)
