"""What the respondent keeps and what reads right: answers across the language switch, a form
of only the required questions, the same form sent twice, the survey's title in the page's
language, and a snippet that a strict host page can use."""

from __future__ import annotations

from sqlalchemy import select

from survey_service.db import db
from survey_service.models import Response

from helpers import answers_for, bearer, count_responses, open_survey


def hidden_fields(page) -> dict[str, str]:
    return {i.get("name"): i.get("value") or "" for i in page.find_all("input", type="hidden")}


def test_switching_language_keeps_the_answers(app, client, admin, dom):
    survey = open_survey(client, admin, instrument="partssamarbeid", audience="employees")
    url = f"/s/{survey['public_id']}?embed=1"
    page = dom(client.get(url + "&lang=nb"))
    data = {
        **hidden_fields(page),
        "a.fm_2": "4",
        "a.forventninger": "Meir openheit.",
        "r.role": "employee",
        "switch_language": "nn",  # the "Nynorsk" button of the form
    }
    response = client.post(url, data=data)
    # The same form, now in Nynorsk, with every answer; nothing checked, nothing stored.
    assert response.status_code == 200
    again = dom(response)
    assert again.find("html").get("lang") == "nn"
    assert again.find(class_="error-summary") is None
    assert "checked" in again.find("input", name="a.fm_2", value="4").attrs
    assert "checked" in again.find("input", name="r.role", value="employee").attrs
    assert again.find("textarea", name="a.forventninger").text == "Meir openheit."
    assert hidden_fields(again)["submission_id"] == data["submission_id"]
    assert hidden_fields(again)["language"] == "nn"
    assert "embed=1" in again.find("form", id="survey-form").get("action")
    assert count_responses(app) == 0

    # Sending it now stores the answers in Nynorsk.
    send = {**hidden_fields(again), "a.fm_2": "4", "r.role": "employee"}
    assert client.post(url, data=send).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Response.language)) == "nn"


def test_a_language_that_is_not_offered_is_just_a_submit(app, client, admin, dom):
    survey = open_survey(client, admin)
    url = f"/s/{survey['public_id']}"
    data = {**hidden_fields(dom(client.get(url))), "a.o_1": "4", "switch_language": "de"}
    data.update({f"a.{k}": str(v) for k, v in answers_for("omdommetrappen", 4).items()})
    assert client.post(url, data=data).status_code == 201


def test_only_the_required_question_answered_is_accepted(app, client, admin, dom):
    # The intro says only questions marked "Required" must be answered: the role here.
    survey = open_survey(client, admin, instrument="partssamarbeid", audience="employees")
    url = f"/s/{survey['public_id']}?lang=en"
    page = dom(client.get(url))
    response = client.post(url, data={**hidden_fields(page), "r.role": "employee"})
    assert response.status_code == 201, dom(response).find("main").text
    assert dom(response).find("h1").text == "Thank you for your answers!"
    assert count_responses(app) == 1


def test_nothing_answered_is_still_refused(app, client, admin, dom):
    survey = open_survey(client, admin, instrument="samlingsevaluering", audience="mixed")
    url = f"/s/{survey['public_id']}?lang=en"
    response = client.post(url, data=hidden_fields(dom(client.get(url))))
    assert response.status_code == 422
    assert count_responses(app) == 0


def test_the_same_form_sent_again_is_stored_once(app, client, admin, dom):
    """Back, then Send: the form carries the same submission id (static/form.js keeps it in
    the tab's history entry), and the service answers with the receipt it gave first."""
    survey = open_survey(client, admin)
    url = f"/s/{survey['public_id']}?lang=en"
    data = hidden_fields(dom(client.get(url)))
    data.update({f"a.{k}": str(v) for k, v in answers_for("omdommetrappen", 4).items()})
    first = client.post(url, data=data)
    assert first.status_code == 201
    data["a.o_1"] = "2"  # changed after going back
    second = client.post(url, data=data)
    assert second.status_code == 200
    page = dom(second)
    assert page.find(class_="receipt-code").text == dom(first).find(class_="receipt-code").text
    assert "already received the answers from this form" in page.find("main").text
    assert count_responses(app) == 1


def test_titles_in_each_language(client, admin, dom):
    survey = open_survey(
        client,
        admin,
        default_language="nb",
        title="Hva skaper omdømmet i Bergen?",
        titles={"nn": "Kva skaper omdømet i Bergen?"},
    )
    assert survey["titles"] == {"nn": "Kva skaper omdømet i Bergen?"}
    url = f"/s/{survey['public_id']}"

    nn = dom(client.get(url + "?lang=nn"))
    assert nn.find("h1").text == "Kva skaper omdømet i Bergen?"
    assert nn.find("h1").get("lang") is None  # in the page's language
    assert "Kva skaper omdømet i Bergen?" in nn.find("title").text

    # No English title: the Bokmål one, marked as Bokmål (WCAG 3.1.2, language of parts).
    en = dom(client.get(url + "?lang=en"))
    assert en.find("html").get("lang") == "en"
    assert en.find("h1").text == "Hva skaper omdømmet i Bergen?"
    assert en.find("h1").get("lang") == "nb"

    # Added later; the public API gives the title in the language asked for, and says which.
    changed = client.patch(
        f"/api/v1/surveys/{survey['id']}",
        json={"titles": {"nn": "Kva skaper omdømet i Bergen?", "en": "What shapes Bergen?"}},
        headers=bearer(admin),
    )
    assert changed.status_code == 200, changed.get_json()
    en = dom(client.get(url + "?lang=en"))
    assert en.find("h1").text == "What shapes Bergen?" and en.find("h1").get("lang") is None
    public = client.get(f"/api/v1/public/surveys/{survey['public_id']}?lang=en").get_json()
    assert (public["title"], public["title_language"]) == ("What shapes Bergen?", "en")


def test_titles_must_be_in_a_language_of_the_service(client, admin):
    response = client.post(
        "/api/v1/surveys",
        json={
            "municipality": "4601",
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": "Omdømme",
            "titles": {"de": "Ruf", "en": ""},
        },
        headers=bearer(admin),
    )
    assert response.status_code == 422
    assert "titles" in str(response.get_json())


def test_the_embed_snippet_needs_no_inline_style(client, admin):
    """A host page whose Content-Security-Policy forbids inline styles (style-src 'self')
    drops a style attribute, leaving a 300 px frame: the snippet sizes it with attributes."""
    survey = open_survey(client, admin)
    snippet = survey["links"]["embed_html"]
    assert "style=" not in snippet
    assert 'width="100%"' in snippet and 'height="900"' in snippet
    assert f'src="http://survey.test/s/{survey["public_id"]}?embed=1"' in snippet


def test_withdrawal_is_confirmed_first_and_refused_once_the_survey_has_closed(
    app, client, admin, dom
):
    survey = open_survey(client, admin)
    url = f"/s/{survey['public_id']}"
    data = hidden_fields(dom(client.get(url)))
    data.update({f"a.{k}": str(v) for k, v in answers_for("omdommetrappen", 4).items()})
    code = dom(client.post(url, data=data)).find(class_="receipt-code").text
    asked = dom(client.post("/s/withdraw?lang=en", data={"receipt": code, "lang": "en"}))
    confirm = hidden_fields(asked)
    assert confirm["confirm"] == "1" and count_responses(app) == 1

    # Closed between the two steps: the final figures hold the answers, nothing is deleted.
    closed = client.patch(
        f"/api/v1/surveys/{survey['id']}", json={"status": "closed"}, headers=bearer(admin)
    )
    assert closed.status_code == 200
    response = client.post("/s/withdraw?lang=en", data=confirm)
    assert response.status_code == 409
    assert "can no longer be withdrawn" in dom(response).by_id("receipt-error").text
    first_step = client.post("/s/withdraw?lang=en", data={"receipt": code, "lang": "en"})
    assert first_step.status_code == 409
    assert count_responses(app) == 1
