"""The network's demo, as a new user meets it through the API: 110 municipalities of every
county, Bokmål and Nynorsk, in two waves; and the three cases to find without reading any
documentation: a small municipality whose figures are withheld, a large one that clearly
beat its baseline, and one that missed a target."""

from __future__ import annotations

import re
from typing import Any

from click.testing import CliRunner
from dashboard.conftest import sign_in, text_of

from survey_service.cli import main
from survey_service.db import db
from survey_service.services.demo import (
    BEAT_BASELINE,
    MISSED_TARGET,
    SUPPRESSED,
    load_demo,
    programme,
)
from survey_service.services.reference_data import read_municipalities

from helpers import bearer


def _get(client: Any, key: str, url: str) -> Any:
    response = client.get(url, headers=bearer(key))
    assert response.status_code == 200, (url, response.get_json())
    return response.get_json()


def _survey(surveys: list[dict[str, Any]], municipality: str, **fields: str) -> dict[str, Any]:
    found = [
        s
        for s in surveys
        if s["municipality"] == municipality
        and s["instrument"] == "omdommetrappen"
        and all(s[k] == v for k, v in fields.items())
    ]
    assert len(found) == 1, (municipality, fields, found)
    return found[0]


def test_the_network_demo(app, client, make_key, monkeypatch):
    with app.app_context():
        loaded = list(
            load_demo(db.session, progress=lambda _: None, min_n=app.config["SURVEY_MIN_N"])
        )
        db.session.commit()
        assert len(loaded) == 110 + 1  # and the network's gathering
        # A second run finds every survey and adds nothing.
        assert list(load_demo(db.session, progress=lambda _: None)) == []
    admin = make_key("admin")
    surveys = _get(client, admin, "/api/v1/surveys")
    assert len(surveys) == len(programme(2014).surveys) + 1

    # Breadth: 110 municipalities, every county, both written standards, both waves.
    numbers = {s["municipality"] for s in surveys if s["municipality"]}
    counties = {str(m["county_number"]) for m in read_municipalities()}
    county_of = {str(m["number"]): str(m["county_number"]) for m in read_municipalities()}
    assert len(numbers) == 110
    assert {county_of[n] for n in numbers} == counties
    assert {s["default_language"] for s in surveys} >= {"nb", "nn"}
    assert any(s["title"].startswith("Omdømet til") for s in surveys)  # Nynorsk titles
    assert any(s["title"].startswith("Omdømmet til") for s in surveys)  # Bokmål titles
    periods = {(s["instrument"], s["audience"], s["period"]) for s in surveys}
    for instrument, audience in (
        ("omdommetrappen", "citizens"),
        ("omdommetrappen", "employees"),
        ("partssamarbeid", "mixed"),
    ):
        assert {(instrument, audience, "2013"), (instrument, audience, "2015")} <= periods
    follow_ups = [s for s in surveys if s["period"] == "2015" and s["baseline_survey"]]
    assert len(follow_ups) >= 3 * 110
    assert {"forankring", "samlingsevaluering"} <= {s["instrument"] for s in surveys}
    assert {s["status"] for s in surveys} == {"open", "closed"}

    # A small municipality whose figures are withheld.
    small = _survey(surveys, SUPPRESSED, audience="citizens", period="2015")
    scores = _get(client, admin, f"/api/v1/surveys/{small['id']}/scores")
    assert scores["suppressed"] is True
    assert all(f["estimate"] is None for f in scores["dimensions"] + scores["indices"])

    # A large municipality that clearly beat its baseline: every step of the staircase.
    large = _survey(surveys, BEAT_BASELINE, audience="citizens", period="2015")
    scores = _get(client, admin, f"/api/v1/surveys/{large['id']}/scores")
    assert scores["n"] >= 500
    for figure in scores["dimensions"]:
        change = figure["change"]
        assert change["significant"] is True and change["confidence_interval"]["low"] > 3, (
            figure["key"],
            change,
        )

    # One that missed its target.
    missed = _survey(surveys, MISSED_TARGET, audience="citizens", period="2015")
    report = _get(client, admin, f"/api/v1/surveys/{missed['id']}/benefit-realisation")
    verdicts = {t["key"]: t["verdict"] for t in report["targets"]}
    assert verdicts["tillit"] == "not_reached", report["targets"]

    # Response counts from a handful to thousands; some follow-ups still collecting.
    counts = [
        _get(client, admin, f"/api/v1/surveys/{s['id']}/fieldwork")["responses"]
        for s in surveys
        if s["municipality"] in (SUPPRESSED, "0301")
    ]
    assert min(counts) == 0 and max(counts) >= 2000  # counts rounded down to SURVEY_MIN_N
    collecting = [s for s in surveys if s["status"] == "open"]
    assert collecting and all(s["period"] == "2015" for s in collecting)

    # And each is visible in the dashboard, signed in as a person would.
    browser = app.test_client()
    assert sign_in(browser, admin).status_code == 303
    municipality = text_of(browser.get(f"/dashboard/municipalities/{SUPPRESSED}?lang=en"))
    assert small["title"] in municipality
    assert "Withheld" in text_of(browser.get(f"/dashboard/surveys/{small['id']}?lang=en"))
    assert "not reached" in text_of(browser.get(f"/dashboard/surveys/{missed['id']}?lang=en"))
    assert large["title"] in text_of(browser.get(f"/dashboard/municipalities/{BEAT_BASELINE}"))

    # Titles in each language: the English form is headed in English.
    shapes = next(s for s in surveys if s["title"] == "Hva skaper omdømmet i Bergen?")
    english = client.get(f"/api/v1/public/surveys/{shapes['public_id']}?lang=en").get_json()
    assert (english["title"], english["title_language"]) == (
        "What shapes Bergen’s reputation?",
        "en",
    )

    _demo_command_prints_links_on_the_port_served(app, monkeypatch)


def _demo_command_prints_links_on_the_port_served(app: Any, monkeypatch: Any) -> None:
    """``demo --port`` (the data already loaded: a second run adds nothing) prints the
    dashboard's addresses on that port, and SURVEY_PUBLIC_URL wins when it is set."""
    monkeypatch.setenv("SURVEY_DATABASE_URL", app.config["SURVEY_DATABASE_URL"])
    monkeypatch.setenv("SURVEY_SECRET_KEY", "test-secret")
    monkeypatch.delenv("SURVEY_PUBLIC_URL", raising=False)
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--port", "8105"])
    assert result.exit_code == 0, result.output
    assert "0 surveys loaded now" in result.output
    links = re.findall(r"https?://\S+", result.output)
    assert f"http://127.0.0.1:8105/dashboard/municipalities/{BEAT_BASELINE}" in links
    assert links and all(link.startswith("http://127.0.0.1:8105/") for link in links)
    # It prints keys to sign in with, which work: a new user needs no other command.
    national = re.search(r"the whole country \(admin\): (\S+)", result.output)
    own = re.search(rf"\(municipality {BEAT_BASELINE}\): (\S+)", result.output)
    assert national and own, result.output
    for key, page in (
        (national.group(1), "/dashboard/national"),
        (own.group(1), f"/dashboard/municipalities/{BEAT_BASELINE}"),
    ):
        signed = app.test_client()
        assert sign_in(signed, key).status_code == 303
        assert signed.get(page).status_code == 200

    monkeypatch.setenv("SURVEY_PUBLIC_URL", "https://survey.example.no/")
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--port", "8105"])
    assert result.exit_code == 0, result.output
    links = re.findall(r"https?://\S+", result.output)
    assert f"https://survey.example.no/dashboard/municipalities/{SUPPRESSED}" in links
    assert all(link.startswith("https://survey.example.no/") for link in links)
