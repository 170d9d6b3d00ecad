"""The database itself refuses a coded value the API would refuse (CHECK constraints).

Whatever writes to the tables (a script, a manual fix in SQL, a future code path that skips
the API's validation), a survey status, access kind, audience or language, an API key's role
or a response's language outside its vocabulary is an IntegrityError, on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_service.db import db
from survey_service.instruments import AUDIENCES, LANGUAGES
from survey_service.models import ApiKey, InstrumentVersion, Response, Survey
from survey_service.models.key import ROLES
from survey_service.models.survey import ACCESS_KINDS, SURVEY_STATUSES

# table, column, the values it may hold, a value it may not
CODES = [
    ("survey", "status", SURVEY_STATUSES, "archived"),
    ("survey", "access", ACCESS_KINDS, "public"),
    ("survey", "audience", AUDIENCES, "everyone"),
    ("survey", "default_language", LANGUAGES, "se"),
    ("api_key", "role", ROLES, "root"),
    ("response", "language", LANGUAGES, "de"),
]
IDS = [f"{table}.{column}" for table, column, _, _ in CODES]


def _valid_rows(session: Session) -> dict[str, int]:
    """One valid survey, API key and response, flushed but not committed: table -> id."""
    version = session.scalars(select(InstrumentVersion).order_by(InstrumentVersion.id)).first()
    assert version is not None, "the bundled instruments are published"
    survey = Survey(
        public_id="constraint-test",
        municipality_number="4601",
        instrument_version_id=version.id,
        audience="citizens",
        title="Constraints",
        default_language="nb",
        period="2026",
    )
    key = ApiKey(prefix="ck-test", secret_hash="0" * 64, role="admin", name="constraints")
    session.add_all([survey, key])
    session.flush()
    response = Response(
        survey_id=survey.id,
        submission_hash="1" * 64,
        receipt_hash="2" * 64,
        language="nb",
        submitted_on=datetime.now(UTC).date(),
        answers={},
        scores={},
    )
    session.add(response)
    session.flush()
    return {"survey": survey.id, "api_key": key.id, "response": response.id}


@contextmanager
def rolled_back(app) -> Iterator[Session]:
    """The app's session, rolled back afterwards whatever happened."""
    with app.app_context():
        session = db.session
        try:
            yield session
        finally:
            session.rollback()


def _set(session: Session, table: str, column: str, value: str, row_id: int) -> None:
    session.execute(
        text(f"UPDATE {table} SET {column} = :value WHERE id = :id"), {"value": value, "id": row_id}
    )


@pytest.mark.parametrize(("table", "column", "allowed", "invalid"), CODES, ids=IDS)
def test_an_invalid_code_written_with_sql_is_refused(app, table, column, allowed, invalid):
    with rolled_back(app) as session:
        row_id = _valid_rows(session)[table]
        with pytest.raises(IntegrityError) as refused:
            _set(session, table, column, invalid, row_id)
        # The constraint is named by the metadata's convention: ck_<table>_<column>.
        assert f"ck_{table}_{column}" in str(refused.value.orig)


@pytest.mark.parametrize(("table", "column", "allowed", "invalid"), CODES, ids=IDS)
def test_every_code_of_the_vocabulary_is_accepted(app, table, column, allowed, invalid):
    with rolled_back(app) as session:
        row_id = _valid_rows(session)[table]
        for value in allowed:
            _set(session, table, column, value, row_id)
        stored = session.execute(
            text(f"SELECT {column} FROM {table} WHERE id = :id"), {"id": row_id}
        ).scalar_one()
        assert stored == allowed[-1]


def test_an_insert_with_an_invalid_role_is_refused(app):
    with rolled_back(app) as session:
        with pytest.raises(IntegrityError):
            session.execute(
                text(
                    "INSERT INTO api_key (prefix, secret_hash, role, name, created_at) "
                    "VALUES ('ck-insert', :secret, 'superuser', 'constraints', "
                    "CURRENT_TIMESTAMP)"
                ),
                {"secret": "0" * 64},
            )
        session.rollback()
        assert session.scalars(select(ApiKey).where(ApiKey.prefix == "ck-insert")).first() is None
