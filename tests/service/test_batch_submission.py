"""Responses stored in a batch (the demo's path, ``services/batch_submission.py``) publish
exactly what the same responses submitted one by one publish: the scores and the fieldwork
while the survey collects, and after it closed the final scores, the breakdowns and the
export; and they leave the same history behind for the disclosure rules (the snapshots
taken, the responses they mark, the breakdowns' steps)."""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import BreakdownStep, Response, ScoreSnapshot, Survey
from survey_service.services import submission
from survey_service.services.batch_submission import Arrival, submit_many
from survey_service.services.demo.answers import Respondents, arrivals
from survey_service.services.demo.programme import ROLE_VIEWS

from helpers import bearer, close_survey, open_survey

#: Not a multiple of SURVEY_MIN_N: the last few arrive after the last snapshot.
RESPONSES = 87
#: What names the survey rather than describing its answers.
OWN = {"survey", "id", "title", "public_id", "links", "etag", "generated_at"}

CASES = {
    "staircase": {
        "instrument": "omdommetrappen",
        "audience": "citizens",
        "population_margins": {"gender": {"female": 5000, "male": 5000}},
    },
    "cooperation": {"instrument": "partssamarbeid", "audience": "mixed", "population_size": 150},
}
#: The breakdown compared for each.
BY = {"staircase": "age_band", "cooperation": "role_group"}


def _responses(app: Any, survey_id: int) -> list[Arrival]:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        who = Respondents(
            RESPONSES,
            date(2026, 3, 2),
            levels={"tillit": 0.4, "felles_mal": 0.7},
            perspectives=ROLE_VIEWS,
        )
        return list(arrivals(survey, who, random.Random(7)))


def _one_by_one(app: Any, survey_id: int, responses: list[Arrival]) -> None:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        for arrival in responses:
            submission.submit(
                db.session,
                survey,
                arrival.payload,
                secret=app.config["SURVEY_SECRET_KEY"],
                min_n=app.config["SURVEY_MIN_N"],
                today=arrival.day,
            )
        db.session.commit()


def _in_a_batch(app: Any, survey_id: int, responses: list[Arrival]) -> int:
    with app.app_context():
        survey = db.session.get(Survey, survey_id)
        stored = submit_many(
            db.session,
            survey,
            responses,
            secret=app.config["SURVEY_SECRET_KEY"],
            min_n=app.config["SURVEY_MIN_N"],
        )
        db.session.commit()
        return stored.responses


def _published(client: Any, key: str, survey: dict[str, Any], what: str) -> Any:
    response = client.get(f"/api/v1/surveys/{survey['id']}/{what}", headers=bearer(key))
    assert response.status_code == 200, response.get_json()
    return _without_names(response.get_json())


def differences(a: Any, b: Any, path: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Where two published bodies differ, numbers compared to 1e-9 relative: one-by-one
    submission adds each response to a stripe picked at random, so its sums are added up
    in an order of their own, and differ from any other order in the last bits."""
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            yield from differences(a.get(k), b.get(k), f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from differences(x, y, f"{path}[{i}]")
    elif isinstance(a, float) and isinstance(b, float | int):
        if a != pytest.approx(b, rel=1e-9, abs=1e-9):
            yield path, a, b
    elif a != b:
        yield path, a, b


def _same(client: Any, key: str, one: dict[str, Any], other: dict[str, Any], what: str) -> bool:
    found = list(
        differences(_published(client, key, one, what), _published(client, key, other, what))
    )
    assert found == [], (what, found[:10])
    return True


def _without_names(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: _without_names(v) for k, v in body.items() if k not in OWN}
    if isinstance(body, list):
        return [_without_names(v) for v in body]
    return body


def _export(client: Any, key: str, survey: dict[str, Any]) -> list[tuple[tuple[str, str], ...]]:
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": survey["instrument"], "survey": survey["id"], "format": "csv"},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))
    naming = {"row_id", "survey_id", "survey_title", "public_id", "survey"}
    return sorted(tuple(sorted((k, v) for k, v in row.items() if k not in naming)) for row in rows)


def _history(app: Any, survey_id: int) -> dict[str, Any]:
    with app.app_context():
        snapshot = db.session.get(ScoreSnapshot, survey_id)
        assert snapshot is not None
        steps = db.session.execute(
            select(BreakdownStep.seq, BreakdownStep.changes, BreakdownStep.published)
            .where(BreakdownStep.survey_id == survey_id)
            .order_by(BreakdownStep.seq)
        ).all()
        published = db.session.execute(
            select(Response.submission_hash, Response.published, Response.submitted_on).where(
                Response.survey_id == survey_id
            )
        ).all()
        return {
            "snapshot": (snapshot.seq, snapshot.n, snapshot.changes, snapshot.taken_on),
            "final": snapshot.final,
            "margins": snapshot.margins,
            "steps": [tuple(step) for step in steps],
            "responses": sorted(tuple(row) for row in published),
        }


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_batch_publishes_what_one_by_one_submission_does(app, client, admin, make_key, case):
    fields: dict[str, Any] = {"municipality": "4601", "period": "2026", **CASES[case]}
    single = open_survey(client, admin, title="One by one", **fields)
    batch = open_survey(client, admin, title="In a batch", **fields)
    responses = _responses(app, single["id"])
    _one_by_one(app, single["id"], responses)
    assert _in_a_batch(app, batch["id"], responses) == RESPONSES
    # A second batch of the same submissions stores nothing.
    assert _in_a_batch(app, batch["id"], responses) == 0

    reader = make_key("municipality", "4601")
    for what in ("scores", "fieldwork"):
        assert _same(client, reader, batch, single, what)
    assert _history(app, batch["id"]) == _history(app, single["id"])

    close_survey(client, admin, single)
    close_survey(client, admin, batch)
    for what in ("scores", "fieldwork", f"breakdowns?by={BY[case]}"):
        assert _same(client, reader, batch, single, what)
    assert _history(app, batch["id"]) == _history(app, single["id"])
    final = _history(app, batch["id"])
    assert final["final"] and final["snapshot"][1] == RESPONSES // 5 * 5
    analyst = make_key("analyst")
    exported = _export(client, analyst, batch)
    assert exported  # the published responses (less any the export must hold back)
    assert exported == _export(client, analyst, single)


def test_a_batch_keeps_a_large_surveys_pace(app, client, admin, make_key, monkeypatch):
    """At the pace of a large survey (scaled down to one in ten), and closing with ``min_n``
    changes waiting: the same snapshots, marks and final figures as one by one."""
    from survey_service.services import snapshots

    monkeypatch.setattr(snapshots, "REFRESH_ONE_IN", 10)
    fields: dict[str, Any] = {"municipality": "4601", "period": "2026", **CASES["staircase"]}
    single = open_survey(client, admin, title="One by one", **fields)
    batch = open_survey(client, admin, title="In a batch", **fields)
    # Snapshots at 5, 10, ..., 60, then 66, 72 and 79: five wait when the survey closes.
    responses = _responses(app, single["id"])[:84]
    _one_by_one(app, single["id"], responses)
    assert _in_a_batch(app, batch["id"], responses) == 84
    reader = make_key("municipality", "4601")
    assert _same(client, reader, batch, single, "scores")
    assert _history(app, batch["id"]) == _history(app, single["id"])
    assert _history(app, batch["id"])["snapshot"][1] == 79

    close_survey(client, admin, single)
    close_survey(client, admin, batch)
    assert _same(client, reader, batch, single, "scores")
    final = _history(app, batch["id"])
    assert final == _history(app, single["id"])
    assert final["final"] and final["snapshot"][1] == 84
    analyst = make_key("analyst")
    assert _export(client, analyst, batch) == _export(client, analyst, single)
