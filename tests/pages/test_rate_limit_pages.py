"""The limits on the respondent's pages: a busy page in the form's language, and the form's
"started" count kept from one client opening it again and again."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey_service.db import db
from survey_service.models import FormCounter

from helpers import answers_for, bearer, open_survey

CLIENT = "203.0.113.80"


def opened(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(FormCounter.opened), 0)))


def get_form(client, survey, *, address, query=""):
    return client.get(f"/s/{survey['public_id']}{query}", environ_base={"REMOTE_ADDR": address})


def assert_busy(response, dom, title, text):
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert int(response.headers["Retry-After"]) >= 1
    assert "Set-Cookie" not in response.headers
    page = dom(response)
    assert page.find("h1").text == title
    assert text in page.text


def fieldwork(client, admin, survey) -> dict:
    response = client.get(f"/api/v1/surveys/{survey['id']}/fieldwork", headers=bearer(admin))
    assert response.status_code == 200
    return dict(response.get_json())


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 3}])
def test_opening_the_form_too_often_is_a_busy_page_in_its_language(client, admin, dom):
    survey = open_survey(client, admin, default_language="nn")
    statuses = [get_form(client, survey, address=CLIENT).status_code for _ in range(3)]
    assert statuses == [200] * 3
    # No language asked for: the survey's own (Nynorsk).
    limited = get_form(client, survey, address=CLIENT)
    assert_busy(limited, dom, "Mange svarer akkurat no", "last inn sida på nytt")
    assert dom(limited).find("html").get("lang") == "nn"
    limited = get_form(client, survey, address=CLIENT, query="?lang=en")
    assert_busy(limited, dom, "Many people are answering right now", "load the page again")
    # Someone else opens it as usual.
    assert get_form(client, survey, address="198.51.100.20").status_code == 200


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 2}])
def test_posting_the_form_too_often_keeps_the_answers_in_the_browser(app, client, admin, dom):
    survey = open_survey(client, admin)
    url = f"/s/{survey['public_id']}?lang=en"
    answers = answers_for("omdommetrappen")
    data = {"language": "en", **{f"a.{k}": str(v) for k, v in answers.items()}}
    environ = {"REMOTE_ADDR": CLIENT}
    assert client.post(url, data={"language": "en"}, environ_base=environ).status_code == 422
    assert client.post(url, data=data, environ_base=environ).status_code == 201
    limited = client.post(url, data=data, environ_base=environ)
    assert_busy(limited, dom, "Many people are answering right now", "Your answers are not saved")
    # Withdrawing, too, is a request that counts.
    withdrawal = client.post(
        "/s/withdraw?lang=en", data={"receipt": "AAAA-AAAA-AAAA-AAAA"}, environ_base=environ
    )
    assert_busy(withdrawal, dom, "Many people are answering right now", "load the page again")
    # An unknown survey's page counts as well.
    assert client.get("/s/nosuchsurvey0000", environ_base=environ).status_code == 429


def test_one_client_opening_the_form_many_times_counts_once(app, client, admin):
    survey = open_survey(client, admin)
    for _ in range(200):
        response = get_form(client, survey, address=CLIENT)
        assert response.status_code == 200
    assert opened(app) == 1
    report = fieldwork(client, admin, survey)
    assert report["started"] == 0  # one opening, rounded down to a multiple of min_n (5)

    # Openings by other people still count, each once.
    for n in range(1, 10):
        for _ in range(3):
            get_form(client, survey, address=f"198.51.100.{n}")
    assert opened(app) == 10
    for n in range(1, 6):
        payload = {"submission_id": f"00000000-0000-4000-8000-00000000000{n}"}
        payload["answers"] = answers_for("omdommetrappen")
        response = client.post(
            f"/api/v1/public/surveys/{survey['public_id']}/responses",
            json=payload,
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        )
        assert response.status_code == 201
    report = fieldwork(client, admin, survey)
    assert report["started"] == 10 and report["responses"] == 5
    assert report["completion_rate"] == 0.5


def test_the_same_client_counts_once_per_survey_not_once_overall(app, client, admin):
    first, second = open_survey(client, admin), open_survey(client, admin)
    for survey in (first, second, first, second):
        assert get_form(client, survey, address=CLIENT).status_code == 200
    assert opened(app) == 2


@pytest.mark.parametrize(
    "app_config",
    [
        {
            "SURVEY_COUNTERS_DIR": "/nonexistent/counters",
            "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 1,
        }
    ],
)
def test_unusable_counters_limit_nothing_and_break_nothing(app, client, admin, caplog):
    survey = open_survey(client, admin)
    for _ in range(3):
        assert get_form(client, survey, address=CLIENT).status_code == 200
    assert opened(app) == 3  # every opening counts, as if there were no "seen" set
    assert "cannot be used, nothing is limited" in caplog.text
    assert CLIENT not in caplog.text
