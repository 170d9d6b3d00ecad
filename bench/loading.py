"""Responses loaded in bulk for the benchmarks: the stored row of one response, and rows
inserted in batches (no validation, scoring or aggregates: ``rescore`` and the snapshots
follow, as each benchmark's loader does)."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from survey_service.instruments import Instrument, ResponseScores, score_response
from survey_service.models import Response
from survey_service.services.demo.answers import draw_answers, draw_respondent
from survey_service.services.demo.programme import STAIRCASE

#: Rows per INSERT statement.
BATCH = 5_000


def stored_scores(scores: ResponseScores) -> dict[str, Any]:
    """A response's person scores as the response row stores them."""
    return {"dimensions": scores.dimension_scores, "indices": scores.index_scores}


def response_row(
    survey_id: int,
    answers: Mapping[str, Any],
    *,
    scores: Mapping[str, Any],
    respondent: Mapping[str, str] | None = None,
    day: date | None = None,
) -> dict[str, Any]:
    """One response as stored, with a submission and receipt of its own; ``scores`` as
    :func:`stored_scores` gives them (``{}``: for ``rescore`` to fill in)."""
    respondent = respondent or {}
    return {
        "survey_id": survey_id,
        "submission_hash": uuid.uuid4().hex,
        "receipt_hash": uuid.uuid4().hex,
        "language": "nb",
        "submitted_on": day or date.today(),
        "answers": answers,
        "scores": scores,
        "age_band": respondent.get("age_band"),
        "gender": respondent.get("gender"),
    }


def insert_responses(session: Session, rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` in batches of :data:`BATCH`; returns how many."""
    batch: list[dict[str, Any]] = []
    count = 0
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            session.execute(insert(Response), batch)
            count += len(batch)
            batch = []
    if batch:
        session.execute(insert(Response), batch)
        count += len(batch)
    return count


def drawn_pool(
    instrument: Instrument, asked: Mapping[str, Any], rng: random.Random, size: int
) -> list[tuple[dict[str, str], dict[str, Any], dict[str, Any]]]:
    """``size`` citizens' responses drawn once, as ``(respondent, answers, stored scores)``:
    a benchmark samples its rows from them (drawing each row would take longer than the
    measure it loads for)."""
    pool = []
    for _ in range(size):
        respondent = draw_respondent(instrument, asked, rng)
        answers = draw_answers(
            instrument, "citizens", levels=STAIRCASE, respondent=respondent, language="nb", rng=rng
        )
        pool.append((respondent, answers, stored_scores(score_response(instrument, answers))))
    return pool
