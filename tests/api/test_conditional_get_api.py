"""Reads a dashboard polls carry a weak ETag; a poll that sends it back is answered 304 with
no body while nothing the body depends on has changed, and 200 with a new tag as soon as it
has. (That a 304 is never wrong, over random sequences: test_conditional_get_random_api.py.)"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from survey_service import create_app
from survey_service.cli import main
from survey_service.db import db

from helpers import (
    answers_for,
    assert_error,
    bearer,
    close_survey,
    dice_survey,
    submit,
    weighted_dice_survey,
)

TAG = re.compile(r'^W/"[0-9a-f]{32}"$')
DASHBOARD = "https://dashboard.bergen.kommune.no"
BULK = "/api/v1/scores?instrument=samlingsevaluering"


def reads(survey):
    base = f"/api/v1/surveys/{survey['id']}"
    return {
        "scores": f"{base}/scores",
        "fieldwork": f"{base}/fieldwork",
        "comments": f"{base}/comments",
        "bulk": BULK,
        "chart": f"{base}/charts/dimensions.svg",
        "benefit": f"{base}/benefit-realisation",
        "trends": f"/api/v1/municipalities/{survey.get('municipality', '4601')}/trends"
        "?instrument=samlingsevaluering",
    }


def get(client, url, key, tag=None, **headers):
    if tag is not None:
        headers["If-None-Match"] = tag
    return client.get(url, headers={**bearer(key), **headers})


def answered(client, survey, count, value=4, comment="Nyttig."):
    receipts = []
    for i in range(count):
        answers = answers_for("samlingsevaluering", (value + i) % 6 + 1, viktigste_laerdom=comment)
        sent = submit(client, survey, answers)
        assert sent.status_code == 201, sent.get_json()
        receipts.append(sent.get_json()["receipt"])
    return receipts


def patch(client, key, survey, **changes):
    changed = client.patch(f"/api/v1/surveys/{survey['id']}", json=changes, headers=bearer(key))
    assert changed.status_code == 200, changed.get_json()


def tag_of(client, url, key):
    response = get(client, url, key)
    assert response.status_code == 200, (url, response.get_json())
    return response.headers["ETag"]


def assert_not_modified(response, tag, cache_control="private, no-cache"):
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == tag
    assert response.headers["Cache-Control"] == cache_control
    assert "Authorization" in response.headers["Vary"]


@pytest.mark.parametrize(
    "read", ["scores", "fieldwork", "comments", "bulk", "chart", "benefit", "trends"]
)
def test_a_read_is_tagged_and_a_poll_with_its_tag_is_answered_304(client, admin, read):
    survey = dice_survey(client, admin)
    answered(client, survey, 5)
    url = reads(survey)[read]
    cache_control = "no-store" if read == "comments" else "private, no-cache"

    first = get(client, url, admin)
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert TAG.match(tag), tag
    assert first.headers["Cache-Control"] == cache_control
    assert "Authorization" in first.headers["Vary"]

    assert_not_modified(get(client, url, admin, tag), tag, cache_control)
    head = client.head(url, headers={**bearer(admin), "If-None-Match": tag})
    assert_not_modified(head, tag, cache_control)
    again = get(client, url, admin)
    assert again.headers["ETag"] == tag
    if read != "comments":  # (comments come in a new order at each read)
        assert again.get_json() == first.get_json()


@pytest.mark.parametrize("read", ["scores", "bulk", "chart", "benefit", "trends"])
def test_only_a_submission_that_moves_the_snapshot_changes_the_tag(client, admin, read):
    survey = dice_survey(client, admin)
    answered(client, survey, 5)
    url = reads(survey)[read]
    first = get(client, url, admin)
    tag = first.headers["ETag"]

    answered(client, survey, 4)  # four changes: the snapshot stays
    assert_not_modified(get(client, url, admin, tag), tag)
    fresh = get(client, url, admin)
    assert fresh.data == first.data and fresh.headers["ETag"] == tag

    answered(client, survey, 1)  # the fifth: a new snapshot
    moved = get(client, url, admin, tag)
    assert moved.status_code == 200 and moved.headers["ETag"] != tag
    assert moved.data != first.data


@pytest.mark.parametrize(
    "changes",
    [
        {"targets": {"terningkast": 70}},
        {"population_size": 40},
        {"population_margins": {"gender": {"female": 30, "male": 10}}},
        {"status": "closed"},
        {"title": "Samling i mai"},
    ],
)
def test_changing_the_survey_changes_the_tag(client, admin, changes):
    survey = weighted_dice_survey(client, admin)
    answered(client, survey, 5)
    urls = (reads(survey)["scores"], BULK)
    before = [tag_of(client, url, admin) for url in urls]
    patch(client, admin, survey, **changes)
    for url, tag in zip(urls, before, strict=True):
        after = get(client, url, admin, tag)
        assert after.status_code == 200 and after.headers["ETag"] != tag


def test_reaching_the_closing_time_changes_the_tag(client, admin):
    # What is published may change when collecting stops (the final figures), though no
    # row changes: the tag must not outlive it.
    survey = dice_survey(client, admin)
    answered(client, survey, 5)
    closing = datetime.now(UTC) + timedelta(seconds=1.5)
    patch(client, admin, survey, closes_at=closing.isoformat())
    tags = {read: tag_of(client, reads(survey)[read], admin) for read in ("scores", "fieldwork")}
    time.sleep(max(0.0, (closing - datetime.now(UTC)).total_seconds()) + 0.1)
    for read, tag in tags.items():
        assert get(client, reads(survey)[read], admin, tag).status_code == 200, read


def test_the_baselines_snapshot_moves_the_follow_ups_tag(client, admin):
    baseline = dice_survey(client, admin, period="2025")
    answered(client, baseline, 5)
    follow_up = dice_survey(client, admin, period="2026", baseline_survey=baseline["id"])
    answered(client, follow_up, 5)
    url = reads(follow_up)["scores"]
    tag = tag_of(client, url, admin)
    answered(client, baseline, 5, value=1)
    moved = get(client, url, admin, tag)
    assert moved.status_code == 200 and moved.headers["ETag"] != tag


def test_a_new_survey_of_the_instrument_changes_the_bulk_tag_and_not_the_others(client, admin):
    survey = dice_survey(client, admin)
    answered(client, survey, 5)
    scores, bulk = tag_of(client, reads(survey)["scores"], admin), tag_of(client, BULK, admin)
    dice_survey(client, admin, municipality="0301")
    assert get(client, BULK, admin, bulk).status_code == 200
    assert_not_modified(get(client, reads(survey)["scores"], admin, scores), scores)


def test_a_kept_bulk_body_is_the_body_the_view_computes(app, client, admin, make_key):
    """The bulk call keeps its last bodies in the process, by tag: a read served from them is
    byte for byte what a process without them computes, a key of another scope never gets
    another scope's body, and a new snapshot is seen at once."""
    survey = dice_survey(client, admin)
    oslo_survey = dice_survey(client, admin, municipality="0301")
    answered(client, survey, 5)
    answered(client, oslo_survey, 6)
    first = get(client, BULK, admin)
    again = get(client, BULK, admin)  # from the bodies this app keeps
    assert app.extensions["conditional_get_bodies"], "the bulk call keeps its bodies"
    computed = computed_elsewhere(app, BULK, admin)
    assert again.data == first.data == computed.data
    assert again.headers["ETag"] == first.headers["ETag"] == computed.headers["ETag"]

    oslo = get(client, BULK, make_key("municipality", "0301")).get_json()
    assert [row["municipality"] for row in oslo["surveys"]] == ["0301"]

    answered(client, survey, 5)  # a new snapshot of Bergen's figures
    moved = get(client, BULK, admin)
    assert moved.headers["ETag"] != first.headers["ETag"] and moved.data != first.data
    assert moved.data == computed_elsewhere(app, BULK, admin).data


def computed_elsewhere(app, url, key):
    """``url`` read from another app on the same database, which has kept nothing yet."""
    other = create_app(dict(app.config))
    try:
        return get(other.test_client(), url, key)
    finally:
        with other.app_context():
            db.engine.dispose()


def test_a_rescore_that_retakes_the_snapshot_changes_the_tag(app, client, admin, monkeypatch):
    survey = dice_survey(client, admin)
    answered(client, survey, 5)
    url = reads(survey)["scores"]
    tag = tag_of(client, url, admin)
    monkeypatch.setenv("SURVEY_DATABASE_URL", app.config["SURVEY_DATABASE_URL"])
    monkeypatch.setenv("SURVEY_SECRET_KEY", "test-secret")
    result = CliRunner().invoke(main, ["rescore", str(survey["id"])])
    assert result.exit_code == 0, result.output
    assert get(client, url, admin, tag).status_code == 200


def test_each_scope_query_and_language_has_a_tag_of_its_own(client, admin, make_key):
    survey = dice_survey(client, admin)
    answered(client, survey, 5)
    close_survey(client, admin, survey)
    urls = reads(survey)
    keys = {
        "admin": admin,
        "dashboard": make_key("dashboard"),
        "analyst": make_key("analyst"),
        "municipality": make_key("municipality", "4601"),
    }
    tags = {role: tag_of(client, urls["scores"], key) for role, key in keys.items()}
    assert len(set(tags.values())) == len(keys), tags
    # A tag names an access, not a key: another admin key shares the admin's.
    assert tag_of(client, urls["scores"], make_key("admin")) == tags["admin"]
    # The dashboard's tag is nothing to the analyst.
    assert get(client, urls["scores"], keys["analyst"], tags["dashboard"]).status_code == 200

    variants = [
        (urls["scores"], f"{urls['scores']}?confidence_level=0.9"),
        (f"{urls['comments']}?lang=nb", f"{urls['comments']}?lang=nn"),
        (BULK, f"{BULK}&municipality=4601"),
        (urls["fieldwork"], f"{urls['fieldwork']}?target_responses=40"),
    ]
    for one, other in variants:
        tag = tag_of(client, one, admin)
        assert tag != tag_of(client, other, admin), (one, other)
        assert get(client, other, admin, tag).status_code == 200


def test_a_survey_the_key_may_not_see_is_404_whatever_it_sends(client, admin, make_key):
    survey = dice_survey(client, admin)
    answered(client, survey, 5)
    oslo = make_key("municipality", "0301")
    for read in ("scores", "fieldwork", "comments"):
        for url in (reads(survey)[read], reads({"id": 999999})[read]):
            refused = get(client, url, oslo, "*")
            assert_error(refused, 404)
            assert "ETag" not in refused.headers
            assert refused.headers["Cache-Control"] == "no-store"


def test_star_lists_and_weak_comparison(client, admin):
    survey = dice_survey(client, admin)
    answered(client, survey, 5)
    url = reads(survey)["scores"]
    tag = tag_of(client, url, admin)
    opaque = tag.removeprefix("W/")
    for held in ("*", f'"0123", {tag}', f'W/"0123",{opaque}', opaque, f"W/{opaque.lower()}"):
        assert_not_modified(get(client, url, admin, held), tag)
    for held in ('"0123"', f'"{opaque[1:-2]}"', f'W/"x{opaque[1:]}', "", "W/"):
        response = get(client, url, admin, held)
        assert response.status_code == 200 and response.headers["ETag"] == tag, held


@pytest.mark.parametrize("app_config", [{"SURVEY_DASHBOARD_ORIGINS": [DASHBOARD]}])
def test_a_dashboard_on_another_site_polls_with_its_tag(client, admin, make_key):
    survey = dice_survey(client, admin)
    answered(client, survey, 5)
    key = make_key("dashboard")
    for url in (reads(survey)["scores"], BULK):
        asked = client.options(
            url,
            headers={
                "Origin": DASHBOARD,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization, if-none-match",
            },
        )
        assert asked.status_code == 204
        assert "If-None-Match" in asked.headers["Access-Control-Allow-Headers"]
        first = get(client, url, key, Origin=DASHBOARD)
        tag = first.headers["ETag"]
        polled = get(client, url, key, tag, Origin=DASHBOARD)
        assert_not_modified(polled, tag)
        for response in (first, polled):
            assert response.headers["Access-Control-Allow-Origin"] == DASHBOARD
            assert "ETag" in response.headers["Access-Control-Expose-Headers"]
            assert {"Origin", "Authorization"} <= {
                v.strip() for v in response.headers["Vary"].split(",")
            }
            assert "Access-Control-Allow-Credentials" not in response.headers
        elsewhere = get(client, url, key, tag, Origin="https://evil.example")
        assert elsewhere.status_code == 304
        assert "Access-Control-Allow-Origin" not in elsewhere.headers


def test_fieldwork_tag_moves_only_with_the_rounded_counts(client, admin):
    survey = dice_survey(client, admin, access="invitation")
    url = reads(survey)["fieldwork"]
    first = get(client, url, admin)
    tag = first.headers["ETag"]
    made = client.post(
        f"/api/v1/surveys/{survey['id']}/invitations", json={"count": 12}, headers=bearer(admin)
    )
    tokens = [i["token"] for i in made.get_json()["invitations"]]
    moved = get(client, url, admin, tag)  # twelve invitations: shown exactly
    assert moved.status_code == 200 and moved.headers["ETag"] != tag
    tag = moved.headers["ETag"]
    shown = moved.get_json()
    # The report lists a day only once its count shows (5), so the first response of a
    # day moves nothing either.
    for token in tokens[:4]:
        sent = submit(client, survey, answers_for("samlingsevaluering"), token=token)
        assert sent.status_code == 201
        # One more response is no news: counts are rounded down to multiples of 5.
        assert_not_modified(get(client, url, admin, tag), tag)
    assert get(client, url, admin).get_json() == shown
    sent = submit(client, survey, answers_for("samlingsevaluering"), token=tokens[4])
    assert sent.status_code == 201
    fifth = get(client, url, admin, tag)
    assert fifth.status_code == 200 and fifth.get_json()["responses"] == 5
    assert [d["responses"] for d in fifth.get_json()["responses_per_day"]] == [5]


def test_comments_tag_stays_while_collecting_and_moves_after(client, admin):
    survey = dice_survey(client, admin)
    receipts = answered(client, survey, 6)
    url = reads(survey)["comments"]
    tag = tag_of(client, url, admin)
    answered(client, survey, 1)  # still collecting: nothing is shown, nothing moves
    assert_not_modified(get(client, url, admin, tag), tag, "no-store")

    close_survey(client, admin, survey)
    released = get(client, url, admin, tag)
    assert released.status_code == 200 and released.headers["ETag"] != tag
    tag = released.headers["ETag"]
    # The published responses only: the two after the last snapshot are never published.
    assert len(released.get_json()["items"][0]["comments"]) == 5
    assert_not_modified(get(client, url, admin, tag), tag, "no-store")

    # Closed: no one can withdraw any more, so the comments stay as they are.
    withdrawn = client.post("/api/v1/public/withdrawals", json={"receipt": receipts[0]})
    assert withdrawn.status_code == 409, withdrawn.get_json()
    assert_not_modified(get(client, url, admin, tag), tag, "no-store")
