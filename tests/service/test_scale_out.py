"""Two instances of the real server (``survey-service serve``) against one PostgreSQL database,
as several machines behind a load balancer run it: what one stores, the other scores; both
publish the same figures under the same ETag, so a dashboard's poll may reach either; and a
submission retried through the other instance is stored once.

PostgreSQL only (``SURVEY_TEST_POSTGRES_URL``; the run's database, which the ``app`` fixture
cleans afterwards): SQLite is a file on one machine, which instances on several cannot
share.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Any

import pytest

from served import Answer, Server, open_survey, request, start_server

SECRET = "scale-out-secret"
MIN_N = 3
#: Both instances hand out this address in their links, as behind a balancer; the ETag hashes
#: every SURVEY_* setting, so instances configured alike agree on it.
PUBLIC_URL = "https://survey.example.org"


@pytest.fixture
def two_instances(database_url: str, admin: str, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    """Instances A and B on ports of their own against the run's database, configured alike."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite is one file on one machine: instances on several cannot share it")
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": database_url,
        "SURVEY_SECRET_KEY": SECRET,
        "SURVEY_PUBLIC_URL": PUBLIC_URL,
        "SURVEY_MIN_N": str(MIN_N),
    }
    with ExitStack() as servers:
        first, second = start_together(
            servers, [start_server(env, log=tmp_path / f"{name}.log") for name in "ab"]
        )
        yield first, second


def start_together(
    stack: ExitStack, starting: list[AbstractContextManager[Server]]
) -> list[Server]:
    """Enter the servers' contexts at once (each start waits for its ``/healthz``); each one
    started is stopped with ``stack``, also when another failed to start."""
    with ThreadPoolExecutor(max_workers=len(starting)) as pool:
        entering = [pool.submit(manager.__enter__) for manager in starting]
        wait(entering)
    for manager, entered in zip(starting, entering, strict=True):
        if entered.exception() is None:
            stack.push(manager)
    servers = [entered.result() for entered in entering]
    # Runs first on the way out: both stop at once (each context's own stop then finds its
    # server gone).
    stack.callback(stop_together, servers)
    return servers


def stop_together(servers: list[Server]) -> None:
    with ThreadPoolExecutor(max_workers=len(servers)) as pool:
        list(pool.map(Server.stop, servers))


def submit_roll(server: Server, survey: dict[str, Any], roll: int, submission_id: str) -> Answer:
    body = {"submission_id": submission_id, "answers": {"terningkast": roll}}
    path = f"/api/v1/public/surveys/{survey['public_id']}/responses"
    return request(server, "POST", path, json_body=body)


def scores(server: Server, key: str, survey: dict[str, Any]) -> Answer:
    answer = request(server, "GET", f"/api/v1/surveys/{survey['id']}/scores", key=key)
    assert answer.status == 200, answer.body
    return answer


def dice_figure(answer: Answer) -> dict[str, Any]:
    return next(f for f in answer.json()["dimensions"] if f["key"] == "terningkast")


def test_what_one_instance_stores_the_other_scores_with_the_same_etag(two_instances, admin):
    first, second = two_instances
    survey = open_survey(first, admin, instrument="samlingsevaluering", audience="mixed")

    # Three respondents through A: a snapshot of MIN_N, read through B.
    ids = [str(uuid.uuid4()) for _ in range(MIN_N)]
    for roll, submission_id in zip([6, 5, 4], ids, strict=True):
        assert submit_roll(first, survey, roll, submission_id).status == 201
    through_second = scores(second, admin, survey)
    assert through_second.json()["n"] == MIN_N
    assert dice_figure(through_second)["estimate"] == pytest.approx(80.0)  # (100 + 80 + 60) / 3

    # A retry through the other instance is the same submission: stored once, same receipt.
    first_receipt = submit_roll(first, survey, 6, ids[0]).json()["receipt"]
    again = submit_roll(second, survey, 6, ids[0])
    assert again.status == 200 and again.json()["created"] is False
    assert again.json()["receipt"] == first_receipt

    # Three more through B: A publishes them, and both answer alike.
    for roll in (3, 6, 5):
        assert submit_roll(second, survey, roll, str(uuid.uuid4())).status == 201
    read_first, read_second = scores(first, admin, survey), scores(second, admin, survey)
    assert read_first.json()["n"] == 2 * MIN_N
    assert dice_figure(read_first)["estimate"] == pytest.approx(460 / 6)  # 76.67
    assert read_first.json() == read_second.json()
    etag = read_first.headers["ETag"]
    assert etag and read_second.headers["ETag"] == etag

    # A dashboard's poll with the tag one instance gave is answered 304 by the other.
    for server in (first, second):
        poll = request(
            server,
            "GET",
            f"/api/v1/surveys/{survey['id']}/scores",
            key=admin,
            headers={"If-None-Match": etag},
        )
        assert poll.status == 304, poll.body
