"""The migrations build the schema the models describe, and take it down again."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import survey_service.models  # noqa: F401  (puts the tables on Base.metadata)
from survey_service import migrate
from survey_service.database import Base

from helpers import fresh_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


def _drift(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, Base.metadata)


def test_upgrade_matches_models_and_downgrade_empties(empty_engine):
    migrate.upgrade(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    # The equivalent of `alembic check`: a model change without a migration fails here.
    assert _drift(empty_engine) == []

    migrate.downgrade(empty_engine)
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}

    migrate.upgrade(empty_engine)
    assert _drift(empty_engine) == []


def test_alembic_command_line_round_trip(empty_engine, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    url = empty_engine.url.render_as_string(hide_password=False)
    for step in (["upgrade", "head"], ["downgrade", "base"]):
        result = subprocess.run(
            [sys.executable, "-m", "alembic", "-x", f"url={url}", *step],
            cwd=root,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
