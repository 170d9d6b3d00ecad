"""The demo's gathering: one survey the network runs, answered from 110 municipalities, each
of which sees its own part where enough of its people answered."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from survey_service.db import db
from survey_service.models import Response
from survey_service.services.demo_gathering import PARTICIPANTS, TITLE, load_gathering

from helpers import bearer


def test_the_gathering_shows_each_municipality_its_own_part(app, client, make_key):
    with app.app_context():
        survey = load_gathering(db.session)
        db.session.commit()
        survey_id, participants = survey.id, list(survey.participants)
        # A second run finds it and adds nothing.
        assert load_gathering(db.session).id == survey_id
        people = Counter(db.session.scalars(select(Response.municipality)))
    assert len(participants) == PARTICIPANTS
    assert set(people) == set(participants)
    assert max(people.values()) >= 8 and min(people.values()) == 1

    admin = make_key("admin")
    body = client.get(f"/api/v1/surveys/{survey_id}", headers=bearer(admin)).get_json()
    assert body["title"] == TITLE and body["organiser"]["kind"] == "network"
    assert body["status"] == "closed"
    scores = client.get(f"/api/v1/surveys/{survey_id}/scores", headers=bearer(admin)).get_json()
    assert scores["n"] >= 200 and not scores["suppressed"]

    shown = withheld = 0
    for number in participants:
        part = client.get(
            f"/api/v1/surveys/{survey_id}/parts/{number}", headers=bearer(admin)
        ).get_json()
        if part["suppressed"]:
            withheld += 1
            assert part["n"] is None and part["dimensions"][0]["estimate"] is None
        else:
            shown += 1
            assert part["n"] >= 5
    # Every municipality that sent five or more is shown: the parts are audited exactly.
    assert shown == sum(1 for n in people.values() if n >= 5) and withheld >= 1

    # A small municipality's key sees its own part, withheld; never another's.
    small = min(participants, key=lambda n: (people[n], n))
    key = make_key("municipality", small)
    own = client.get(f"/api/v1/surveys/{survey_id}/parts/{small}", headers=bearer(key))
    assert own.status_code == 200 and own.get_json()["suppressed"]
    other = next(n for n in participants if n != small)
    assert (
        client.get(f"/api/v1/surveys/{survey_id}/parts/{other}", headers=bearer(key)).status_code
        == 404
    )
