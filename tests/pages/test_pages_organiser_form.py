"""The form of a survey an organiser runs: the respondent chooses their municipality from a
list, first, without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import Response

from helpers import bearer

QUESTION = {
    "nb": "Hvilken kommune kommer du fra?",
    "nn": "Kva kommune kjem du frå?",
    "en": "Which municipality are you from?",
}


@pytest.fixture
def gathering(client, admin):
    body = {
        "organiser": {"kind": "network"},
        "participants": ["4601", "0301", "1101"],
        "instrument": "samlingsevaluering",
        "audience": "mixed",
        "title": "Samlinga i Loen",
    }
    survey = client.post("/api/v1/surveys", json=body, headers=bearer(admin)).get_json()
    url = f"/api/v1/surveys/{survey['id']}"
    client.patch(url, json={"status": "open"}, headers=bearer(admin))
    return survey


def hidden(page) -> dict[str, str]:
    return {i.get("name"): i.get("value") or "" for i in page.find_all("input", type="hidden")}


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_the_form_asks_which_municipality_first_as_a_list(client, dom, gathering, lang):
    page = dom(client.get(f"/s/{gathering['public_id']}?lang={lang}"))
    assert page.find(class_="municipality").text == "Saman om ein betre kommune"
    first = page.find_all("fieldset")[0]
    assert first.get("id") == "r-municipality"
    assert first.find(class_="question-text").text == QUESTION[lang]
    select_ = first.find("select")
    assert select_.get("name") == "r.municipality" and "required" in select_.attrs
    assert first.find("label").get("for") == select_.get("id") == "r-municipality-input"
    options = select_.find_all("option")
    assert options[0].get("value") == ""  # nothing chosen until the respondent chooses
    assert [(o.get("value"), o.text) for o in options[1:]] == [
        ("4601", "Bergen"),
        ("1101", "Eigersund"),
        ("0301", "Oslo"),
    ]


def test_a_form_without_the_municipality_is_refused_and_one_with_it_stored(
    app, client, dom, gathering
):
    url = f"/s/{gathering['public_id']}?lang=nn"
    page = dom(client.get(url))
    data = {**hidden(page), "a.terningkast": "5"}
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    again = dom(refused)
    summary = [a.get("href") for a in again.find(class_="error-summary").find_all("a")]
    assert "#r-municipality-input" in summary
    assert again.by_id("r-municipality").find(class_="error-message") is not None
    assert again.find("select").get("aria-invalid") == "true"

    data["r.municipality"] = "1101"
    stored = client.post(url, data={**hidden(again), **data})
    assert stored.status_code == 201, stored.get_data(as_text=True)[:500]
    with app.app_context():
        assert db.session.scalars(select(Response.municipality)).all() == ["1101"]
