"""Published snapshots: the only state of a survey's aggregates that any reader is shown.

Reading a live survey at n = 5 and again at n = 6 gives the 6th person's answers by
subtraction (``6 m6 - 5 m5``); so does a withdrawal from 6 to 5, and so does re-reading one
state under two weightings. Hence:

- A submission or withdrawal replaces the survey's snapshot, in its own transaction, only
  once at least ``min_n`` responses have arrived or left since the snapshot was taken.
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
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from survey_service.database import insert_ignoring_duplicates
from survey_service.models import ScoreAggregate, ScoreSnapshot, Survey
from survey_service.services import breakdown_snapshots, score_store
from survey_service.services.score_store import EMPTY, Aggregate, Cells


def publish_if_due(session: Session, survey: Survey, *, min_n: int, today: date) -> bool:
    """Replace the survey's snapshot when ``min_n`` or more changes have gathered since it
    was taken; in the caller's transaction. Returns whether it did.

    Most calls end after two small reads (the change counts). When due, the change count and
    the cells are read again in one statement, so the snapshot is exactly the state its
    change count describes. Of two concurrent transactions that both find a snapshot due,
    the conditional UPDATE lets only the first replace it (the other's change counts towards
    the next).
    """
    published_at = session.scalar(
        select(ScoreSnapshot.changes).where(ScoreSnapshot.survey_id == survey.id)
    )
    live = session.scalar(
        select(func.coalesce(func.sum(ScoreAggregate.changes), 0)).where(
            ScoreAggregate.survey_id == survey.id
        )
    )
    if (live or 0) - (published_at or 0) < min_n:
        return False
    rows = session.execute(
        select(ScoreAggregate.cell, ScoreAggregate.n, ScoreAggregate.changes, ScoreAggregate.stats)
        .where(ScoreAggregate.survey_id == survey.id)
        .order_by(ScoreAggregate.cell, ScoreAggregate.stripe)
    ).all()
    changes = sum(row.changes for row in rows)
    current = session.get(ScoreSnapshot, survey.id, populate_existing=True)
    if changes - (current.changes if current is not None else 0) < min_n:
        return False
    cells = score_store.merged_by_cell(rows)
    if current is not None:
        cells = _keep_figures_that_moved_too_little(cells, _merged(current.cells), min_n)
    values = {
        "changes": changes,
        "n": sum(n for n, _stats in cells.values()),
        "taken_on": today,
        "margins": dict(survey.population_margins or {}),
        "cells": [
            [cell, n, stats.to_json()]
            for cell, (n, stats) in sorted(cells.items())
            if _any(n, stats)
        ],
    }
    if current is None:
        result = insert_ignoring_duplicates(
            session, ScoreSnapshot, {"survey_id": survey.id, "seq": 1, **values}
        )
    else:
        result = session.execute(
            update(ScoreSnapshot)
            .where(ScoreSnapshot.survey_id == survey.id, ScoreSnapshot.seq == current.seq)
            .values(seq=current.seq + 1, **values)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount:  # what changed, for the breakdowns (or they keep their state)
        seq = current.seq + 1 if current is not None else 1
        breakdown_snapshots.follow(
            session, survey, before=current, after=values, seq=seq, min_n=min_n
        )
    return bool(result.rowcount)


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
        out[cell] = (n, stats.with_figures_from(old, kept))
    return out
