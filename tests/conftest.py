"""Fixtures: the app on each database backend, a client, a CLI runner, and API keys.

Every test that takes ``app`` (or ``client``) runs once on SQLite and once on PostgreSQL.
PostgreSQL needs ``SURVEY_TEST_POSTGRES_URL`` (a server URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); each test run then creates a
database of its own and drops it at the end. Without the variable the PostgreSQL half is
skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import delete

from survey_service import create_app
from survey_service.database import Base
from survey_service.db import db

from helpers import fresh_database

BACKENDS = ["sqlite", "postgresql"]
# Rows kept between tests: the reference data that `init` loads.
KEPT_TABLES = {"municipality"}


@pytest.fixture(scope="session", autouse=True)
def counters_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The limits' shared counters of every app and served process of the run, in the run's
    temporary folder rather than /dev/shm, where they would outlive it."""
    folder = tmp_path_factory.mktemp("counters")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SURVEY_COUNTERS_DIR", str(folder))
        yield


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One initialised database per backend for the whole run (schema + reference data)."""
    from survey_service.cli import run_init

    with fresh_database(request.param, tmp_path_factory.mktemp(request.param)) as url:
        app = create_app(_test_config(url))
        run_init(app)
        with app.app_context():
            db.engine.dispose()
        yield url


def _test_config(url: str, **extra: Any) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SURVEY_DATABASE_URL": url,
        "SURVEY_SECRET_KEY": "test-secret",
        "SURVEY_PUBLIC_URL": "http://survey.test",
        # Every test client is 127.0.0.1: the tests of the limits turn this one on.
        "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 0,
        **extra,
    }


@pytest.fixture
def app_config() -> dict[str, Any]:
    """Extra configuration for ``app``; override in a module or with indirect parametrize."""
    return {}


@pytest.fixture
def app(database_url: str, app_config: dict[str, Any]) -> Iterator[Flask]:
    from survey_service.throttle import shared_counters

    app = create_app(_test_config(database_url, **app_config))
    yield app
    # Each test starts with fresh limits, and no run leaves its counters behind.
    shared_counters(app).path.unlink(missing_ok=True)
    with app.app_context():
        _clean(app)
        db.engine.dispose()


def _clean(app: Flask) -> None:
    """Remove what a test made, keep the reference data, and republish bundled instruments."""
    from survey_service.services.instrument_catalog import publish_bundled

    session = db.session
    session.rollback()
    for table in reversed(Base.metadata.sorted_tables):
        if table.name not in KEPT_TABLES:
            session.execute(delete(table))
    for _ in publish_bundled(session, actor="tests"):
        pass
    session.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def admin(make_key: Callable[..., str]) -> str:
    """An admin key."""
    return make_key("admin")


@pytest.fixture
def make_key(app: Flask) -> Callable[..., str]:
    """``make_key("admin")`` or ``make_key("municipality", "0301")`` -> the plain key."""
    from survey_service.services.keys import create_key

    def make(role: str, municipality: str | None = None, name: str = "test") -> str:
        with app.app_context():
            _, plain = create_key(
                db.session, role=role, municipality=municipality, name=name, actor="tests"
            )
            db.session.commit()
        return plain

    return make
