"""Signing in through the real server (gunicorn): the key, the session cookie and the CSRF
tokens appear in no log line and no URL."""

from __future__ import annotations

import http.client
import os
import re
import urllib.parse
from pathlib import Path

from survey_service.dashboard import session as sessions

from served import Server, create_key, run_cli, start_server


def _call(
    server: Server, method: str, path: str, *, cookies: dict[str, str], form: dict | None = None
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name] = rest.split(";", 1)[0]
    return response


def test_no_key_cookie_or_token_in_the_log_or_a_url(tmp_path: Path):
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'survey.sqlite3'}",
        "SURVEY_SECRET_KEY": "dashboard-log-test-secret",
    }
    run_cli(env, "init")
    key = create_key(env, "municipality", "4601", name="bergen")
    secret = key.split("_", 2)[2]
    log = tmp_path / "server.log"
    cookies: dict[str, str] = {}
    locations = []
    with start_server(env, log=log) as server:
        page = _call(server, "GET", "/dashboard/sign-in", cookies=cookies)
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body).group(1).decode()
        wrong = _call(
            server,
            "POST",
            "/dashboard/sign-in",
            cookies=cookies,
            form={"csrf_token": token, "key": key + "x"},
        )
        assert wrong.status == 422
        page = _call(server, "GET", "/dashboard/sign-in", cookies=cookies)
        token = re.search(rb'name="csrf_token" value="([^"]+)"', page.body).group(1).decode()
        signed = _call(
            server,
            "POST",
            "/dashboard/sign-in",
            cookies=cookies,
            form={"csrf_token": token, "key": key},
        )
        assert signed.status == 303
        locations.append(signed.headers["Location"])
        session_token = cookies[sessions.COOKIE]
        landing = _call(server, "GET", "/dashboard", cookies=cookies)
        locations.append(landing.headers["Location"])
        own = _call(server, "GET", landing.headers["Location"], cookies=cookies)
        assert own.status == 200 and b"Bergen" in own.body
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', own.body).group(1).decode()
        out = _call(
            server, "POST", "/dashboard/sign-out", cookies=cookies, form={"csrf_token": csrf}
        )
        assert out.status == 303
        locations.append(out.headers["Location"])
        assert cookies[sessions.COOKIE] == ""  # cleared
    written = log.read_text(errors="replace")
    assert "POST /dashboard/sign-in" in written and "GET /dashboard/municipalities/4601" in written
    for secret_value in (key, secret, token, csrf, session_token):
        assert secret_value not in written
        assert all(secret_value not in location for location in locations)
