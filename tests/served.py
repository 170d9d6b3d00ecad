"""The real server for tests: ``survey-service serve`` (gunicorn) on a free port.

For what the Flask test client cannot show: the access log, bodies as a server receives them,
several worker processes, a crash. ``start_server`` runs it in a process group of its own and
always stops the whole group; ``request`` talks to it as any HTTP client would.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpers import SURVEY_DEFAULTS

#: How long the server may take to answer ``/healthz`` after it is started.
STARTUP_TIMEOUT = 60.0
#: How long SIGTERM has to stop the server before SIGKILL does.
STOP_GRACE = 30.0


class NoAnswer(Exception):
    """The connection was refused or dropped: only while the server is down."""


class Hang(AssertionError):
    """No answer within the client's timeout: the test fails."""


@dataclass
class Answer:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Server:
    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> str:
        """SIGTERM to the master and every worker, SIGKILL after a grace period; what the
        server wrote."""
        if self.process.poll() is None:
            self._signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """A crash: the master and every worker at once, mid-request."""
        self._signal(signal.SIGKILL)
        self.process.wait(timeout=STOP_GRACE)

    def _signal(self, number: signal.Signals) -> None:
        try:
            os.killpg(self.process.pid, number)
        except ProcessLookupError:
            pass  # already gone, workers and all


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_cli(env: dict[str, str], *args: str, timeout: float = 180) -> str:
    """``survey-service ARGS`` (exit status 0 asserted); what it printed."""
    result = subprocess.run(
        [sys.executable, "-m", "survey_service", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def create_key(
    env: dict[str, str], role: str, municipality: str | None = None, *, name: str = "tests"
) -> str:
    """A new API key by ``survey-service keys create`` (which prints it on its last line)."""
    extra = [] if municipality is None else ["--municipality", municipality]
    output = run_cli(env, "keys", "create", "--role", role, "--name", name, *extra)
    return output.strip().splitlines()[-1]


@contextmanager
def start_server(env: dict[str, str], *, log: Path, workers: int = 1) -> Iterator[Server]:
    """``survey-service serve`` with ``env``, its output appended to ``log`` (a restart keeps
    what the first run wrote); yields once ``/healthz`` answers, stops it on the way out."""
    port = free_port()
    with open(log, "ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "survey_service", "serve", "--port", str(port)]
            + ["--workers", str(workers)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group, to stop it whole
        )
    server = Server(port, env, log, process)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        server.stop()


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        try:
            if request(server, "GET", "/healthz", timeout=2).status == 200:
                return
        except (NoAnswer, Hang):
            pass
        if time.monotonic() > deadline or server.process.poll() is not None:
            raise AssertionError(server.log.read_text(errors="replace"))
        time.sleep(0.2)


def request(
    server: Server,
    method: str,
    path: str,
    *,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    key: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 30,
) -> Answer:
    """One request; an error status is an answer like any other. Raises ``NoAnswer`` when
    the connection is refused or dropped, ``Hang`` when no answer comes within ``timeout``."""
    sent = dict(headers or {})
    data = None
    if json_body is not None:
        data = json.dumps(json_body).encode()
        sent["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    if key:
        sent["Authorization"] = f"Bearer {key}"
    outgoing = urllib.request.Request(server.base + path, data=data, method=method, headers=sent)
    try:
        with urllib.request.urlopen(outgoing, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read())
    except (OSError, http.client.HTTPException) as error:
        reason = getattr(error, "reason", error)
        if isinstance(error, TimeoutError) or isinstance(reason, TimeoutError):
            raise Hang(f"{method} {path}: no answer within {timeout} s") from error
        raise NoAnswer(f"{method} {path}: {error!r}") from error


def open_survey(server: Server, key: str, **fields: Any) -> dict[str, Any]:
    """Create a survey and open it (201 and 200 asserted); fields override the defaults."""
    body = {**SURVEY_DEFAULTS, **fields}
    created = request(server, "POST", "/api/v1/surveys", json_body=body, key=key)
    assert created.status == 201, created.body
    survey_id = created.json()["id"]
    opened = request(
        server, "PATCH", f"/api/v1/surveys/{survey_id}", json_body={"status": "open"}, key=key
    )
    assert opened.status == 200, opened.body
    return dict(opened.json())
