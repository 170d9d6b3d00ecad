"""Surveys: creation rules, lifecycle, and what a municipality sees."""

from datetime import UTC, datetime, timedelta

import pytest

from helpers import assert_error, bearer, create_survey, open_survey


def test_create_survey_defaults(client, admin):
    survey = create_survey(client, admin, municipality="1120", instrument="partssamarbeid")
    assert survey["status"] == "draft"
    assert survey["instrument_version"] == "1.0.0"
    assert survey["default_language"] == "nn"  # Klepp writes Nynorsk
    assert survey["municipality_name"] == "Klepp"
    assert len(survey["public_id"]) >= 16
    assert survey["links"]["form"] == f"http://survey.test/s/{survey['public_id']}"
    assert "<iframe" in survey["links"]["embed_html"]
    assert 'src="http://survey.test/embed.js"' in survey["links"]["embed_html"]
    assert survey["accepting_responses"] is False


@pytest.mark.parametrize(
    "fields,field,message",
    [
        ({"municipality": "9999"}, "municipality", "9999"),
        ({"municipality": "12"}, "municipality", "4-digit"),
        ({"instrument": "nope"}, "instrument", "nope"),
        ({"instrument_version": "9.9.9"}, "instrument_version", "9.9.9"),
        ({"audience": "aliens"}, "audience", "one of"),
        ({"targets": {"nope": 50}}, "targets", "nope"),
        ({"targets": {"tillit": 150}}, "targets", ""),
        ({"embed_origins": ["javascript:alert(1)"]}, "embed_origins", "origin"),
        ({"embed_origins": ["https://x.no/path"]}, "embed_origins", "origin"),
        ({"respondent_attributes": {"shoe_size": None}}, "respondent_attributes", "shoe_size"),
        ({"unknown_field": 1}, "unknown_field", ""),
        (
            {
                "opens_at": "2026-05-01T00:00:00+00:00",
                "closes_at": "2026-04-01T00:00:00+00:00",
            },
            "closes_at",
            "after",
        ),
    ],
)
def test_invalid_survey_is_422_naming_the_field(client, admin, fields, field, message):
    body = {
        "municipality": "4601",
        "instrument": "omdommetrappen",
        "audience": "citizens",
        "title": "T",
        **fields,
    }
    result = assert_error(client.post("/api/v1/surveys", json=body, headers=bearer(admin)), 422)
    assert field in result["errors"], result
    assert message in " ".join(result["errors"][field])
    assert client.get("/api/v1/surveys", headers=bearer(admin)).get_json() == []


def test_baseline_must_match_municipality_and_instrument(client, admin):
    baseline = create_survey(client, admin, municipality="4601", instrument="omdommetrappen")
    other_place = create_survey(client, admin, municipality="5001", instrument="omdommetrappen")
    other_instrument = create_survey(client, admin, municipality="4601", instrument="forankring")
    for wrong in (other_place["id"], other_instrument["id"], 999999):
        body = {
            "municipality": "4601",
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": "Oppfølging",
            "baseline_survey": wrong,
        }
        result = assert_error(client.post("/api/v1/surveys", json=body, headers=bearer(admin)), 422)
        assert "baseline_survey" in result["errors"]
    follow_up = create_survey(
        client, admin, baseline_survey=baseline["id"], targets={"omdommeindeks": 70}
    )
    assert follow_up["baseline_survey"] == baseline["id"]
    assert follow_up["targets"] == {"omdommeindeks": 70}


def test_lifecycle_draft_open_closed(client, admin):
    survey = create_survey(client, admin)
    path = f"/api/v1/surveys/{survey['id']}"
    opened = client.patch(path, json={"status": "open"}, headers=bearer(admin)).get_json()
    assert opened["status"] == "open" and opened["accepting_responses"] is True
    closed = client.patch(path, json={"status": "closed"}, headers=bearer(admin)).get_json()
    assert closed["status"] == "closed" and closed["accepting_responses"] is False
    again = client.patch(path, json={"status": "open"}, headers=bearer(admin))
    assert_error(again, 409, message_contains="draft -> open -> closed")


def test_past_closes_at_stops_accepting(client, admin):
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    earlier = (datetime.now(UTC) - timedelta(days=10)).isoformat()
    survey = open_survey(client, admin, opens_at=earlier, closes_at=past)
    assert survey["status"] == "open" and survey["accepting_responses"] is False


def test_filters(client, admin):
    create_survey(client, admin, municipality="4601", instrument="omdommetrappen")
    create_survey(client, admin, municipality="5001", instrument="forankring")
    listed = client.get("/api/v1/surveys?instrument=forankring", headers=bearer(admin)).get_json()
    assert [s["municipality"] for s in listed] == ["5001"]
    listed = client.get("/api/v1/surveys?municipality=4601", headers=bearer(admin)).get_json()
    assert [s["instrument"] for s in listed] == ["omdommetrappen"]
