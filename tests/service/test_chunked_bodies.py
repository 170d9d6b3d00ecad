"""Bodies without a length (``Transfer-Encoding: chunked``) against the real server (gunicorn).

The Flask test client does not send a body as a server receives it, so these run
``survey-service serve``: a chunked body over ``MAX_CONTENT_LENGTH`` gets 413 (the JSON error
on the API, a page on the form) and the client reads it, rather than a connection reset or a
body cut at the limit and parsed as if whole; a malformed chunked body is 400; a chunked body
within the limit is read whole. Nothing refused is stored.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from helpers import fresh_database

LIMIT = 1024 * 1024  # MAX_CONTENT_LENGTH's default


@dataclass
class Server:
    port: int
    admin: str
    database_url: str


@dataclass
class Running:
    """The server and a fresh open survey of the gathering's evaluation (one dice item, one
    text item)."""

    port: int
    public_id: str
    responses: Callable[[], int]


def _cli(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "survey_service", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _request(port: int, method: str, path: str, body=None, headers=None):
    """Send with http.client; a generator body goes chunked. (status, content type, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        chunked = body is not None and not isinstance(body, bytes)
        connection.request(method, path, body=body, headers=headers or {}, encode_chunked=chunked)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request, tmp_path_factory) -> Iterator[Server]:
    """``survey-service serve`` (one worker) on a fresh database of each backend."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    with fresh_database(request.param, tmp_path) as url:
        env = {**os.environ, "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "chunked-test"}
        _cli(env, "init")
        admin = _cli(env, "keys", "create", "--role", "admin", "--name", "ops").split()[-1]
        port = _free_port()
        log_path = tmp_path / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "survey_service", "serve", "--port", str(port)]
                + ["--workers", "1"],
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
            )
        try:
            _wait_until_up(port, process, log_path)
            yield Server(port, admin, url)
        finally:
            process.terminate()
            process.wait(timeout=30)
        assert "Traceback" not in log_path.read_text(), log_path.read_text()


@pytest.fixture
def running(server: Server) -> Iterator[Running]:
    survey_id, public_id = _open_survey(server.port, server.admin)
    engine = create_engine(server.database_url)

    def responses() -> int:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM response WHERE survey_id = :id")
            return int(connection.execute(query, {"id": survey_id}).scalar_one())

    try:
        yield Running(server.port, public_id, responses)
    finally:
        engine.dispose()


def _wait_until_up(port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if _request(port, "GET", "/healthz")[0] == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            raise AssertionError(log_path.read_text())
        time.sleep(0.2)


def _open_survey(port: int, admin: str) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
    body = {"municipality": "4601", "instrument": "samlingsevaluering", "audience": "mixed"}
    status, _, created = _request(
        port, "POST", "/api/v1/surveys", json.dumps({**body, "title": "T"}).encode(), headers
    )
    assert status == 201, created
    survey = json.loads(created)
    patch = json.dumps({"status": "open"}).encode()
    assert _request(port, "PATCH", f"/api/v1/surveys/{survey['id']}", patch, headers)[0] == 200
    return int(survey["id"]), str(survey["public_id"])


def _chunks(head: bytes, size: int, tail: bytes) -> Iterator[bytes]:
    yield head
    block = 64 * 1024
    for start in range(0, size, block):
        yield b"x" * min(block, size - start)
    yield tail


def _submission(text_size: int) -> Iterator[bytes]:
    head = (
        json.dumps({"submission_id": str(uuid.uuid4()), "answers": {"terningkast": 5}}).encode()[
            :-2
        ]
        + b', "viktigste_laerdom": "'
    )
    return _chunks(head, text_size, b'"}}')


JSON = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"}


@pytest.mark.parametrize("size", [LIMIT + 1, 5 * LIMIT])
def test_a_chunked_json_body_over_the_limit_is_413_json(running, size):
    path = f"/api/v1/public/surveys/{running.public_id}/responses"
    status, content_type, body = _request(running.port, "POST", path, _submission(size), JSON)
    assert status == 413, body[:300]
    assert content_type.startswith("application/json")
    error = json.loads(body)
    assert error["code"] == 413 and "larger than" in error["message"]
    assert running.responses() == 0


@pytest.mark.parametrize("size", [LIMIT + 1, 3 * LIMIT])
def test_a_chunked_form_over_the_limit_is_413_html(running, size):
    head = b"submission_id=" + str(uuid.uuid4()).encode() + b"&a.terningkast=5&a.viktigste_laerdom="
    status, content_type, body = _request(
        running.port, "POST", f"/s/{running.public_id}?lang=en", _chunks(head, size, b""), FORM
    )
    assert status == 413, body[:300]
    assert content_type.startswith("text/html")
    assert b"The answer is too long" in body
    assert running.responses() == 0


def test_a_chunked_body_within_the_limit_is_read_whole(running):
    path = f"/api/v1/public/surveys/{running.public_id}/responses"
    status, _, body = _request(running.port, "POST", path, _submission(1000), JSON)
    assert status == 201, body[:300]
    assert running.responses() == 1


@pytest.mark.parametrize(
    "path,content_type",
    [
        ("/api/v1/public/surveys/{}/responses", "application/json"),
        ("/s/{}", "application/x-www-form-urlencoded"),
    ],
)
def test_a_malformed_chunked_body_is_400(running, path, content_type):
    target = path.format(running.public_id)
    request = (
        f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        "zz\r\n{}\r\n0\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", running.port), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400"), answer[:300]
    assert running.responses() == 0
