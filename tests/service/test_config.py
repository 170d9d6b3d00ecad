"""Configuration layers: defaults, settings file, environment, then the mapping passed in."""

import pytest

from survey_service import create_app
from survey_service.settings import ConfigurationError


def test_defaults_sqlite_in_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("SURVEY_DATABASE_URL", raising=False)
    monkeypatch.delenv("SURVEY_SETTINGS", raising=False)
    app = create_app({"SURVEY_SECRET_KEY": "x"})
    assert app.config["SURVEY_DATABASE_URL"].startswith("sqlite:///")
    assert app.config["SURVEY_DATABASE_URL"].endswith("instance/survey.sqlite3")
    assert app.config["SURVEY_MIN_N"] == 5
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_layers_override_in_order(monkeypatch, tmp_path):
    settings = tmp_path / "settings.py"
    settings.write_text("SURVEY_MIN_N = 7\nSURVEY_PUBLIC_URL = 'https://file.example'\n")
    monkeypatch.setenv("SURVEY_SETTINGS", str(settings))
    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://env.example")
    app = create_app({"SURVEY_DATABASE_URL": "sqlite://", "SURVEY_SECRET_KEY": "x"})
    assert app.config["SURVEY_MIN_N"] == 7  # from the file
    assert app.config["SURVEY_PUBLIC_URL"] == "https://env.example"  # environment over file
    app = create_app(
        {"SURVEY_DATABASE_URL": "sqlite://", "SURVEY_SECRET_KEY": "x", "SURVEY_MIN_N": 10}
    )
    assert app.config["SURVEY_MIN_N"] == 10  # the mapping over everything


@pytest.mark.parametrize("value", [2, 0, -1])
def test_min_n_never_below_three(value):
    with pytest.raises(ConfigurationError, match="at least 3"):
        create_app({"SURVEY_DATABASE_URL": "sqlite://", "SURVEY_MIN_N": value})


def test_bad_environment_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("SURVEY_MIN_N", "five")
    with pytest.raises(ConfigurationError, match="SURVEY_MIN_N='five'"):
        create_app({"SURVEY_DATABASE_URL": "sqlite://"})


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    from sqlalchemy import text

    from survey_service.db import db

    app = create_app(
        {"SURVEY_DATABASE_URL": f"sqlite:///{tmp_path / 'w.sqlite3'}", "SURVEY_SECRET_KEY": "x"}
    )
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.close()
        db.engine.dispose()


def test_the_readme_lists_every_configuration_variable():
    """Every environment variable the service reads has a row in the README's table."""
    from pathlib import Path

    from survey_service.settings import ENVIRONMENT

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    rows = {line.split("`")[1] for line in readme.splitlines() if line.startswith("| `SURVEY_")}
    read = {*ENVIRONMENT, "SURVEY_SETTINGS", "SURVEY_WORKERS", "SURVEY_COUNTERS_DIR"}
    assert read - rows == set()
