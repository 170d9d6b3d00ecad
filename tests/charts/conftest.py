"""Surveys to chart: a staircase survey whose five steps show every state a step can be in,
and the helpers that fetch and read a chart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import fromstring

import pytest

from survey_service.instruments import bundled

from helpers import bearer, open_survey, read_scores, submit

#: What each step of the staircase survey is, and the answers (1-5, two kinds of respondent,
#: half each) that make it so: reached; reached; below the threshold; above it but with a step
#: below missing; withheld (only three answer it, the others say "don't know").
STEPS = {
    "strukturer_systemer_okonomi": ("sso", (5, 4), "reached"),
    "kvalitet": ("kv", (4, 5), "reached"),
    "intern_profilering": ("ip", (2, 3), "not_reached"),
    "ekstern_profilering": ("ep", (4, 5), "above"),
    "tillit": ("ti", (4, 5), "withheld"),
}
RESPONDENTS = 10
ANSWERING_TILLIT = 3


def staircase_answers(person: int, *, shift: int = 0) -> dict[str, Any]:
    """One respondent's answers: each step's value for this person's kind, reverse-scored
    items turned round so that every item of a step scores alike."""
    instrument = bundled("omdommetrappen")
    answers: dict[str, Any] = {}
    for _key, (prefix, values, _state) in STEPS.items():
        value = min(max(values[person % 2] + shift, 1), 5)
        for i in range(1, 5):
            link = f"{prefix}_{i}"
            answers[link] = 6 - value if instrument.item(link).reverse else value
            if prefix == "ti" and person >= ANSWERING_TILLIT:
                answers[link] = "dont_know"
    return answers


@dataclass
class Charts:
    client: Any

    def get(self, key: str, survey: dict[str, Any], name: str, **query: Any) -> Any:
        url = f"/api/v1/surveys/{survey['id']}/charts/{name}.svg"
        return self.client.get(url, query_string=query, headers=bearer(key))

    def svg(self, key: str, survey: dict[str, Any], name: str, **query: Any) -> Any:
        """The chart, parsed (200 and the SVG content type asserted)."""
        response = self.get(key, survey, name, **query)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
        return fromstring(response.data)


@pytest.fixture
def charts(client) -> Charts:
    return Charts(client)


@pytest.fixture
def answers() -> Any:
    """``answers(person)``: a respondent of the staircase survey (see ``STEPS``)."""
    return staircase_answers


@pytest.fixture
def staircase(client, admin) -> dict[str, Any]:
    """The staircase survey of Bergen with its published scores, and what each step is."""
    survey = open_survey(client, admin, title="Omdømmet i Bergen 2026", period="2026")
    for person in range(RESPONDENTS):
        assert submit(client, survey, staircase_answers(person)).status_code == 201
    states = {key: state for key, (_prefix, _values, state) in STEPS.items()}
    return {"survey": survey, "scores": read_scores(client, admin, survey), "states": states}


@pytest.fixture
def add_peers(client, admin) -> Any:
    """``add_peers()``: surveys of four other municipalities with the same instrument,
    audience and period, enough for the average municipality of the others to be published
    (three others with a published figure; a peer whose answers all clip alike has none)."""

    def add() -> None:
        for municipality, shift in (("5001", 0), ("0301", 1), ("1151", 2), ("1103", 1)):
            survey = open_survey(
                client,
                admin,
                municipality=municipality,
                title=f"Peer {municipality}",
                period="2026",
            )
            for person in range(5):
                answers = staircase_answers(person, shift=shift - 1)
                answers.update({f"ti_{i}": 3 + (person + i) % 3 for i in range(1, 5)})
                assert submit(client, survey, answers).status_code == 201

    return add
