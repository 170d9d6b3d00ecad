"""Ingestion through the real server: a rush of distinct respondents, measured with ``wrk``.

    .venv/bin/python -m bench.ingestion                       # SQLite, a few minutes
    .venv/bin/python -m bench.ingestion --database postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    .venv/bin/python -m bench.ingestion --full                # longer runs, more repeats

``survey-service serve`` (gunicorn, the workers it would choose) runs on loopback against a
fresh database, and ``wrk`` (with ``bench/wrk/post_json.lua``) posts valid answers, each with a
submission id of its own, to ``POST /api/v1/public/surveys/{id}/responses``. Each figure is a
ratio against baselines measured in the same run, interleaved with it:

- the same server's ``GET /healthz`` (its cheapest request that touches the database), and
- ``bench/reference_app.py``: Flask under the same gunicorn and worker count, storing the same
  body as one row on a kept connection (the ceiling of this stack for an insert).

Each measure runs ``--repeat`` times at each of ``--connections``; the report gives min /
median / max of the ratios, the absolute rates, latency percentiles, errors, the servers'
memory, and the machine. The per-client and per-survey rate limits are off for the run (every
request comes from one address). Results go to ``bench/results/ingestion-<database>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench import reference_app
from bench.results_file import save_results

HERE = Path(__file__).resolve().parent
REPORT_LUA = HERE / "wrk" / "report.lua"
POST_JSON_LUA = HERE / "wrk" / "post_json.lua"
GET_LUA = HERE / "wrk" / "get.lua"


@dataclass(frozen=True)
class Run:
    """One ``wrk`` run's outcome."""

    requests: int
    seconds: float
    errors: int  # connect, read, write, timeouts and non-2xx/3xx answers
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


# --- wrk ----------------------------------------------------------------------------------


def ensure_wrk() -> str:
    """wrk from Debian's packages, installed when missing and this user may."""
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("Installing wrk (apt-get install wrk) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("wrk is needed: install it with 'apt-get install wrk' (Debian) and run again.")


def run_wrk(
    wrk: str, url: str, *, connections: int, seconds: int, script: Path, args: list[str]
) -> Run:
    """``wrk`` against ``url`` with ``script`` (report.lua appended) and its ``args``."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as combined:
        combined.write(script.read_text() + "\n" + REPORT_LUA.read_text())
    try:
        completed = subprocess.run(
            [
                wrk,
                f"--threads={min(connections, 2)}",
                f"--connections={connections}",
                f"--duration={seconds}s",
                "--timeout=10s",
                f"--script={combined.name}",
                url,
                "--",
                *args,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(combined.name)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")
    found = json.loads(line.removeprefix("WRK_RESULT "))
    return Run(
        requests=found["requests"],
        seconds=found["duration_us"] / 1e6,
        errors=sum(
            found[k]
            for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
        ),
        p50_ms=found["p50_us"] / 1000,
        p90_ms=found["p90_us"] / 1000,
        p99_ms=found["p99_us"] / 1000,
        max_ms=found["max_us"] / 1000,
    )


# --- the servers --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until_up(url: str, *, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with suppress(OSError):
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:.0f} s")


@contextmanager
def process(command: list[str], env: dict[str, str], health: str) -> Iterator[int]:
    """A server process, up once ``health`` answers 200; stopped (SIGTERM) afterwards."""
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_until_up(health)
        yield server.pid
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children (gunicorn's arbiter and workers)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        with suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                pending.extend(int(child) for child in children)
    return total / 1024


def service_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "survey_service", *args]


def api(base: str, method: str, path: str, key: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def init_with_admin_key(env: dict[str, str]) -> str:
    """``survey-service init`` on the database ``env`` names, then a new admin key."""
    subprocess.run(service_command("init"), env=env, check=True, capture_output=True)
    created = subprocess.run(
        service_command("keys", "create", "--role", "admin", "--name", "bench"),
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return created.stdout.strip().splitlines()[-1]


def open_citizens_survey(base: str, key: str) -> dict[str, Any]:
    """A citizens' survey of the staircase, created and opened through the API."""
    survey = api(
        base,
        "POST",
        "/api/v1/surveys",
        key,
        {
            "municipality": "4601",
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": "Innbyggerundersøkelse",
        },
    )
    opened: dict[str, Any] = api(
        base, "PATCH", f"/api/v1/surveys/{survey['id']}", key, {"status": "open"}
    )
    return opened


def submission_body() -> str:
    """A complete set of answers to the staircase for citizens, as a respondent sends them."""
    from survey_service.instruments import bundled

    instrument = bundled("omdommetrappen")
    answers: dict[str, Any] = {}
    for item in instrument.items_for("citizens"):
        if item.scale is not None and not item.enable_when:
            low, high = item.scale
            answers[item.link_id] = random.Random(item.link_id).randint(low, high)
    body = {"submission_id": "{{SUBMISSION_ID}}", "answers": answers, "language": "nb"}
    return json.dumps(body)


# --- the databases ------------------------------------------------------------------------


@contextmanager
def fresh_database(
    server: str | None, folder: Path, *, prefix: str = "survey_bench_ingestion"
) -> Iterator[tuple[str, str]]:
    """(the service's URL, the reference app's URL): a fresh database for the run (on
    PostgreSQL named ``prefix`` and a random suffix)."""
    if not server:
        yield f"sqlite:///{folder / 'service.sqlite3'}", f"sqlite:///{folder / 'ref.sqlite3'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = make_url(server).set(database=name)
        plain = url.set(drivername="postgresql")
        yield url.render_as_string(hide_password=False), plain.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def stored_responses(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM response")).scalar_one())
    finally:
        engine.dispose()


# --- the run ------------------------------------------------------------------------------


def spread(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def machine(database: str, *, load_before: float) -> dict[str, Any]:
    model = ""
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "load_average_before": load_before,
        "database": database,
    }


def measure(options: argparse.Namespace) -> dict[str, Any]:
    wrk = ensure_wrk()
    load_before = os.getloadavg()[0]
    workers = options.workers or min(2 * (os.cpu_count() or 1) + 1, 8)
    with (
        tempfile.TemporaryDirectory() as folder,
        fresh_database(options.database, Path(folder)) as (service_url, reference_url),
    ):
        env = {
            **os.environ,
            "SURVEY_DATABASE_URL": service_url,
            "SURVEY_SECRET_KEY": "bench",
            "SURVEY_RATE_LIMIT_PER_MINUTE": "0",
            "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": "0",
            "SURVEY_COUNTERS_DIR": folder,
            "REFERENCE_DATABASE_URL": reference_url,
        }
        env.pop("SURVEY_SETTINGS", None)
        key = init_with_admin_key(env)
        reference_app.create_table(reference_url)
        body_file = Path(folder) / "body.json"
        body_file.write_text(submission_body())

        port, reference_port = free_port(), free_port()
        base, reference = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{reference_port}"
        serve = service_command("serve", "--port", str(port), "--workers", str(workers))
        gunicorn = [
            sys.executable,
            "-m",
            "gunicorn",
            f"--workers={workers}",
            f"--bind=127.0.0.1:{reference_port}",
            "bench.reference_app:app",
        ]
        with (
            process(serve, env, f"{base}/healthz") as service_pid,
            process(gunicorn, env, f"{reference}/healthz") as reference_pid,
        ):
            survey = open_citizens_survey(base, key)
            submit_url = f"{base}/api/v1/public/surveys/{survey['public_id']}/responses"

            def post(url: str, connections: int) -> Run:
                salt = str(random.getrandbits(32))
                return run_wrk(
                    wrk,
                    url,
                    connections=connections,
                    seconds=options.duration,
                    script=POST_JSON_LUA,
                    args=[str(body_file), salt],
                )

            def get(url: str, connections: int) -> Run:
                return run_wrk(
                    wrk,
                    url,
                    connections=connections,
                    seconds=options.duration,
                    script=GET_LUA,
                    args=[],
                )

            # Warm every worker (imports, pools, caches) before anything counts.
            post(submit_url, 8)
            post(f"{reference}/responses", 8)
            stored_before = stored_responses(service_url)

            levels = []
            accepted = 0
            for connections in options.connections:
                runs: dict[str, list[Run]] = {"submit": [], "healthz": [], "reference": []}
                for repeat in range(options.repeat):
                    print(
                        f"  {connections} connections, round {repeat + 1}/{options.repeat} ...",
                        flush=True,
                    )
                    runs["healthz"].append(get(f"{base}/healthz", connections))
                    runs["submit"].append(post(submit_url, connections))
                    runs["reference"].append(post(f"{reference}/responses", connections))
                    accepted += runs["submit"][-1].requests - runs["submit"][-1].errors
                submit, health, ceiling = runs["submit"], runs["healthz"], runs["reference"]
                levels.append(
                    {
                        "connections": connections,
                        "submissions_per_healthz": spread(
                            [s.rate / h.rate for s, h in zip(submit, health, strict=True)]
                        ),
                        "submissions_per_reference": spread(
                            [s.rate / r.rate for s, r in zip(submit, ceiling, strict=True)]
                        ),
                        "runs": {
                            name: [asdict(r) | {"rate": r.rate} for r in found]
                            for name, found in runs.items()
                        },
                    }
                )
            memory = {"service_mib": rss_mib(service_pid), "reference_mib": rss_mib(reference_pid)}
        stored = stored_responses(service_url) - stored_before
    return {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine("postgresql" if options.database else "sqlite", load_before=load_before),
        "workers": workers,
        "seconds_per_run": options.duration,
        "repeats": options.repeat,
        "levels": levels,
        "memory_after": memory,
        # Every answered 2xx was stored (in-flight requests at a run's end may add a few).
        "accepted": accepted,
        "stored": stored,
    }


def report(result: dict[str, Any]) -> None:
    print(
        f"\nIngestion, {result['machine']['database']}, {result['workers']} workers, "
        f"{result['seconds_per_run']} s x {result['repeats']} per figure "
        f"({result['machine']['cpus']} cpus, load {result['machine']['load_average_before']:.1f})"
    )
    print(
        "conn  submissions/s  /healthz/s  reference/s  ÷ healthz (min/med/max)"
        "  ÷ reference (min/med/max)  p99 ms  errors"
    )
    for level in result["levels"]:
        runs = level["runs"]
        median = {name: statistics.median(r["rate"] for r in found) for name, found in runs.items()}
        p99 = statistics.median(r["p99_ms"] for r in runs["submit"])
        errors = sum(r["errors"] for r in runs["submit"])
        ratio_h, ratio_r = level["submissions_per_healthz"], level["submissions_per_reference"]
        print(
            f"{level['connections']:>4}  {median['submit']:>13.0f}  {median['healthz']:>10.0f}"
            f"  {median['reference']:>11.0f}  "
            f"{ratio_h['min']:.2f} / {ratio_h['median']:.2f} / {ratio_h['max']:.2f}"
            f"{'':>10}{ratio_r['min']:.2f} / {ratio_r['median']:.2f} / {ratio_r['max']:.2f}"
            f"{'':>10}{p99:>6.0f}  {errors}"
        )
    memory = result["memory_after"]
    print(
        f"memory after: service {memory['service_mib']:.0f} MiB, "
        f"reference {memory['reference_mib']:.0f} MiB; "
        f"accepted {result['accepted']}, stored {result['stored']}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", help="a PostgreSQL server URL (default: SQLite)")
    parser.add_argument("--full", action="store_true", help="20 s runs, 5 repeats")
    parser.add_argument("--duration", type=int, help="seconds per run (default 5; --full 20)")
    parser.add_argument("--repeat", type=int, help="runs per figure (default 3; --full 5)")
    parser.add_argument(
        "--connections",
        type=lambda raw: [int(x) for x in raw.split(",")],
        default=[1, 8, 32],
        help="comma-separated connection counts (default 1,8,32)",
    )
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: as serve)")
    options = parser.parse_args(argv)
    options.duration = options.duration or (20 if options.full else 5)
    options.repeat = options.repeat or (5 if options.full else 3)
    result = measure(options)
    report(result)
    target = save_results(f"ingestion-{result['machine']['database']}", result)
    print(f"written to {target.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
