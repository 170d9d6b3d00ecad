"""Published snapshots: the only state of a survey's aggregates that any reader is shown.

Reading a live survey at n = 5 and again at n = 6 gives the 6th person's answers by
subtraction (``6 m6 - 5 m5``); so does a withdrawal from 6 to 5, and so does re-reading one
state under two weightings. Hence:

- A submission or withdrawal replaces the survey's snapshot, in its own transaction, only
  once at least ``min_n`` responses have arrived or left since the snapshot was taken.
- The snapshot keeps the population margins in force when it was taken, and its figures are
  weighted by those: new margins apply from the next snapshot, so one state of the data is
  never published under two weightings (which, solved together, would give each group's
  total, and across snapshots one person's answers).
- People who answered the same scored items form a *pattern class*. Figures over slightly
  different sets of people can be solved together for the few in between: with everyone's
  dimension score and every item of it published, one person who skipped an item has their
  score in the difference. Every figure is a sum over whole pattern classes, so a class is
  published only with at least ``min_n`` members (the others are left out of every figure
  until enough share their pattern), and within a new snapshot a class moves on only once at
  least ``min_n`` of its members have changed; otherwise it keeps its last published state.

So any two figures ever published for a survey, and any total that figures can be solved
for, differ by at least ``min_n`` respondents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from survey_service.models import ScoreAggregate, ScoreSnapshot, Survey
from survey_service.services import score_store
from survey_service.services.score_store import Cells, Stats


def publish_if_due(
    session: Session, survey: Survey, *, min_n: int, today: date, pattern: str | None = None
) -> bool:
    """Publish a new snapshot, in the caller's transaction, if a pattern class has gathered
    ``min_n`` changes since it was last published; returns whether it did.

    ``pattern``: the class a submission or withdrawal just changed, the only one that can
    have become due (None: look at every class). The rows and their change counts are read in
    one statement, so the snapshot is exactly the state its counts describe. Of two
    concurrent transactions, the conditional UPDATE lets the first replace the snapshot; the
    other reads again (now seeing the first's) and tries once more.
    """
    for _attempt in range(2):
        current = session.execute(
            select(ScoreSnapshot.seq, ScoreSnapshot.changes).where(
                ScoreSnapshot.survey_id == survey.id
            )
        ).first()
        done: dict[str, int] = dict(current.changes or {}) if current is not None else {}
        if pattern is not None:
            changed = session.scalar(
                select(func.coalesce(func.sum(ScoreAggregate.changes), 0)).where(
                    ScoreAggregate.survey_id == survey.id, _in_class(pattern)
                )
            )
            if (changed or 0) - done.get(pattern, 0) < min_n:
                return False
        if _replace(session, survey, current.seq if current else None, done, min_n, today):
            return True
    return False


def _in_class(pattern: str) -> Any:
    """SQL: the cell belongs to pattern class ``pattern`` (the pattern ends the cell key;
    values are percent-encoded, so no value can end in one)."""
    tail = f"{score_store.PATTERN}={pattern}"
    return or_(ScoreAggregate.cell == tail, ScoreAggregate.cell.endswith(f";{tail}"))


def _replace(
    session: Session,
    survey: Survey,
    seq: int | None,
    done: Mapping[str, int],
    min_n: int,
    today: date,
) -> bool:
    rows = session.execute(
        select(ScoreAggregate.cell, ScoreAggregate.n, ScoreAggregate.changes, ScoreAggregate.stats)
        .where(ScoreAggregate.survey_id == survey.id)
        .order_by(ScoreAggregate.cell, ScoreAggregate.stripe)
    ).all()
    live = _entries(rows)
    now: dict[str, int] = defaultdict(int)
    for cell, entry in live.items():
        now[score_store.pattern_of(cell)] += entry.changes
    moved = {p for p, count in now.items() if count - done.get(p, 0) >= min_n}
    if not moved:
        return False
    previous = (
        {}
        if seq is None
        else _stored(session.get_one(ScoreSnapshot, survey.id, populate_existing=True))
    )
    # Each class as it moves on, or as last published; a class no longer in the live rows at
    # all (rebuilt by a rescore) is gone.
    entries = {c: e for c, e in live.items() if score_store.pattern_of(c) in moved}
    entries |= {
        c: e
        for c, e in previous.items()
        if score_store.pattern_of(c) in now and score_store.pattern_of(c) not in moved
    }
    changes = {p: now[p] if p in moved else done[p] for p in now if p in moved or p in done}
    values = {
        "changes": changes,
        "n": sum(entry.n for entry in entries.values()),
        "taken_on": today,
        "margins": dict(survey.population_margins or {}),
        "cells": [[cell, e.n, e.stats, e.changes] for cell, e in sorted(entries.items())],
    }
    if seq is None:
        dialect = session.get_bind().dialect.name
        insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
        result = session.execute(
            insert_(ScoreSnapshot)
            .values(survey_id=survey.id, seq=1, **values)
            .on_conflict_do_nothing()
        )
    else:
        result = session.execute(
            update(ScoreSnapshot)
            .where(ScoreSnapshot.survey_id == survey.id, ScoreSnapshot.seq == seq)
            .values(seq=seq + 1, **values)
            .execution_options(synchronize_session=False)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Published:
    """What readers may be shown of a survey: its snapshot (None before the first) and the
    cells of its pattern classes with at least ``min_n`` members, as ``cell -> (n, stats)``."""

    snapshot: ScoreSnapshot | None
    cells: Cells

    @property
    def n(self) -> int:
        return sum(n for n, _stats in self.cells.values())


def published(session: Session, survey_id: int, *, min_n: int) -> Published:
    snapshot = session.get(ScoreSnapshot, survey_id)
    if snapshot is None:
        return Published(None, {})
    entries = _stored(snapshot)
    sizes: dict[str, int] = defaultdict(int)
    for cell, entry in entries.items():
        sizes[score_store.pattern_of(cell)] += entry.n
    cells = {
        cell: (entry.n, entry.stats)
        for cell, entry in entries.items()
        if entry.n > 0 and sizes[score_store.pattern_of(cell)] >= min_n
    }
    return Published(snapshot, cells)


@dataclass(frozen=True)
class _Entry:
    n: int
    stats: Stats
    changes: int


def _entries(rows: Iterable[Any]) -> dict[str, _Entry]:
    """Stripe rows (``cell``, ``n``, ``stats``, ``changes``) merged into one entry per cell."""
    out: dict[str, _Entry] = {}
    for row in rows:
        entry = out.get(row.cell, _Entry(0, {}, 0))
        out[row.cell] = _Entry(
            entry.n + row.n,
            score_store.merge(entry.stats, row.stats or {}),
            entry.changes + row.changes,
        )
    return out


def _stored(snapshot: ScoreSnapshot) -> dict[str, _Entry]:
    """A snapshot's cells; those written before change counts were kept count their n."""
    rows = [
        SimpleNamespace(
            cell=e[0], n=int(e[1]), stats=e[2], changes=int(e[3] if len(e) > 3 else e[1])
        )
        for e in snapshot.cells
    ]
    return _entries(rows)
