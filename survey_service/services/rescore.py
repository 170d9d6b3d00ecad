"""Rebuild a survey's aggregates from its raw responses.

Reading scores never rescans responses; this explicit job does, once: after a correction to
how scores are computed, or to check the aggregates. It streams the responses, re-scores each
from its answers with the survey's instrument version, and replaces the aggregate rows in the
caller's transaction, so readers see either the old aggregates or the new, never a mix.

The published snapshot is retaken from the rebuilt aggregates only when it held every current
response (no change since it was taken): then the corrected figures describe the same people
as the published ones, and it is a new snapshot (its ``seq`` moves on), so a reader holding
the old figures can tell. Otherwise publishing them now would show a state fewer than ``min_n``
changes away from the last one, so the correction appears with the next snapshot.

Responses are scored a batch at a time, column by column (``column_scores``: the same floats
as scoring each on its own, in a fraction of the time), and written back only where the
person scores changed, as the ORM would. They are read with Core in one scan of the survey
(no ORDER BY: a server-side cursor on PostgreSQL), kept as answer codes (two bytes an
answer) and put in id order with numpy. Batches of ``id > last ORDER BY id LIMIT n`` read
the survey again for every batch wherever the planner took the survey's index and sorted
(stale statistics make it do so): quadratic in the size of the survey.

The scan also reads the stored person scores as text: a row whose text is exactly what its
new scores would be stored as is not sent back at all (a check of an unchanged survey sends
nothing), the others are compared as values where they are written (``person_scores``).

The per-row path, ``row_by_row=True``, stays the reference definition, and serves
instruments the column scorer does not cover and surveys holding an answer off the scale
(it raises).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Table, Text, cast, delete, func, select
from sqlalchemy.orm import Session

from survey_service.instruments import Instrument, score_response
from survey_service.models import Response, ScoreAggregate, ScoreSnapshot, Survey
from survey_service.services import person_scores, score_store
from survey_service.services.column_scores import (
    CODE_TYPE,
    OFF_CODE,
    Bools,
    CellSums,
    Codes,
    ColumnScorer,
    Ints,
)
from survey_service.services.instrument_catalog import as_instrument

BATCH = 2000
#: Rows per batch read, and scored column by column: large enough that numpy's work
#: dominates the Python around it, small enough to keep the arrays of a batch small.
COLUMN_BATCH = 5000

_RESPONSES: Table = Response.__table__  # type: ignore[assignment]
_READ = (_RESPONSES.c.id, _RESPONSES.c.answers, *(_RESPONSES.c[a] for a in score_store.ATTRIBUTES))


def rescore(
    session: Session,
    survey: Survey,
    *,
    progress: Callable[[int, int], None] | None = None,
    today: date | None = None,
    row_by_row: bool = False,
) -> int:
    """Recompute every response's person scores and the survey's aggregates; returns the
    number of responses. ``row_by_row``: score each response on its own (the reference)."""
    scorer = None if row_by_row else ColumnScorer.for_instrument(_instrument(survey))
    if scorer is None:
        cells, done = _rescored(session, survey, progress)
    else:
        cells, done = _rescored_by_column(session, survey, scorer, progress)
    _replace_aggregates(
        session, survey, cells, done, today or datetime.now(UTC).date(), row_by_row=row_by_row
    )
    return done


def published_cells(
    session: Session, survey: Survey, *, row_by_row: bool = False
) -> tuple[score_store.Cells, int]:
    """The aggregates of exactly the survey's published responses, scored again from their
    answers (nothing stored, no object loaded into the session): what its final snapshot
    holds; and how many. ``row_by_row``: score each response on its own (the reference)."""
    instrument = _instrument(survey)
    scorer = None if row_by_row else ColumnScorer.for_instrument(instrument)
    scanned = None if scorer is None else _scan(session, survey, scorer, published_only=True)
    if scorer is not None and scanned is not None:
        sums = CellSums(scorer)
        for rows in scanned.batches(COLUMN_BATCH):
            sums.add(scorer.scored(rows.codes), rows.attributes)
        return sums.cells(), sums.rows
    parts: dict[str, list[score_store.Aggregate]] = {}
    done = 0
    last_id = 0
    while True:
        batch = session.execute(
            select(Response.id, Response.answers, *score_store.ATTRIBUTE_COLUMNS)
            .where(
                Response.survey_id == survey.id,
                Response.published.is_(True),
                Response.id > last_id,
            )
            .order_by(Response.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return {
                cell: (len(each), score_store.summed(each)) for cell, each in parts.items()
            }, done
        for row in batch:
            scores = score_response(instrument, row.answers)
            attributes = {name: getattr(row, name) for name in score_store.ATTRIBUTES}
            cell, part = score_store.part_of(instrument, scores, attributes, answers=row.answers)
            parts.setdefault(cell, []).append(part)
        last_id = batch[-1].id
        done += len(batch)


def _instrument(survey: Survey) -> Instrument:
    return as_instrument(survey.instrument_version)


@dataclass(frozen=True)
class _Rows:
    """Responses in id order: their ids, answer codes and respondent attributes, and
    whether their stored person scores may differ from the new ones."""

    ids: Ints
    codes: Codes
    attributes: list[tuple[Any, ...]]
    may_differ: Bools


@dataclass(frozen=True)
class _Scanned:
    """A survey's responses in id order, compactly: ids, answer codes, each row's
    respondent attributes as an index into ``kinds`` (the distinct ones), and whether its
    stored person scores may differ from the new ones."""

    ids: Ints
    codes: Codes
    kind: Ints
    kinds: list[tuple[Any, ...]]
    may_differ: Bools

    def __len__(self) -> int:
        return len(self.ids)

    def batches(self, size: int) -> Iterator[_Rows]:
        for start in range(0, len(self.ids), size):
            part = slice(start, start + size)
            kinds = self.kinds
            yield _Rows(
                self.ids[part],
                self.codes[part],
                [kinds[k] for k in self.kind[part].tolist()],
                self.may_differ[part],
            )


def _scan(
    session: Session,
    survey: Survey,
    scorer: ColumnScorer,
    *,
    published_only: bool,
    compare_scores: bool = False,
) -> _Scanned | None:
    """The survey's responses, read in one pass and put in id order; None when one holds an
    answer off the tables (the caller scores row by row, which raises as the reference).

    ``compare_scores``: read the stored person scores as text too, and mark the rows whose
    text is exactly what their new scores would be stored as (the same value, so the ORM
    would not write them either); the writes then skip them."""
    columns = [*_READ, cast(_RESPONSES.c.scores, Text)] if compare_scores else _READ
    query = select(*columns).where(_RESPONSES.c.survey_id == survey.id)
    if published_only:
        query = query.where(_RESPONSES.c.published.is_(True))
    dialect = session.get_bind().dialect.name
    last_attribute = 2 + len(score_store.ATTRIBUTES)
    ids = [np.empty(0, np.int64)]
    codes = [np.empty((0, len(scorer.items)), CODE_TYPE)]
    kind = [np.empty(0, np.int64)]
    may_differ = [np.empty(0, bool)]
    kinds: dict[tuple[Any, ...], int] = {}
    result = session.execute(query, execution_options={"yield_per": COLUMN_BATCH})
    for rows in result.partitions():
        n = len(rows)
        ids.append(np.fromiter((row[0] for row in rows), np.int64, n))
        codes.append(scorer.codes([row[1] for row in rows]))
        kind.append(
            np.fromiter(
                (kinds.setdefault(tuple(row[2:last_attribute]), len(kinds)) for row in rows),
                np.int64,
                n,
            )
        )
        differ = np.ones(n, bool)
        if compare_scores and not (codes[-1] == OFF_CODE).any():
            new = scorer.person_scores(scorer.scored(codes[-1])).stored_texts(dialect)
            differ[:] = [row[-1] != text for row, text in zip(rows, new, strict=True)]
        may_differ.append(differ)
    all_codes = np.concatenate(codes)
    if (all_codes == OFF_CODE).any():
        return None
    all_ids = np.concatenate(ids)
    order = np.argsort(all_ids)
    return _Scanned(
        all_ids[order],
        all_codes[order],
        np.concatenate(kind)[order],
        list(kinds),
        np.concatenate(may_differ)[order],
    )


def _rescored_by_column(
    session: Session,
    survey: Survey,
    scorer: ColumnScorer,
    progress: Callable[[int, int], None] | None,
) -> tuple[score_store.Cells, int]:
    """What :func:`_rescored` gives, a batch at a time column by column: person scores
    written back in bulk, only where they changed, as the ORM does."""
    scanned = _scan(session, survey, scorer, published_only=False, compare_scores=True)
    if scanned is None:
        return _rescored(session, survey, progress)
    sums = CellSums(scorer)
    for rows in scanned.batches(COLUMN_BATCH):
        scored = scorer.scored(rows.codes)
        sums.add(scored, rows.attributes)
        person_scores.write_changed(
            session,
            survey_id=survey.id,
            ids=rows.ids[rows.may_differ].tolist(),
            scores=scorer.person_scores(scored).take(rows.may_differ),
        )
        if progress is not None:
            progress(sums.rows, len(scanned))
    return sums.cells(), sums.rows


def _count(session: Session, survey: Survey) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
        )
        or 0
    )


def _rescored(
    session: Session, survey: Survey, progress: Callable[[int, int], None] | None
) -> tuple[score_store.Cells, int]:
    """Every response scored again (stored back on it), summed per cell; and how many."""
    instrument = _instrument(survey)
    total = _count(session, survey)
    cells: score_store.Cells = {}
    done = 0
    last_id = 0
    while True:
        # Keyset pagination: constant memory, and no long-lived server-side cursor.
        batch = session.scalars(
            select(Response)
            .where(Response.survey_id == survey.id, Response.id > last_id)
            .order_by(Response.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        for response in batch:
            scores = score_response(instrument, response.answers)
            response.scores = {
                "dimensions": scores.dimension_scores,
                "indices": scores.index_scores,
            }
            cell, part = score_store.part_of(
                instrument,
                scores,
                score_store.attributes_of(response),
                answers=response.answers,
            )
            n, stats = cells.get(cell, (0, score_store.EMPTY))
            cells[cell] = (n + 1, stats + part)
        last_id = batch[-1].id
        done += len(batch)
        session.flush()
        session.expunge_all()
        if progress is not None:
            progress(done, total)
    return cells, done


def _replace_aggregates(
    session: Session,
    survey: Survey,
    cells: score_store.Cells,
    done: int,
    today: date,
    *,
    row_by_row: bool,
) -> None:
    old_changes: dict[str, int] = {}
    for cell, count in session.execute(
        select(ScoreAggregate.cell, ScoreAggregate.changes).where(
            ScoreAggregate.survey_id == survey.id
        )
    ):
        old_changes[cell] = old_changes.get(cell, 0) + count
    before = sum(old_changes.values())
    # Change counts only ever grow, and every response present arrived once.
    changes = {cell: max(n, old_changes.get(cell, 0)) for cell, (n, _stats) in cells.items()}
    session.execute(delete(ScoreAggregate).where(ScoreAggregate.survey_id == survey.id))
    session.add_all(
        ScoreAggregate(
            survey_id=survey.id,
            cell=cell,
            stripe=0,
            n=n,
            changes=changes[cell],
            stats=stats.to_json(),
        )
        for cell, (n, stats) in sorted(cells.items())
    )
    session.flush()
    snapshot = session.get(ScoreSnapshot, survey.id)
    if snapshot is not None and snapshot.final:
        # The final snapshot holds the published responses only, whatever arrived after.
        snapshot.cells = [
            [cell, n, stats.to_json()]
            for cell, (n, stats) in sorted(
                published_cells(session, survey, row_by_row=row_by_row)[0].items()
            )
        ]
        snapshot.taken_on = today
        snapshot.seq += 1
        session.flush()
    elif snapshot is not None and snapshot.changes == before:
        snapshot.cells = [[cell, n, stats.to_json()] for cell, (n, stats) in sorted(cells.items())]
        snapshot.n = done
        snapshot.changes = sum(changes.values())
        snapshot.taken_on = today
        snapshot.seq += 1
        session.flush()
