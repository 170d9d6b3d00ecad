"""Hostile posts to the respondent's form: an HTML page in the form's language with a 4xx,
never a 500 or a JSON error, and nothing stored.

NUL in any field (PostgreSQL cannot store it; SQLite would) re-renders the form with 422 and
the answers kept; a body that is not a form, or is too large, gets a message page.
"""

from __future__ import annotations

import io

import pytest

from helpers import count_responses, dice_survey

NUL_TEXT = {
    "nb": "Feil: Dette svaret kan ikke brukes. Sjekk det og prøv igjen.",
    "en": "Error: This answer cannot be used. Check it and try again.",
}


def _form(client, dom, survey, lang):
    url = f"/s/{survey['public_id']}?lang={lang}"
    page = dom(client.get(url))
    fields = {i.get("name"): i.get("value") or "" for i in page.find_all("input", type="hidden")}
    return url, fields


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_nul_in_an_answer_re_renders_the_form_with_the_answers_kept(app, client, admin, dom, lang):
    survey = dice_survey(client, admin)
    url, fields = _form(client, dom, survey, lang)
    posted = {**fields, "a.terningkast": "5", "a.viktigste_laerdom": "Godt\u0000 møte"}
    response = client.post(url, data=posted)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = dom(response)
    assert page.find("html").get("lang") == lang
    assert page.by_id("q-viktigste_laerdom-error").text == NUL_TEXT[lang]
    # Kept for correction, without the NUL; the form's own id kept, so a retry is one response.
    assert page.find("textarea", name="a.viktigste_laerdom").text == "Godt møte"
    assert "checked" in page.find("input", name="a.terningkast", value="5").attrs
    assert page.find("input", name="submission_id").get("value") == fields["submission_id"]
    assert count_responses(app) == 0


@pytest.mark.parametrize(
    "name,value",
    [
        ("a.terningkast", "5\u0000"),
        ("a.terningkast\u0000", "5"),
        ("r.role", "employee\u0000"),
        ("token", "abc\u0000"),
        ("submission_id", "\u0000"),
        ("language", "nb\u0000"),
        ("\u0000", "x"),
    ],
)
def test_nul_in_any_field_is_422_html_and_stores_nothing(app, client, admin, dom, name, value):
    survey = dice_survey(client, admin)
    url, fields = _form(client, dom, survey, "nb")
    response = client.post(url, data={**fields, "a.terningkast": "5", name: value})
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    assert dom(response).find(class_="error-summary") is not None
    assert count_responses(app) == 0


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("application/json", b'{"a.terningkast": "5"}'),
        ("text/plain", b"a.terningkast=5"),
        ("application/x-www-form-urlencoded", b"a.terningkast=%FF%FE"),
        ("multipart/form-data; boundary=x", b"--x\r\nbroken"),
        (None, b""),
    ],
)
def test_a_body_that_is_not_the_form_is_422_html_and_stores_nothing(
    app, client, admin, dom, content_type, body
):
    survey = dice_survey(client, admin)
    url = f"/s/{survey['public_id']}?lang=en"
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(url, data=body, headers=headers)
    assert response.status_code == 422, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    assert dom(response).find("html").get("lang") == "en"
    assert count_responses(app) == 0


def test_a_form_over_the_size_limit_is_a_413_page_in_its_language(app, client, admin, dom):
    survey = dice_survey(client, admin)
    url, fields = _form(client, dom, survey, "en")
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(url, data={**fields, "a.viktigste_laerdom": "x" * limit})
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    page = dom(response)
    assert page.find("h1").text == "The answer is too long"
    assert page.find("html").get("lang") == "en"
    assert count_responses(app) == 0


def test_a_streamed_form_over_the_size_limit_is_a_413_page(app, client, admin, dom):
    survey = dice_survey(client, admin)
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        f"/s/{survey['public_id']}?lang=nn",
        input_stream=io.BytesIO(b"a.viktigste_laerdom=" + b"x" * (2 * limit)),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert dom(response).find("h1").text == "Svaret er for langt"
    assert count_responses(app) == 0


@pytest.mark.parametrize("receipt", ["\u0000", "ABCD-\u0000", "x" * 10_000])
def test_a_hostile_receipt_on_the_withdrawal_page_is_a_4xx_page(client, receipt):
    response = client.post("/s/withdraw?lang=en", data={"receipt": receipt})
    assert response.status_code in (404, 422)
    assert response.mimetype == "text/html"
