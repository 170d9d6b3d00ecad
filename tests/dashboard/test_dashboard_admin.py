"""Who sees what in the dashboard, and survey administration through it: create, open, close,
invitations as CSV, the embed snippet and the preview links."""

from __future__ import annotations

import csv
import io

from dashboard.conftest import csrf_of, page_of, text_of

from helpers import bearer, create_survey, open_survey


def test_a_municipality_sees_only_its_own(client, admin, make_key, signed_in):
    own = open_survey(client, admin, municipality="4601")
    other = open_survey(client, admin, municipality="0301", title="Oslo 2026")
    browser = signed_in(make_key("municipality", "4601"))
    assert browser.get(f"/dashboard/surveys/{own['id']}").status_code == 200
    # Another municipality's survey and page answer exactly like ones that do not exist.
    for path in (
        f"/dashboard/surveys/{other['id']}",
        "/dashboard/surveys/999999",
        "/dashboard/municipalities/0301",
        "/dashboard/municipalities/9999",
        "/dashboard/municipalities/0301/new-survey",
    ):
        response = browser.get(path)
        assert response.status_code == 404, path
        assert "Fant ikke siden" in text_of(response)
    overview = browser.get("/dashboard/municipalities/4601")
    assert "Oslo 2026" not in text_of(overview)
    # The national view is not a municipality's: it lands on its own page.
    national = browser.get("/dashboard/national")
    assert national.status_code == 303
    assert national.headers["Location"].startswith("/dashboard/municipalities/4601")
    token = csrf_of(browser.get(f"/dashboard/surveys/{own['id']}"))
    for path, form in (
        (f"/dashboard/surveys/{other['id']}/status", {"status": "closed", "confirm": "yes"}),
        (f"/dashboard/surveys/{other['id']}/invitations", {"count": "2"}),
        ("/dashboard/municipalities/0301/new-survey", {"title": "x"}),
    ):
        assert browser.post(path, data={**form, "csrf_token": token}).status_code == 404
    assert client.get(f"/api/v1/surveys/{other['id']}", headers=bearer(admin)).get_json()[
        "status"
    ] == ("open")


def test_reading_roles_see_results_but_neither_fieldwork_nor_administration(
    client, admin, make_key, signed_in
):
    survey = open_survey(client, admin, municipality="4601")
    for role in ("dashboard", "analyst"):
        browser = signed_in(make_key(role))
        page = browser.get(f"/dashboard/surveys/{survey['id']}")
        assert page.status_code == 200
        assert page_of(page).by_id("results") is not None
        assert page_of(page).by_id("fieldwork") is None
        assert page_of(page).by_id("administration") is None
        assert browser.get("/dashboard/municipalities/4601").status_code == 200
        new = browser.get("/dashboard/municipalities/4601/new-survey")
        assert new.status_code == 404
        token = csrf_of(page)
        closing = browser.post(
            f"/dashboard/surveys/{survey['id']}/status",
            data={"status": "closed", "confirm": "yes", "csrf_token": token},
        )
        assert closing.status_code == 404
    # An admin administers every municipality's surveys.
    page = signed_in(admin).get(f"/dashboard/surveys/{survey['id']}")
    assert page_of(page).by_id("administration") is not None


def test_creating_a_survey(client, admin, make_key, signed_in):
    baseline = open_survey(client, admin, municipality="4601", title="Omdømme 2025", period="2025")
    browser = signed_in(make_key("municipality", "4601"))
    form_page = browser.get("/dashboard/municipalities/4601/new-survey")
    assert form_page.status_code == 200
    page = page_of(form_page)
    for name in ("title", "instrument", "audience", "access", "language", "period"):
        field = page.by_id(name)
        assert field is not None and page.find("label", for_=name) is not None, name
    token = csrf_of(form_page)
    form = {
        "csrf_token": token,
        "title": "Omdømmet i Bergen 2027",
        "instrument": "omdommetrappen",
        "audience": "citizens",
        "access": "invitation",
        "language": "nn",
        "period": "2027",
        "baseline": str(baseline["id"]),
        "origins": "https://www.bergen.kommune.no\n",
    }
    # Refused with every problem in the page's language, and nothing stored.
    bad = browser.post(
        "/dashboard/municipalities/4601/new-survey",
        data={**form, "title": "", "audience": "nobody", "origins": "not an origin"},
    )
    assert bad.status_code == 422
    summary = page_of(bad).find(class_="error-summary")
    assert summary is not None
    links = [a.get("href") for a in summary.find_all("a")]
    assert links == ["#title", "#audience", "#origins"]
    assert page_of(bad).by_id("title").get("aria-invalid") == "true"
    assert len(client.get("/api/v1/surveys", headers=bearer(admin)).get_json()) == 1
    # A questionnaire not made for the audience.
    wrong = browser.post(
        "/dashboard/municipalities/4601/new-survey", data={**form, "audience": "leaders"}
    )
    assert wrong.status_code == 422
    assert "ikke laget for denne målgruppen" in text_of(wrong)
    created = browser.post("/dashboard/municipalities/4601/new-survey", data=form)
    assert created.status_code == 303
    survey_id = int(created.headers["Location"].split("/dashboard/surveys/")[1].split("?")[0])
    stored = client.get(f"/api/v1/surveys/{survey_id}", headers=bearer(admin)).get_json()
    assert stored["title"] == "Omdømmet i Bergen 2027"
    assert stored["status"] == "draft" and stored["access"] == "invitation"
    assert stored["default_language"] == "nn" and stored["period"] == "2027"
    assert stored["baseline_survey"] == baseline["id"]
    assert stored["embed_origins"] == ["https://www.bergen.kommune.no"]
    assert stored["municipality"] == "4601"
    landing = browser.get(created.headers["Location"])
    assert "Undersøkelsen er lagret som utkast." in text_of(landing)


def test_opening_and_closing(client, admin, make_key, signed_in):
    draft = create_survey(client, admin, municipality="4601")
    browser = signed_in(make_key("municipality", "4601"))
    path = f"/dashboard/surveys/{draft['id']}"
    page = browser.get(path)
    token = csrf_of(page)
    opened = browser.post(f"{path}/status", data={"status": "open", "csrf_token": token})
    assert opened.status_code == 303
    assert "Undersøkelsen er åpnet." in text_of(browser.get(opened.headers["Location"]))

    def status():
        return client.get(f"/api/v1/surveys/{draft['id']}", headers=bearer(admin)).get_json()[
            "status"
        ]

    assert status() == "open"
    # Closing needs the confirmation; without it nothing changes.
    unconfirmed = browser.post(f"{path}/status", data={"status": "closed", "csrf_token": token})
    assert unconfirmed.status_code == 422
    assert "Kryss av for å bekrefte" in text_of(unconfirmed)
    assert status() == "open"
    closed = browser.post(
        f"{path}/status", data={"status": "closed", "confirm": "yes", "csrf_token": token}
    )
    assert closed.status_code == 303
    assert status() == "closed"
    again = browser.post(f"{path}/status", data={"status": "open", "csrf_token": token})
    assert again.status_code == 409
    assert "allerede lukket" in text_of(again)
    assert page_of(browser.get(path)).find(class_="error-message") is None


def test_invitations_as_a_csv_file_whose_links_work(client, admin, make_key, signed_in):
    survey = open_survey(client, admin, municipality="4601", access="invitation")
    browser = signed_in(make_key("municipality", "4601"))
    page = browser.get(f"/dashboard/surveys/{survey['id']}")
    token = csrf_of(page)
    refused = browser.post(
        f"/dashboard/surveys/{survey['id']}/invitations", data={"count": "0", "csrf_token": token}
    )
    assert refused.status_code == 422
    assert "Skriv et helt tall fra 1 til 10 000." in text_of(refused)
    response = browser.post(
        f"/dashboard/surveys/{survey['id']}/invitations", data={"count": "3", "csrf_token": token}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3 and len({r["token"] for r in rows}) == 3
    for row in rows:
        assert row["url"] == f"http://survey.test/s/{survey['public_id']}?token={row['token']}"
        form = client.get(f"/s/{survey['public_id']}", query_string={"token": row["token"]})
        assert form.status_code == 200
    fieldwork = client.get(f"/api/v1/surveys/{survey['id']}/fieldwork", headers=bearer(admin))
    assert fieldwork.get_json()["invitations"]["created"] == 3


def test_the_embed_snippet_and_the_previews(client, admin, make_key, signed_in):
    survey = open_survey(
        client, admin, municipality="4601", embed_origins=["https://www.bergen.kommune.no"]
    )
    browser = signed_in(make_key("municipality", "4601"))
    page = page_of(browser.get(f"/dashboard/surveys/{survey['id']}"))
    snippet = page.by_id("embed-code")
    assert snippet.tag == "textarea" and "readonly" in snippet.attrs
    assert snippet.text == survey["links"]["embed_html"]
    assert page.find("label", for_="embed-code") is not None
    assert "https://www.bergen.kommune.no" in page.by_id("administration").parent.text
    previews = [
        a.get("href") for a in page.find_all("a", hreflang=True) if "/s/" in (a.get("href") or "")
    ]
    assert previews == [f"/s/{survey['public_id']}?lang={code}" for code in ("nb", "nn", "en")]
    for url in previews:
        assert client.get(url).status_code == 200
