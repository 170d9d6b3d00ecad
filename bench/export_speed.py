"""Export speed: rows per second of the response export against the database's own export.

    .venv/bin/python -m bench.export_speed [--database URL] [--responses 40000] [--repeat 3]
        [--formats csv,parquet] [--reuse] [--load-only]

One database holds two closed, finally published reputation surveys (together ``--responses``
rows, with age band, gender and a spread of submission days, so that disclosure control has
classes to generalise and suppress). Each export runs through the HTTP path (``GET
/api/v1/exports/responses``, the Flask test client streaming the body) in a fresh child
process, which reports its rows, time to first byte, total time and peak resident memory.

The baseline, in the same run: on PostgreSQL ``COPY (SELECT … answers unpacked with ->> into
columns …) TO STDOUT (FORMAT csv)`` read through psycopg's copy API (what ``\\copy`` does); on
SQLite a plain SELECT of the same columns written with the csv module. The figure is the
export's rows/s over the baseline's (1.0 = as fast as the database). Results, min/median/max
over the repeats, go to ``bench/results/export-speed-<database>.json``. Not part of the test
suite. ``--reuse`` exports what an earlier run (``--load-only``) loaded into the same database,
instead of loading more.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.results_file import save_results
from bench.signed_in import signed_in_client

INSTRUMENT = "omdommetrappen"
ASKED = {"age_band": None, "gender": None}
#: Distinct answer sets drawn; rows reuse them (drawing 300k would take minutes).
POOL = 3000
#: Submission days spread over this many days before today.
DAYS = 90


def make_surveys(total: int, rng: random.Random) -> list[int]:
    """Two closed reputation surveys with ``total`` responses between them, inserted in bulk,
    rescored and given their final snapshots (so they are exportable)."""
    from bench.loading import drawn_pool, insert_responses, response_row
    from survey_service.db import db
    from survey_service.models import Survey
    from survey_service.services import snapshots
    from survey_service.services.instrument_catalog import as_instrument
    from survey_service.services.rescore import rescore
    from survey_service.services.surveys import create_survey, update_survey

    session = db.session
    ids = []
    today = date.today()
    for number, n in (("4601", total * 2 // 3), ("5001", total - total * 2 // 3)):
        survey = create_survey(
            session,
            {
                "municipality": number,
                "instrument": INSTRUMENT,
                "audience": "citizens",
                "title": f"Export speed {number}",
                "period": "2031",
                "respondent_attributes": ASKED,
            },
            actor="bench",
        )
        update_survey(session, survey, {"status": "open"}, actor="bench", min_n=5)
        instrument = as_instrument(survey.instrument_version)
        pool = drawn_pool(instrument, ASKED, rng, POOL)
        rows = (
            {
                **response_row(
                    survey.id,
                    answers,
                    scores=stored,
                    respondent=respondent,
                    day=today - timedelta(days=rng.randrange(DAYS)),
                ),
                "language": rng.choice(("nb", "nb", "nn")),
            }
            for respondent, answers, stored in (pool[i % POOL] for i in range(n))
        )
        insert_responses(session, rows)
        survey_id = survey.id
        rescore(session, survey)
        survey = session.get(Survey, survey_id)  # rescoring leaves the session empty
        assert survey is not None
        snapshots.publish_if_due(session, survey, min_n=5, today=today)
        update_survey(session, survey, {"status": "closed"}, actor="bench", min_n=5)
        snapshots.finalise(session, survey, min_n=5, today=today)
        session.commit()
        ids.append(survey.id)
    return ids


def loaded_surveys() -> list[int]:
    """The surveys an earlier run of this benchmark loaded into the database."""
    from sqlalchemy import select

    from survey_service.db import db
    from survey_service.models import Survey

    return list(db.session.scalars(select(Survey.id).where(Survey.period == "2031")))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(url: str, fmt: str, repeat: int) -> None:
    """Run the export ``repeat`` times after a warm-up; print each run as JSON. A format
    named ``<format>-generic`` runs the generic path (``exports.rows``) on PostgreSQL too."""
    from survey_service.services.exports import released_in_sql

    if fmt.endswith("-generic"):
        fmt = fmt.removesuffix("-generic")
        released_in_sql.applies = lambda *args: False  # type: ignore[assignment]

    client, headers = signed_in_client(url)
    target = f"/api/v1/exports/responses?instrument={INSTRUMENT}&format={fmt}&period=2031"
    runs = []
    for attempt in range(repeat + 1):
        start = time.perf_counter()
        response = client.get(target, headers=headers, buffered=False)
        assert response.status_code == 200, response.get_data(as_text=True)
        first = None
        size = 0
        for chunk in response.response:
            if first is None and chunk:
                first = time.perf_counter() - start
            size += len(chunk)
        response.close()
        seconds = time.perf_counter() - start
        rows = int(response.headers.get("X-Export-Rows", 0))
        if attempt:  # the first run warms imports and caches
            runs.append(
                {
                    "rows": rows,
                    "bytes": size,
                    "seconds": seconds,
                    "first_byte_seconds": first,
                    "rows_per_second": rows / seconds,
                }
            )
    print(json.dumps({"runs": runs, "peak_rss_mib": peak_rss_mib()}))


def baseline_columns() -> list[str]:
    """The SQL of the baseline's columns: the quasi-identifiers and the answers and person
    scores unpacked from JSON into one column each."""
    from survey_service.instruments import bundled

    instrument = bundled(INSTRUMENT)
    columns = ["id", "language", "submitted_on", "role", "age_band", "gender", "area"]
    columns += [f"answers ->> '{item.link_id}'" for item in instrument.items]
    columns += [f"scores -> 'dimensions' ->> '{key}'" for key in instrument.dimension_keys]
    columns += [f"scores -> 'indices' ->> '{i.key}'" for i in instrument.scoring.indices]
    return columns


def baseline(url: str, survey_ids: list[int]) -> dict[str, Any]:
    """The database's own export of the same rows, into a byte counter."""
    where = f"survey_id IN ({', '.join(map(str, survey_ids))}) AND published"
    sql = f"SELECT {', '.join(baseline_columns())} FROM response WHERE {where}"
    engine = create_engine(url)
    start = time.perf_counter()
    first = None
    rows = size = 0
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            raw = connection.connection.driver_connection
            with raw.cursor() as cursor:  # type: ignore[union-attr]
                with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
                    for data in copy:
                        if first is None:
                            first = time.perf_counter() - start
                        size += len(data)
                        rows += 1
        else:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            result = connection.exec_driver_sql(sql)
            for row in result:
                if first is None:
                    first = time.perf_counter() - start
                writer.writerow(row)
                rows += 1
                if rows % 500 == 0:
                    size += len(buffer.getvalue().encode())
                    buffer.seek(0)
                    buffer.truncate()
            size += len(buffer.getvalue().encode())
    engine.dispose()
    seconds = time.perf_counter() - start
    return {
        "rows": rows,
        "bytes": size,
        "seconds": seconds,
        "first_byte_seconds": first,
        "rows_per_second": rows / seconds,
    }


def spread(values: list[float]) -> dict[str, float]:
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=40_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--formats",
        default="csv,parquet",
        help="comma-separated; csv-generic, parquet-generic: the generic path, for comparison",
    )
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument(
        "--reuse", action="store_true", help="export the surveys an earlier run loaded, if any"
    )
    parser.add_argument(
        "--load-only", action="store_true", help="load the surveys, measure nothing"
    )
    parser.add_argument("--child", nargs=3, metavar=("URL", "FORMAT", "REPEAT"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return

    from survey_service import create_app
    from survey_service.cli import run_init
    from survey_service.db import db

    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='survey-bench-')}/bench.sqlite3"
    # Loading a few hundred thousand rows runs long statements and transactions: no limits.
    app = create_app(
        {
            "SURVEY_DATABASE_URL": url,
            "SURVEY_SECRET_KEY": "bench",
            "SURVEY_DB_STATEMENT_TIMEOUT_MS": 0,
            "SURVEY_DB_IDLE_IN_TRANSACTION_TIMEOUT_MS": 0,
        }
    )
    run_init(app)
    start = time.perf_counter()
    with app.app_context():
        surveys = loaded_surveys() if args.reuse else []
        if not surveys:
            surveys = make_surveys(args.responses, random.Random(5))
            print(f"  made {args.responses} responses in {time.perf_counter() - start:.1f} s")
        db.engine.dispose()
    if args.load_only:
        return
    if make_url(url).get_backend_name() == "postgresql":
        with create_engine(url).connect() as connection:
            connection.execute(text("ANALYZE response"))
            connection.commit()
    base_runs = [baseline(url, surveys) for _ in range(args.repeat + 1)][1:]
    result: dict[str, Any] = {
        "database": make_url(url).get_backend_name(),
        "responses": base_runs[0]["rows"],  # what the database holds (also with --reuse)
        "repeat": args.repeat,
        "baseline": {
            "what": "COPY ... TO STDOUT (FORMAT csv) via psycopg"
            if make_url(url).get_backend_name() == "postgresql"
            else "SELECT + csv.writer",
            "rows": base_runs[0]["rows"],
            "rows_per_second": spread([r["rows_per_second"] for r in base_runs]),
            "first_byte_seconds": spread([r["first_byte_seconds"] or 0 for r in base_runs]),
        },
        "exports": {},
    }
    base_median = result["baseline"]["rows_per_second"]["median"]
    print(f"  baseline: {base_median:,.0f} rows/s ({base_runs[0]['rows']} rows)")
    for fmt in args.formats.split(","):
        out = subprocess.run(
            [sys.executable, "-m", "bench.export_speed", "--child", url, fmt, str(args.repeat)],
            capture_output=True,
            text=True,
            check=True,
        )
        measured = json.loads(out.stdout.strip().splitlines()[-1])
        runs = measured["runs"]
        speeds = [r["rows_per_second"] for r in runs]
        entry = {
            "rows": runs[0]["rows"],
            "bytes": runs[0]["bytes"],
            "rows_per_second": spread(speeds),
            "first_byte_seconds": spread([r["first_byte_seconds"] or 0 for r in runs]),
            "ratio_to_baseline": spread([s / base_median for s in speeds]),
            "peak_rss_mib": measured["peak_rss_mib"],
        }
        result["exports"][fmt] = entry
        print(
            f"  {fmt}: {entry['rows_per_second']['median']:,.0f} rows/s "
            f"(ratio {entry['ratio_to_baseline']['median']:.2f}, "
            f"min {entry['ratio_to_baseline']['min']:.2f}, max "
            f"{entry['ratio_to_baseline']['max']:.2f}), first byte after "
            f"{entry['first_byte_seconds']['median']:.2f} s, peak RSS "
            f"{entry['peak_rss_mib']:.0f} MiB"
        )
    save_results(f"export-speed-{result['database']}", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
