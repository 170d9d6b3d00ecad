"""Every survey's scores for one instrument, with a benchmark across them.

The benchmark is the *average municipality*: the unweighted mean of the surveys' published
estimates, so Oslo and Utsira count alike. Its standard error treats the surveys as fixed and
independent, ``sqrt(Σ SE_i²) / k``, with Welch–Satterthwaite degrees of freedom. Only
published (unsuppressed) figures enter it, and it needs at least three of them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from scipy import stats
from sqlalchemy import Select
from sqlalchemy.orm import Session

from survey_service.models import Survey
from survey_service.services.scores import Rules, survey_scores

MIN_SURVEYS = 3


def all_scores(session: Session, statement: Select[Survey], rules: Rules) -> dict[str, Any]:
    reports = [survey_scores(session, survey, rules) for survey in session.scalars(statement)]
    return {
        "confidence_level": rules.confidence_level,
        "min_n": rules.min_n,
        "surveys": [_headline(report) for report in reports],
        "benchmark": _benchmark(reports, rules),
    }


def _headline(report: dict[str, Any]) -> dict[str, Any]:
    """A survey's scores without the item level: what a dashboard lists."""
    keep = (
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
    return {key: report[key] for key in keep}


def _benchmark(reports: Sequence[dict[str, Any]], rules: Rules) -> dict[str, Any]:
    figures: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for report in reports:
        for kind in ("dimensions", "indices"):
            for figure in report[kind]:
                figures.setdefault((kind, figure["key"]), []).append(figure)
    out: dict[str, Any] = {"dimensions": [], "indices": [], "method": __doc__.split("\n\n")[1]}
    for (kind, key), entries in figures.items():
        out[kind].append({"key": key, **_average(entries, rules)})
    return out


def _average(entries: Sequence[dict[str, Any]], rules: Rules) -> dict[str, Any]:
    published = [e for e in entries if not e["suppressed"] and e["standard_error"] is not None]
    k = len(published)
    empty = {
        "estimate": None,
        "standard_error": None,
        "confidence_interval": None,
        "surveys": k,
        "suppressed": True,
    }
    if k < MIN_SURVEYS:
        return empty
    estimate = sum(e["estimate"] for e in published) / k
    variances = [(e["standard_error"] / k) ** 2 for e in published]
    se = math.sqrt(sum(variances))
    df = (
        sum(variances) ** 2
        / sum(v * v / e["degrees_of_freedom"] for v, e in zip(variances, published, strict=True))
        if se > 0
        else float(sum(e["degrees_of_freedom"] for e in published))
    )
    half = float(stats.t.ppf(0.5 + rules.confidence_level / 2, df)) * se
    return {
        "estimate": estimate,
        "standard_error": se,
        "confidence_interval": {"low": estimate - half, "high": estimate + half},
        "degrees_of_freedom": df,
        "surveys": k,
        "suppressed": False,
    }
