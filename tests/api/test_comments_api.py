"""Free-text comments for the survey's owner and analysts: released once the survey has
stopped collecting and has min_n responses, screened, without anything about the writer, in a
new order at every read; an item shown to fewer than min_n stays withheld; every read is
audited."""

from __future__ import annotations

from sqlalchemy import select

from survey_service.db import db
from survey_service.models import AuditEntry

from helpers import assert_error, bearer, close_survey, open_survey, submit


def T(text: str) -> dict[str, str]:
    return {"nb": text, "nn": text, "en": text}


DEFINITION = {
    "key": "kommentarer",
    "version": "1.0.0",
    "title": T("Kommentarer"),
    "introduction": T("Si hva du mener."),
    "audiences": ["employees"],
    "respondentAttributes": [{"attribute": "role"}],
    "dimensions": [{"key": "d", "title": T("Terningkast")}],
    "item": [
        {"linkId": "d", "type": "dice", "required": True, "text": T("Terningkast?")},
        {"linkId": "laerdom", "type": "text", "maxLength": 500, "text": T("Hva lærte du?")},
        {
            "linkId": "tv_kommentar",
            "type": "text",
            "maxLength": 500,
            "text": T("Som tillitsvalgt: hva savnet du?"),
            "enableWhen": [
                {"respondent": "role", "operator": "in", "answer": ["union_representative"]}
            ],
        },
    ],
    "scoring": {"dimensions": {"d": {"items": ["d"], "minAnswered": 1}}},
}

WRITTEN = [
    "Mer tid til diskusjon.",
    "Ring meg på 912 34 567.",
    "Skriv til ola.nordmann@kommune.no",
    "Gode innledere.",
    "For lange pauser.",
    "",  # an empty comment is no comment
]


def comments_survey(client, admin, **fields):
    published = client.post("/api/v1/instruments", json=DEFINITION, headers=bearer(admin))
    assert published.status_code in (200, 201), published.get_json()
    survey = open_survey(
        client,
        admin,
        instrument="kommentarer",
        audience="employees",
        municipality="4601",
        respondent_attributes={"role": None},
        **fields,
    )
    for i, text in enumerate(WRITTEN):
        union = i < 2
        answers = {"d": 4, "laerdom": text}
        if union:
            answers["tv_kommentar"] = f"Savnet sak {i}."
        role = "union_representative" if union else "employee"
        sent = submit(client, survey, answers, respondent={"role": role})
        assert sent.status_code == 201, sent.get_json()
    return survey


def read(client, key, survey, **query):
    return client.get(
        f"/api/v1/surveys/{survey['id']}/comments", query_string=query, headers=bearer(key)
    )


def test_comments_wait_until_the_survey_stops_collecting(client, admin):
    survey = comments_survey(client, admin)
    body = read(client, admin, survey).get_json()
    assert body["withheld"] == "still_collecting"
    assert all(item["comments"] == [] for item in body["items"])


def test_comments_are_screened_and_carry_nothing_about_the_writer(client, admin):
    survey = comments_survey(client, admin)
    close_survey(client, admin, survey)
    body = read(client, admin, survey).get_json()
    assert body["withheld"] is None
    items = {item["link_id"]: item for item in body["items"]}
    assert set(items["laerdom"]) == {"link_id", "text", "withheld", "comments"}
    assert sorted(items["laerdom"]["comments"]) == sorted(
        [
            "Mer tid til diskusjon.",
            "Ring meg på [telefonnummer fjernet].",
            "Skriv til [e-post fjernet]",
            "Gode innledere.",
            "For lange pauser.",
        ]
    )
    assert body["masked"]["phone"] == 1 and body["masked"]["email"] == 1
    # Shown to two union representatives only: too few to hide the writer among.
    assert items["tv_kommentar"] == {
        "link_id": "tv_kommentar",
        "text": "Som tillitsvalgt: hva savnet du?",
        "withheld": "shown_to_fewer_than_min_n",
        "comments": [],
    }


def test_every_read_is_in_a_new_order(client, admin):
    survey = comments_survey(client, admin)
    close_survey(client, admin, survey)
    orders = {
        tuple(read(client, admin, survey).get_json()["items"][0]["comments"]) for _ in range(12)
    }
    # Five comments have 120 orders; twelve reads all alike would be (1/120)^11.
    assert len(orders) > 1


def test_fewer_than_min_n_responses_release_nothing(client, admin):
    survey = open_survey(client, admin, instrument="samlingsevaluering", audience="mixed")
    for text in ("Alt", "var", "bra"):
        assert (
            submit(client, survey, {"terningkast": 5, "viktigste_laerdom": text}).status_code == 201
        )
    close_survey(client, admin, survey)
    body = read(client, admin, survey).get_json()
    assert body["withheld"] == "fewer_than_min_n"
    assert body["items"][0]["comments"] == []


def test_who_may_read_comments_and_every_read_is_audited(app, client, admin, make_key):
    survey = comments_survey(client, admin)
    close_survey(client, admin, survey)
    assert read(client, make_key("municipality", "4601"), survey).status_code == 200
    assert read(client, make_key("analyst"), survey).status_code == 200
    assert_error(read(client, make_key("municipality", "0301"), survey), 404)
    assert_error(read(client, make_key("dashboard"), survey), 403)
    assert_error(read(client, admin, survey, lang="de"), 422)
    with app.app_context():
        entries = db.session.execute(
            select(AuditEntry.target, AuditEntry.details).where(
                AuditEntry.action == "comments.read"
            )
        ).all()
    assert len(entries) == 2
    assert all(target == f"survey:{survey['id']}" for target, _ in entries)
    assert all(details["released"] == 5 for _, details in entries)
