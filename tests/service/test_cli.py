"""The command line: init, keys create, openapi."""

import os
import subprocess
import sys

from click.testing import CliRunner

from survey_service.cli import main

from helpers import bearer
from served import create_key, open_survey, request, run_cli, start_server


def test_keys_create_prints_the_key_on_the_last_line(app, client, monkeypatch):
    monkeypatch.setenv("SURVEY_DATABASE_URL", app.config["SURVEY_DATABASE_URL"])
    monkeypatch.setenv("SURVEY_SECRET_KEY", "test-secret")
    result = CliRunner().invoke(main, ["keys", "create", "--role", "admin", "--name", "ops"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("svk_")
    response = client.get("/api/v1/municipalities/5001", headers=bearer(key))
    assert response.get_json()["name"] == "Trondheim"
    assert client.get("/api/v1/surveys", headers=bearer(key)).status_code == 200


def test_keys_create_explains_a_bad_municipality(app, monkeypatch):
    monkeypatch.setenv("SURVEY_DATABASE_URL", app.config["SURVEY_DATABASE_URL"])
    result = CliRunner().invoke(main, ["keys", "create", "--role", "municipality"])
    assert result.exit_code != 0
    assert "--municipality" in result.output
    result = CliRunner().invoke(
        main, ["keys", "create", "--role", "municipality", "--municipality", "9999"]
    )
    assert result.exit_code != 0 and "9999" in result.output


def test_init_is_safe_to_run_again(app, monkeypatch):
    monkeypatch.setenv("SURVEY_DATABASE_URL", app.config["SURVEY_DATABASE_URL"])
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0, result.output
    assert "0 added" in result.output
    assert "already published, unchanged" in result.output


def test_min_n_below_three_is_refused_with_advice(monkeypatch, tmp_path):
    monkeypatch.setenv("SURVEY_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("SURVEY_MIN_N", "2")
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code != 0
    assert "SURVEY_MIN_N" in result.output and "at least 3" in result.output


def test_console_script_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "survey_service", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    for command in ("init", "serve", "demo", "keys", "openapi"):
        assert command in result.stdout


def test_access_log_records_nothing_about_the_respondent():
    from survey_service.cli import gunicorn_options

    options = gunicorn_options("127.0.0.1", 8000, 2)
    assert options["bind"] == "127.0.0.1:8000"
    log_format = options["access_log_format"]
    # client address, user agent, referrer, request line and query string (tokens)
    for field in ("%(h)s", "%(a)s", "%(f)s", "%(r)s", "%(q)s", "{"):
        assert field not in log_format


def test_serve_logs_no_address_or_token(tmp_path):
    """A real gunicorn serving a request with a token in the query string."""
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}",
        "SURVEY_SECRET_KEY": "x",
    }
    with start_server(env, log=tmp_path / "out.log") as server:
        assert request(server, "GET", "/healthz?token=SECRET123").status == 200
        output = server.stop()
    assert "GET /healthz 200" in output
    assert "SECRET123" not in output and "127.0.0.1 -" not in output
    assert "Python-urllib" not in output


def test_serve_hands_out_links_to_the_address_it_binds(tmp_path):
    """Without SURVEY_PUBLIC_URL, the forms' links are on the port served; with it, on it."""
    env = {
        **os.environ,
        "SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}",
        "SURVEY_SECRET_KEY": "x",
    }
    env.pop("SURVEY_PUBLIC_URL", None)
    run_cli(env, "init")
    admin = create_key(env, "admin")
    with start_server(env, log=tmp_path / "derived.log") as server:
        links = open_survey(server, admin)["links"]
        output = server.stop()
    assert links["form"].startswith(f"{server.base}/s/")
    assert f'src="{server.base}/embed.js"' in links["embed_html"]
    assert f"Serving on {server.base}/" in output

    env["SURVEY_PUBLIC_URL"] = "https://survey.example.no"
    with start_server(env, log=tmp_path / "set.log") as server:
        links = open_survey(server, admin)["links"]
        output = server.stop()
    assert links["form"].startswith("https://survey.example.no/s/")
    assert links["api"].startswith("https://survey.example.no/api/v1/public/surveys/")
    assert "reached as https://survey.example.no/" in output
