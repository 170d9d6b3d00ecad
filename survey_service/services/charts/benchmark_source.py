"""Where the charts' benchmark comes from: the one place to change when a better one exists.

Today it is the benchmark of ``GET /scores`` (``services.benchmark``): the average municipality
over the surveys of the same instrument, audience and period, from their published figures,
and only when at least three have one. It includes the survey being charted, as ``/scores``
does, so the chart shows the figure a dashboard shows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from survey_service.models import Survey
from survey_service.services.benchmark import all_scores
from survey_service.services.score_report import Rules

#: What the benchmark is, in each language: its name in a legend, and a note.
LABEL = {
    "nb": "Gjennomsnittskommunen",
    "nn": "Gjennomsnittskommunen",
    "en": "The average municipality",
}
NOTE = {
    "nb": "Snitt av {surveys} undersøkelser med samme skjema, målgruppe og periode",
    "nn": "Snitt av {surveys} undersøkingar med same skjema, målgruppe og periode",
    "en": "Mean of {surveys} surveys of the same questionnaire, audience and period",
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
    """The benchmark of ``survey``'s figures (see the module docstring)."""
    published = all_scores(
        session,
        rules,
        instrument=survey.instrument_version.instrument.key,
        audience=survey.audience,
        period=survey.period,
    )["benchmark"]
    figures = {}
    for kind in ("dimensions", "indices"):
        for figure in published[kind]:
            interval = figure["confidence_interval"]
            if figure["suppressed"] or figure["estimate"] is None or interval is None:
                continue
            figures[f"{kind}:{figure['key']}"] = Reference(
                float(figure["estimate"]),
                float(interval["low"]),
                float(interval["high"]),
                int(figure["surveys"]),
            )
    return Benchmark(figures)
