"""The access log of the real server (gunicorn) tells nothing about a respondent.

* No receipt code, anywhere: withdrawal by DELETE shows the path as
  /api/v1/public/responses/[receipt], and POST /api/v1/public/withdrawals and the HTML page
  carry the code in the body.
* No line for a successful submission or withdrawal: with its time to the second and the order
  in which responses are stored, it would give each response its exact time, which the
  service never stores (responses keep the date only). Refused requests are still logged.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from gunicorn.config import Config

from survey_service.access_log import (
    ACCESS_LOG_FORMAT,
    PrivateLogger,
    keep_receipts_out_of_app_logs,
    redact_receipts,
)

from helpers import answers_for
from served import Server, create_key, request, run_cli, start_server

# -- the attack against the real server ----------------------------------------------------

#: Sent with every request: the log must keep nothing of them.
CLIENT_HEADERS = {"User-Agent": "probe-agent/1.0", "Referer": "https://referrer.example/page"}


def _request(server: Server, method: str, path: str, **options: Any) -> tuple[int, bytes]:
    answer = request(server, method, path, headers=CLIENT_HEADERS, timeout=20, **options)
    return answer.status, answer.body


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[Server, str]]:
    """``survey-service serve`` on a free port and a fresh SQLite database; an admin key."""
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'survey.sqlite3'}",
        "SURVEY_SECRET_KEY": "access-log-test-secret",
    }
    run_cli(env, "init")
    admin = create_key(env, "admin", name="ops")
    with start_server(env, log=tmp_path / "server.log") as running:
        yield running, admin


def test_access_log_has_no_receipts_and_no_successful_respondent_writes(server):
    running, admin = server
    status, body = _request(
        running,
        "POST",
        "/api/v1/surveys",
        key=admin,
        json_body={
            "municipality": "4601",
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": "Omdømme 2026",
        },
    )
    assert status == 201, body
    survey = json.loads(body)
    status, body = _request(
        running, "PATCH", f"/api/v1/surveys/{survey['id']}", key=admin, json_body={"status": "open"}
    )
    assert status == 200, body
    public_id = survey["public_id"]
    submit_path = f"/api/v1/public/surveys/{public_id}/responses"

    def submit_json(submission_id: str | None = None, value: int = 4) -> tuple[int, dict]:
        payload = {
            "submission_id": submission_id or str(uuid.uuid4()),
            "answers": answers_for("omdommetrappen", value),
        }
        status, body = _request(running, "POST", submit_path, json_body=payload)
        return status, json.loads(body)

    # Three responses through the JSON API (one retried), one through the HTML form.
    first_id = str(uuid.uuid4())
    status, first = submit_json(first_id)
    assert status == 201 and first["withdraw_url"] == "/api/v1/public/withdrawals"
    assert submit_json(first_id) == (200, {**first, "created": False})  # a retry
    status, second = submit_json(value=2)
    assert status == 201
    status, third = submit_json(value=5)
    assert status == 201
    form = {"submission_id": str(uuid.uuid4()), "language": "nb"}
    form.update({f"a.{k}": str(v) for k, v in answers_for("omdommetrappen", 3).items()})
    status, page = _request(running, "POST", f"/s/{public_id}", form=form)
    assert status == 201, page
    match = re.search(rb'class="receipt-code"><strong>([^<]+)</strong>', page)
    assert match is not None
    from_form = match.group(1).decode()
    receipts = [first["receipt"], second["receipt"], third["receipt"], from_form]

    # Withdrawals: by DELETE (the code in the path, written as a client might), by POST with
    # the code in the body, and through the HTML page.
    written_as = first["receipt"].lower().replace("-", "")
    assert _request(running, "DELETE", f"/api/v1/public/responses/{written_as}")[0] == 204
    withdraw = "/api/v1/public/withdrawals"
    assert _request(running, "POST", withdraw, json_body={"receipt": second["receipt"]})[0] == 204
    # The page asks for a confirmation first, then deletes.
    assert _request(running, "POST", "/s/withdraw", form={"receipt": from_form})[0] == 200
    confirmed = {"receipt": from_form, "confirm": "1"}
    assert _request(running, "POST", "/s/withdraw", form=confirmed)[0] == 200

    # Refused: an invalid response, withdrawals of codes that no longer (or never) match.
    invalid = {"submission_id": str(uuid.uuid4()), "answers": {"no_such_item": 4}}
    assert _request(running, "POST", submit_path, json_body=invalid)[0] == 422
    assert _request(running, "DELETE", f"/api/v1/public/responses/{first['receipt']}")[0] == 404
    assert _request(running, "POST", withdraw, json_body={"receipt": second["receipt"]})[0] == 404
    assert _request(running, "POST", "/s/withdraw", form={"receipt": from_form})[0] == 404
    assert _request(running, "POST", withdraw, json_body={"receipt": ""})[0] == 422
    status, _ = _request(running, "GET", f"/api/v1/surveys/{survey['id']}/fieldwork", key=admin)
    assert status == 200

    output = running.stop()

    # No receipt code, in any spelling.
    squeezed = re.sub(r"[^A-Z0-9]", "", output.upper())
    for receipt in receipts:
        assert receipt not in output
        assert receipt.replace("-", "") not in squeezed
    assert written_as not in output
    # Nothing about the client either.
    assert "probe-agent" not in output and "referrer.example" not in output
    assert "127.0.0.1 -" not in output

    lines = output.splitlines()

    def logged(method: str, path: str, status: int) -> bool:
        return any(f" {method} {path} {status} " in line for line in lines)

    # No line for a stored or withdrawn response ...
    assert not logged("POST", submit_path, 201) and not logged("POST", submit_path, 200)
    assert not logged("POST", f"/s/{public_id}", 201)
    assert not logged("DELETE", "/api/v1/public/responses/[receipt]", 204)
    assert not logged("POST", withdraw, 204)
    assert not logged("POST", "/s/withdraw", 200)
    # Any 2xx status of the submit path (the status field, not a duration such as "2031ms").
    assert not any(f" {submit_path} 20" in line for line in lines)
    # ... but the refusals are there, the receipt written as [receipt].
    assert logged("POST", submit_path, 422)
    assert logged("DELETE", "/api/v1/public/responses/[receipt]", 404)
    assert logged("POST", withdraw, 404)
    assert logged("POST", withdraw, 422)
    assert logged("POST", "/s/withdraw", 404)
    # Everything else is logged as before.
    assert logged("POST", "/api/v1/surveys", 201)
    assert logged("PATCH", f"/api/v1/surveys/{survey['id']}", 200)
    assert logged("GET", f"/api/v1/surveys/{survey['id']}/fieldwork", 200)


# -- the logger class, for what the server cannot be made to do on demand (5xx) ---------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@dataclass
class _Response:
    status: str
    sent: int = 42
    headers: tuple[tuple[str, str], ...] = (("Location", "/api/v1/public/responses/K7QF"),)


def _logger() -> tuple[PrivateLogger, _Collect, _Collect]:
    cfg = Config()
    cfg.set("accesslog", "-")
    # Whatever the format asks for, the logger does not give it.
    cfg.set(
        "access_log_format", ACCESS_LOG_FORMAT + ' %(h)s "%(r)s" %(q)s %(a)s %(f)s %({x-real-ip}i)s'
    )
    logger = PrivateLogger(cfg)
    access, errors = _Collect(), _Collect()
    logger.access_log.addHandler(access)
    logger.error_log.addHandler(errors)
    return logger, access, errors


def _access(logger: PrivateLogger, method: str, path: str, status: str) -> None:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "RAW_URI": f"{path}?token=INVITE123",
        "QUERY_STRING": "token=INVITE123",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_USER_AGENT": "probe-agent/1.0",
        "HTTP_REFERER": "https://referrer.example/",
    }
    headers = [("User-Agent", "probe-agent/1.0"), ("X-Real-Ip", "203.0.113.9")]
    logger.access(_Response(status), headers, environ, timedelta(milliseconds=3))


RECEIPT = "K7QF-2M4D-X9AB-C3LP"
WRITES = [
    ("POST", "/api/v1/public/surveys/Ab3dEf6hIj9kLm0n/responses"),
    ("POST", "/api/v1/public/withdrawals"),
    ("DELETE", f"/api/v1/public/responses/{RECEIPT}"),
    ("DELETE", f"/api/v1/public//responses/{RECEIPT.lower()}/"),
    ("POST", "/s/Ab3dEf6hIj9kLm0n"),
    ("POST", "/s/withdraw"),
]


@pytest.mark.parametrize("method,path", WRITES)
@pytest.mark.parametrize("status", ["200 OK", "201 CREATED", "204 NO CONTENT", "303 SEE OTHER"])
def test_a_successful_respondent_write_is_not_logged(method, path, status):
    logger, access, _ = _logger()
    _access(logger, method, path, status)
    assert access.lines == []


@pytest.mark.parametrize("method,path", WRITES)
@pytest.mark.parametrize(
    "status", ["404 NOT FOUND", "409 CONFLICT", "422 UNPROCESSABLE ENTITY", "500 INTERNAL"]
)
def test_a_refused_or_failed_respondent_write_is_logged_without_the_receipt(method, path, status):
    logger, access, _ = _logger()
    _access(logger, method, path, status)
    assert len(access.lines) == 1
    line = access.lines[0]
    assert f" {status.split()[0]} 42 3ms" in line
    assert RECEIPT not in line.upper() and RECEIPT.replace("-", "") not in line.upper()
    for private in ("203.0.113.9", "probe-agent", "referrer.example", "INVITE123"):
        assert private not in line
    if "/responses/" in path and method == "DELETE":
        assert " DELETE /api/v1/public/responses/[receipt] " in line


@pytest.mark.parametrize(
    "method,path,status",
    [
        ("GET", "/s/Ab3dEf6hIj9kLm0n", "200 OK"),
        ("GET", "/api/v1/public/surveys/Ab3dEf6hIj9kLm0n", "200 OK"),
        ("POST", "/api/v1/surveys", "201 CREATED"),
        ("GET", "/healthz", "200 OK"),
    ],
)
def test_other_requests_are_logged_as_before(method, path, status):
    logger, access, _ = _logger()
    _access(logger, method, path, status)
    assert len(access.lines) == 1
    assert access.lines[0].split()[2:5] == [method, path, status.split()[0]]


@pytest.mark.parametrize(
    "text,shown",
    [
        (f"/api/v1/public/responses/{RECEIPT}", "/api/v1/public/responses/[receipt]"),
        ("//API/v1/public//Responses/k7qf2m4d/x", "/api/v1/public/responses/[receipt]"),
        (f"/api/v1/public/withdrawals/{RECEIPT}", "/api/v1/public/withdrawals/[receipt]"),
        (f"/s/withdraw/{RECEIPT}", "/s/withdraw/[receipt]"),
        (
            f"on /api/v1/public/responses/{RECEIPT} [DELETE]",
            "on /api/v1/public/responses/[receipt] [DELETE]",
        ),
        ("/api/v1/public/withdrawals", "/api/v1/public/withdrawals"),
        ("/api/v1/public/surveys/Ab3d/responses", "/api/v1/public/surveys/Ab3d/responses"),
        ("/api/v1/exports/responses", "/api/v1/exports/responses"),
        ("/s/withdraw", "/s/withdraw"),
    ],
)
def test_receipts_in_paths_are_redacted(text, shown):
    assert redact_receipts(text) == shown


def test_error_messages_hold_no_receipt(caplog):
    logger, _, errors = _logger()
    logger.error("Error handling request %s", f"/api/v1/public/responses/{RECEIPT}")
    logger.exception(
        "Error handling request %s %s", "DELETE", f"/api/v1/public/responses/{RECEIPT}"
    )
    assert errors.lines == [
        "Error handling request /api/v1/public/responses/[receipt]",
        "Error handling request DELETE /api/v1/public/responses/[receipt]",
    ]

    from survey_service import create_app

    app = create_app({"SURVEY_DATABASE_URL": "sqlite://", "SURVEY_SECRET_KEY": "x"})
    keep_receipts_out_of_app_logs(app)
    with caplog.at_level(logging.ERROR):
        # What Flask writes for an unhandled exception in a view.
        app.logger.error("Exception on /api/v1/public/responses/%s [DELETE]", RECEIPT)
    assert RECEIPT not in caplog.text
    assert "Exception on /api/v1/public/responses/[receipt] [DELETE]" in caplog.text
