"""Rescoring column by column stores exactly what scoring each response on its own stores.

For every bundled instrument, a survey with varied answers (don't know, skipped items, empty
answers, conditional items), respondent attributes (prefer not to say, free text that looks
like a cell key, none), published and unpublished responses, withdrawals, stale person
scores and each kind of snapshot is rescored twice in the same state: row by row (the
reference, ``row_by_row=True``) and column by column. The aggregates, the snapshot and every
stored person score must be the same, to the last bit and in the same key order.
"""

from __future__ import annotations

import json
import math
import random
import uuid
from datetime import date
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, func, insert, select, update

from survey_service.db import db
from survey_service.instruments import DONT_KNOW, PREFER_NOT_TO_SAY, load_bundled
from survey_service.models import Response, ScoreAggregate, ScoreSnapshot, Survey
from survey_service.services import column_scores, person_scores, score_store, snapshots
from survey_service.services import rescore as rescore_module
from survey_service.services.column_scores import ColumnScorer
from survey_service.services.demo.answers import draw_answers
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.rescore import published_cells, rescore
from survey_service.services.surveys import create_survey, update_survey

TODAY = date(2030, 5, 1)
AREAS = ["Sentrum", "x;gender=male", "50%=half", "", None]


def _survey(instrument_key: str, audience: str) -> Survey:
    session = db.session
    survey = create_survey(
        session,
        {
            "municipality": "4601",
            "instrument": instrument_key,
            "audience": audience,
            "title": f"Rescore {instrument_key}",
        },
        actor="tests",
    )
    update_survey(session, survey, {"status": "open"}, actor="tests", min_n=5)
    return survey


def _answers(instrument: Any, audience: str, rng: random.Random) -> dict[str, Any]:
    answers = draw_answers(
        instrument,
        audience,
        levels={},
        respondent={},
        language="nb",
        rng=rng,
        shift=rng.uniform(-0.3, 0.3),
    )
    roll = rng.random()
    if roll < 0.05:
        return {}
    for item in instrument.items:
        if item.scale is None:
            continue
        if item.dont_know and rng.random() < 0.1:
            answers[item.link_id] = DONT_KNOW
        elif rng.random() < 0.1:
            answers.pop(item.link_id, None)
        elif rng.random() < 0.03:
            answers[item.link_id] = None
    return answers


def _insert_responses(survey: Survey, n: int, rng: random.Random) -> None:
    instrument = as_instrument(survey.instrument_version)
    rows = []
    for _ in range(n):
        answers = _answers(instrument, survey.audience, rng)
        rows.append(
            {
                "survey_id": survey.id,
                "submission_hash": uuid.uuid4().hex,
                "receipt_hash": uuid.uuid4().hex,
                "language": "nb",
                "submitted_on": TODAY,
                "answers": answers,
                "scores": {},
                "published": rng.random() < 0.6,
                "role": rng.choice(["employee", "politician", PREFER_NOT_TO_SAY, None]),
                "gender": rng.choice(["female", "male", PREFER_NOT_TO_SAY, None]),
                "age_band": rng.choice(["18-29", None]),
                "area": rng.choice(AREAS),
                "municipality": rng.choice(["4601", None]),
            }
        )
    db.session.execute(insert(Response), rows)


def _staircase(n: int, rng: random.Random) -> Survey:
    """A citizens' staircase survey with ``n`` responses stored unscored."""
    survey = _survey("omdommetrappen", "citizens")
    _insert_responses(survey, n, rng)
    return survey


def _fails_alike(session: Any, survey: Survey, error: type[Exception]) -> str:
    """Rescoring by column fails with the per-row reference's ``error`` and message."""
    with pytest.raises(error) as reference:
        rescore(session, survey, today=TODAY, row_by_row=True)
    with pytest.raises(error) as by_column:
        rescore(session, survey, today=TODAY)
    assert str(by_column.value) == str(reference.value)
    return str(reference.value)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of 37 rows, so that a survey's batches end mid-way and at odd places."""
    monkeypatch.setattr(rescore_module, "COLUMN_BATCH", 37)


def _withdraw_some(survey: Survey, rng: random.Random) -> None:
    """Take a few responses out as a withdrawal does: folded out, then deleted."""
    session = db.session
    instrument = as_instrument(survey.instrument_version)
    responses = session.scalars(select(Response).where(Response.survey_id == survey.id)).all()
    for response in rng.sample(list(responses), 5):
        score_store.fold(
            session,
            survey.id,
            instrument,
            rescore_module.score_response(instrument, response.answers),
            score_store.attributes_of(response),
            answers=response.answers,
            sign=-1,
        )
        session.delete(response)
    session.flush()


def _stale_scores(survey: Survey, rng: random.Random) -> None:
    session = db.session
    for response in session.scalars(select(Response).where(Response.survey_id == survey.id)):
        if rng.random() < 0.3:
            response.scores = {"dimensions": {}, "indices": {}}
    session.flush()


def _stored(survey_id: int) -> dict[str, Any]:
    """Everything a rescore writes, in a form that compares bits and key order."""
    session = db.session
    session.expire_all()
    aggregates = [
        (row.cell, row.stripe, row.n, row.changes, json.dumps(row.stats))
        for row in session.scalars(
            select(ScoreAggregate)
            .where(ScoreAggregate.survey_id == survey_id)
            .order_by(ScoreAggregate.cell, ScoreAggregate.stripe)
        )
    ]
    snapshot = session.get(ScoreSnapshot, survey_id)
    taken = (
        None
        if snapshot is None
        else (
            snapshot.seq,
            snapshot.n,
            snapshot.changes,
            str(snapshot.taken_on),
            json.dumps(snapshot.cells),
        )
    )
    scores = [
        (id_, json.dumps(scores))
        for id_, scores in session.execute(
            select(Response.id, Response.scores)
            .where(Response.survey_id == survey_id)
            .order_by(Response.id)
        )
    ]
    return {"aggregates": aggregates, "snapshot": taken, "scores": scores}


def _both_ways(survey_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The reference's outcome and the column path's, from the same state."""
    session = db.session
    survey = session.get(Survey, survey_id)
    assert survey is not None
    savepoint = session.begin_nested()
    reference_n = rescore(session, survey, today=TODAY, row_by_row=True)
    reference = _stored(survey_id)
    savepoint.rollback()
    survey = session.get(Survey, survey_id)
    assert survey is not None
    n = rescore(session, survey, today=TODAY)
    assert n == reference_n
    return reference, _stored(survey_id)


INSTRUMENTS = [(i.key, i.audiences[0]) for i in load_bundled()]


@pytest.mark.parametrize("snapshot", ["none", "live", "final"])
@pytest.mark.parametrize(("instrument_key", "audience"), INSTRUMENTS)
def test_column_rescore_stores_what_the_per_row_rescore_stores(
    app, monkeypatch, instrument_key, audience, snapshot
):
    # Small batches: several of them, cells spanning batches.
    monkeypatch.setattr(rescore_module, "COLUMN_BATCH", 37)
    rng = random.Random(f"{instrument_key}-{snapshot}")
    with app.app_context():
        session = db.session
        survey = _survey(instrument_key, audience)
        assert ColumnScorer.for_instrument(as_instrument(survey.instrument_version)) is not None
        _insert_responses(survey, 150, rng)
        rescore(session, survey, today=TODAY, row_by_row=True)
        if snapshot != "none":
            snapshots.publish_if_due(session, survey, min_n=5, today=TODAY)
            taken = session.get(ScoreSnapshot, survey.id)
            assert taken is not None
            taken.final = snapshot == "final"
        _withdraw_some(survey, rng)
        if snapshot == "live":
            # Still the state the snapshot was taken at: the rescore retakes it.
            taken = session.get(ScoreSnapshot, survey.id)
            assert taken is not None
            taken.changes = sum(
                session.scalars(
                    select(ScoreAggregate.changes).where(ScoreAggregate.survey_id == survey.id)
                )
            )
        _stale_scores(survey, rng)
        session.flush()
        reference, by_column = _both_ways(survey.id)
        assert by_column["aggregates"] == reference["aggregates"]
        assert by_column["snapshot"] == reference["snapshot"]
        assert by_column["scores"] == reference["scores"]
        assert any(stats for *_, stats in reference["aggregates"])
        if snapshot != "none":
            assert reference["snapshot"] is not None
        published = published_cells(session, session.get(Survey, survey.id))
        expected = published_cells(session, session.get(Survey, survey.id), row_by_row=True)
        assert published[1] == expected[1]
        assert list(published[0]) == list(expected[0])
        for cell, (n, stats) in expected[0].items():
            assert published[0][cell][0] == n
            assert json.dumps(published[0][cell][1].to_json()) == json.dumps(stats.to_json())
        session.rollback()


def test_an_answer_off_the_scale_fails_as_the_per_row_rescore_does(app):
    with app.app_context():
        session = db.session
        survey = _survey("omdommetrappen", "citizens")
        instrument = as_instrument(survey.instrument_version)
        _insert_responses(survey, 20, random.Random(3))
        item = next(i for i in instrument.items if i.scale is not None)
        for bad in (99, 3.0, True, "3", [3]):
            response = session.scalars(
                select(Response).where(Response.survey_id == survey.id).limit(1)
            ).one()
            response.answers = {**response.answers, item.link_id: bad}
            session.flush()
            _fails_alike(session, survey, ValueError)
        session.rollback()


def _neumaier(values: list[float]) -> float:
    """Builtin ``sum`` of floats from Python 3.12 on (Neumaier's compensated sum)."""
    total, compensation = 0.0, 0.0
    for x in values:
        added = total + x
        if abs(total) >= abs(x):
            compensation += (total - added) + x
        else:
            compensation += (x - added) + total
        total = added
    return total + compensation if compensation and math.isfinite(compensation) else total


def _plain(values: list[float]) -> float:
    total = 0.0
    for x in values:
        total += x
    return total


@pytest.mark.parametrize("compensated", [False, True])
def test_row_sums_add_as_the_builtin_sum_does(monkeypatch, compensated):
    rng = np.random.default_rng(5)
    n, k = 2000, 9
    columns = [rng.choice([0.0, 100 / 3, 100 / 6, 1e16, -1e16, 12.5, 100.0], n) for _ in range(k)]
    present = [rng.random(n) < 0.8 for _ in range(k)]
    reference = _neumaier if compensated else _plain
    if compensated == column_scores.COMPENSATED_SUM:
        reference = sum  # the running Python's own
    monkeypatch.setattr(column_scores, "COMPENSATED_SUM", compensated)
    got = column_scores.python_sum(columns, present, n)
    for row in range(n):
        values = [float(c[row]) for c, p in zip(columns, present, strict=True) if p[row]]
        assert got[row] == reference(values), (row, values)


def test_rows_stored_out_of_id_order_are_summed_in_id_order(app, small_batches):
    # The survey is read in one scan without ORDER BY; PostgreSQL hands the rows out in the
    # order they lie in the table, here the reverse of their ids.
    with app.app_context():
        session = db.session
        survey = _staircase(150, random.Random("reversed"))
        rows = session.execute(
            select(Response.__table__).where(Response.survey_id == survey.id)
        ).all()
        top = session.scalar(select(func.max(Response.id)))
        assert top is not None
        session.execute(delete(Response).where(Response.survey_id == survey.id))
        session.execute(
            insert(Response),
            [
                {**row._asdict(), "id": top + 1000 + k}
                for k, row in sorted(enumerate(rows), key=lambda e: -e[0])
            ],
        )
        session.flush()
        reference, by_column = _both_ways(survey.id)
        assert by_column == reference
        published = published_cells(session, session.get(Survey, survey.id))
        expected = published_cells(session, session.get(Survey, survey.id), row_by_row=True)
        assert list(published[0]) == list(expected[0])
        assert [json.dumps(stats.to_json()) for _n, stats in published[0].values()] == [
            json.dumps(stats.to_json()) for _n, stats in expected[0].values()
        ]
        session.rollback()


def test_answers_off_the_tables_in_several_rows_fail_as_the_per_row_rescore_does(app):
    with app.app_context():
        session = db.session
        survey = _staircase(30, random.Random(4))
        instrument = as_instrument(survey.instrument_version)
        items = [i for i in instrument.items if i.scale is not None]
        responses = session.scalars(
            select(Response).where(Response.survey_id == survey.id).order_by(Response.id)
        ).all()
        # Two bad rows, the later one bad in an earlier item: the first by id decides.
        responses[7].answers = {**responses[7].answers, items[5].link_id: 99}
        responses[20].answers = {**responses[20].answers, items[0].link_id: "3"}
        responses[25].answers = ["not", "an", "object"]
        session.flush()
        assert "99" in _fails_alike(session, survey, ValueError)
        responses[7].answers = {**responses[7].answers, items[5].link_id: None}
        responses[20].answers = {**responses[20].answers, items[0].link_id: None}
        session.flush()
        _fails_alike(session, survey, AttributeError)
        session.rollback()


def test_person_scores_as_text_are_what_json_dumps_writes():
    rng = np.random.default_rng(11)
    awkward = [np.nan, 12.5, 100 / 3, 1e16, 1e-5, -0.0, 75.0, 1e300, 5e-324, 2 / 3]
    scores = person_scores.PersonScores(
        ("tillit", "50%=half", 'ø"x'),
        ("index",),
        rng.choice(awkward, (200, 3)),
        rng.choice(awkward, (200, 1)),
    )
    rows = scores.rows()
    assert any(row["dimensions"]["tillit"] is None for row in rows)
    assert scores.json_texts() == [json.dumps(row) for row in rows]
    compact = (",", ":")
    assert scores.json_texts(separators=compact) == [
        json.dumps(row, separators=compact) for row in rows
    ]
    assert scores.rows([3, 1]) == [rows[3], rows[1]]
    none = person_scores.PersonScores((), (), np.empty((2, 0)), np.empty((2, 0)))
    assert none.json_texts() == [json.dumps(row) for row in none.rows()]


def _same_value_other_text(scores: dict[str, Any]) -> dict[str, Any]:
    """Equal to ``scores`` (as Python and jsonb compare), written otherwise: keys reversed,
    whole numbers as integers."""

    def other(values: dict[str, Any]) -> dict[str, Any]:
        return {
            key: int(v) if isinstance(v, float) and v.is_integer() else v
            for key, v in reversed(values.items())
        }

    return {"indices": other(scores["indices"]), "dimensions": other(scores["dimensions"])}


def test_scores_stored_with_the_same_value_in_other_text_are_left_as_they_are(app, small_batches):
    rng = random.Random("other text")
    with app.app_context():
        session = db.session
        survey = _staircase(120, rng)
        rescore(session, survey, today=TODAY, row_by_row=True)
        _stale_scores(survey, rng)
        session.flush()
        responses = session.scalars(select(Response).where(Response.survey_id == survey.id))
        rewritten = 0
        for response in responses:
            other = _same_value_other_text(response.scores)
            # Rows with a whole number among their scores (told apart below by its type).
            if not response.scores["dimensions"] or json.dumps(other, sort_keys=True) == json.dumps(
                response.scores, sort_keys=True
            ):
                continue
            assert other == response.scores
            if rng.random() < 0.5:
                session.execute(
                    update(Response).where(Response.id == response.id).values(scores=other)
                )
                rewritten += 1
        assert rewritten > 20
        session.flush()
        reference, by_column = _both_ways(survey.id)
        assert by_column["scores"] == reference["scores"]
        assert by_column == reference
        # The scores written otherwise are still there: neither path wrote them again.
        kept = [
            text
            for _id, text in by_column["scores"]
            if any(type(v) is int for part in json.loads(text).values() for v in part.values())
        ]
        assert len(kept) == rewritten
        session.rollback()
