"""One JSON error payload for every error, and no stack trace in any of them."""

import re

import pytest
from flask import Flask

from helpers import assert_error

# What a Python stack trace or exception repr looks like.
TRACE = re.compile(r'Traceback|File "[^"]*", line \d+|\.py\b|[A-Za-z]+(Error|Exception)\(')


def _no_trace(body: dict) -> None:
    text = repr(body)
    assert not TRACE.search(text), f"a stack trace leaked into an error body: {text}"


def test_unknown_route_is_json_404(client):
    body = assert_error(client.get("/api/v1/no-such-thing"), 404)
    assert body["status"] == "Not Found"
    _no_trace(body)


def test_wrong_method_is_json_405(client):
    body = assert_error(client.delete("/api/v1/municipalities"), 405)
    _no_trace(body)


def test_body_over_the_size_limit_is_json_413(client, make_key):
    key = make_key("admin")
    big = b'{"x": "' + b"a" * (2 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/v1/instruments",
        data=big,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    body = assert_error(response, 413)
    _no_trace(body)


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1000}])
def test_size_limit_is_configurable(client, make_key):
    key = make_key("admin")
    response = client.post(
        "/api/v1/instruments",
        data=b'{"x": "' + b"a" * 2000 + b'"}',
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    assert_error(response, 413)


def test_malformed_json_is_422_naming_the_body(client, make_key):
    key = make_key("admin")
    response = client.post(
        "/api/v1/instruments",
        data=b'{"key": "x", ',
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    body = assert_error(response, 422, message_contains="not valid JSON")
    assert "json" in body["errors"]
    _no_trace(body)


def test_internal_error_is_json_500_without_trace(app: Flask):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals at /srv/app.py line 3")

    body = assert_error(app.test_client().get("/boom"), 500)
    assert "secret" not in repr(body)
    _no_trace(body)


def test_health_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
