"""What the body of a published read depends on, read in one small statement: the state
behind a read's ETag (``conditional_get``), so a poll that finds nothing changed answers
``304 Not Modified`` without computing a figure.

Three rules keep a 304 right:

- **Everything the body reads is covered**: the survey's row as the body reads it, its
  published snapshot, and its baseline's row and snapshot; for a read across surveys, every
  survey of the instrument. (Settings, code, query, language and the caller's scope are
  added by the web layer.)
- **What the body reads in statements of its own only ever grows**: a snapshot's ``seq`` and
  ``changes``, a survey's ``updated_at``, the aggregates' change counts, and the phase of the
  fieldwork (not yet open, collecting, stopped). The state is read before the body, so when
  something moves in between, an older state labels a newer body: that label never comes
  back, so it can never match again. (The reverse, a newer label on an older body, would
  answer a later poll with a stale 304.) The survey's own row is the one object the body uses
  too, so it enters by its values.
- **Nothing finer than the body**: fieldwork's live counts enter rounded down to multiples of
  ``min_n`` as the body shows them, and the comments' change count only once the survey has
  stopped collecting, so an ETag never tells the moment one more person answered.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import IntEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, String, func, inspect, select, true, type_coerce
from sqlalchemy.orm import Session, aliased

from survey_service.models import (
    FormCounter,
    InstrumentRecord,
    InstrumentVersion,
    InvitationLedger,
    Response,
    ScoreAggregate,
    ScoreSnapshot,
    Survey,
)
from survey_service.services.collecting import accepting_responses
from survey_service.services.fieldwork import at_least

__all__ = [
    "Phase",
    "comments_state",
    "fieldwork_state",
    "instrument_state",
    "instrument_state_of",
    "phase",
    "survey_state",
]

#: A read's state: plain values (numbers, strings, dates, lists) that only compare and hash.
State = list[Any]


class Phase(IntEnum):
    """Where a survey is in its collection; for a survey that nobody changes, it only moves
    forward with time."""

    NOT_YET = 0
    COLLECTING = 1
    STOPPED = 2


def phase(survey: Survey, now: datetime) -> Phase:
    if accepting_responses(survey, now):
        return Phase.COLLECTING
    if survey.status == "closed" or (survey.closes_at is not None and now >= survey.closes_at):
        return Phase.STOPPED
    return Phase.NOT_YET


# Made once: a new alias at every read would cost more than the query (and miss the
# statement cache).
_BASELINE = aliased(Survey, name="baseline")
_OWN_SNAPSHOT = aliased(ScoreSnapshot, name="own_snapshot")
_BASELINE_SNAPSHOT = aliased(ScoreSnapshot, name="baseline_snapshot")


def survey_state(
    session: Session, visible: Select[Any], survey_id: int, *, now: datetime
) -> tuple[Survey, State] | None:
    """The survey among ``visible`` (None when it is not: the read answers 404), and the
    state of its published scores: its row and phase, its snapshot, its baseline's row and
    snapshot. (The phase, because what is published may change when collecting stops, with
    no change to any row.)"""
    baseline, own, theirs = _BASELINE, _OWN_SNAPSHOT, _BASELINE_SNAPSHOT
    row = session.execute(
        visible.where(Survey.id == survey_id)
        .outerjoin(own, own.survey_id == Survey.id)
        .outerjoin(baseline, baseline.id == Survey.baseline_survey_id)
        .outerjoin(theirs, theirs.survey_id == baseline.id)
        .add_columns(own.seq, own.changes, baseline.updated_at, theirs.seq, theirs.changes)
    ).first()
    if row is None:
        return None
    survey, *published = row
    return survey, [_row(survey), phase(survey, now), published]


def instrument_state(session: Session, instrument: str) -> State:
    """The state of every survey of the instrument with key ``instrument`` (any version,
    any status): its id, when its row last changed, and its snapshot. A read across surveys
    (every survey's scores, a benchmark, a trend) changes only when one of these does."""
    return _surveys_of(session, InstrumentRecord.key == instrument)


def instrument_state_of(session: Session, survey: Survey) -> State:
    """:func:`instrument_state` of the survey's own instrument."""
    instrument = (
        select(InstrumentVersion.instrument_id)
        .where(InstrumentVersion.id == survey.instrument_version_id)
        .scalar_subquery()
    )
    return _surveys_of(session, InstrumentRecord.id == instrument)


def _surveys_of(session: Session, which: ColumnElement[bool]) -> State:
    rows = session.execute(
        # The time as the driver hands it over: only compared, never read as a time.
        select(
            Survey.id,
            type_coerce(Survey.updated_at, String),
            ScoreSnapshot.seq,
            ScoreSnapshot.changes,
        )
        .join(InstrumentVersion, InstrumentVersion.id == Survey.instrument_version_id)
        .join(InstrumentRecord, InstrumentRecord.id == InstrumentVersion.instrument_id)
        .outerjoin(ScoreSnapshot, ScoreSnapshot.survey_id == Survey.id)
        .where(which)
        .order_by(Survey.id)
    ).all()
    # Hundreds of rows: a digest keeps the state small to hash again and to hold.
    digest = hashlib.sha256()
    for survey_id, updated_at, seq, changes in rows:
        digest.update(f"{survey_id} {updated_at} {seq} {changes};".encode())
    return [len(rows), digest.hexdigest()]


def fieldwork_state(
    session: Session,
    visible: Select[Any],
    survey_id: int,
    *,
    min_n: int,
    now: datetime,
) -> tuple[Survey, State] | None:
    """The survey among ``visible`` and the state of its fieldwork report: its row and
    phase, its snapshot, and the live counts rounded down to multiples of ``min_n`` as the
    report shows them (responses per day, forms opened, invitations issued and used)."""
    days = (
        select(Response.submitted_on.label("day"), func.count().label("responses"))
        .where(Response.survey_id == survey_id)
        .group_by(Response.submitted_on)
        .subquery()
    )
    opened = (
        select(func.coalesce(func.sum(FormCounter.opened), 0))
        .where(FormCounter.survey_id == survey_id)
        .scalar_subquery()
    )
    rows = session.execute(
        visible.where(Survey.id == survey_id)
        .outerjoin_from(Survey, days, true())
        .outerjoin_from(Survey, ScoreSnapshot, ScoreSnapshot.survey_id == Survey.id)
        .outerjoin_from(Survey, InvitationLedger, InvitationLedger.survey_id == Survey.id)
        .add_columns(
            days.c.day,
            days.c.responses,
            opened,
            ScoreSnapshot.seq,
            ScoreSnapshot.changes,
            InvitationLedger.issued,
            InvitationLedger.used,
        )
        .order_by(days.c.day)
    ).all()
    if not rows:
        return None
    survey = rows[0][0]
    _, _, _, opened_count, seq, changes, issued, used = rows[0]
    per_day = [(day, count) for _, day, count, *_ in rows if day is not None]
    responses = sum(count for _day, count in per_day)
    return survey, [
        _row(survey),
        phase(survey, now),
        [seq, changes],
        [(day, shown) for day, count in per_day if (shown := at_least(count, min_n)) > 0],
        at_least(responses, min_n),
        at_least(max(opened_count or 0, responses), min_n),
        [issued, at_least(used or 0, min_n)],
    ]


def comments_state(
    session: Session, visible: Select[Any], survey_id: int, *, min_n: int, now: datetime
) -> tuple[Survey, State] | None:
    """The survey among ``visible`` and the state of its comments: its row and phase and,
    once it has stopped collecting with at least ``min_n`` responses (only then are comments
    released), its change count, which every response and withdrawal moves, and its
    snapshot."""
    responses = select(func.count()).where(Response.survey_id == survey_id).scalar_subquery()
    changes = (
        select(func.coalesce(func.sum(ScoreAggregate.changes), 0))
        .where(ScoreAggregate.survey_id == survey_id)
        .scalar_subquery()
    )
    row = session.execute(
        visible.where(Survey.id == survey_id)
        .outerjoin(ScoreSnapshot, ScoreSnapshot.survey_id == Survey.id)
        .add_columns(responses, changes, ScoreSnapshot.seq)
    ).first()
    if row is None:
        return None
    survey, count, changed, seq = row
    now_phase = phase(survey, now)
    released = now_phase != Phase.COLLECTING and count >= min_n
    # (The snapshot too: which responses are released may follow what is published.)
    return survey, [_row(survey), now_phase, [changed, seq] if released else None]


def _row(survey: Survey) -> str:
    """Every column of the survey's row as loaded, as one text."""
    values = {column.key: getattr(survey, column.key) for column in inspect(Survey).column_attrs}
    return json.dumps(values, sort_keys=True, default=str)
