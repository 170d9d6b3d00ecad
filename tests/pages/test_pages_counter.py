"""The form counter: every client's opening of the form counts once, under load, and never
breaks it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from survey_service.db import db
from survey_service.models import FormCounter
from survey_service.services import form_counter

from helpers import answers_for, bearer, open_survey, submit


def opened(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(FormCounter.opened), 0)))


def test_concurrent_openings_all_count(app, client, admin):
    survey = open_survey(client, admin)
    url = f"/s/{survey['public_id']}"

    def open_form(number: int) -> int:
        # Forty people: a client opening the form again counts once (test_rate_limit_pages).
        response = app.test_client().get(url, environ_base={"REMOTE_ADDR": f"10.1.0.{number}"})
        response.close()
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(open_form, range(40)))
    assert statuses == [200] * 40
    assert opened(app) == 40
    with app.app_context():
        rows = db.session.scalar(select(func.count()).select_from(FormCounter))
    assert 1 <= rows <= form_counter.STRIPES
    fieldwork = client.get(f"/api/v1/surveys/{survey['id']}/fieldwork", headers=bearer(admin))
    assert fieldwork.get_json()["started"] == 40


def test_a_failing_counter_does_not_break_the_form(app, client, admin, monkeypatch, caplog):
    survey = open_survey(client, admin)

    def broken(*args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("database is locked"))

    monkeypatch.setattr(form_counter, "count_opened", broken)
    response = client.get(f"/s/{survey['public_id']}")
    assert response.status_code == 200
    assert "<form" in response.get_data(as_text=True)
    assert "Could not count" in caplog.text
    assert opened(app) == 0


def test_pages_that_are_not_the_form_do_not_count(app, client, admin):
    survey = open_survey(client, admin, access="invitation")
    assert client.get(f"/s/{survey['public_id']}").status_code == 403
    client.get("/s/withdraw")
    assert opened(app) == 0


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_MINUTE": 1}])
def test_too_many_submissions_get_a_page_not_json(client, admin):
    survey = open_survey(client, admin)
    url = f"/s/{survey['public_id']}?lang=en"
    # Only accepted submissions count against the survey's ceiling: a refused one does not.
    assert client.post(url, data={"language": "en"}).status_code == 422
    accepted = submit(client, survey, answers_for("omdommetrappen"))
    assert accepted.status_code == 201
    response = client.post(url, data={"language": "en"})
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert "Many people are answering right now" in response.get_data(as_text=True)
    assert int(response.headers["Retry-After"]) >= 1
