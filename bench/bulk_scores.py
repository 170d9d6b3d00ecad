"""The bulk call for every municipality: ``GET /api/v1/scores`` over 357 surveys.

One survey of the reputation staircase per municipality (357), 20 to 120 responses each
(more in larger municipalities), a fifth of them weighted by gender; then the bulk call with
every row on one page (benchmarks, leave-one-out differences and Fay–Herriot estimates for
all), against the baseline of reading the 357 surveys' own scores one by one. Each timing is
*computed*: the bodies the bulk call keeps by tag are cleared first. Also counted: the SQL
statements of one computed call (a constant, not one per survey). Then one survey's own
scores read at ``--small`` and ``--large`` responses (p50, and its ratio: a read should not
grow with the responses), each against ``/healthz``.

    .venv/bin/python -m bench.bulk_scores [--database URL] [--small 10000] [--large 300000]
        [--no-reads] [--output FILE]

Also run by ``bench.run``.
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

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.engine import make_url

from bench.ingestion import fresh_database
from bench.loading import insert_responses, response_row, stored_scores
from survey_service.db import db
from survey_service.instruments import score_response
from survey_service.models import Municipality
from survey_service.services import snapshots
from survey_service.services.demo.answers import draw_answers, draw_respondent
from survey_service.services.demo.programme import STAIRCASE
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.rescore import rescore
from survey_service.services.surveys import create_survey, update_survey

WEIGHTED = {"gender": {"female": 600, "male": 400}}
# A period of their own, apart from any other survey of the database.
PERIOD = "2030"


def make_surveys(rng: random.Random) -> list[int]:
    """One survey per municipality, with responses inserted in bulk and published."""
    session = db.session
    ids = []
    for number, population in session.execute(
        select(Municipality.number, Municipality.population).order_by(Municipality.number)
    ):
        weighted = rng.random() < 0.2
        survey = create_survey(
            session,
            {
                "municipality": number,
                "instrument": "omdommetrappen",
                "audience": "citizens",
                "title": f"Omdømme {number}",
                "period": PERIOD,
                "respondent_attributes": {"gender": None} if weighted else {},
                "population_margins": WEIGHTED if weighted else {},
            },
            actor="bench",
        )
        update_survey(session, survey, {"status": "open"}, actor="bench", min_n=5)
        instrument = as_instrument(survey.instrument_version)
        shift = rng.gauss(0.0, 0.05)
        levels = {k: v + shift for k, v in STAIRCASE.items()}
        n = min(120, 20 + (population or 0) // 2000)
        rows = []
        for _ in range(n):
            respondent = draw_respondent(instrument, {"gender": None} if weighted else {}, rng)
            answers = draw_answers(
                instrument, "citizens", levels=levels, respondent=respondent, language="nb", rng=rng
            )
            scores = stored_scores(score_response(instrument, answers))
            rows.append(response_row(survey.id, answers, scores=scores, respondent=respondent))
        insert_responses(session, rows)
        rescore(session, survey)
        snapshots.publish_if_due(session, survey, min_n=5, today=date.today())
        ids.append(survey.id)
    session.commit()
    return ids


def measure(app: Flask, headers: dict[str, str], timed: Any) -> dict[str, Any]:
    """Make the 357 surveys and time the bulk call against reading each survey's scores."""
    client = app.test_client()
    start = time.perf_counter()
    ids = make_surveys(random.Random(2))
    print(f"  made {len(ids)} surveys in {time.perf_counter() - start:.1f} s")
    url = f"/api/v1/scores?instrument=omdommetrappen&period={PERIOD}&page_size=500"
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert len(body["surveys"]) == len(ids), body["pagination"]

    def computed(target: str) -> Any:
        # Computed afresh: without the bodies the bulk call keeps by tag (conditional_get).
        app.extensions.get("conditional_get_bodies", {}).clear()
        return client.get(target, headers=headers)

    bulk_samples = _samples(lambda: computed(url), repeat=10)
    bulk = statistics.median(bulk_samples)
    # The SQL statements of one computed call: a constant number, however many surveys.
    statements = _statements(lambda: computed(url))
    statements_page = _statements(lambda: computed(url.replace("500", "50")))
    # CPU time too: on a machine shared with other work, wall time overstates the call.
    start = time.process_time()
    for _ in range(5):
        computed(url)
    bulk_cpu = (time.process_time() - start) / 5 * 1000
    one_page = timed(lambda: computed(url.replace("500", "50")), repeat=10)
    # What a dashboard's next poll costs while no figure has changed, without its tag.
    client.get(url, headers=headers)
    kept = timed(lambda: client.get(url, headers=headers), repeat=10)

    def one_by_one() -> None:
        for survey_id in ids:
            client.get(f"/api/v1/surveys/{survey_id}/scores", headers=headers)

    each = timed(one_by_one, repeat=2)
    print(
        f"  bulk call computed, min / median / max of 10: "
        f"{' / '.join(f'{x:.0f}' for x in _spread(bulk_samples))} ms; SQL statements: "
        f"{statements} for {len(ids)} rows, {statements_page} for a page of 50"
    )
    print(
        f"  bulk call, {len(ids)} rows with benchmarks: {bulk:.0f} ms ({bulk_cpu:.0f} ms of "
        f"CPU in this process); a page of 50: "
        f"{one_page:.0f} ms; the {len(ids)} surveys' own scores one by one: {each:.0f} ms "
        f"({each / bulk:.1f}x the bulk call); read again while nothing changed (the body "
        f"kept by tag): {kept:.1f} ms ({bulk / kept:.0f}x faster than computing it)"
    )
    return {
        "surveys": len(ids),
        "bulk_ms": bulk,
        "bulk_ms_min_median_max": _spread(bulk_samples),
        "sql_statements": statements,
        "sql_statements_page_of_50": statements_page,
        "bulk_cpu_ms": bulk_cpu,
        "response_bytes": len(response.data),
        "page_of_50_ms": one_page,
        "one_by_one_ms": each,
        "one_by_one_over_bulk": each / bulk,
        "kept_ms": kept,
        "computed_over_kept": bulk / kept,
    }


def _samples(func: Callable[[], Any], repeat: int) -> list[float]:
    """Wall times of ``func`` in milliseconds (after one warm-up call)."""
    func()
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        out.append((time.perf_counter() - start) * 1000)
    return out


def _spread(samples: list[float]) -> list[float]:
    return [min(samples), statistics.median(samples), max(samples)]


def _statements(func: Callable[[], Any]) -> int:
    """How many SQL statements ``func`` sends (SQLAlchemy's before_cursor_execute)."""
    count = 0

    def counted(*_args: Any) -> None:
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", counted)
    try:
        func()
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
    return count


def measure_reads(
    app: Flask, headers: dict[str, str], *, small: int, large: int, repeat: int = 30
) -> dict[str, Any]:
    """One survey's scores read at ``small`` and ``large`` responses (p50 of ``repeat``,
    min / median / max), against ``GET /healthz`` in the same process: the read should not
    grow with the responses (it reads the survey's snapshot, never the responses)."""
    from bench.run import make_survey

    client = app.test_client()
    rng = random.Random(1)
    out: dict[str, Any] = {}
    for n in (small, large):
        start = time.perf_counter()
        survey_id = make_survey(n, rng)
        print(f"  made a survey with {n} responses in {time.perf_counter() - start:.1f} s")
        url = f"/api/v1/surveys/{survey_id}/scores"

        def read(url: str = url) -> Any:
            return client.get(url, headers=headers)

        samples = _samples(read, repeat=repeat)
        health = _samples(lambda: client.get("/healthz"), repeat=repeat)
        out[str(n)] = {
            "scores_ms_min_median_max": _spread(samples),
            "healthz_ms_min_median_max": _spread(health),
            "scores_over_healthz": statistics.median(samples) / statistics.median(health),
            "sql_statements": _statements(read),
        }
        print(
            f"  N={n}: one survey's scores p50 {statistics.median(samples):.1f} ms "
            f"(min / median / max {' / '.join(f'{x:.1f}' for x in _spread(samples))}), "
            f"/healthz p50 {statistics.median(health):.2f} ms"
        )
    growth = (
        out[str(large)]["scores_ms_min_median_max"][1]
        / out[str(small)]["scores_ms_min_median_max"][1]
    )
    out["p50_large_over_small"] = growth
    print(f"  one survey's read p50 at {large} / at {small} responses: {growth:.2f}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database",
        help="a PostgreSQL server URL: the run makes a database of its own there and drops it "
        "afterwards (default: a temporary SQLite file)",
    )
    parser.add_argument("--small", type=int, default=10_000, help="responses of the small survey")
    parser.add_argument("--large", type=int, default=300_000, help="responses of the large one")
    parser.add_argument("--no-reads", action="store_true", help="only the bulk call")
    parser.add_argument("--output", help="also write the figures to this JSON file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="survey-bench-"))
    with fresh_database(args.database, folder, prefix="survey_bench_bulk") as (url, _reference):
        results = run(url, reads=not args.no_reads, small=args.small, large=args.large)
    print(json.dumps(results, indent=2))
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=2) + "\n")


def run(url: str, *, reads: bool, small: int, large: int) -> dict[str, Any]:
    """The figures, on a fresh database at ``url``."""
    from bench.run import timed
    from survey_service import create_app
    from survey_service.cli import run_init
    from survey_service.services.keys import create_key

    app = create_app({"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "bench"})
    run_init(app)
    with app.app_context():
        _, key = create_key(db.session, role="admin", municipality=None, name="b", actor="b")
        db.session.commit()
        headers = {"Authorization": f"Bearer {key}"}
        results: dict[str, Any] = {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": make_url(url).get_backend_name(),
            "load_average_at_start": os.getloadavg(),
            "bulk_scores": measure(app, headers, timed),
        }
        if reads:
            results["reading_one_survey"] = measure_reads(app, headers, small=small, large=large)
        db.engine.dispose()
    return results


if __name__ == "__main__":
    main()
