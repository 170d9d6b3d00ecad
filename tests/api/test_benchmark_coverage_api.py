"""The difference intervals of GET /scores cover the true difference at about their level.

A seeded simulation: ten municipalities, each with a known distribution of dice rolls (so a
known true mean on 0-100), survey it again and again (one period per replication); every
survey's responses are drawn, stored and published as submissions would be (in bulk, for
speed), and the intervals are read through the API. The truth of municipality j is
``mu_j - sum_{i != j} c_i mu_i`` with ``c`` equal, or by population. Over R x 10 intervals
the share that covers it must be within four Monte-Carlo standard errors of the level
(``4 sqrt(level (1 - level) / (R x 10))``; the intervals of one replication share data, so
the binomial error is a rough guide, and four of them leave room for that).
"""

from __future__ import annotations

import math
import uuid
from datetime import date

import numpy as np
import pytest

from survey_service.db import db
from survey_service.instruments import score_response
from survey_service.models import Response
from survey_service.services import snapshots
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.rescore import rescore
from survey_service.services.surveys import create_survey, update_survey

from helpers import bearer

# municipality -> (probabilities of the faces 1..6, respondents per survey)
TRUTH = {
    "4601": ([0.02, 0.05, 0.13, 0.30, 0.30, 0.20], 60),
    "4611": ([0.10, 0.15, 0.25, 0.25, 0.15, 0.10], 20),
    "4612": ([0.05, 0.10, 0.20, 0.30, 0.25, 0.10], 30),
    "5001": ([0.15, 0.20, 0.25, 0.20, 0.12, 0.08], 50),
    "5014": ([0.02, 0.03, 0.10, 0.25, 0.35, 0.25], 25),
    "1101": ([0.05, 0.10, 0.15, 0.30, 0.25, 0.15], 35),
    "1151": ([0.20, 0.20, 0.20, 0.20, 0.10, 0.10], 20),
    "0301": ([0.05, 0.05, 0.20, 0.30, 0.25, 0.15], 60),
    "3201": ([0.10, 0.10, 0.20, 0.30, 0.20, 0.10], 40),
    "1804": ([0.08, 0.12, 0.30, 0.30, 0.15, 0.05], 30),
}
REPLICATIONS = 30
LEVEL = 0.95


def _simulate(app, seed: int) -> None:
    rng = np.random.default_rng(seed)
    with app.app_context():
        session = db.session
        for r in range(REPLICATIONS):
            for municipality, (p, n) in TRUTH.items():
                survey = create_survey(
                    session,
                    {
                        "municipality": municipality,
                        "instrument": "samlingsevaluering",
                        "audience": "mixed",
                        "title": f"Samling {r}",
                        "period": f"r{r:03d}",
                    },
                    actor="tests",
                )
                update_survey(session, survey, {"status": "open"}, actor="tests", min_n=5)
                instrument = as_instrument(survey.instrument_version)
                rolls = rng.choice(np.arange(1, 7), size=n, p=p)
                rows = []
                for roll in rolls:
                    answers = {"terningkast": int(roll)}
                    scores = score_response(instrument, answers)
                    rows.append(
                        Response(
                            survey_id=survey.id,
                            submission_hash=uuid.uuid4().hex,
                            receipt_hash=uuid.uuid4().hex,
                            language="nb",
                            submitted_on=date.today(),
                            answers=answers,
                            scores={
                                "dimensions": scores.dimension_scores,
                                "indices": scores.index_scores,
                            },
                        )
                    )
                session.add_all(rows)
                session.flush()
                rescore(session, survey)
                snapshots.publish_if_due(session, survey, min_n=5, today=date.today())
        session.commit()


def _true_means() -> dict[str, float]:
    return {m: float(np.dot(p, np.arange(6) * 20.0)) for m, (p, _n) in TRUTH.items()}


@pytest.mark.parametrize("pooling", ["municipalities", "population"])
def test_difference_intervals_cover_the_true_difference(app, client, admin, pooling):
    _simulate(app, seed=20261213)
    response = client.get(
        "/api/v1/scores",
        query_string={
            "instrument": "samlingsevaluering",
            "page_size": 500,
            "pooling": pooling,
            "confidence_level": LEVEL,
        },
        headers=bearer(admin),
    )
    assert response.status_code == 200, response.get_json()
    rows = response.get_json()["surveys"]
    assert len(rows) == REPLICATIONS * len(TRUTH)
    mu = _true_means()
    population = {row["municipality"]: row["population"] for row in rows}
    covered, verdicts = [], {"clearly_above": 0, "clearly_below": 0, "not_distinguishable": 0}
    for row in rows:
        (dim,) = row["dimensions"]
        national = dim["benchmarks"]["national"]
        assert national["suppressed"] is False and national["municipalities"] == len(TRUTH) - 1
        others = [m for m in TRUTH if m != row["municipality"]]
        w = np.array([1.0 if pooling == "municipalities" else population[m] for m in others])
        truth = mu[row["municipality"]] - float(np.dot(w / w.sum(), [mu[m] for m in others]))
        interval = national["difference"]["confidence_interval"]
        covered.append(interval["low"] <= truth <= interval["high"])
        verdicts[national["difference"]["verdict"]] += 1
    total = len(covered)
    coverage = sum(covered) / total
    tolerance = 4 * math.sqrt(LEVEL * (1 - LEVEL) / total)
    assert abs(coverage - LEVEL) <= tolerance, (coverage, tolerance)
    # The truths differ by up to 30 points: most verdicts are clear, some are not.
    assert verdicts["clearly_above"] > 0 and verdicts["clearly_below"] > 0
    assert verdicts["not_distinguishable"] > 0
