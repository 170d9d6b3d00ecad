"""Fixtures for the export tests: keys, and a helper that downloads an export."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest

from helpers import bearer, close_survey, open_survey, submit


@pytest.fixture
def analyst(make_key: Callable[..., str]) -> str:
    return make_key("analyst")


@pytest.fixture
def download(client: Any) -> Callable[..., Any]:
    """``download(key, instrument=..., format=...)``: GET the export (asserting 200), read the
    whole body and close the response."""

    def get(key: str, **params: Any) -> Any:
        response = client.get("/api/v1/exports/responses", query_string=params, headers=bearer(key))
        assert response.status_code == 200, response.get_data(as_text=True)
        response.get_data()
        response.close()
        return response

    return get


ATTRIBUTES = {
    "role": None,
    "age_band": None,
    "gender": None,
    "area": {"options": ["Sør-Øst", "Nord"]},
}


def varied_answers(rng: random.Random) -> dict[str, Any]:
    """omdommepavirkere answers with every kind of value: choice, don't know, ratings."""
    from survey_service.instruments import bundled

    answers: dict[str, Any] = {"kontakt": "yes"}
    for item in bundled("omdommepavirkere").items:
        if item.scale is None:
            continue
        low, high = item.scale
        if item.dont_know and rng.random() < 0.15:
            answers[item.link_id] = "dont_know"
        elif rng.random() < 0.1 and not item.required:
            continue
        else:
            answers[item.link_id] = rng.randint(low, high)
    return answers


@pytest.fixture
def fill(client: Any) -> Callable[..., dict[str, Any]]:
    """``fill(admin_key, n, respondent={...}, **survey_fields)``: see :func:`fill_survey`."""

    def run(key: str, n: int, **kwargs: Any) -> dict[str, Any]:
        return fill_survey(client, key, n, **kwargs)

    return run


def fill_survey(
    client: Any,
    key: str,
    n: int,
    *,
    respondent: dict[str, Any] | None = None,
    seed: int = 1,
    close: bool = True,
    **survey: Any,
) -> dict[str, Any]:
    """Open an omdommepavirkere survey and submit ``n`` varied responses through the API."""
    rng = random.Random(seed)
    created = open_survey(
        client,
        key,
        instrument="omdommepavirkere",
        respondent_attributes=ATTRIBUTES,
        **survey,
    )
    for _ in range(n):
        response = submit(
            client, created, varied_answers(rng), respondent=respondent or {}, language="nb"
        )
        assert response.status_code == 201, response.get_json()
    # Exports hold surveys that no longer collect: close it, as its owner would.
    return close_survey(client, key, created) if close else created
