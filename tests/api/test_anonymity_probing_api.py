"""Probing for other municipalities' surveys: a survey the key may not see is answered exactly
like a survey that does not exist, wherever a survey id from the caller is looked up.

The attack: an Oslo key (0301) names a Bergen survey's id (4601) and an id no survey has, and
compares the two answers. Anything that differs, apart from the id itself, would tell Oslo
which ids exist in other municipalities.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from helpers import answers_for, assert_error, bearer, create_survey, open_survey, submit

OSLO, BERGEN = "0301", "4601"

#: (method, path, JSON body); "{id}" is the probed survey id. Every place a caller's survey id
#: is resolved: the survey itself, its sub-resources, a baseline reference, an export filter.
PROBES = [
    pytest.param("GET", "/api/v1/surveys/{id}", None, id="get-survey"),
    pytest.param("PATCH", "/api/v1/surveys/{id}", {"title": "Ny tittel"}, id="patch-title"),
    pytest.param("PATCH", "/api/v1/surveys/{id}", {"status": "closed"}, id="patch-close"),
    pytest.param("PATCH", "/api/v1/surveys/{id}", {"status": "draft"}, id="patch-bad-status"),
    pytest.param("POST", "/api/v1/surveys/{id}/invitations", {"count": 2}, id="invitations"),
    pytest.param(
        "POST", "/api/v1/surveys/{id}/invitations?format=csv", {"count": 2}, id="invitations-csv"
    ),
    pytest.param("GET", "/api/v1/surveys/{id}/fieldwork", None, id="fieldwork"),
    pytest.param("GET", "/api/v1/surveys/{id}/scores", None, id="scores"),
    pytest.param(
        "GET", "/api/v1/surveys/{id}/scores?confidence_level=0.8", None, id="scores-level"
    ),
    pytest.param(
        "POST",
        "/api/v1/surveys",
        {
            "municipality": OSLO,
            "instrument": "omdommetrappen",
            "audience": "citizens",
            "title": "Oppfølging",
            "baseline_survey": "{id}",
        },
        id="baseline",
    ),
    pytest.param(
        # Another instrument too: the baseline's instrument must not be checked (and told).
        "POST",
        "/api/v1/surveys",
        {
            "municipality": OSLO,
            "instrument": "forankring",
            "audience": "employees",
            "title": "Oppfølging",
            "baseline_survey": "{id}",
        },
        id="baseline-other-instrument",
    ),
    pytest.param(
        "GET",
        "/api/v1/exports/responses?instrument=omdommetrappen&survey={id}",
        None,
        id="export-filter",
    ),
    pytest.param(
        "GET",
        "/api/v1/exports/responses?instrument=omdommetrappen&survey={id}&format=jsonl",
        None,
        id="export-filter-jsonl",
    ),
]


def _fill(value: Any, survey_id: int) -> Any:
    if value == "{id}":
        return survey_id
    if isinstance(value, str):
        return value.replace("{id}", str(survey_id))
    if isinstance(value, dict):
        return {k: _fill(v, survey_id) for k, v in value.items()}
    return value


def _call(client: Any, key: str, method: str, path: str, body: Any, survey_id: int) -> Any:
    kwargs: dict[str, Any] = {"headers": bearer(key)}
    if body is not None:
        kwargs["json"] = _fill(body, survey_id)
    return client.open(_fill(path, survey_id), method=method, **kwargs)


def _unused_id_like(survey_id: int, used: set[int]) -> int:
    """An id no survey has, with as many digits as ``survey_id`` (so even the length of the
    two answers must agree)."""
    digits = len(str(survey_id))
    return next(c for c in range(max(1, 10 ** (digits - 1)), 10**digits) if c not in used)


def _as_seen(response: Any, ids: tuple[int, int]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, headers and body bytes, with either probed id written as <id>."""
    pattern = re.compile(rb"(?<!\d)(%d|%d)(?!\d)" % ids)
    headers = [(k, pattern.sub(b"<id>", v.encode()).decode()) for k, v in response.headers]
    return response.status_code, headers, pattern.sub(b"<id>", response.get_data())


@pytest.fixture
def bergen_survey(client: Any, admin: str) -> dict[str, Any]:
    """An open Bergen survey with a response, so that every lookup has something to find."""
    survey = open_survey(client, admin, municipality=BERGEN)
    assert submit(client, survey, answers_for("omdommetrappen")).status_code == 201
    return survey


@pytest.mark.parametrize("method,path,body", PROBES)
def test_another_municipalitys_survey_answers_like_a_missing_one(
    client, admin, make_key, bergen_survey, method, path, body
):
    oslo = make_key("municipality", OSLO)
    create_survey(client, admin, municipality=OSLO)  # Oslo has surveys of its own
    listed = client.get("/api/v1/surveys", headers=bearer(admin)).get_json()
    hidden = bergen_survey["id"]
    missing = _unused_id_like(hidden, {s["id"] for s in listed})

    seen_hidden = _call(client, oslo, method, path, body, hidden)
    seen_missing = _call(client, oslo, method, path, body, missing)

    assert seen_hidden.status_code in (403, 404, 422), seen_hidden.get_data(as_text=True)
    assert _as_seen(seen_hidden, (hidden, missing)) == _as_seen(seen_missing, (hidden, missing))
    if seen_missing.is_json and str(missing) not in seen_missing.get_data(as_text=True):
        # Only a refusal that names no id at all (403 for the role) may leave the id out.
        assert seen_missing.status_code == 403
    # And nothing was changed or made by the probes.
    after = client.get(f"/api/v1/surveys/{hidden}", headers=bearer(admin)).get_json()
    assert after["title"] == bergen_survey["title"] and after["status"] == "open"
    created = client.get("/api/v1/surveys", headers=bearer(admin)).get_json()
    assert len(created) == len(listed)


def test_oslo_naming_a_bergen_baseline_is_told_no_survey_has_the_id(
    client, admin, make_key, bergen_survey
):
    oslo = make_key("municipality", OSLO)
    body = {
        "municipality": OSLO,
        "instrument": "omdommetrappen",
        "audience": "citizens",
        "title": "Oppfølging",
        "baseline_survey": bergen_survey["id"],
    }
    result = assert_error(client.post("/api/v1/surveys", json=body, headers=bearer(oslo)), 422)
    assert result["errors"] == {"baseline_survey": [f"No survey has the id {bergen_survey['id']}."]}


def test_admin_is_told_why_a_baseline_does_not_fit(client, admin, bergen_survey):
    body = {
        "municipality": OSLO,
        "instrument": "forankring",
        "audience": "employees",
        "title": "Oppfølging",
        "baseline_survey": bergen_survey["id"],
    }
    result = assert_error(client.post("/api/v1/surveys", json=body, headers=bearer(admin)), 422)
    assert result["errors"]["baseline_survey"] == [
        "The baseline must be a survey of the same municipality.",
        "The baseline must use the same instrument.",
    ]


def test_a_municipality_key_still_uses_its_own_surveys_as_baselines(client, admin, make_key):
    oslo = make_key("municipality", OSLO)
    own = create_survey(client, oslo, municipality=OSLO, instrument="omdommetrappen")
    follow_up = create_survey(client, oslo, municipality=OSLO, baseline_survey=own["id"])
    assert follow_up["baseline_survey"] == own["id"]
    other_instrument = {
        "municipality": OSLO,
        "instrument": "forankring",
        "audience": "employees",
        "title": "Oppfølging",
        "baseline_survey": own["id"],
    }
    result = assert_error(
        client.post("/api/v1/surveys", json=other_instrument, headers=bearer(oslo)), 422
    )
    assert result["errors"]["baseline_survey"] == ["The baseline must use the same instrument."]
