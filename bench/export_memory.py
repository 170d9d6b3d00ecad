"""Export memory: peak memory of the exporting process at N and at 10 x N rows.

    .venv/bin/python -m bench.export_memory [--responses 20000] [--scale 10] [--format csv]

One database holds two surveys, of N and of scale x N responses. Each export runs in a fresh
child process, which reports how far its peak resident memory rose above what it used just
before the export started; the ratio of the two rises is the figure (1.0 = flat). Results
go to ``bench/results/export-memory-<database>.json``. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time

from sqlalchemy.engine import make_url

from bench.results_file import save_results
from bench.signed_in import signed_in_client

PAGE = 4096


def rss_kib() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE // 1024


def child(url: str, survey: int, fmt: str) -> None:
    """Run one export and print what it cost, as JSON."""

    client, headers = signed_in_client(url)
    query = f"/api/v1/exports/responses?instrument=omdommetrappen&format={fmt}&survey={survey}"
    # Warm up imports and caches with a one-survey export of the other size class.
    client.get(query.replace(f"survey={survey}", "survey=0"), headers=headers).close()
    before = rss_kib()
    start = time.perf_counter()
    response = client.get(query, headers=headers, buffered=False)
    first = None
    size = 0
    for chunk in response.response:
        if first is None:
            first = time.perf_counter() - start
        size += len(chunk)
    response.close()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {
                "rows": int(response.headers.get("X-Export-Rows", 0)),
                "bytes": size,
                "seconds": seconds,
                "first_bytes_seconds": first,
                "rise_kib": max(peak - before, 0),
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=20_000)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--format", default="csv", choices=["csv", "jsonl", "parquet", "sav"])
    parser.add_argument("--database", help="SQLAlchemy URL (default: a temporary SQLite file)")
    parser.add_argument("--child", nargs=3, metavar=("URL", "SURVEY", "FORMAT"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2])
        return

    from bench.run import make_survey
    from survey_service import create_app
    from survey_service.cli import run_init
    from survey_service.db import db

    url = args.database or f"sqlite:///{tempfile.mkdtemp(prefix='survey-bench-')}/bench.sqlite3"
    app = create_app({"SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "bench"})
    run_init(app)
    rng = random.Random(3)
    sizes = (args.responses, args.responses * args.scale)
    with app.app_context():
        surveys = [make_survey(n, rng) for n in sizes]
        db.engine.dispose()
    runs = {}
    for n, survey in zip(sizes, surveys, strict=True):
        out = subprocess.run(
            [sys.executable, "-m", "bench.export_memory", "--child", url, str(survey), args.format],
            capture_output=True,
            text=True,
            check=True,
        )
        runs[n] = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"  {n} responses: {runs[n]['bytes'] / 1e6:.1f} MB in {runs[n]['seconds']:.1f} s, "
            f"first bytes after {runs[n]['first_bytes_seconds']:.2f} s, "
            f"peak memory rose {runs[n]['rise_kib'] / 1024:.1f} MiB"
        )
    small, large = sizes
    result = {
        "format": args.format,
        "database": make_url(url).get_backend_name(),
        "by_n": runs,
        "memory_rise_ratio": (runs[large]["rise_kib"] or 1) / (runs[small]["rise_kib"] or 1),
        "time_ratio": runs[large]["seconds"] / runs[small]["seconds"],
    }
    save_results(f"export-memory-{result['database']}", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
