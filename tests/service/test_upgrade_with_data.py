"""Migrations with data in the tables: down to 0003 and up again keeps what matters.

0004 moved spent invitations into a ledger and added published snapshots. Taken down and up
again with responses and used invitations in place, the invitations that were used are still
used, the unused ones still admit a response, and the scores are published again: from all
the responses, as the schema of 0003 (which published live figures) showed them.
"""

from __future__ import annotations

import pytest

from survey_service import create_app, migrate
from survey_service.cli import run_init
from survey_service.db import db

from helpers import answers_for, bearer, fresh_database, open_survey, submit


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    with fresh_database(request.param, tmp_path) as url:
        app = create_app({"TESTING": True, "SURVEY_DATABASE_URL": url, "SURVEY_SECRET_KEY": "test"})
        run_init(app)
        yield app
        with app.app_context():
            db.session.close()
            db.engine.dispose()


def test_down_to_0003_and_up_again_keeps_invitations_and_scores(app):
    from survey_service.services.keys import create_key

    with app.app_context():
        _, admin = create_key(db.session, role="admin", municipality=None, name="t", actor="t")
        db.session.commit()
    client = app.test_client()
    survey = open_survey(client, admin, access="invitation")
    made = client.post(
        f"/api/v1/surveys/{survey['id']}/invitations", json={"count": 8}, headers=bearer(admin)
    )
    tokens = [i["token"] for i in made.get_json()["invitations"]]
    for value, token in zip((1, 2, 3, 4, 5, 3), tokens, strict=False):
        assert (
            submit(client, survey, answers_for("omdommetrappen", value), token=token).status_code
            == 201
        )
    url = f"/api/v1/surveys/{survey['id']}/scores"
    before = client.get(url, headers=bearer(admin)).get_json()
    assert before["n"] == 5

    with app.app_context():
        migrate.downgrade(db.engine, "0003")
        db.engine.dispose()
    run_init(app)

    after = client.get(url, headers=bearer(admin)).get_json()
    assert after["n"] == 6 and after["snapshot"]["seq"] == 1
    index = after["indices"][0]
    expected = sum((v - 1) * 25 for v in (1, 2, 3, 4, 5, 3)) / 6
    assert index["estimate"] == pytest.approx(expected)
    used = submit(client, survey, answers_for("omdommetrappen", 2), token=tokens[0])
    assert used.status_code == 409
    fresh = submit(client, survey, answers_for("omdommetrappen", 2), token=tokens[7])
    assert fresh.status_code == 201
    fieldwork = client.get(f"/api/v1/surveys/{survey['id']}/fieldwork", headers=bearer(admin))
    assert fieldwork.get_json()["invitations"] == {"created": 8, "used": 5}  # 7, rounded down
