"""Building waves of surveys through the API for the trend and benefit-realisation tests."""

from __future__ import annotations

from typing import Any

from survey_service.instruments import bundled

from helpers import bearer, open_survey, submit


def staircase_answers(levels: dict[str, int]) -> dict[str, int]:
    """An omdømmetrappen response whose score on each dimension is ``(level - 1) * 25``:
    every item of the dimension answered ``level`` (a reverse-scored item the other way)."""
    instrument = bundled("omdommetrappen")
    items = {item.link_id: item for item in instrument.items}
    answers = {}
    for rule in instrument.scoring.dimensions:
        level = levels[rule.dimension]
        for link_id in rule.item_ids:
            item = items[link_id]
            assert item.scale is not None
            low, high = item.scale
            answers[link_id] = low + high - level if item.reverse else level
    return answers


def dice_wave(client: Any, key: str, rolls: list[int], **fields: Any) -> dict[str, Any]:
    """An open dice survey (samlingsevaluering) with one response per roll."""
    fields = {"instrument": "samlingsevaluering", "audience": "mixed", **fields}
    survey = open_survey(client, key, **fields)
    for roll in rolls:
        response = submit(client, survey, {"terningkast": roll})
        assert response.status_code == 201, response.get_json()
    return survey


def trends(client: Any, key: str, number: str, **query: Any) -> Any:
    return client.get(
        f"/api/v1/municipalities/{number}/trends", query_string=query, headers=bearer(key)
    )


def benefit(client: Any, key: str, survey: dict[str, Any], **query: Any) -> Any:
    return client.get(
        f"/api/v1/surveys/{survey['id']}/benefit-realisation",
        query_string=query,
        headers=bearer(key),
    )
