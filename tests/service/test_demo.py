"""The demo data a new user sees: surveys with responses and sensible scores."""

from survey_service.db import db
from survey_service.services.demo import DEMO_SURVEYS, load_demo

from helpers import bearer


def test_demo_surveys_show_sensible_scores(app, client, make_key):
    with app.app_context():
        lines = list(load_demo(db.session, progress=lambda _: None, public_url="http://x"))
        db.session.commit()
        assert len(lines) == len(DEMO_SURVEYS)
        # A second run finds the surveys and adds nothing.
        assert list(load_demo(db.session, progress=lambda _: None)) == []
    key = make_key("dashboard")
    surveys = client.get("/api/v1/surveys", headers=bearer(make_key("admin"))).get_json()
    assert len(surveys) == len(DEMO_SURVEYS)
    for survey in surveys:
        scores = client.get(f"/api/v1/surveys/{survey['id']}/scores", headers=bearer(key))
        body = scores.get_json()
        assert scores.status_code == 200
        assert body["n"] >= 5 and not body["suppressed"]
        for figure in body["dimensions"]:
            low, high = figure["scale"]
            assert low <= figure["confidence_interval"]["low"] <= figure["estimate"]
            assert figure["estimate"] <= figure["confidence_interval"]["high"] <= high
        if body["staircase"]:
            assert 1 <= body["staircase"]["level"] <= 5
    follow_up = next(s for s in surveys if s["baseline_survey"])
    body = client.get(f"/api/v1/surveys/{follow_up['id']}/scores", headers=bearer(key)).get_json()
    assert all("change" in figure for figure in body["dimensions"])
    assert body["method"]["weighting"] == "poststratified"
