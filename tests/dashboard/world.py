"""Known data sets for the dashboard's tests, made through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.waves import staircase_answers

from helpers import bearer, close_survey, dice_survey, open_survey, submit

#: Dice rolls by municipality: eight in Vestland with published figures (as the benchmark
#: tests use); Ulvik, whose five scattered rolls put it second by its direct estimate, but
#: whose model-based estimate, drawn towards its size class, falls below Bømlo's; and Utsira
#: with three, fewer than SURVEY_MIN_N (5): withheld.
ROLLS = {
    "4611": [5, 6, 4, 5, 6, 5, 3, 6, 4, 5],
    "4615": [2, 3, 4, 3, 2, 5, 3, 4, 3, 2],
    "4616": [6, 6, 5, 4, 6],
    "4619": [4, 3, 5, 4, 2, 6, 4, 3, 4, 5],
    "4612": [3, 4, 4, 5, 3, 4, 2, 4, 5, 4],
    "4613": [5, 4, 6, 5, 5, 4, 6, 5, 4, 5, 6, 5, 4, 6, 5],
    "4617": [2, 3, 3, 4, 2, 3, 4, 1, 3, 3],
    "4621": [4, 5, 4, 3, 5],
    "4620": [6, 6, 2, 6, 6],
    "1151": [6, 5, 6],
}
WITHHELD_MUNICIPALITY = "1151"


def dice_world(client: Any, admin: str) -> dict[str, dict[str, Any]]:
    """A gathering's evaluation in each municipality of ROLLS; municipality -> survey."""
    surveys = {}
    for number, rolls in ROLLS.items():
        survey = dice_survey(client, admin, municipality=number, period="2026")
        for roll in rolls:
            assert submit(client, survey, {"terningkast": roll}).status_code == 201
        surveys[number] = survey
    return surveys


#: Staircase levels (1-5 on every item of a step) of the baseline and the follow-up.
BEFORE = {
    "strukturer_systemer_okonomi": 3,
    "kvalitet": 3,
    "intern_profilering": 2,
    "ekstern_profilering": 2,
    "tillit": 2,
}
AFTER = {
    "strukturer_systemer_okonomi": 5,
    "kvalitet": 4,
    "intern_profilering": 4,
    "ekstern_profilering": 3,
    "tillit": 4,
}
#: Of the follow-up's ten respondents only three answer the trust step (the others say
#: "don't know"), so trust is withheld there, and so is the index over all five steps.
ANSWERING_TRUST = 3
#: Reached, not reached, and withheld (the index).
TARGETS = {"strukturer_systemer_okonomi": 50, "kvalitet": 95, "omdommeindeks": 50}


@dataclass
class Staircase:
    baseline: dict[str, Any]
    follow_up: dict[str, Any]


def staircase_world(client: Any, admin: str) -> Staircase:
    """Bergen's reputation among its residents: a closed baseline (2025), and an open
    follow-up (2026) with targets and a withheld step."""
    baseline = open_survey(client, admin, title="Omdømmet i Bergen 2025", period="2025")
    for person in range(10):
        levels = {k: min(5, v + person % 2) for k, v in BEFORE.items()}
        assert submit(client, baseline, staircase_answers(levels)).status_code == 201
    close_survey(client, admin, baseline)
    follow_up = open_survey(
        client,
        admin,
        title="Omdømmet i Bergen 2026",
        period="2026",
        baseline_survey=baseline["id"],
        targets=TARGETS,
        embed_origins=["https://www.bergen.kommune.no"],
    )
    for person in range(10):
        levels = {k: max(1, v - person % 2) for k, v in AFTER.items()}
        answers = staircase_answers(levels)
        if person >= ANSWERING_TRUST:
            answers.update({f"ti_{i}": "dont_know" for i in range(1, 5)})
        assert submit(client, follow_up, answers).status_code == 201
    return Staircase(baseline, follow_up)


def api(client: Any, key: str, path: str, **query: Any) -> Any:
    response = client.get(f"/api/v1{path}", query_string=query, headers=bearer(key))
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()
