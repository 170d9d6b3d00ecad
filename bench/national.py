"""A national round through the real server: 357 municipalities, two waves, then reads and
an export, each against its baseline in the same run.

    .venv/bin/python -m bench.national                        # SQLite, 50,000 responses
    .venv/bin/python -m bench.national --database postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.national --full                 # 1,000,000 responses

The data: the reputation staircase for citizens in every municipality, a baseline (2023) and
a follow-up (2025), each municipality's share of the responses as its share of the
population (at least 3), loaded in bulk, scored by ``rescore`` and closed (final snapshots).
Then ``survey-service serve`` runs on loopback against it and:

- one survey's scores (``GET /surveys/{id}/scores``) of the largest survey and of one of
  median size, with ``wrk`` at one connection, each ÷ ``/healthz`` in the same run;
  largest ÷ median says whether a read grows with the data;
- the bulk call ``GET /scores`` over the 357 follow-ups, computed (each request a page size
  of its own, so no kept body answers it), and a dashboard's poll while nothing changed;
- the CSV export of the follow-up wave, rows a second ÷ the database's own fastest way to
  hand out the same rows with the answers unpacked into columns (PostgreSQL's ``COPY … TO
  STDOUT``; on SQLite one SELECT written with the csv module).

Results go to ``bench/results/national-<database>.json``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from bench.ingestion import (
    GET_LUA,
    ensure_wrk,
    free_port,
    fresh_database,
    machine,
    process,
    run_wrk,
    service_command,
    spread,
)
from bench.results_file import save_results

GET_WITH_KEY_LUA = Path(__file__).resolve().parent / "wrk" / "get_with_key.lua"
WAVES = (("2023", date(2023, 3, 15)), ("2025", date(2025, 3, 15)))
#: Answer sets drawn once per level of the staircase; each survey samples its own.
POOL = 4_000
SHIFTS = (-0.1, -0.05, 0.0, 0.05, 0.1)


def answer_pools(rng: random.Random) -> list[list[dict[str, Any]]]:
    from survey_service.instruments import bundled
    from survey_service.services.demo.answers import draw_answers
    from survey_service.services.demo.programme import STAIRCASE

    instrument = bundled("omdommetrappen")
    return [
        [
            draw_answers(
                instrument,
                "citizens",
                levels={k: v + shift for k, v in STAIRCASE.items()},
                respondent={},
                language="nb",
                rng=rng,
            )
            for _ in range(POOL)
        ]
        for shift in SHIFTS
    ]


def load(url: str, responses: int) -> dict[str, Any]:
    """The two waves, loaded, scored and closed; what was made."""
    from sqlalchemy import select, text

    from bench.loading import insert_responses, response_row
    from survey_service import create_app
    from survey_service.cli import run_init
    from survey_service.db import db
    from survey_service.models import Municipality, Survey
    from survey_service.services import snapshots
    from survey_service.services.rescore import rescore
    from survey_service.services.surveys import create_survey, update_survey

    app = create_app({"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "bench"})
    run_init(app)
    rng = random.Random(2026)
    pools = answer_pools(rng)
    made: dict[str, Any] = {"surveys": {}, "responses": 0}
    start = time.perf_counter()
    with app.app_context():
        session = db.session
        places = session.execute(select(Municipality.number, Municipality.population)).all()
        people = sum(population or 0 for _, population in places)
        for period, day in WAVES:
            for done, (number, population) in enumerate(sorted(places), start=1):
                n = max(3, round(responses / len(WAVES) * (population or 0) / people))
                survey = create_survey(
                    session,
                    {
                        "municipality": number,
                        "instrument": "omdommetrappen",
                        "audience": "citizens",
                        "title": f"Omdømme {number} {period}",
                        "period": period,
                    },
                    actor="bench",
                )
                update_survey(session, survey, {"status": "open"}, actor="bench", min_n=5)
                pool = rng.choice(pools)
                insert_responses(
                    session,
                    (
                        response_row(survey.id, rng.choice(pool), scores={}, day=day)
                        for _ in range(n)
                    ),
                )
                rescore(session, survey)
                # rescore lets go of the objects it loaded (constant memory): load it again.
                survey = session.get_one(Survey, survey.id)
                snapshots.publish_if_due(session, survey, min_n=5, today=day)
                update_survey(session, survey, {"status": "closed"}, actor="bench", min_n=5)
                session.commit()
                made["surveys"].setdefault(period, []).append((survey.id, number, n))
                made["responses"] += n
                if done % 50 == 0 or done == len(places):
                    print(
                        f"  {period}: {done}/{len(places)} surveys, {made['responses']:,} "
                        f"responses, {time.perf_counter() - start:.0f} s",
                        flush=True,
                    )
        if db.engine.dialect.name == "postgresql":
            # The planner's statistics, as autovacuum gathers them after a load this size on
            # a server where it runs (the measured one may have it off).
            session.execute(text("ANALYZE"))
            session.commit()
        db.engine.dispose()
    made["load_seconds"] = round(time.perf_counter() - start, 1)
    return made


def make_key(url: str) -> str:
    from survey_service import create_app
    from survey_service.db import db
    from survey_service.services.keys import create_key

    app = create_app({"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "bench"})
    with app.app_context():
        _, key = create_key(db.session, role="admin", municipality=None, name="b", actor="b")
        db.session.commit()
        db.engine.dispose()
    return key


def timed_get(url: str, key: str, *, etag: str | None = None) -> tuple[float, int, int, str]:
    """(seconds, bytes, lines, ETag) of one GET, read to the end (with ``etag``: a poll with
    ``If-None-Match``, answered 304 while nothing changed)."""
    headers = {"Authorization": f"Bearer {key}"}
    if etag:
        headers["If-None-Match"] = etag
    request = urllib.request.Request(url, headers=headers)
    start = time.perf_counter()
    size = lines = 0
    try:
        with urllib.request.urlopen(request, timeout=600) as answer:
            while chunk := answer.read(1 << 16):
                size += len(chunk)
                lines += chunk.count(b"\n")
            tag = answer.headers.get("ETag", "")
    except urllib.error.HTTPError as answer:
        if answer.code != 304:
            raise
        tag = etag or ""
    return time.perf_counter() - start, size, lines, tag


def export_baseline(url: str, survey_ids: list[int]) -> tuple[float, int]:
    """(seconds, rows) for the database's own fastest hand-out of the same rows, answers
    unpacked into one column per item."""
    from survey_service.instruments import bundled

    items = [
        item.link_id
        for item in bundled("omdommetrappen").items_for("citizens")
        if item.scale is not None
    ]
    ids = ",".join(str(i) for i in survey_ids)
    if url.startswith("sqlite"):
        start = time.perf_counter()
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        out = io.StringIO()
        writer = csv.writer(out)
        rows = 0
        columns = ", ".join(f"json_extract(answers, '$.\"{item}\"')" for item in items)
        for row in connection.execute(
            f"SELECT survey_id, language, {columns} FROM response WHERE survey_id IN ({ids})"
        ):
            writer.writerow(row)
            rows += 1
            if out.tell() > 1 << 20:
                out.seek(0)
                out.truncate()
        connection.close()
        return time.perf_counter() - start, rows

    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://")
    columns = ", ".join(f"answers->>'{item}'" for item in items)
    start = time.perf_counter()
    rows = 0
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        query = (
            f"COPY (SELECT survey_id, language, {columns} FROM response "
            f"WHERE survey_id IN ({ids})) TO STDOUT (FORMAT csv)"
        )
        with cursor.copy(query) as copy:
            for chunk in copy:
                rows += bytes(chunk).count(b"\n")
    return time.perf_counter() - start, rows


def measure(options: argparse.Namespace) -> dict[str, Any]:
    wrk = ensure_wrk()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="survey-national-") as folder:
        with fresh_database(options.database, Path(folder)) as (url, _reference):
            print(f"Loading {options.responses:,} responses over 357 municipalities ...")
            made = load(url, options.responses)
            key = make_key(url)
            follow_ups = made["surveys"]["2025"]
            by_size = sorted(follow_ups, key=lambda s: s[2])
            largest, median = by_size[-1], by_size[len(by_size) // 2]
            env = {
                **os.environ,
                "SURVEY_DATABASE_URL": url,
                "SURVEY_SECRET_KEY": "bench",
                "SURVEY_RATE_LIMIT_PER_MINUTE": "0",
                "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": "0",
            }
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            serve = service_command("serve", "--port", str(port))
            with process(serve, env, f"{base}/healthz"):
                result = {
                    "responses": made["responses"],
                    "load_seconds": made["load_seconds"],
                    **reads(wrk, base, key, largest, median, options),
                    **bulk(base, key, options),
                    **export(base, key, url, [s[0] for s in follow_ups], options),
                }
    result["machine"] = machine(
        "sqlite" if not options.database else "postgresql", load_before=load_before
    )
    return result


def reads(
    wrk: str, base: str, key: str, largest: Any, median: Any, options: argparse.Namespace
) -> dict[str, Any]:
    """One survey's scores, largest and median survey, each ÷ /healthz, interleaved; at one
    connection, so the latencies are a read's own and not a queue's."""
    runs: dict[str, list[Any]] = {"healthz": [], "largest": [], "median": []}
    for round_number in range(options.repeat):
        print(f"  one survey's scores, round {round_number + 1}/{options.repeat} ...")
        runs["healthz"].append(
            run_wrk(
                wrk,
                f"{base}/healthz",
                connections=1,
                seconds=options.seconds,
                script=GET_LUA,
                args=[],
            )
        )
        for name, (survey_id, _number, _n) in (("largest", largest), ("median", median)):
            runs[name].append(
                run_wrk(
                    wrk,
                    f"{base}/api/v1/surveys/{survey_id}/scores",
                    connections=1,
                    seconds=options.seconds,
                    script=GET_WITH_KEY_LUA,
                    args=[key],
                )
            )
    health = runs["healthz"]
    return {
        "scores_read": {
            name: {
                "responses": size[2],
                "per_second": round(statistics.median(r.rate for r in runs[name]), 1),
                "p50_ms": round(statistics.median(r.p50_ms for r in runs[name]), 2),
                "p99_ms": round(statistics.median(r.p99_ms for r in runs[name]), 2),
                "errors": sum(r.errors for r in runs[name]),
                "over_healthz": spread(
                    [r.rate / h.rate for r, h in zip(runs[name], health, strict=True)]
                ),
            }
            for name, size in (("largest", largest), ("median", median))
        },
        "healthz_per_second": round(statistics.median(h.rate for h in health), 1),
        "largest_over_median_p50": round(
            statistics.median(r.p50_ms for r in runs["largest"])
            / statistics.median(r.p50_ms for r in runs["median"]),
            2,
        ),
    }


def bulk(base: str, key: str, options: argparse.Namespace) -> dict[str, Any]:
    """The bulk call over the follow-ups: computed (a page size of its own each time, so no
    kept body answers it), and a dashboard's poll while nothing changed (``If-None-Match``:
    304)."""
    url = f"{base}/api/v1/scores?instrument=omdommetrappen&period=2025"
    computed = [
        timed_get(f"{url}&page_size={400 + i}", key)[0] * 1000 for i in range(options.repeat * 2)
    ]
    _seconds, size, _lines, tag = timed_get(f"{url}&page_size=500", key)
    polls = [
        timed_get(f"{url}&page_size=500", key, etag=tag)[0] * 1000
        for _ in range(options.repeat * 2)
    ]
    print(f"  bulk call: computed {statistics.median(computed):.0f} ms")
    return {
        "bulk_scores": {
            "rows": 357,
            "bytes": size,
            "computed_ms": spread(computed),
            "not_modified_poll_ms": spread(polls),
        }
    }


def export(
    base: str, key: str, url: str, survey_ids: list[int], options: argparse.Namespace
) -> dict[str, Any]:
    """The follow-up wave's CSV export ÷ the database's own hand-out of the same rows."""
    query = f"{base}/api/v1/exports/responses?instrument=omdommetrappen&format=csv&period=2025"
    ratios, rates, baselines = [], [], []
    for round_number in range(options.repeat):
        print(f"  export, round {round_number + 1}/{options.repeat} ...")
        seconds, size, lines, _tag = timed_get(query, key)
        rows = lines - 1
        base_seconds, base_rows = export_baseline(url, survey_ids)
        rates.append(rows / seconds)
        baselines.append(base_rows / base_seconds)
        ratios.append((rows / seconds) / (base_rows / base_seconds))
    return {
        "export_csv": {
            "rows": rows,
            "bytes": size,
            "rows_per_second": round(statistics.median(rates)),
            "baseline_rows_per_second": round(statistics.median(baselines)),
            "over_baseline": spread(ratios),
        }
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL server's URL (default: SQLite)")
    parser.add_argument("--responses", type=int, default=50_000)
    parser.add_argument("--full", action="store_true", help="1,000,000 responses")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(argv)
    if options.full:
        options.responses = 1_000_000
    result = measure(options)
    save_results(f"national-{'postgresql' if options.database else 'sqlite'}", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
