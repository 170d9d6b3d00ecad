"""The respondent's HTML form, through HTTP as a browser would use it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey_service.db import db
from survey_service.instruments import UI_LABELS, bundled, render
from survey_service.models import FormCounter, Response

from helpers import answers_for, bearer, count_responses, open_survey


def form_fields(page) -> dict[str, str]:
    """What the browser would post without the respondent touching anything (hidden fields)."""
    return {i.get("name"): i.get("value") or "" for i in page.find_all("input", type="hidden")}


def filled(page, answers: dict, respondent: dict | None = None) -> dict[str, str]:
    data = form_fields(page)
    data.update({f"a.{k}": str(v) for k, v in answers.items()})
    data.update({f"r.{k}": v for k, v in (respondent or {}).items()})
    return data


def assert_no_cookie(response) -> None:
    assert "Set-Cookie" not in response.headers, response.headers


@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_form_in_each_language(client, admin, dom, lang):
    survey = open_survey(client, admin, instrument="omdommetrappen", title="Omdømme 2026")
    response = client.get(f"/s/{survey['public_id']}?lang={lang}&embed=1")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert_no_cookie(response)
    page = dom(response)
    assert page.find("html").get("lang") == lang
    assert page.find("h1").text == "Omdømme 2026"
    assert "Omdømme 2026" in page.find("title").text
    assert page.find(class_="municipality").text.startswith("Bergen")

    expected = render(bundled("omdommetrappen"), lang, audience="citizens")
    assert expected["introduction"] in page.find(class_="introduction").text
    items = [item for group in expected["groups"] for item in group["item"]]
    for item in items:
        fieldset = page.by_id(f"q-{item['linkId']}")
        assert fieldset is not None and fieldset.tag == "fieldset", item["linkId"]
        assert fieldset.find("legend").find(class_="question-text").text == item["text"]
        if item.get("dontKnow"):
            labels = [label.text for label in fieldset.find_all("label")]
            assert UI_LABELS["dont_know"][lang] in labels

    # Every control has a label that names it (for=id), and every id is unique.
    ids = [n.get("id") for n in page.iter() if n.get("id")]
    assert len(ids) == len(set(ids))
    label_for = {label.get("for") for label in page.find_all("label")}
    for control in page.find_all("input") + page.find_all("textarea"):
        if control.get("type") != "hidden":
            assert control.get("id") in label_for, control

    # Progress: every part says where it is ("Del 2 av 6" ...), the top says how many.
    parts = page.find_all(class_="part-number")
    total = len(expected["groups"]) + (1 if expected["respondent"] else 0)
    pattern = "Part {n} of {total}" if lang == "en" else "Del {n} av {total}"
    assert [p.text for p in parts] == [
        pattern.format(n=n, total=total) for n in range(1, total + 1)
    ]
    overview = {"nb": "deler og", "nn": "delar og", "en": "parts and"}[lang]
    questions = len(items) + len(expected["respondent"])
    assert f"{total} {overview} {questions}" in page.find(class_="note").text

    # The language switch posts the form (so the answers come along; the form's action keeps
    # embedding) and marks the current language; Enter in a field still sends the form.
    switch = page.find("nav", class_="language-switch")
    buttons = switch.find_all("button")
    assert [b.get("value") for b in buttons] == [c for c in ("nb", "nn", "en") if c != lang]
    assert {(b.get("form"), b.get("name")) for b in buttons} == {("survey-form", "switch_language")}
    assert switch.find(aria_current="true").get("lang") == lang
    assert "embed=1" in page.find("form", id="survey-form").get("action")
    default = page.find("button", form="survey-form")
    assert "hidden" in default.attrs and default.get("name") is None


def test_required_items_are_marked_in_text(client, admin, dom):
    survey = open_survey(client, admin, instrument="partssamarbeid", audience="employees")
    page = dom(client.get(f"/s/{survey['public_id']}?lang=nn"))
    role = page.by_id("r-role")
    assert role.find("legend").find(class_="required").text == "(Obligatorisk)"
    # "prefer not to say" is offered for every attribute
    assert "Vil ikkje svare" in [label.text for label in role.find_all("label")]
    # The condition on role is spelled out in the hint of the item that depends on it.
    hint = page.by_id("q-tv_involvering-hint").text
    assert hint.startswith("Svar berre dersom du svarte «Tillitsvald» eller «Verneombod»")
    # the 1–10 rating shows its end labels; the text item is a labelled textarea with maxlength
    assert (
        "1 tyder «Særs dårleg», 10 tyder «Særs godt»." in page.by_id("q-samlet_vurdering-hint").text
    )
    textarea = page.find("textarea", name="a.forventninger")
    assert textarea.get("maxlength") == "2000"
    assert page.find("label", for_=textarea.get("id")).text == "Svaret ditt"


def test_dice_and_text_items(client, admin, dom):
    survey = open_survey(client, admin, instrument="samlingsevaluering", audience="mixed")
    page = dom(client.get(f"/s/{survey['public_id']}?lang=en"))
    dice = page.by_id("q-terningkast")
    assert [i.get("value") for i in dice.find_all("input")] == ["1", "2", "3", "4", "5", "6"]
    assert "Not useful at all" in dice.find("label", for_="q-terningkast-0").text
    assert "(Required)" in dice.find("legend").text


def test_security_headers_and_csp(client, admin):
    origins = ["https://www.bergen.kommune.no", "https://bergen.kommune.no"]
    survey = open_survey(client, admin, embed_origins=origins)
    response = client.get(f"/s/{survey['public_id']}")
    csp = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["frame-ancestors"].split() == origins
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["form-action"] == "'self'" and directives["base-uri"] == "'none'"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    # no inline script or style anywhere (the CSP would block them)
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html and " style=" not in html
    # nothing from another host
    assert not re.search(r"""(src|href)="(https?:)?//""", html)

    closed = open_survey(client, admin)
    response = client.get(f"/s/{closed['public_id']}")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_embed_and_static_files(client):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert "max-age" in response.headers["Cache-Control"]
    assert "survey:resize" in response.get_data(as_text=True)
    assert_no_cookie(response)
    for name, mimetype in (("frame.js", "text/javascript"), ("form.css", "text/css")):
        static = client.get(f"/s/assets/{name}")
        assert static.status_code == 200 and static.mimetype == mimetype
        assert static.headers["X-Content-Type-Options"] == "nosniff"
        static.close()
    response.close()


def test_unknown_survey_is_a_404_page(client, dom):
    response = client.get("/s/nope?lang=en")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert dom(response).find("h1").text == "We could not find the survey"


def test_invalid_answers_are_refused_and_kept(app, client, admin, dom):
    survey = open_survey(client, admin, instrument="partssamarbeid", audience="employees")
    url = f"/s/{survey['public_id']}?lang=nn"
    page = dom(client.get(url))
    answers = answers_for("partssamarbeid", 4, fm_1=99)  # off the 1–5 scale
    answers["forventninger"] = "Meir openheit."
    response = client.post(url, data=filled(page, answers))  # and the required role missing
    # 422: the page is the form again, with the problems marked (documented in routes.py)
    assert response.status_code == 422
    assert_no_cookie(response)
    again = dom(response)
    assert again.find("html").get("lang") == "nn"
    summary = again.find(class_="error-summary")
    assert summary.get("role") == "alert"
    # Each link shows the whole question (its fieldset, focusable for the link), and names
    # the answer that a script focuses.
    links = {a.get("href"): a.get("data-first-input") for a in summary.find_all("a")}
    assert links["#r-role"] == "r-role-0" and links["#q-fm_1"] == "q-fm_1-0"
    assert again.by_id("q-fm_1").get("tabindex") == "-1"
    role = again.by_id("r-role")
    assert again.by_id("r-role-error").text == "Feil: Du må svare på dette spørsmålet."
    assert "r-role-error" in role.get("aria-describedby")
    assert all(i.get("aria-invalid") == "true" for i in role.find_all("input"))
    assert again.by_id("q-fm_1-error").text == "Feil: Vel eitt av svaralternativa."
    # What was answered is still there.
    assert "checked" in again.find("input", name="a.fm_2", value="4").attrs
    assert again.find("textarea", name="a.forventninger").text == "Meir openheit."
    assert form_fields(again)["submission_id"] == form_fields(page)["submission_id"]
    assert count_responses(app) == 0


def test_an_empty_form_is_refused_with_a_plain_message(app, client, admin, dom):
    survey = open_survey(client, admin, instrument="omdommetrappen")
    url = f"/s/{survey['public_id']}?lang=nn"
    response = client.post(url, data=form_fields(dom(client.get(url))))
    assert response.status_code == 422
    summary = dom(response).find(class_="error-summary").text
    assert "Du har ikkje svart på nokon spørsmål enno" in summary
    assert "kjenner att" not in summary
    assert count_responses(app) == 0


def test_submit_thank_you_retry_and_fieldwork(app, client, admin, dom):
    survey = open_survey(client, admin)
    fieldwork_url = f"/api/v1/surveys/{survey['id']}/fieldwork"
    before = client.get(fieldwork_url, headers=bearer(admin)).get_json()
    url = f"/s/{survey['public_id']}"
    page = dom(client.get(url))
    data = filled(page, answers_for("omdommetrappen", 4), {"age_band": "30_44"})
    response = client.post(url, data=data)
    assert response.status_code == 201, response.get_data(as_text=True)
    assert_no_cookie(response)
    thanks = dom(response)
    assert thanks.find("html").get("data-completed") == "true"
    code = thanks.find(class_="receipt-code").text
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){3}", code)
    assert thanks.find("h1").text == "Takk for svaret ditt!"
    assert thanks.find("a", href="/s/withdraw?lang=nb") is not None

    # a double click / reload posts the same submission_id: the same receipt, stored once
    retry = client.post(url, data=data)
    assert retry.status_code == 200
    assert dom(retry).find(class_="receipt-code").text == code
    assert count_responses(app) == 1

    # The monitor rounds live counts down to a multiple of min_n: one response shows as 0.
    after = client.get(fieldwork_url, headers=bearer(admin)).get_json()
    assert after["responses"] == before["responses"] == 0
    assert after["started"] == before["started"] == 0
    with app.app_context():
        opened = db.session.scalar(select(func.sum(FormCounter.opened)))
    assert opened == 1  # the GET counted; the POSTs (error or thanks) did not


def test_answering_in_nynorsk_stores_nn(app, client, admin, dom):
    survey = open_survey(client, admin, default_language="nb")
    url = f"/s/{survey['public_id']}?lang=nn"
    page = dom(client.get(url))
    assert client.post(url, data=filled(page, answers_for("omdommetrappen", 3))).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(Response.language)) == "nn"


def test_answers_to_disabled_items_are_dropped_not_refused(app, client, admin, dom):
    survey = open_survey(client, admin, instrument="omdommepavirkere")
    url = f"/s/{survey['public_id']}?lang=nb"
    page = dom(client.get(url))
    # "no contact" disables so_1 … so_4; answering so_1 anyway is forgiven
    answers = {**answers_for("omdommepavirkere", 3), "kontakt": "no", "so_1": "4"}
    response = client.post(url, data=filled(page, answers))
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.scalar(select(Response.answers))
    assert "so_1" not in stored and stored["kontakt"] == "no"


def test_withdraw_page(app, client, admin, dom):
    survey = open_survey(client, admin)
    url = f"/s/{survey['public_id']}"
    page = dom(client.get(url))
    thanks = dom(client.post(url, data=filled(page, answers_for("omdommetrappen", 4))))
    code = thanks.find(class_="receipt-code").text

    form = client.get("/s/withdraw?lang=nn")
    assert form.status_code == 200 and "Set-Cookie" not in form.headers
    withdraw = dom(form)
    assert withdraw.find("html").get("lang") == "nn"
    assert withdraw.find("h1").text == "Trekk tilbake svara dine"
    assert withdraw.find("label", for_="receipt").text == "Kvitteringskode"

    wrong = client.post("/s/withdraw?lang=nn", data={"receipt": "AAAA-BBBB-CCCC-DDDD"})
    assert wrong.status_code == 404
    assert "Vi fann ingen svar" in dom(wrong).by_id("receipt-error").text

    # The code as copied by hand: small letters, spaces for hyphens, 0/1/8 for O/I/B.
    typed = code.lower().replace("-", " ").replace("o", "0").replace("i", "1").replace("b", "8")
    asked = client.post("/s/withdraw?lang=nn", data={"receipt": typed, "lang": "nn"})
    # First a confirmation, which deletes nothing yet
    assert asked.status_code == 200
    confirm = dom(asked)
    assert confirm.find("h1").text == "Vil du trekkje tilbake svara dine?"
    assert confirm.by_id("confirm-code").text == code
    assert confirm.find("input", name="receipt").get("value") == code
    assert confirm.find("a", class_="cancel").text == "Nei, behald svara"
    assert count_responses(app) == 1

    fields = {i.get("name"): i.get("value") for i in confirm.find_all("input", type="hidden")}
    done = client.post("/s/withdraw?lang=nn", data=fields)
    assert done.status_code == 200
    assert_no_cookie(done)
    assert dom(done).find("h1").text == "Svara dine er trekte tilbake"
    assert count_responses(app) == 0
    # Confirming again (a reload of the confirmation) finds nothing more to delete.
    again = client.post("/s/withdraw?lang=nn", data=fields)
    assert again.status_code == 404


def test_a_receipt_is_read_as_typed_by_hand():
    from survey_service.services.submission import normalise_receipt

    assert normalise_receipt("abcd efgh ijkl mnop") == "ABCD-EFGH-IJKL-MNOP"
    assert normalise_receipt(" 0l1B-8ZZ2 ") == "OLIB-BZZ2"
    assert normalise_receipt("ＡＢＣＤ—ＥＦＧＨ") == "ABCD-EFGH"  # full-width, an em dash


def test_closed_and_draft_surveys(client, admin, dom):
    survey = open_survey(client, admin)
    url = f"/s/{survey['public_id']}?lang=nn"
    page = dom(client.get(url))
    client.patch(
        f"/api/v1/surveys/{survey['id']}", json={"status": "closed"}, headers=bearer(admin)
    )
    shown = client.get(url)
    assert shown.status_code == 409
    assert dom(shown).find("h1").text == "Undersøkinga er stengd"
    posted = client.post(url, data=filled(page, answers_for("omdommetrappen", 4)))
    assert posted.status_code == 409
    assert dom(posted).find("h1").text == "Undersøkinga er stengd"

    from helpers import create_survey

    draft = create_survey(client, admin)
    response = client.get(f"/s/{draft['public_id']}?lang=en")
    assert response.status_code == 409
    assert dom(response).find("h1").text == "The survey has not opened yet"


def test_invitation_survey(app, client, admin, dom):
    survey = open_survey(client, admin, access="invitation")
    made = client.post(
        f"/api/v1/surveys/{survey['id']}/invitations", json={"count": 1}, headers=bearer(admin)
    ).get_json()
    token = made["invitations"][0]["token"]
    base = f"/s/{survey['public_id']}"

    without = client.get(f"{base}?lang=nn")
    assert without.status_code == 403
    assert dom(without).find("h1").text == "Denne undersøkinga er berre for inviterte"
    invalid = client.get(f"{base}?lang=nn&token=not-a-token")
    assert invalid.status_code == 403
    assert dom(invalid).find("h1").text == "Lenkja er ikkje gyldig"

    page = dom(client.get(f"{base}?lang=nn&token={token}"))
    assert form_fields(page)["token"] == token
    for a in page.find("nav", class_="language-switch").find_all("a"):
        assert f"token={token}" in a.get("href")
    first = client.post(f"{base}?lang=nn", data=filled(page, answers_for("omdommetrappen", 4)))
    assert first.status_code == 201

    # the link again: refused before any answering, and a second form posted: 409 too
    used = client.get(f"{base}?lang=nn&token={token}")
    assert used.status_code == 409
    assert dom(used).find("h1").text == "Denne lenkja er allereie brukt"
    data = filled(page, answers_for("omdommetrappen", 2))
    data["submission_id"] = "0b6f1f8e-3f0a-4d55-9d38-0c2b8e1a7c11"
    second = client.post(f"{base}?lang=nn", data=data)
    assert second.status_code == 409
    assert dom(second).find("h1").text == "Denne lenkja er allereie brukt"
    assert count_responses(app) == 1


def test_no_respondent_endpoint_sets_a_cookie(client, admin, dom):
    survey = open_survey(client, admin)
    url = f"/s/{survey['public_id']}"
    get = client.get(url)
    page = dom(get)
    responses = [
        get,
        client.post(url, data=form_fields(page)),  # with errors
        client.post(url, data=filled(page, answers_for("omdommetrappen", 4))),
        client.get("/s/withdraw"),
        client.post("/s/withdraw", data={"receipt": "nope"}),
        client.get("/embed.js"),
        client.get("/s/assets/form.css"),
        client.get(f"/api/v1/public/surveys/{survey['public_id']}"),
        client.post(
            f"/api/v1/public/surveys/{survey['public_id']}/responses",
            json={"submission_id": form_fields(page)["submission_id"], "answers": {}},
        ),
        client.delete("/api/v1/public/responses/AAAA-BBBB-CCCC-DDDD"),
    ]
    for response in responses:
        assert_no_cookie(response)
        response.close()
