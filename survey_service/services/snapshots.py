"""Published snapshots: the only state of a survey's aggregates that any reader is shown.

Reading a live survey at n = 5 and again at n = 6 gives the 6th person's answers by
subtraction (``6 m6 - 5 m5``); so does a withdrawal from 6 to 5, and so does re-reading one
state under two weightings. Hence:

- A submission or withdrawal replaces the survey's snapshot, in its own transaction, only
  once at least ``min_n`` responses have arrived or left since the snapshot was taken, and in
  a large survey at least one in a hundred of the respondents it published (:func:`due`).
- Within it, each figure (an item, dimension or index, and a dimension's Cronbach's α
  statistics) moves on only when at least ``min_n`` of the responses behind *it* have
  changed; otherwise it keeps the statistics it was last published with. (Ten new people of
  whom four skipped an item would otherwise move that item by one person.)
- The snapshot keeps the population margins in force when it was taken, and its figures are
  weighted by those: new margins apply from the next snapshot, so one state of the data is
  never published under two weightings (which, solved together, would give each group's
  total, and across snapshots one person's answers).

So any two figures ever published for a survey differ by at least ``min_n`` respondents.
(Figures of one snapshot over slightly different people, such as an item that one person
skipped and its dimension, are the scores service's to withhold.)

The final publication
---------------------
Each snapshot marks the responses it holds (``response.published``), in the same statement
that reads the aggregates, so the marked responses are exactly those the snapshot was made
from. When the survey stops collecting, :func:`finalise` takes its *final* snapshot from
exactly the marked responses, every figure current; an export releases exactly those rows,
so each published figure can be recomputed from the export. Responses that arrived after the
last snapshot (fewer than ``min_n``: :func:`finalise` first publishes any ``min_n`` or more
that a large survey's snapshot was waiting for) are kept but never published: figures or
rows that held them would differ from the last snapshot by their answers alone. Withdrawals
end when the survey stops collecting; a survey with withdrawals since its last snapshot
keeps that snapshot (which still holds them, among at least ``min_n``) and is never
exported, since its rows, set against the figures, would show the withdrawn answers.

One difference remains possible and is accepted: a figure kept at an older value in the last
snapshot (fewer than ``min_n`` of its own answers had changed, as when a few people skipped
an item) moves by those answers in the final one. They are answers from among at least
``min_n`` people who answered in that time, without saying which of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import CursorResult, bindparam, func, select, update
from sqlalchemy.orm import Session

from survey_service.database import insert_ignoring_duplicates
from survey_service.models import Response, ScoreAggregate, ScoreSnapshot, Survey
from survey_service.services import breakdown_snapshots, rescore, score_store
from survey_service.services.collecting import accepting_responses
from survey_service.services.score_store import EMPTY, Aggregate, Cells

#: A large survey's snapshot waits until one in this many of the respondents it published
#: have changed: a rush into a survey of 60,000 then publishes every 600 submissions rather
#: than every ``min_n``. Taking a snapshot reads and rewrites every cell of the survey, which
#: was a quarter of a submission's time when every fifth one did it. Figures stay within 1 %
#: of the data, and two published states differ by more people, never fewer.
REFRESH_ONE_IN = 100


def due(gathered: int, *, published_n: int, min_n: int) -> bool:
    """Whether ``gathered`` changes since the snapshot (which published ``published_n``
    respondents) make a new snapshot due: ``min_n``, or 1 in :data:`REFRESH_ONE_IN` of the
    published respondents when that is more."""
    return gathered >= max(min_n, published_n // REFRESH_ONE_IN)


# Changes gathered since the snapshot was taken (live minus published) and the respondents it
# published, in one statement built once: it runs on the path of every submission.
_SINCE_PUBLISHED = select(
    select(func.coalesce(func.sum(ScoreAggregate.changes), 0))
    .where(ScoreAggregate.survey_id == bindparam("survey_id"))
    .scalar_subquery()
    - func.coalesce(
        select(ScoreSnapshot.changes)
        .where(ScoreSnapshot.survey_id == bindparam("survey_id"))
        .scalar_subquery(),
        0,
    ),
    func.coalesce(
        select(ScoreSnapshot.n)
        .where(ScoreSnapshot.survey_id == bindparam("survey_id"))
        .scalar_subquery(),
        0,
    ),
)


def publish_if_due(
    session: Session, survey: Survey, *, min_n: int, today: date, closing: bool = False
) -> bool:
    """Replace the survey's snapshot when it is :func:`due` (``closing``: when ``min_n`` or
    more changes have gathered, before the final snapshot); in the caller's transaction.
    Returns whether it did.

    Most calls end after one small read (the change counts). When due, the change count and
    the cells are read again in one statement, so the snapshot is exactly the state its
    change count describes. Of two concurrent transactions that both find a snapshot due,
    the conditional UPDATE lets only the first replace it (the other's change counts towards
    the next).
    """
    gathered, published_n = (
        session.connection().execute(_SINCE_PUBLISHED, {"survey_id": survey.id}).one()
    )
    if not due(int(gathered or 0), published_n=0 if closing else int(published_n), min_n=min_n):
        return False
    # A savepoint: the responses marked stay unmarked unless this snapshot is the one taken.
    savepoint = session.begin_nested()
    rows = _read_and_mark(session, survey.id)
    changes = sum(row.changes for row in rows)
    current = session.get(ScoreSnapshot, survey.id, populate_existing=True)
    if changes - (current.changes if current is not None else 0) < min_n:
        savepoint.rollback()
        return False
    cells = next_cells(
        score_store.merged_by_cell(rows),
        previous=_merged(current.cells) if current is not None else None,
        min_n=min_n,
    )
    values = snapshot_values(cells, changes=changes, today=today, margins=survey.population_margins)
    if current is None:
        taken = insert_ignoring_duplicates(
            session, ScoreSnapshot, {"survey_id": survey.id, "seq": 1, **values}
        )
    else:
        result: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(ScoreSnapshot)
            .where(ScoreSnapshot.survey_id == survey.id, ScoreSnapshot.seq == current.seq)
            .values(seq=current.seq + 1, **values)
            .execution_options(synchronize_session=False)
        )
        taken = bool(result.rowcount)
    if not taken:
        savepoint.rollback()
        return False
    # What changed, for the breakdowns (or they keep their state).
    seq = current.seq + 1 if current is not None else 1
    breakdown_snapshots.follow(session, survey, before=current, after=values, seq=seq, min_n=min_n)
    savepoint.commit()
    return True


def next_cells(live: Cells, *, previous: Cells | None, min_n: int) -> Cells:
    """The cells a new snapshot publishes of the live aggregates ``live``, after the
    snapshot holding ``previous`` (None: the first): each figure that moved too little
    keeps its old statistics; cells with nothing in them are left out."""
    if previous is not None:
        live = _keep_figures_that_moved_too_little(live, previous, min_n)
    return {cell: value for cell, value in live.items() if _any(*value)}


def snapshot_values(
    cells: Cells, *, changes: int, today: date, margins: Mapping[str, Any] | None
) -> dict[str, Any]:
    """A snapshot row's values (all but ``survey_id`` and ``seq``) for ``next_cells``."""
    return {
        "changes": changes,
        "n": sum(n for n, _stats in cells.values()),
        "taken_on": today,
        "margins": dict(margins or {}),
        "cells": [[cell, n, stats.to_json()] for cell, (n, stats) in sorted(cells.items())],
    }


def _read_and_mark(session: Session, survey_id: int) -> Sequence[Any]:
    """The survey's aggregate rows, with every response they hold marked published.

    On PostgreSQL both happen in one statement (a data-modifying WITH), which sees one
    snapshot of the database: the responses marked are those whose contributions are read,
    however submissions interleave. SQLite has one writer at a time, and this transaction is
    it, so two statements see the same state.
    """
    connection = session.connection()
    given = {"aggregates_of": survey_id}
    if connection.dialect.name == "postgresql":
        return connection.execute(_READ_AND_MARK, given).all()
    connection.execute(_MARK, given)
    return connection.execute(_AGGREGATES, given).all()


# Built once: every snapshot runs them.
_AGGREGATES = (
    select(ScoreAggregate.cell, ScoreAggregate.n, ScoreAggregate.changes, ScoreAggregate.stats)
    .where(ScoreAggregate.survey_id == bindparam("aggregates_of"))
    .order_by(ScoreAggregate.cell, ScoreAggregate.stripe)
)
_MARK = (
    update(Response)
    .where(Response.survey_id == bindparam("aggregates_of"), Response.published.is_(False))
    .values(published=True)
)
_MARKED = _MARK.returning(Response.id).cte("marked")
_READ_AND_MARK = _AGGREGATES.add_columns(
    select(func.count()).select_from(_MARKED).scalar_subquery().label("marked")
)


def finalise(
    session: Session,
    survey: Survey,
    *,
    min_n: int,
    today: date,
    published_cells: tuple[Cells, int] | None = None,
) -> bool:
    """Take the survey's final snapshot, if it has stopped collecting and it is due (see the
    module docstring); in the caller's transaction. Returns whether it did.
    ``published_cells``: the aggregates of exactly the published responses and their
    number, when the caller knows them (``rescore.published_cells`` otherwise scores them
    again).

    The final snapshot holds exactly the published responses, every figure current, weighted
    by the margins of the last snapshot (one state, one weighting). It is not taken while
    withdrawals since the last snapshot are missing from the published responses.
    """
    if survey.status == "draft" or accepting_responses(survey):
        return False
    current = session.get(ScoreSnapshot, survey.id, populate_existing=True)
    if current is None or current.final:
        return False
    if publish_if_due(session, survey, min_n=min_n, today=today, closing=True):
        # A large survey's snapshot was waiting for more changes: what it would have held
        # is published first, and the cells the caller knew are out of date.
        current = session.get(ScoreSnapshot, survey.id, populate_existing=True)
        assert current is not None
        published_cells = None
    if _withdrawn_since(session, current):
        return False
    cells, n = published_cells or rescore.published_cells(session, survey)
    values = {
        "final": True,
        "n": n,
        "taken_on": today,
        "cells": [[cell, count, stats.to_json()] for cell, (count, stats) in sorted(cells.items())],
        "margins": dict(current.margins or {}),
    }
    finished: CursorResult[Any] = session.execute(  # type: ignore[assignment]
        update(ScoreSnapshot)
        .where(ScoreSnapshot.survey_id == survey.id, ScoreSnapshot.seq == current.seq)
        .values(seq=current.seq + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if not finished.rowcount:
        return False
    breakdown_snapshots.follow(
        session, survey, before=current, after=values, seq=current.seq + 1, min_n=min_n
    )
    return True


def is_final(session: Session, survey: Survey) -> bool:
    """Whether the survey's final snapshot has been taken."""
    return bool(
        session.scalar(select(ScoreSnapshot.final).where(ScoreSnapshot.survey_id == survey.id))
    )


def withdrawn_since_published(session: Session, survey: Survey) -> bool:
    """Whether responses held by the survey's snapshot have been withdrawn since it was
    taken (then its rows, set against its figures, would show the withdrawn answers)."""
    current = session.get(ScoreSnapshot, survey.id)
    return current is not None and not current.final and _withdrawn_since(session, current)


def _withdrawn_since(session: Session, snapshot: ScoreSnapshot) -> bool:
    """Fewer published responses than the snapshot held: some were withdrawn since. (The
    marks are exact, so there are never more, except after the upgrade that added them,
    which marked every response of a survey that had a snapshot.)"""
    held = session.scalar(
        select(func.count())
        .select_from(Response)
        .where(Response.survey_id == snapshot.survey_id, Response.published.is_(True))
    )
    return (held or 0) < snapshot.n


@dataclass(frozen=True)
class Published:
    """What readers may be shown of a survey: its snapshot (None before the first) and its
    cells as ``cell -> (n, stats)``."""

    snapshot: ScoreSnapshot | None
    cells: Cells

    @property
    def n(self) -> int:
        return sum(n for n, _stats in self.cells.values())


def published(session: Session, survey_id: int) -> Published:
    snapshot = session.get(ScoreSnapshot, survey_id)
    if snapshot is None:
        return Published(None, {})
    return Published(snapshot, _merged(snapshot.cells))


def _merged(entries: Iterable[Any]) -> Cells:
    """A snapshot's stored ``[[cell, n, stats], ...]`` as ``cell -> (n, stats)``."""
    cells: Cells = {}
    for cell, n, stats in entries:
        parsed = Aggregate.from_json(stats)
        if cell in cells:  # a cell is stored once; older snapshots may hold it twice
            count, merged = cells[cell]
            cells[cell] = (count + int(n), merged + parsed)
        else:
            cells[cell] = (int(n), parsed)
    return {cell: value for cell, value in cells.items() if _any(*value)}


def _any(n: int, stats: Aggregate) -> bool:
    """A cell worth keeping: respondents now, or a figure kept from before."""
    return n > 0 or stats.holds_figures()


def _changes(cells: Cells) -> dict[str, int]:
    totals: dict[str, int] = {}
    for _n, stats in cells.values():
        for key, count in stats.changes.items():
            totals[key] = totals.get(key, 0) + int(count)
    return totals


def _keep_figures_that_moved_too_little(live: Cells, previous: Cells, min_n: int) -> Cells:
    """``live``, except that each figure with 1 to ``min_n - 1`` changes since ``previous``
    keeps its statistics (and change count) from ``previous``."""
    now, before = _changes(live), _changes(previous)
    kept = {k for k in now.keys() | before.keys() if 0 < now.get(k, 0) - before.get(k, 0) < min_n}
    if not kept:
        return live
    out: Cells = {}
    for cell in live.keys() | previous.keys():
        n, stats = live.get(cell, (0, EMPTY))
        old = previous.get(cell, (0, EMPTY))[1]
        # Every figure a cell holds has a change count: a cell without a kept one is as it is.
        if kept.isdisjoint(stats.changes) and kept.isdisjoint(old.changes):
            out[cell] = (n, stats)
        else:
            out[cell] = (n, stats.with_figures_from(old, kept))
    return out
