"""What a dashboard's poll costs when nothing changed: a 304 against the full 200.

    .venv/bin/python -m bench.conditional_get [--responses 10000] [--surveys 357] [--database URL]

For one survey of ``--responses`` responses (its scores and its fieldwork) and for every
survey's scores across ``--surveys`` municipalities (30 responses each), the median time of
a ``GET`` without ``If-None-Match`` (the 200: the body computed) and of the same ``GET`` with
the ETag it returned (the 304: one small query, no body); and as floors, ``GET /healthz``
(one ``SELECT 1``) and ``GET /api/v1/surveys/{id}`` (the key checked, the survey's row read:
what any authenticated read costs). Results are printed and written to
``bench/results/conditional-get-<database>.json``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench.results_file import save_results
from bench.run import make_survey, timed
from survey_service import create_app
from survey_service.cli import run_init
from survey_service.db import db
from survey_service.models import Municipality
from survey_service.services.keys import create_key


def compare(client: Any, url: str, headers: dict[str, str], repeat: int) -> dict[str, float]:
    """Median ms of the 200 and of the 304 that its ETag gets, and their ratio."""
    first = client.get(url, headers=headers)
    assert first.status_code == 200, (url, first.status_code)
    tag = first.headers["ETag"]

    def full() -> None:
        # Computed afresh, not one of the bodies a read may keep by tag (conditional_get).
        client.application.extensions.get("conditional_get_bodies", {}).clear()
        assert client.get(url, headers=headers).status_code == 200

    def not_modified() -> None:
        answer = client.get(url, headers={**headers, "If-None-Match": tag})
        assert answer.status_code == 304, (url, answer.status_code)

    ok_ms = timed(full, repeat=repeat)
    not_modified_ms = timed(not_modified, repeat=repeat * 5)
    return {"ok_ms": ok_ms, "not_modified_ms": not_modified_ms, "ratio": not_modified_ms / ok_ms}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--surveys", type=int, default=357)
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="survey-bench-")
    url = args.database or f"sqlite:///{tmp}/bench.sqlite3"
    app = create_app({"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "bench"})
    print(f"Database: {url}")
    run_init(app)
    rng = random.Random(1)
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": make_url(url).get_backend_name(),
    }
    client = app.test_client()
    with app.app_context():
        _, key = create_key(db.session, role="admin", municipality=None, name="b", actor="b")
        db.session.commit()
        headers = {"Authorization": f"Bearer {key}"}

        start = time.perf_counter()
        survey_id = make_survey(args.responses, rng)
        numbers = db.session.scalars(select(Municipality.number).order_by(Municipality.number))
        for number in list(numbers)[: args.surveys - 1]:
            make_survey(30, rng, municipality=number)
        print(f"  made the surveys in {time.perf_counter() - start:.1f} s")
        db.session.rollback()

        reads = {
            f"scores of one survey ({args.responses} responses)": (
                f"/api/v1/surveys/{survey_id}/scores",
                20,
            ),
            "fieldwork of that survey": (f"/api/v1/surveys/{survey_id}/fieldwork", 20),
            f"every survey's scores ({args.surveys} surveys)": (
                "/api/v1/scores?instrument=omdommetrappen",
                3,
            ),
        }
        results["reads"] = {}
        for name, (path, repeat) in reads.items():
            measured = compare(client, path, headers, repeat)
            results["reads"][name] = measured
            print(
                f"  {name}: 200 {measured['ok_ms']:.1f} ms, 304 {measured['not_modified_ms']:.2f}"
                f" ms (304 / 200 = {measured['ratio']:.3f})"
            )
        health = timed(lambda: client.get("/healthz"), repeat=200)
        survey = timed(lambda: client.get(f"/api/v1/surveys/{survey_id}", headers=headers), 200)
        results["healthz_ms"] = health
        results["survey_row_ms"] = survey
        print(f"  GET /healthz (SELECT 1): {health:.2f} ms")
        print(f"  GET /api/v1/surveys/{{id}} (the key checked, one row read): {survey:.2f} ms")
        db.engine.dispose()

    save_results(f"conditional-get-{results['database']}", results)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
