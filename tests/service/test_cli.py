"""The command line: init, keys create, openapi."""

import subprocess
import sys

from click.testing import CliRunner

from survey_service.cli import main

from helpers import bearer


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
