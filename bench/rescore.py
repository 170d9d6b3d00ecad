"""Rescoring a large survey: ``rescore()`` against reading its answers and computing the means.

One reputation-staircase survey (weighted by age band and gender) with N responses,
inserted with Core from a pool of drawn respondents, then rescored once to set its
aggregates and published. Timed, each repeated (min / median / max):

a. ``rescore()`` and its commit, as ``survey-service rescore`` runs it: the person scores
   unchanged (the check), and after a correction (every stored person score stale, so all
   are written again; the staleness is set up untimed before each run);
b. the baseline: one SELECT of the survey's answers and numpy computing every dimension's
   mean over the same arrays (the least any rescore has to do);
c. once, the per-row reference (``rescore(row_by_row=True)``), unless ``--no-row-by-row``.

Reported: a/b and c/b, absolute times and responses per second, in
``bench/results/rescore-<database>.json``.

    .venv/bin/python -m bench.rescore [--database URL] [--responses N] [--repeat R]

The default (100,000 responses) runs in a couple of minutes; ``--responses 300000`` gives the
full figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from bench.ingestion import fresh_database
from bench.loading import drawn_pool, insert_responses, response_row
from bench.results_file import save_results
from survey_service import create_app
from survey_service.cli import OPERATOR_COMMANDS_CONFIG, run_init
from survey_service.db import db
from survey_service.instruments import Instrument, item_score
from survey_service.models import Response, Survey
from survey_service.services import snapshots
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.rescore import rescore
from survey_service.services.surveys import create_survey, update_survey

ASKED = {"age_band": None, "gender": None}
#: Distinct respondents drawn; the rows are sampled from them (drawing is slow in Python).
POOL = 5000


def spread(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def seconds(
    func: Callable[[], Any], *, repeat: int, before: Callable[[], Any] | None = None
) -> list[float]:
    """Wall times of ``func`` (``before`` runs untimed ahead of each)."""
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def make_survey(n: int, rng: random.Random) -> int:
    """A survey with ``n`` responses, its aggregates set by a rescore, and published."""
    session = db.session
    survey = create_survey(
        session,
        {
            "municipality": "4601",
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": f"Rescore benchmark {n}",
            "respondent_attributes": ASKED,
        },
        actor="bench",
    )
    update_survey(session, survey, {"status": "open"}, actor="bench", min_n=5)
    instrument = as_instrument(survey.instrument_version)
    pool = drawn_pool(instrument, ASKED, rng, POOL)
    insert_responses(
        session,
        (
            response_row(survey.id, answers, scores=stored, respondent=respondent)
            for respondent, answers, stored in (rng.choice(pool) for _ in range(n))
        ),
    )
    rescore(session, survey)
    snapshots.publish_if_due(session, survey, min_n=5, today=date.today())
    session.commit()
    return survey.id


def baseline(survey_id: int, instrument: Instrument) -> dict[str, float]:
    """One SELECT of the answers, then every dimension's mean over the score arrays."""
    answers = (
        db.session.execute(select(Response.answers).where(Response.survey_id == survey_id))
        .scalars()
        .all()
    )
    scored = [item for item in instrument.items if item.scale is not None]
    columns = {}
    for item in scored:
        table = {v: item_score(item, v) for v in item.values}
        columns[item.link_id] = np.array(
            [table.get(a.get(item.link_id), np.nan) for a in answers], dtype=float
        )
    means = {}
    for rule in instrument.scoring.dimensions:
        block = np.stack([columns[i] for i in rule.item_ids if i in columns], axis=1)
        answered = (~np.isnan(block)).sum(axis=1)
        person = np.where(answered >= 1, np.nansum(block, axis=1) / np.maximum(answered, 1), np.nan)
        means[rule.dimension] = float(np.nanmean(person))
    db.session.rollback()
    return means


def measure(n: int, repeat: int, *, row_by_row: bool) -> dict[str, Any]:
    session = db.session
    start = time.perf_counter()
    survey_id = make_survey(n, random.Random(7))
    print(f"  made a survey of {n} responses in {time.perf_counter() - start:.1f} s")
    survey = session.get(Survey, survey_id)
    assert survey is not None
    instrument = as_instrument(survey.instrument_version)

    def rescored(**options: Any) -> None:
        found = session.get(Survey, survey_id)
        assert found is not None
        assert rescore(session, found, **options) == n
        session.commit()

    def stale() -> None:
        session.execute(update(Response).where(Response.survey_id == survey_id).values(scores={}))
        session.commit()

    base = seconds(lambda: baseline(survey_id, instrument), repeat=repeat)
    unchanged = seconds(rescored, repeat=repeat)
    corrected = seconds(rescored, repeat=repeat, before=stale)
    results: dict[str, Any] = {
        "responses": n,
        "repeat": repeat,
        "baseline_s": spread(base),
        "rescore_s": spread(unchanged),
        "rescore_rewriting_every_score_s": spread(corrected),
        "rescore_over_baseline": spread([u / statistics.median(base) for u in unchanged]),
        "rescore_rewriting_over_baseline": spread([c / statistics.median(base) for c in corrected]),
        "rescore_responses_per_s": round(n / statistics.median(unchanged)),
        "rescore_rewriting_responses_per_s": round(n / statistics.median(corrected)),
        "baseline_responses_per_s": round(n / statistics.median(base)),
    }
    if row_by_row:
        per_row = seconds(lambda: rescored(row_by_row=True), repeat=1)
        results["row_by_row_s"] = round(per_row[0], 3)
        results["row_by_row_over_baseline"] = round(per_row[0] / statistics.median(base), 2)
        results["row_by_row_over_rescore"] = round(per_row[0] / statistics.median(unchanged), 2)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        help="a PostgreSQL server URL: the run makes a database of its own there and drops it "
        "afterwards (default: a temporary SQLite file)",
    )
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-row-by-row", action="store_true", help="skip timing the per-row reference"
    )
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="survey-bench-"))
    with fresh_database(args.database, folder, prefix="survey_bench_rescore") as (url, _):
        results = run(url, args.responses, args.repeat, row_by_row=not args.no_row_by_row)
    save_results(f"rescore-{results['database']}", results)
    print(json.dumps(results, indent=2))


def run(url: str, responses: int, repeat: int, *, row_by_row: bool) -> dict[str, Any]:
    """The figures, on a fresh database at ``url``."""
    # As ``survey-service rescore`` runs (no statement timeout), and no limit on a
    # transaction left idle while the loader draws respondents.
    app = create_app(
        {
            "SURVEY_DATABASE_URL": url,
            "SURVEY_SECRET_KEY": "bench",
            **OPERATOR_COMMANDS_CONFIG,
            "SURVEY_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS": 0,
        }
    )
    print(f"Database: {url}")
    run_init(app)
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": make_url(url).get_backend_name(),
        "load_average_before": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    with app.app_context():
        results |= measure(responses, repeat, row_by_row=row_by_row)
        db.engine.dispose()
    return results


if __name__ == "__main__":
    main()
