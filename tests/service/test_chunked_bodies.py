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
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from helpers import fresh_database
from served import Server, create_key, open_survey, run_cli, start_server

LIMIT = 1024 * 1024  # MAX_CONTENT_LENGTH's default


@dataclass
class Served:
    server: Server
    admin: str
    database_url: str


@dataclass
class Running:
    """The server and a fresh open survey of the gathering's evaluation (one dice item, one
    text item)."""

    port: int
    public_id: str
    responses: Callable[[], int]


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
def served(request, tmp_path_factory) -> Iterator[Served]:
    """``survey-service serve`` (one worker) on a fresh database of each backend."""
    tmp_path = tmp_path_factory.mktemp(request.param)
    with fresh_database(request.param, tmp_path) as url:
        env = {**os.environ, "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "chunked-test"}
        run_cli(env, "init")
        admin = create_key(env, "admin", name="ops")
        with start_server(env, log=tmp_path / "server.log") as server:
            yield Served(server, admin, url)
        output = server.log.read_text()
        assert "Traceback" not in output, output


@pytest.fixture
def running(served: Served) -> Iterator[Running]:
    survey = open_survey(
        served.server, served.admin, instrument="samlingsevaluering", audience="mixed", title="T"
    )
    engine = create_engine(served.database_url)

    def responses() -> int:
        with engine.connect() as connection:
            query = text("SELECT count(*) FROM response WHERE survey_id = :id")
            return int(connection.execute(query, {"id": survey["id"]}).scalar_one())

    try:
        yield Running(served.server.port, survey["public_id"], responses)
    finally:
        engine.dispose()


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
