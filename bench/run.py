"""Benchmarks, reported as ratios against a baseline measured in the same session.

    .venv/bin/python -m bench.run [--responses 10000] [--scale 10] [--database URL]

1. Reading scores: ``GET /api/v1/surveys/{id}/scores`` (merges the striped aggregates) against
   the baseline of a full rescan (every response's stored scores read and the same means and
   intervals computed from them), at N and at scale x N responses. Reading should stay flat
   as N grows while the rescan grows with it.
2. Submitting a response: ``POST /api/v1/public/surveys/{id}/responses`` (validation, scoring,
   insert, aggregate update) against ``GET /healthz`` (one ``SELECT 1``) in the same process.
3. The bulk call for every municipality: ``GET /api/v1/scores`` with 357 surveys on one page
   (each figure with its benchmarks and model-based estimate) against reading the 357
   surveys' own scores one by one (``bench.bulk_scores``).

Results are printed and written to ``bench/results/latest-<database>.json``. Not part of the
test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench import bulk_scores
from bench.ingestion import fresh_database
from bench.loading import insert_responses, response_row, stored_scores
from bench.results_file import save_results
from survey_service import create_app
from survey_service.cli import run_init
from survey_service.db import db
from survey_service.instruments import score_response
from survey_service.models import Response, Survey
from survey_service.scoring import mean_ci
from survey_service.services import snapshots
from survey_service.services.demo.answers import draw_answers, draw_respondent
from survey_service.services.demo.programme import STAIRCASE
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.keys import create_key
from survey_service.services.rescore import rescore
from survey_service.services.surveys import create_survey, update_survey


def timed(func: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``func`` in milliseconds (after one warm-up call)."""
    func()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def make_survey(n: int, rng: random.Random, *, municipality: str = "4601") -> int:
    """An open reputation survey of ``municipality`` with ``n`` responses, inserted in bulk,
    rescored into aggregates and published."""
    session = db.session
    survey = create_survey(
        session,
        {
            "municipality": municipality,
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": f"Benchmark {municipality} {n}",
            "respondent_attributes": {"age_band": None, "gender": None},
        },
        actor="bench",
    )
    update_survey(session, survey, {"status": "open"}, actor="bench", min_n=5)
    instrument = as_instrument(survey.instrument_version)
    rows = []
    for _ in range(n):
        respondent = draw_respondent(instrument, {"age_band": None, "gender": None}, rng)
        answers = draw_answers(
            instrument,
            "citizens",
            levels=STAIRCASE,
            respondent=respondent,
            language="nb",
            rng=rng,
        )
        scores = stored_scores(score_response(instrument, answers))
        rows.append(response_row(survey.id, answers, scores=scores, respondent=respondent))
    insert_responses(session, rows)
    rescore(session, survey)
    snapshots.publish_if_due(session, survey, min_n=5, today=date.today())
    session.commit()
    return survey.id


def full_rescan(survey_id: int) -> dict[str, float]:
    """The baseline: read every response and compute each dimension's mean and interval."""
    values: dict[str, list[float]] = {}
    for scores in db.session.scalars(
        select(Response.scores).where(Response.survey_id == survey_id)
    ):
        for key, value in scores["dimensions"].items():
            if value is not None:
                values.setdefault(key, []).append(value)
    return {key: mean_ci(np.array(v)).estimate for key, v in values.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument(
        "--database",
        help="a PostgreSQL server URL: the run makes a database of its own there and drops it "
        "afterwards (default: a temporary SQLite file)",
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="survey-bench-"))
    with fresh_database(args.database, folder, prefix="survey_bench_run") as (url, _reference):
        results = run(url, args)
    save_results(f"latest-{results['database']}", results)
    print(json.dumps(results, indent=2))


def run(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """The figures, on a fresh database at ``url``."""
    app = create_app(
        {
            "SURVEY_DATABASE_URL": url,
            "SURVEY_SECRET_KEY": "bench",
            "SURVEY_RATE_LIMIT_PER_MINUTE": 0,
            "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 0,
        }
    )
    print(f"Database: {url}")
    run_init(app)
    rng = random.Random(1)
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": make_url(url).get_backend_name(),
    }
    client = app.test_client()
    with app.app_context():
        _, key = create_key(
            db.session, role="admin", municipality=None, name="bench", actor="bench"
        )
        db.session.commit()
        headers = {"Authorization": f"Bearer {key}"}

        reads = {}
        for n in (args.responses, args.responses * args.scale):
            start = time.perf_counter()
            survey_id = make_survey(n, rng)
            print(f"  made a survey with {n} responses in {time.perf_counter() - start:.1f} s")
            api = timed(
                lambda sid=survey_id: client.get(f"/api/v1/surveys/{sid}/scores", headers=headers),
                repeat=20,
            )
            rescan = timed(lambda sid=survey_id: full_rescan(sid), repeat=3)
            db.session.rollback()
            reads[n] = {"scores_ms": api, "rescan_ms": rescan, "rescan_over_scores": rescan / api}
            print(
                f"  N={n}: scores {api:.1f} ms, full rescan {rescan:.1f} ms "
                f"(rescan / scores = {rescan / api:.1f})"
            )
        small, large = args.responses, args.responses * args.scale
        results["reading_scores"] = {
            "by_n": reads,
            "scores_growth": reads[large]["scores_ms"] / reads[small]["scores_ms"],
            "rescan_growth": reads[large]["rescan_ms"] / reads[small]["rescan_ms"],
        }

        survey = db.session.scalar(select(Survey).order_by(Survey.id.desc()))
        assert survey is not None
        url_submit = f"/api/v1/public/surveys/{survey.public_id}/responses"
        instrument = as_instrument(survey.instrument_version)

        def one_submission() -> None:
            answers = draw_answers(
                instrument, "citizens", levels=STAIRCASE, respondent={}, language="nb", rng=rng
            )
            body = {"submission_id": str(uuid.uuid4()), "answers": answers}
            response = client.post(url_submit, json=body)
            assert response.status_code == 201, response.get_json()

        submit_ms = timed(one_submission, repeat=args.submissions)
        health_ms = timed(lambda: client.get("/healthz"), repeat=args.submissions)
        results["submission"] = {
            "submit_ms": submit_ms,
            "healthz_ms": health_ms,
            "submit_over_healthz": submit_ms / health_ms,
        }
        print(
            f"  submission {submit_ms:.2f} ms vs SELECT 1 {health_ms:.2f} ms "
            f"(ratio {submit_ms / health_ms:.1f})"
        )
        results["bulk_scores"] = bulk_scores.measure(app, headers, timed)
        db.engine.dispose()
    return results


if __name__ == "__main__":
    main()
