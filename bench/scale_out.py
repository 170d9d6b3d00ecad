"""Scale-out: two instances of the real server against one PostgreSQL database, with ``wrk``.

    .venv/bin/python -m bench.scale_out          # the local server, 8 connections, 10 s x 5
    .venv/bin/python -m bench.scale_out --database postgresql+psycopg://user@host:5432/postgres \\
        --seconds 20 --connections 16 --repeat 5

A fresh PostgreSQL database; two ``survey-service serve`` (gunicorn, the same worker count)
on two loopback ports against it, configured alike, as two machines behind a load balancer
would be. ``wrk`` with ``bench/wrk/post_json.lua`` posts valid answers, each with a submission
id of its own, to ``POST /api/v1/public/surveys/{id}/responses``. Each repeat measures, one
after the other:

1. **one instance alone** at ``--connections`` (instances take turns from one repeat to the
   next), the baseline;
2. **both at once**: two ``wrk`` started together, each at ``--connections`` against its own
   instance (the load generator is the only balancer);
3. **one instance at twice the connections**: the same offered concurrency as (2) on one
   instance, to tell what the second instance adds from what more connections add.

The figure is the ratio (sum of the two instances' submissions/s in 2) ÷ (1 alone), min /
median / max over the repeats, with the absolute rates, p50 / p99 and errors, and how busy
the machine's cores were during each measure (from ``/proc/stat``). On one machine the two
instances, the database and ``wrk`` share the same cores, so the sum can never exceed what
those cores give: the ratio measures whether anything *besides* CPU (a lock, a hot row, the
database) stops a second instance from adding throughput, not what a second machine adds.

After the load, both instances must agree: ``GET /api/v1/surveys/{id}/scores`` from each
gives the same ETag and the same body, and the database holds as many responses as ``wrk``
saw accepted (requests in flight when a run stops may add a few). The rate limits are off
(every request comes from one address). Results go to
``bench/results/scale-out-postgresql.json``. SQLite is a file on one machine: it cannot be
shared by instances on several, so this benchmark refuses it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench.ingestion import (
    POST_JSON_LUA,
    Run,
    ensure_wrk,
    free_port,
    fresh_database,
    init_with_admin_key,
    machine,
    open_citizens_survey,
    process,
    rss_mib,
    run_wrk,
    service_command,
    spread,
    stored_responses,
    submission_body,
)
from bench.results_file import save_results

HERE = Path(__file__).resolve().parent
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
#: The address both instances hand out in links, as a balancer's would be: the scores' ETag
#: hashes every SURVEY_* setting, so instances must be configured alike to agree on it.
PUBLIC_URL = "http://survey.invalid"


# --- the machine's cores ------------------------------------------------------------------


def cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all cores since boot, from the first line of /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # guest time is already inside user
    return total - idle, total


@contextmanager
def cores_busy() -> Iterator[dict[str, float]]:
    """Yields a dict that holds, afterwards, the share of all cores' time spent busy."""
    found: dict[str, float] = {}
    busy_before, total_before = cpu_ticks()
    yield found
    busy_after, total_after = cpu_ticks()
    found["busy"] = (busy_after - busy_before) / max(1, total_after - total_before)


# --- the run ------------------------------------------------------------------------------


def database_server(url: str) -> str:
    """The PostgreSQL server URL given, or an exit that says why nothing else will do."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        sys.exit(
            "Scale-out needs PostgreSQL: SQLite is one file on one machine, which instances "
            "on several machines cannot share. Give --database postgresql+psycopg://..."
        )
    if backend != "postgresql":
        sys.exit(f"Scale-out needs a PostgreSQL URL, not {backend!r}.")
    return url


def get(url: str, key: str, *, etag: str | None = None) -> tuple[int, str, bytes]:
    """(status, ETag, body) of a GET with the bearer key (and ``If-None-Match: etag``)."""
    headers = {"Authorization": f"Bearer {key}"} | ({"If-None-Match": etag} if etag else {})
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers.get("ETag", ""), answer.read()
    except urllib.error.HTTPError as error:  # a 304 comes as one
        with error:
            return error.code, error.headers.get("ETag", ""), error.read()


def same_scores(bases: list[str], survey_id: int, key: str) -> dict[str, Any]:
    """Whether every instance serves the survey's scores with one ETag and one body, and
    answers 304 to the tag the other one gave (a dashboard's poll may reach either)."""
    path = f"/api/v1/surveys/{survey_id}/scores"
    answers = [get(base + path, key) for base in bases]
    tags = [tag for _, tag, _ in answers]
    bodies = [json.loads(body) for _, _, body in answers]
    others = zip(bases, tags[::-1], strict=True)
    crossed = [get(base + path, key, etag=tag)[0] for base, tag in others]
    return {
        "statuses": [status for status, _, _ in answers],
        "etags": tags,
        "same_etag": len(set(tags)) == 1 and bool(tags[0]),
        "same_bytes": len({body for _, _, body in answers}) == 1,
        "same_body": all(body == bodies[0] for body in bodies),
        "if_none_match_of_the_other": crossed,
        "snapshot": bodies[0].get("snapshot"),
    }


def settled(url: str, *, seconds: float = 1.0) -> int:
    """The stored responses once a ``seconds`` pass without a new one: a request in flight
    when ``wrk`` stopped is still being answered, and both instances must be read after it."""
    count = stored_responses(url)
    while True:
        time.sleep(seconds)
        now = stored_responses(url)
        if now == count:
            return count
        count = now


def at_once(jobs: list[Callable[[], Run]]) -> list[Run]:
    """Run the ``wrk`` jobs together, started at the same moment."""
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = [pool.submit(job) for job in jobs]
        return [future.result() for future in futures]


def measure(options: argparse.Namespace) -> dict[str, Any]:
    wrk = ensure_wrk()
    load_before = os.getloadavg()
    workers = options.workers or min(2 * (os.cpu_count() or 1) + 1, 8)
    with (
        tempfile.TemporaryDirectory() as folder,
        fresh_database(options.database, Path(folder), prefix="survey_bench_scale_out") as (
            service_url,
            _,
        ),
    ):
        env = {
            **os.environ,
            "SURVEY_DATABASE_URL": service_url,
            "SURVEY_SECRET_KEY": "bench",
            "SURVEY_PUBLIC_URL": PUBLIC_URL,
            "SURVEY_RATE_LIMIT_PER_MINUTE": "0",
            "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": "0",
            "SURVEY_COUNTERS_DIR": folder,
        }
        env.pop("SURVEY_SETTINGS", None)
        key = init_with_admin_key(env)
        body_file = Path(folder) / "body.json"
        body_file.write_text(submission_body())

        ports = [free_port(), free_port()]
        bases = [f"http://127.0.0.1:{port}" for port in ports]
        with ExitStack() as servers:
            pids = [
                servers.enter_context(
                    process(
                        service_command("serve", "--port", str(port), "--workers", str(workers)),
                        env,
                        f"{base}/healthz",
                    )
                )
                for port, base in zip(ports, bases, strict=True)
            ]
            survey = open_citizens_survey(bases[0], key)
            path = f"/api/v1/public/surveys/{survey['public_id']}/responses"

            def post(base: str, connections: int) -> Callable[[], Run]:
                salt = str(random.getrandbits(32))  # drawn here: each run ids of its own
                return lambda: run_wrk(
                    wrk,
                    base + path,
                    connections=connections,
                    seconds=options.seconds,
                    script=POST_JSON_LUA,
                    args=[str(body_file), salt],
                )

            # Warm every worker of both (imports, pools, caches) before anything counts.
            every_run = at_once([post(base, 8) for base in bases])

            rounds = []
            connections = options.connections
            for repeat in range(options.repeat):
                print(f"  round {repeat + 1}/{options.repeat} ...", flush=True)
                alone_base = bases[repeat % 2]  # the instances take turns being alone
                with cores_busy() as alone_cpu:
                    alone = post(alone_base, connections)()
                with cores_busy() as both_cpu:
                    both = at_once([post(base, connections) for base in bases])
                with cores_busy() as doubled_cpu:
                    doubled = post(alone_base, 2 * connections)()
                every_run += [alone, *both, doubled]
                total = sum(run.rate for run in both)
                rounds.append(
                    {
                        "alone_instance": repeat % 2,
                        "alone": asdict(alone) | {"rate": alone.rate},
                        "both": [asdict(run) | {"rate": run.rate} for run in both],
                        "both_sum_rate": total,
                        "one_at_double_connections": asdict(doubled) | {"rate": doubled.rate},
                        "cores_busy": {
                            "alone": round(alone_cpu["busy"], 3),
                            "both": round(both_cpu["busy"], 3),
                            "doubled": round(doubled_cpu["busy"], 3),
                        },
                        "sum_over_alone": total / alone.rate,
                        "sum_over_one_at_double_connections": total / doubled.rate,
                    }
                )
            memory_mib = [rss_mib(pid) for pid in pids]
            stored = settled(service_url)
            agreement = same_scores(bases, survey["id"], key)
    return {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine("postgresql", load_before=load_before[0])
        | {"load_average_before_1_5_15": load_before, "load_average_after": os.getloadavg()},
        "instances": 2,
        "workers_per_instance": workers,
        "connections_per_wrk": connections,
        "seconds_per_run": options.seconds,
        "repeats": options.repeat,
        "sum_over_alone": spread([r["sum_over_alone"] for r in rounds]),
        "sum_over_one_at_double_connections": spread(
            [r["sum_over_one_at_double_connections"] for r in rounds]
        ),
        "rounds": rounds,
        "memory_after_mib": memory_mib,
        "scores_agree": agreement,
        # Every 2xx that wrk counted, warm-up included; requests still in flight when a run
        # stops are stored but not counted, so stored may exceed accepted by a few.
        "accepted": sum(run.requests - run.errors for run in every_run),
        # At most one request per connection is in flight when a run stops: the warm-up's
        # 2 x 8, then C alone, 2 x C together and 2C doubled in each repeat.
        "in_flight_at_stops_at_most": 2 * 8 + options.repeat * 5 * options.connections,
        "stored": stored,
    }


def report(result: dict[str, Any]) -> None:
    rounds = result["rounds"]

    def median(pick: Callable[[dict[str, Any]], float]) -> float:
        return statistics.median(pick(r) for r in rounds)

    def row(name: str, measure: str, runs: Callable[[dict[str, Any]], list[Any]]) -> str:
        """Medians over the repeats; the rate summed over ``runs``, the latencies their worst."""
        rate = median(lambda r: sum(x["rate"] for x in runs(r)))
        p50 = median(lambda r: max(x["p50_ms"] for x in runs(r)))
        p99 = median(lambda r: max(x["p99_ms"] for x in runs(r)))
        busy = median(lambda r: r["cores_busy"][measure])
        errors = sum(run["errors"] for r in rounds for run in runs(r))
        return f"{name:<26}{rate:>16.0f}{p50:>9.0f}{p99:>9.0f}{errors:>8}{busy:>12.0%}"

    load = result["machine"]["load_average_before_1_5_15"]
    print(
        f"\nScale-out, PostgreSQL, 2 instances x {result['workers_per_instance']} workers, "
        f"{result['connections_per_wrk']} connections per wrk, "
        f"{result['seconds_per_run']} s x {result['repeats']} "
        f"({result['machine']['cpus']} cpus, load {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f})"
    )
    print("medians                     submissions/s   p50 ms   p99 ms  errors  cores busy")
    print(row("one instance alone", "alone", lambda r: [r["alone"]]))
    print(row("both: instance A", "both", lambda r: [r["both"][0]]))
    print(row("both: instance B", "both", lambda r: [r["both"][1]]))
    print(row("both: sum", "both", lambda r: r["both"]))
    print(row("one at 2x connections", "doubled", lambda r: [r["one_at_double_connections"]]))
    for label, name in (
        ("sum of both ÷ one alone", "sum_over_alone"),
        ("sum of both ÷ one at 2x connections", "sum_over_one_at_double_connections"),
    ):
        ratio = result[name]
        print(
            f"{label} (min / median / max): "
            f"{ratio['min']:.2f} / {ratio['median']:.2f} / {ratio['max']:.2f}"
        )
    agreement = result["scores_agree"]
    print(
        f"scores from both instances: same ETag {agreement['same_etag']}, same body "
        f"{agreement['same_body']} (same bytes {agreement['same_bytes']}), answers "
        f"{agreement['if_none_match_of_the_other']} to the other's tag"
    )
    print(
        f"accepted {result['accepted']}, stored {result['stored']} (requests in flight when "
        f"runs stopped: at most {result['in_flight_at_stops_at_most']})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", default=DEFAULT_SERVER, help=f"a PostgreSQL server URL ({DEFAULT_SERVER})"
    )
    parser.add_argument("--seconds", type=int, default=10, help="seconds per run (10)")
    parser.add_argument("--connections", type=int, default=8, help="connections per wrk (8)")
    parser.add_argument("--repeat", type=int, default=5, help="repeats (5)")
    parser.add_argument("--workers", type=int, help="gunicorn workers each (default: as serve)")
    options = parser.parse_args(argv)
    options.database = database_server(options.database)
    result = measure(options)
    report(result)
    target = save_results("scale-out-postgresql", result)
    print(f"written to {target.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
