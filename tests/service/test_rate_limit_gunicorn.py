"""The client limit under a real gunicorn with several worker processes: one limit for all."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from survey_service import create_app
from survey_service.cli import run_init
from survey_service.db import db
from survey_service.services import rate_limit
from survey_service.services.shared_counters import SharedCounters, segment_name

LIMIT = 6
SECRET = "gunicorn-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def wait_until_serving(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_the_client_limit_is_shared_by_all_workers(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'served.sqlite3'}"
    app = create_app({"SURVEY_DATABASE_URL": database_url, "SURVEY_SECRET_KEY": SECRET})
    run_init(app)
    with app.app_context():
        db.engine.dispose()
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": str(LIMIT),
        "SURVEY_COUNTERS_DIR": str(tmp_path),
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "served.log"
    name = segment_name(database_url=database_url, secret=SECRET)
    segment = SharedCounters(name, rate_limit.SHAPES, secret=SECRET, folder=tmp_path).path
    with open(log_path, "w") as log:
        command = ["serve", "--port", str(port), "--workers", "3"]
        server = subprocess.Popen(
            [sys.executable, "-m", "survey_service", *command],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        try:
            wait_until_serving(f"{base}/healthz", server)
            # Many requests at once, each on a connection of its own: the sync workers take
            # them in turn, so they are spread over the three processes.
            url = f"{base}/api/v1/public/surveys/nosuchsurvey0000"
            with ThreadPoolExecutor(max_workers=9) as pool:
                statuses = list(pool.map(lambda _: status_of(url), range(4 * LIMIT)))
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert sorted(statuses) == [404] * LIMIT + [429] * (3 * LIMIT)
    output = log_path.read_text()
    assert output.count(" 429 ") == 3 * LIMIT
    assert "127.0.0.1 " not in output.replace(f"http://127.0.0.1:{port}/", "")
    # The workers' one file of counters, where SURVEY_COUNTERS_DIR says, and no address in it.
    assert b"127.0.0.1" not in segment.read_bytes()
    assert bytes([127, 0, 0, 1]) not in segment.read_bytes()
