"""Helpers of the breakdown tests: a realistic tripartite cooperation survey, reading a
breakdown, and the person scores the published figures must agree with."""

from __future__ import annotations

from typing import Any

from helpers import answers_for, bearer, open_survey, submit

#: A municipality's partssamarbeid survey: each party's answers (1-5 on every item).
PARTIES: dict[str, list[int]] = {
    "politician": [5, 4, 5, 4, 5, 4],
    "union_representative": [2, 3, 2, 2, 3],
    "safety_representative": [3, 2],
    "top_leader": [4, 4, 5],
    "middle_leader": [3, 4, 3, 4, 3, 4],
    "project_leader": [4, 3],
    "employee": [3, 3, 2, 4, 3, 2, 3, 4, 3, 2, 3],
}
#: 35 answers: a multiple of SURVEY_MIN_N, so the last snapshot holds every one.


def cooperation_survey(client: Any, key: str, parties: dict[str, list[int]] | None = None) -> dict:
    """An open partssamarbeid survey answered by ``parties`` (role -> answers), in turn."""
    survey = open_survey(client, key, instrument="partssamarbeid", audience="mixed")
    for role, values in (parties or PARTIES).items():
        for value in values:
            answer(client, survey, value, role=role)
    return survey


def answer(client: Any, survey: dict, value: int, **respondent: str) -> str:
    """Submit one answer (``value`` on every item) with ``respondent`` attributes; the
    receipt."""
    response = submit(
        client, survey, answers_for(survey_instrument(survey), value), respondent=respondent
    )
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["receipt"])


def survey_instrument(survey: dict) -> str:
    return str(survey["instrument"])


def read_breakdown(client: Any, key: str, survey: dict, by: str, **query: Any) -> dict:
    """GET a survey's breakdown (200 asserted)."""
    url = f"/api/v1/surveys/{survey['id']}/breakdowns"
    response = client.get(url, query_string={"by": by, **query}, headers=bearer(key))
    assert response.status_code == 200, response.get_json()
    return dict(response.get_json())


def group(body: dict, code: str) -> dict:
    return next(g for g in body["groups"] if g["group"] == code)


def figure_of(entry: dict, key: str) -> dict:
    return next(f for f in entry["dimensions"] + entry["indices"] if f["key"] == key)


def shown(body: dict) -> dict[str, dict]:
    """The groups shown, by code."""
    return {g["group"]: g for g in body["groups"] if not g["suppressed"]}


def index_score(value: int) -> float:
    """The partssamarbeid index of a person who answered ``value`` on every item."""
    from survey_service.instruments import bundled, score_response

    scores = score_response(bundled("partssamarbeid"), answers_for("partssamarbeid", value))
    return float(scores.index_scores["partssamarbeidsindeks"])
