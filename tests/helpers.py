"""Small helpers shared by the tests."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_ENV = "SURVEY_TEST_POSTGRES_URL"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_error(response: Any, status: int, *, message_contains: str | None = None) -> dict:
    """The response is the service's JSON error payload with ``status``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == status
    assert isinstance(body["message"], str) and body["message"]
    if message_contains is not None:
        assert message_contains in body["message"], body
    return body


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this run; dropped afterwards."""
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_ENV}, e.g. "
            "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        )
    name = f"survey_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def fresh_database(backend: str, tmp_dir: Any) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'survey-{uuid.uuid4().hex[:8]}.sqlite3'}"
    else:
        with fresh_postgres_database() as url:
            yield url


#: A survey as the tests create it unless told otherwise.
SURVEY_DEFAULTS = {
    "municipality": "4601",
    "instrument": "omdommetrappen",
    "audience": "citizens",
    "title": "Omdømmeundersøking 2026",
}


def create_survey(client: Any, key: str, **fields: Any) -> dict[str, Any]:
    """Create a survey through the API (201 asserted); fields override the defaults."""
    body = {**SURVEY_DEFAULTS, **fields}
    response = client.post("/api/v1/surveys", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    return dict(response.get_json())


def open_survey(client: Any, key: str, **fields: Any) -> dict[str, Any]:
    survey = create_survey(client, key, **fields)
    response = client.patch(
        f"/api/v1/surveys/{survey['id']}", json={"status": "open"}, headers=bearer(key)
    )
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def network_gathering(
    client: Any, key: str, participants: list[str], *, opened: bool = True, **fields: Any
) -> dict[str, Any]:
    """A gathering's evaluation (the dice) that the network runs for ``participants``,
    opened unless told otherwise; fields override the defaults."""
    body = {
        "organiser": {"kind": "network"},
        "participants": list(participants),
        "instrument": "samlingsevaluering",
        "audience": "mixed",
        "title": "Samlinga i Loen",
        **fields,
    }
    response = client.post("/api/v1/surveys", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    survey = dict(response.get_json())
    if not opened:
        return survey
    response = client.patch(
        f"/api/v1/surveys/{survey['id']}", json={"status": "open"}, headers=bearer(key)
    )
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def close_survey(client: Any, key: str, survey: dict[str, Any]) -> dict[str, Any]:
    response = client.patch(
        f"/api/v1/surveys/{survey['id']}", json={"status": "closed"}, headers=bearer(key)
    )
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def dice_survey(client: Any, key: str, **fields: Any) -> dict[str, Any]:
    """An open survey of the gathering's evaluation (one dice item, ``terningkast``)."""
    return open_survey(client, key, instrument="samlingsevaluering", audience="mixed", **fields)


#: A population of 600 women and 400 men, for surveys weighted by gender.
GENDER_MARGINS = {"gender": {"female": 600, "male": 400}}


def weighted_dice_survey(client: Any, key: str) -> dict[str, Any]:
    """A dice survey that asks for gender and is weighted to :data:`GENDER_MARGINS`."""
    return dice_survey(
        client, key, respondent_attributes={"gender": None}, population_margins=GENDER_MARGINS
    )


def dice(roll: int) -> float:
    """A dice roll on the 0-100 scale of the scores."""
    return (roll - 1) * 20.0


def read_scores(client: Any, key: str, survey: dict[str, Any], **query: Any) -> dict[str, Any]:
    """GET a survey's scores (200 asserted)."""
    url = f"/api/v1/surveys/{survey['id']}/scores"
    response = client.get(url, query_string=query, headers=bearer(key))
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def figure(scores: dict[str, Any], key: str) -> dict[str, Any]:
    """A dimension, index or item of a scores report by its key."""
    figures = scores["dimensions"] + scores["indices"] + scores["items"]
    return next(f for f in figures if f["key"] == key)


def answers_for(instrument_key: str, value: int | str = 4, **overrides: Any) -> dict[str, Any]:
    """An answer to every scored item of a bundled instrument (``value`` clipped to each scale),
    plus ``overrides`` (link id -> value)."""
    from survey_service.instruments import bundled

    instrument = bundled(instrument_key)
    answers: dict[str, Any] = {}
    for item in instrument.items:
        if item.scale is None or item.enable_when:
            continue
        low, high = item.scale
        answers[item.link_id] = value if isinstance(value, str) else min(max(value, low), high)
    answers.update(overrides)
    return answers


def submit(client: Any, survey: dict[str, Any], answers: dict[str, Any], **fields: Any) -> Any:
    body = {"submission_id": str(uuid.uuid4()), "answers": answers, **fields}
    return client.post(f"/api/v1/public/surveys/{survey['public_id']}/responses", json=body)


def count_responses(app: Any) -> int:
    """How many responses are stored, whatever the API says."""
    from sqlalchemy import func, select

    from survey_service.db import db
    from survey_service.models import Response

    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Response)) or 0)
