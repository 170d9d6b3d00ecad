"""Submitting responses: validation, idempotency, invitations, withdrawal, limits."""

import csv
import io
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from survey_service.db import db
from survey_service.models import Invitation, InvitationLedger, Response, ScoreAggregate

from helpers import (
    answers_for,
    assert_error,
    bearer,
    count_responses,
    create_survey,
    open_survey,
    submit,
)


def test_submit_and_retry_returns_the_same_receipt(app, client, admin):
    survey = open_survey(client, admin)
    body = {"submission_id": str(uuid.uuid4()), "answers": answers_for("omdommetrappen", 4)}
    url = f"/api/v1/public/surveys/{survey['public_id']}/responses"
    first = client.post(url, json=body)
    assert first.status_code == 201, first.get_json()
    receipt = first.get_json()["receipt"]
    assert len(receipt) == 19 and receipt.count("-") == 3
    again = client.post(url, json=body)
    assert again.status_code == 200
    assert again.get_json()["receipt"] == receipt
    assert again.get_json()["created"] is False
    assert count_responses(app) == 1
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in again.headers


def test_unknown_survey_is_404(client):
    response = client.post(
        "/api/v1/public/surveys/nope/responses",
        json={"submission_id": str(uuid.uuid4()), "answers": {}},
    )
    assert_error(response, 404)


def test_survey_not_open_is_409_and_stores_nothing(app, client, admin):
    draft = create_survey(client, admin)
    assert_error(submit(client, draft, answers_for("omdommetrappen")), 409, message_contains="not")
    closed = open_survey(client, admin)
    client.patch(
        f"/api/v1/surveys/{closed['id']}", json={"status": "closed"}, headers=bearer(admin)
    )
    assert_error(
        submit(client, closed, answers_for("omdommetrappen")), 409, message_contains="closed"
    )
    assert count_responses(app) == 0


@pytest.mark.parametrize(
    "instrument,answers,item,message",
    [
        ("omdommetrappen", {"no_such_item": 3}, "no_such_item", "unknown"),
        ("omdommetrappen", {"sso_1": 9}, "sso_1", ""),
        ("omdommetrappen", {"sso_1": "lots"}, "sso_1", ""),
        ("samlingsevaluering", {"viktigste_laerdom": "x"}, "terningkast", ""),
        (
            "samlingsevaluering",
            {"terningkast": 5, "viktigste_laerdom": "x" * 2001},
            "viktigste_laerdom",
            "",
        ),
        ("omdommepavirkere", {"kontakt": "no", "so_1": 4}, "so_1", ""),
        ("omdommetrappen", {}, "answers", "at least one"),
        ("omdommetrappen", {"sso_1": None, "kv_1": ""}, "answers", "at least one"),
    ],
)
def test_invalid_answers_are_422_naming_the_item(
    app, client, admin, instrument, answers, item, message
):
    survey = open_survey(client, admin, instrument=instrument, audience="mixed")
    body = assert_error(submit(client, survey, answers), 422)
    assert item in body["errors"], body
    assert message in " ".join(body["errors"][item])
    assert count_responses(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ScoreAggregate)) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"answers": {}},  # no submission_id
        {"submission_id": "not-a-uuid", "answers": {}},
        {"submission_id": str(uuid.uuid4()), "answers": []},
        {"submission_id": str(uuid.uuid4()), "answers": {}, "language": "de"},
        {"submission_id": str(uuid.uuid4()), "answers": {}, "extra": 1},
    ],
)
def test_malformed_submission_is_422(app, client, admin, body):
    survey = open_survey(client, admin)
    response = client.post(f"/api/v1/public/surveys/{survey['public_id']}/responses", json=body)
    assert_error(response, 422)
    assert count_responses(app) == 0


def test_invitation_survey_needs_a_fresh_token(app, client, admin):
    survey = open_survey(client, admin, access="invitation")
    made = client.post(
        f"/api/v1/surveys/{survey['id']}/invitations", json={"count": 3}, headers=bearer(admin)
    )
    assert made.status_code == 201
    invitations = made.get_json()["invitations"]
    assert len({i["token"] for i in invitations}) == 3
    token = invitations[0]["token"]
    assert len(token) >= 22  # >= 128 bits in URL-safe base64
    assert invitations[0]["url"].endswith(f"?token={token}")

    answers = answers_for("omdommetrappen")
    assert_error(submit(client, survey, answers), 403, message_contains="invitation")
    assert_error(submit(client, survey, answers, token="forged"), 403)
    assert submit(client, survey, answers, token=token).status_code == 201
    assert_error(submit(client, survey, answers, token=token), 409, message_contains="used")
    assert count_responses(app) == 1

    with app.app_context():
        stored = db.session.scalars(select(Invitation)).all()
        assert all(token not in i.token_hash for i in stored)
        ledger = db.session.get(InvitationLedger, survey["id"])
        assert (ledger.issued, ledger.used) == (3, 1)
        response = db.session.scalars(select(Response)).one()
        # Nothing on the response points back at the invitation.
        assert token not in repr(vars(response))
        assert not any("invitation" in column for column in Response.__table__.columns.keys())


def test_invitations_as_csv_for_mail_merge(client, admin):
    survey = open_survey(client, admin, access="invitation")
    made = client.post(
        f"/api/v1/surveys/{survey['id']}/invitations?format=csv",
        json={"count": 2},
        headers=bearer(admin),
    )
    assert made.status_code == 201 and made.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(made.get_data(as_text=True))))
    assert len(rows) == 2 and set(rows[0]) == {"token", "url"}


def test_same_submission_from_many_threads_is_stored_once(app, client, admin):
    survey = open_survey(client, admin)
    body = {"submission_id": str(uuid.uuid4()), "answers": answers_for("omdommetrappen", 3)}
    url = f"/api/v1/public/surveys/{survey['public_id']}/responses"
    start = threading.Barrier(12)

    def post(_):
        start.wait()
        response = app.test_client().post(url, json=body)
        return response.status_code, response.get_json()["receipt"]

    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(post, range(12)))
    assert sorted(code for code, _ in results) == [200] * 11 + [201]
    assert len({receipt for _, receipt in results}) == 1
    assert count_responses(app) == 1
    with app.app_context():
        assert db.session.scalar(select(func.sum(ScoreAggregate.n))) == 1


def test_one_token_from_many_threads_is_accepted_once(app, client, admin):
    survey = open_survey(client, admin, access="invitation")
    token = client.post(
        f"/api/v1/surveys/{survey['id']}/invitations", json={"count": 1}, headers=bearer(admin)
    ).get_json()["invitations"][0]["token"]
    url = f"/api/v1/public/surveys/{survey['public_id']}/responses"
    start = threading.Barrier(12)

    def post(_):
        body = {
            "submission_id": str(uuid.uuid4()),
            "token": token,
            "answers": answers_for("omdommetrappen", 2),
        }
        start.wait()
        return app.test_client().post(url, json=body).status_code

    with ThreadPoolExecutor(12) as pool:
        codes = sorted(pool.map(post, range(12)))
    assert codes == [201] + [409] * 11
    assert count_responses(app) == 1


def test_withdraw_with_receipt(app, client, admin):
    survey = open_survey(client, admin)
    receipt = submit(client, survey, answers_for("omdommetrappen")).get_json()["receipt"]
    submit(client, survey, answers_for("omdommetrappen", 2))
    response = client.delete(f"/api/v1/public/responses/{receipt.lower().replace('-', '')}")
    assert response.status_code == 204
    assert count_responses(app) == 1
    with app.app_context():
        assert db.session.scalar(select(func.sum(ScoreAggregate.n))) == 1
    assert_error(client.delete(f"/api/v1/public/responses/{receipt}"), 404)


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_MINUTE": 3}])
def test_rate_ceiling_is_429_with_retry_after(app, client, admin):
    survey = open_survey(client, admin)
    codes = [submit(client, survey, answers_for("omdommetrappen")).status_code for _ in range(3)]
    assert codes == [201, 201, 201]
    limited = submit(client, survey, answers_for("omdommetrappen"))
    assert_error(limited, 429)
    assert int(limited.headers["Retry-After"]) >= 1
    assert count_responses(app) == 3


def test_fieldwork_monitor_counts(app, client, admin):
    survey = open_survey(client, admin, population_size=40)
    for value in (1, 2, 3, 4, 5, 4, 3):
        assert submit(client, survey, answers_for("omdommetrappen", value)).status_code == 201
    report = client.get(f"/api/v1/surveys/{survey['id']}/fieldwork", headers=bearer(admin))
    assert report.status_code == 200
    body = report.get_json()
    # Live counts are rounded down to a multiple of min_n (5): 7 shows as 5.
    assert body["counts_rounded_down_to"] == 5
    assert body["responses"] == 5
    assert body["response_rate"] == pytest.approx(5 / 40)
    assert sum(day["responses"] for day in body["responses_per_day"]) == 5
    from datetime import date

    assert [day["date"] for day in body["responses_per_day"]] == [date.today().isoformat()]
    # Responses through the JSON API never opened the form: they count as started.
    assert body["started"] == 5 and body["completion_rate"] == 1.0
    # The precision is the published snapshot's: the first five responses.
    assert body["published"]["n"] == 5 and body["published"]["snapshot"] == 1
    assert body["precision_now"]["suppressed"] is False
    assert body["precision_now"]["n"] == 5
    assert body["precision_now"]["half_width"] > 0


def test_fieldwork_precision_suppressed_below_min_n(client, admin):
    survey = open_survey(client, admin)
    submit(client, survey, answers_for("omdommetrappen", 3))
    body = client.get(f"/api/v1/surveys/{survey['id']}/fieldwork", headers=bearer(admin)).get_json()
    assert body["responses"] == 0  # 1, rounded down to a multiple of 5
    assert body["published"] is None
    assert body["precision_now"] == {
        "measure": "omdommeindeks",
        "n": None,
        "suppressed": True,
        "half_width": None,
    }
