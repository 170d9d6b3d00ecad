"""The client limit under a real gunicorn with several worker processes: one limit for all."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from survey_service import create_app
from survey_service.cli import run_init
from survey_service.db import db
from survey_service.services import rate_limit
from survey_service.services.shared_counters import SharedCounters, segment_name

from served import request, start_server

LIMIT = 6
SECRET = "gunicorn-test-secret"


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
    log_path = tmp_path / "served.log"
    name = segment_name(database_url=database_url, secret=SECRET)
    segment = SharedCounters(name, rate_limit.SHAPES, secret=SECRET, folder=tmp_path).path
    with start_server(env, workers=3, log=log_path) as server:
        # Many requests at once, each on a connection of its own: the sync workers take
        # them in turn, so they are spread over the three processes.
        path = "/api/v1/public/surveys/nosuchsurvey0000"
        with ThreadPoolExecutor(max_workers=9) as pool:
            answers = pool.map(lambda _: request(server, "GET", path, timeout=20), range(4 * LIMIT))
            statuses = [answer.status for answer in answers]
    assert sorted(statuses) == [404] * LIMIT + [429] * (3 * LIMIT)
    output = log_path.read_text()
    assert output.count(" 429 ") == 3 * LIMIT
    assert "127.0.0.1 " not in output.replace(f"http://127.0.0.1:{server.port}/", "")
    # The workers' one file of counters, where SURVEY_COUNTERS_DIR says, and no address in it.
    assert b"127.0.0.1" not in segment.read_bytes()
    assert bytes([127, 0, 0, 1]) not in segment.read_bytes()
