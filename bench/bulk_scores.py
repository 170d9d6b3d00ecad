"""The bulk call for every municipality: ``GET /api/v1/scores`` over 357 surveys.

One survey of the reputation staircase per municipality (357), 20 to 120 responses each
(more in larger municipalities), a fifth of them weighted by gender; then the bulk call with
every row on one page (benchmarks, leave-one-out differences and Fay–Herriot estimates for
all), against the baseline of reading the 357 surveys' own scores one by one.

    .venv/bin/python -m bench.bulk_scores [--database URL]

Also run by ``bench.run``.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import insert, select

from survey_service.db import db
from survey_service.instruments import score_response
from survey_service.models import Municipality, Response
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
            scores = score_response(instrument, answers)
            rows.append(
                {
                    "survey_id": survey.id,
                    "submission_hash": uuid.uuid4().hex,
                    "receipt_hash": uuid.uuid4().hex,
                    "language": "nb",
                    "submitted_on": date.today(),
                    "answers": answers,
                    "scores": {
                        "dimensions": scores.dimension_scores,
                        "indices": scores.index_scores,
                    },
                    "gender": respondent.get("gender"),
                }
            )
        session.execute(insert(Response), rows)
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

    bulk = timed(lambda: computed(url), repeat=10)
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
        f"  bulk call, {len(ids)} rows with benchmarks: {bulk:.0f} ms ({bulk_cpu:.0f} ms of "
        f"CPU in this process); a page of 50: "
        f"{one_page:.0f} ms; the {len(ids)} surveys' own scores one by one: {each:.0f} ms "
        f"({each / bulk:.1f}x the bulk call); read again while nothing changed (the body "
        f"kept by tag): {kept:.1f} ms ({bulk / kept:.0f}x faster than computing it)"
    )
    return {
        "surveys": len(ids),
        "bulk_ms": bulk,
        "bulk_cpu_ms": bulk_cpu,
        "response_bytes": len(response.data),
        "page_of_50_ms": one_page,
        "one_by_one_ms": each,
        "one_by_one_over_bulk": each / bulk,
        "kept_ms": kept,
        "computed_over_kept": bulk / kept,
    }


def main() -> None:
    from bench.run import timed
    from survey_service import create_app
    from survey_service.cli import run_init
    from survey_service.services.keys import create_key

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='survey-bench-')}/bench.sqlite3"
    app = create_app({"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "bench"})
    run_init(app)
    with app.app_context():
        _, key = create_key(db.session, role="admin", municipality=None, name="b", actor="b")
        db.session.commit()
        print(measure(app, {"Authorization": f"Bearer {key}"}, timed))
        db.engine.dispose()


if __name__ == "__main__":
    main()
