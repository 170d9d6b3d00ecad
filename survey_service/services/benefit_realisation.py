"""Benefit realisation (gevinstrealisering) for one survey: its baseline, the follow-up, the
change between them, and each target with its distance and a verdict in plain language.

Everything comes from published figures (``scores.survey_scores`` of the survey and of its
baseline), so the report shows nothing the two surveys' scores do not. The change is
``wave_change.change_between``, number for number the change in the survey's scores; the
verdicts are ``target_verdicts.verdict``, which says ``reached`` exactly when the survey's
scores say ``met_with_confidence``.

A survey without a baseline has ``baseline: null`` and no ``figures``; one without targets
has no ``targets``; one with neither answers 200 with both empty and a ``note`` saying so,
so a dashboard can ask every survey alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from survey_service.models import Survey
from survey_service.services import benefit_texts, target_verdicts
from survey_service.services.score_report import Rules
from survey_service.services.scores import survey_scores
from survey_service.services.wave_change import change_between, figures_by_key

_SHOWN = (
    "estimate",
    "standard_error",
    "confidence_interval",
    "n",
    "suppressed",
    "suppression_reason",
    "imprecise",
)


def benefit_realisation(
    session: Session, survey: Survey, rules: Rules, *, lang: str
) -> dict[str, Any]:
    """The report (see the module docstring), its texts in ``lang``."""
    follow_up = survey_scores(session, survey, rules)
    baseline_survey = survey.baseline_survey
    baseline = None if baseline_survey is None else survey_scores(session, baseline_survey, rules)
    earlier = {} if baseline is None else figures_by_key(baseline)
    figures = []
    if baseline is not None:
        for (kind, key), figure in figures_by_key(follow_up).items():
            before = earlier.get((kind, key))
            figures.append(
                {
                    "kind": kind,
                    "key": key,
                    "title": figure["title"][lang],
                    "baseline": None if before is None else _shown(before),
                    "follow_up": _shown(figure),
                    "change": None if before is None else change_between(before, figure, rules),
                }
            )
    targets = _targets(survey.targets or {}, follow_up, rules, lang)
    return {
        "survey": survey.id,
        "municipality": survey.municipality_number,
        "instrument": follow_up["instrument"],
        "lang": lang,
        "confidence_level": rules.confidence_level,
        "min_n": rules.min_n,
        "baseline": None if baseline is None else _wave(baseline),
        "follow_up": _wave(follow_up),
        "figures": figures,
        "targets": targets,
        "note": benefit_texts.nothing_to_judge(lang) if baseline is None and not targets else None,
    }


def _targets(
    targets: Mapping[str, Any], report: Mapping[str, Any], rules: Rules, lang: str
) -> list[dict[str, Any]]:
    """Each target in the instrument's order (dimensions, then indices)."""
    out = []
    for (kind, key), figure in figures_by_key(report).items():
        if key not in targets:
            continue
        value = float(targets[key])
        verdict = target_verdicts.verdict(value, figure)
        title = figure["title"][lang]
        out.append(
            {
                "kind": kind,
                "key": key,
                "title": title,
                "target": value,
                **_shown(figure),
                "distance": target_verdicts.distance(value, figure),
                "met": figure["target"]["met"],
                "met_with_confidence": figure["target"]["met_with_confidence"],
                "verdict": verdict,
                "text": benefit_texts.verdict_text(
                    verdict, lang, target=value, title=title, figure=figure, min_n=rules.min_n
                ),
            }
        )
    return out


def _shown(figure: Mapping[str, Any]) -> dict[str, Any]:
    return {name: figure[name] for name in _SHOWN}


def _wave(report: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "survey": report["survey"],
        "period": report["period"],
        "audience": report["audience"],
        "instrument_version": report["instrument_version"],
        "n": report["n"],
        "suppressed": report["suppressed"],
    }
