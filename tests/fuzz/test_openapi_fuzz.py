"""Schemathesis against the real server: every operation of the committed OpenAPI document.

``survey-service serve`` (gunicorn) runs on a fresh database of each backend with a seeded
open survey and a closed one, and Schemathesis (examples, coverage and fuzzing phases, a fixed
seed and example budget) sends what the document allows and much that it does not, with a key
of each role. Every answer must be no 5xx, a documented status with a documented content type,
a body and headers that match the document. The document is the contract a generated client
trusts; this is the proof that the service keeps it.

The admin run leaves out ``DELETE /keys/{prefix}``: the fuzzer reads the prefixes from
``GET /keys`` and would revoke its own key halfway. That operation gets a run of its own, with
a key of its own, last.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from helpers import answers_for, fresh_database
from served import Server, create_key, request, run_cli, start_server

pytestmark = pytest.mark.fuzz

OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
SEED = 20261207
CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)


@dataclass(frozen=True)
class Run:
    """One Schemathesis run: whose key, how many examples per operation, which operations
    (``paths``: a regular expression; None for every operation but the revocation)."""

    name: str
    role: str
    max_examples: int
    phases: str = "examples,fuzzing"
    paths: str | None = None


# The whole document as admin, with the coverage phase (boundary and negative values of every
# parameter and field: about 1,400 requests whatever the budget). Each other role on the
# operations it may call, with a smaller budget (on the rest it gets 403, which the
# authorisation matrix checks cell by cell). The revocation last, with a key of its own.
RUNS = [
    Run("admin", "admin", 10, phases="examples,coverage,fuzzing"),
    Run("municipality", "municipality", 10, paths=r"^/api/v1/surveys"),
    Run("dashboard", "dashboard", 10, paths=r"^/api/v1/(scores|surveys/\{survey_id\}/scores)$"),
    Run(
        "analyst",
        "analyst",
        10,
        paths=r"^/api/v1/(scores|exports/\w+|surveys/\{survey_id\}/scores)$",
    ),
    Run("revoke", "admin", 10, phases="examples,coverage,fuzzing", paths=r"^/api/v1/keys/"),
]
REVOKE_PATH = "/api/v1/keys/{prefix}"


def _key(env: dict[str, str], role: str) -> str:
    municipality = "4601" if role == "municipality" else None
    return create_key(env, role, municipality, name=f"fuzz-{role}")


def _call(server: Server, method: str, path: str, key: str, body: Any = None) -> Any:
    answer = request(server, method, path, json_body=body, key=key)
    assert answer.status < 400, (method, path, answer.status, answer.body)
    return json.loads(answer.body or b"null")


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    """``survey-service serve`` on a free port and a fresh database, without a rate limit
    (the fuzzer would otherwise measure the limiter)."""
    with fresh_database(request.param, tmp_path) as url:
        env = {
            **os.environ,
            "SURVEY_DATABASE_URL": url,
            "SURVEY_SECRET_KEY": "fuzz-test-secret",
            "SURVEY_RATE_LIMIT_PER_MINUTE": "0",
        }
        run_cli(env, "init")
        with start_server(env, workers=2, log=tmp_path / "server.log") as running:
            yield running


def _seed(server: Server, admin: str) -> dict[str, list[Any]]:
    """An open survey with responses and a closed one (so scores, fieldwork and exports have
    something to show); the ids the fuzzer should sometimes use instead of random ones."""
    surveys = []
    for title in ("Omdømme 2025", "Omdømme 2026"):
        body = {
            "municipality": "4601",
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": title,
            "respondent_attributes": {"gender": None},
        }
        survey = _call(server, "POST", "/api/v1/surveys", admin, body)
        _call(server, "PATCH", f"/api/v1/surveys/{survey['id']}", admin, {"status": "open"})
        for value in (1, 2, 3, 4, 5, 4, 3):
            submission = {
                "submission_id": str(uuid.uuid4()),
                "answers": answers_for("omdommetrappen", value),
            }
            path = f"/api/v1/public/surveys/{survey['public_id']}/responses"
            _call(server, "POST", path, admin, submission)
        surveys.append(survey)
    _call(server, "PATCH", f"/api/v1/surveys/{surveys[0]['id']}", admin, {"status": "closed"})
    return {
        "survey_ids": [s["id"] for s in surveys],
        "public_ids": [s["public_id"] for s in surveys],
        "instrument_keys": ["omdommetrappen", "partssamarbeid"],
        "instrument_versions": ["1.0.0"],
        "municipality_numbers": ["4601", "0301"],
    }


def _config(path: Path, known: dict[str, list[Any]]) -> Path:
    """A Schemathesis configuration where path parameters are, half of the time, ids that
    exist (else the fuzzer's random ids would only ever meet 404)."""
    bindings = {
        "path.survey_id": "survey_ids",
        "path.public_id": "public_ids",
        "path.key": "instrument_keys",
        "path.version": "instrument_versions",
        "path.number": "municipality_numbers",
    }
    lines = []
    for name, values in known.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(values)}", ""]
    lines.append("[parameters]")
    for parameter, dictionary in bindings.items():
        lines.append(f'"{parameter}" = {{ dictionary = "{dictionary}", probability = 0.5 }}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _schemathesis(
    server: Server, run: Run, key: str, config: Path, report: Path
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    if run.paths is None:
        filters = ["--exclude-path", REVOKE_PATH]  # the only operation on its path
    else:
        filters = ["--include-path-regex", run.paths]
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        str(OPENAPI),
        "--url",
        server.base,
        "--header",
        f"Authorization: Bearer {key}",
        "--checks",
        CHECKS,
        "--phases",
        run.phases,
        "--max-examples",
        str(run.max_examples),
        "--seed",
        str(SEED),
        "--generation-database",
        "none",
        # One worker: the machine has two cores and the server needs them.
        "--workers",
        "1",
        "--request-timeout",
        "30",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *filters,
    ]
    # In the run's folder: Schemathesis keeps a cache in the working directory.
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=report.parent)
    summary = json.loads(report.read_text()) if report.exists() else {}
    return result, summary


def test_every_operation_keeps_the_openapi_contract(server: Server, tmp_path: Path) -> None:
    admin = _key(server.env, "admin")
    config = _config(tmp_path / "schemathesis.toml", _seed(server, admin))
    requests = 0
    problems = []
    timings = []
    for run in RUNS:
        started = time.monotonic()
        key = admin if run.name == "admin" else _key(server.env, run.role)
        report = tmp_path / f"{run.name}.json"
        result, summary = _schemathesis(server, run, key, config, report)
        generated = summary.get("test_cases", {}).get("generated", 0)
        requests += generated
        timings.append(f"{run.name} {generated} in {time.monotonic() - started:.0f} s")
        tested = summary.get("operations", {}).get("tested", 0)
        if result.returncode != 0 or summary.get("failures") or summary.get("errors"):
            problems.append(
                f"--- {run.name} ---\n{result.stdout[-12000:]}\n{result.stderr[-2000:]}"
            )
        elif run.paths is None:
            # Every operation but the revocation.
            assert tested == _operation_count() - 1, result.stdout[-3000:]
        else:
            assert tested > 0, result.stdout[-3000:]
    print(f"\nSchemathesis: {requests} requests ({', '.join(timings)})")
    assert not problems, "\n".join(problems) + "\n--- server log ---\n" + _log_tail(server)


def _operation_count() -> int:
    paths = json.loads(OPENAPI.read_text(encoding="utf-8"))["paths"]
    methods = {"get", "put", "post", "patch", "delete", "head", "options"}
    return sum(1 for operations in paths.values() for name in operations if name in methods)


def _log_tail(server: Server) -> str:
    return server.log.read_text(errors="replace")[-6000:]
