"""Rescoring rebuilds exactly the aggregates that submissions built."""

from click.testing import CliRunner

from survey_service.cli import main

from helpers import answers_for, bearer, open_survey, submit


def test_rescore_reproduces_the_scores(app, client, make_key, monkeypatch):
    admin = make_key("admin")
    survey = open_survey(
        client,
        admin,
        respondent_attributes={"gender": None},
        population_margins={"gender": {"female": 10, "male": 12}},
    )
    for value, gender in (
        (1, "female"),
        (2, "male"),
        (4, "female"),
        (5, "male"),
        (3, "male"),
        (4, "female"),
        ("dont_know", "female"),
    ):
        assert (
            submit(
                client, survey, answers_for("omdommetrappen", value), respondent={"gender": gender}
            ).status_code
            == 201
        )
    url = f"/api/v1/surveys/{survey['id']}/scores"
    before = client.get(url, headers=bearer(admin)).get_json()

    monkeypatch.setenv("SURVEY_DATABASE_URL", app.config["SURVEY_DATABASE_URL"])
    monkeypatch.setenv("SURVEY_SECRET_KEY", "test-secret")
    result = CliRunner().invoke(main, ["rescore", str(survey["id"])])
    assert result.exit_code == 0, result.output
    assert "7 responses rescored" in result.output
    after = client.get(url, headers=bearer(admin)).get_json()
    for old, new in zip(before["dimensions"], after["dimensions"], strict=True):
        assert new["n"] == old["n"]
        assert abs(new["estimate"] - old["estimate"]) < 1e-9
        assert abs(new["standard_error"] - old["standard_error"]) < 1e-9
        assert abs(new["reliability"]["estimate"] - old["reliability"]["estimate"]) < 1e-9

    missing = CliRunner().invoke(main, ["rescore", "999999"])
    assert missing.exit_code != 0 and "999999" in missing.output
