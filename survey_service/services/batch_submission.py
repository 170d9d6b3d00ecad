"""Many responses to one survey at once, stored as submitting them one by one would.

For loading data in bulk (the demo's tens of thousands of responses): each response is
validated, normalised and scored exactly as :func:`submission.submit` does, the rows are
inserted in batches, and the survey's aggregates are written once per cell. The snapshots
that one-by-one submission publishes along the way (each time enough changes have gathered:
``snapshots.due``) are worked out in memory with the same functions, so
the published snapshot, the responses it marks as published, and the breakdowns' history of
steps are those the responses arriving one at a time leave behind. Only the stripe that holds
a cell's statistics differs, which one-by-one submission picks at random anyway.

Not for invitation surveys: each response there spends its own token. Whether the survey
accepts responses is the caller's to decide (as ``submit(check_open=False)``): the demo
loads waves whose fieldwork ended long ago.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from survey_service.instruments import score_response
from survey_service.models import (
    BreakdownSnapshot,
    BreakdownStep,
    Response,
    ScoreAggregate,
    ScoreSnapshot,
    Survey,
)
from survey_service.services import breakdown_snapshots, invitations, score_store, snapshots
from survey_service.services.errors import InvitationRequired
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.score_store import EMPTY, Aggregate, Cells, summed
from survey_service.services.submission import (
    INVITATION_ONLY,
    receipt_code,
    sha256,
    validated,
)

#: Rows per INSERT statement.
BATCH = 1000


@dataclass(frozen=True)
class Arrival:
    """One response as the submission API takes it (``payload``), arriving on ``day``."""

    payload: Mapping[str, Any]
    day: date


@dataclass(frozen=True)
class Stored:
    """What :func:`submit_many` stored: how many responses, and (when the survey had none
    before) the aggregates of exactly those published and their number, which is what the
    survey's final snapshot will hold (``snapshots.finalise``)."""

    responses: int
    published_cells: tuple[Cells, int] | None


def submit_many(
    session: Session,
    survey: Survey,
    arrivals: Iterable[Arrival],
    *,
    secret: str,
    min_n: int,
    progress: Callable[[int], None] | None = None,
) -> Stored:
    """Store the responses in the order given, in the caller's transaction, as that many
    calls of :func:`submission.submit` would (a submission already stored is skipped, an
    invalid one raises ``AnswersInvalid`` before anything is written). ``progress`` hears
    the count stored every :data:`BATCH` responses."""
    if survey.access == "invitation":
        raise InvitationRequired(INVITATION_ONLY)
    instrument = as_instrument(survey.instrument_version)
    stored = set(
        session.scalars(select(Response.submission_hash).where(Response.survey_id == survey.id))
    )
    replay = _Replay.of(session, survey, min_n=min_n)
    rows: list[dict[str, Any]] = []
    added: dict[str, list[Aggregate]] = {}
    for arrival in arrivals:
        submission_id = str(arrival.payload["submission_id"])
        submission_hash = sha256(submission_id)
        if submission_hash in stored:
            continue
        stored.add(submission_hash)
        answers, respondent = validated(survey, instrument, arrival.payload)
        scores = score_response(instrument, answers)
        attributes = {name: respondent.get(name) for name in score_store.ATTRIBUTES}
        rows.append(
            {
                "survey_id": survey.id,
                "submission_hash": submission_hash,
                "receipt_hash": sha256(receipt_code(secret, survey, submission_id)),
                "language": arrival.payload.get("language") or survey.default_language,
                "submitted_on": arrival.day,
                "answers": answers,
                "scores": {"dimensions": scores.dimension_scores, "indices": scores.index_scores},
                "published": False,
                **attributes,
            }
        )
        cell, part = score_store.part_of(instrument, scores, attributes, answers=answers)
        if not replay.started_empty:
            added.setdefault(cell, []).append(part)
        replay.arrive(cell, part, day=arrival.day, stored=len(rows))
        if progress is not None and len(rows) % BATCH == 0:
            progress(len(rows))
    if not rows:
        return Stored(0, None)
    for row in rows[: replay.published_up_to]:
        row["published"] = True
    if replay.steps_taken and replay.published_up_to:
        # A snapshot marks every response it holds, those stored before these too.
        session.execute(
            update(Response)
            .where(Response.survey_id == survey.id, Response.published.is_(False))
            .values(published=True)
            .execution_options(synchronize_session=False)
        )
    for start in range(0, len(rows), BATCH):
        session.execute(insert(Response), rows[start : start + BATCH])
    invitations.record_submission(session, survey, None)
    if replay.started_empty:
        # No aggregate row yet: every cell's in one insert (one stripe holds all of it).
        aggregates = [
            {
                "survey_id": survey.id,
                "cell": cell,
                "stripe": 0,
                "n": count,
                "changes": count,
                "stats": stats.to_json(),
            }
            for cell, (count, stats) in sorted(replay.everything().items())
        ]
        session.execute(insert(ScoreAggregate), aggregates)
    else:
        for cell, parts in sorted(added.items()):
            score_store.add(session, survey.id, cell, summed(parts), responses=len(parts))
    replay.write(session)
    session.flush()
    fresh = replay.started_empty
    return Stored(len(rows), (replay.live, replay.published_up_to) if fresh else None)


class _Replay:
    """The snapshots one-by-one submission takes, replayed in memory."""

    def __init__(
        self,
        survey: Survey,
        *,
        min_n: int,
        live: Cells,
        live_changes: int,
        current: ScoreSnapshot | None,
        previous: Cells | None,
        shown: BreakdownSnapshot | None,
    ) -> None:
        self.survey = survey
        self.instrument = as_instrument(survey.instrument_version)
        self.min_n = min_n
        self.live = live
        #: No response before these: then ``live`` ends as exactly the published ones'.
        self.started_empty = not live and live_changes == 0 and current is None
        #: Responses arrived since the last snapshot, by cell.
        self.arrived: dict[str, list[Aggregate]] = {}
        self.live_changes = live_changes
        self.current = current
        self.published_changes = current.changes if current is not None else 0
        self.published_n = current.n if current is not None else 0
        self.previous = previous
        self.shown = shown
        self.follows = bool(breakdown_snapshots.breakdowns_of(survey, self.instrument))
        self.steps: list[dict[str, Any]] = []
        self.steps_taken = 0
        self.published_up_to = 0
        self.taken_on: date | None = None

    @classmethod
    def of(cls, session: Session, survey: Survey, *, min_n: int) -> _Replay:
        aggregates = session.execute(
            select(ScoreAggregate.cell, ScoreAggregate.n, ScoreAggregate.stats)
            .where(ScoreAggregate.survey_id == survey.id)
            .order_by(ScoreAggregate.cell, ScoreAggregate.stripe)
        ).all()
        live_changes = session.scalar(
            select(func.coalesce(func.sum(ScoreAggregate.changes), 0)).where(
                ScoreAggregate.survey_id == survey.id
            )
        )
        current = session.get(ScoreSnapshot, survey.id)
        return cls(
            survey,
            min_n=min_n,
            live=score_store.merged_by_cell(aggregates),
            live_changes=int(live_changes or 0),
            current=current,
            previous=snapshots.published(session, survey.id).cells if current else None,
            shown=session.get(BreakdownSnapshot, survey.id),
        )

    def arrive(self, cell: str, part: Aggregate, *, day: date, stored: int) -> None:
        """A response arrives (the ``stored``-th of this batch): fold it in, and take the
        snapshot if it is due, as ``snapshots.publish_if_due`` would."""
        self.arrived.setdefault(cell, []).append(part)
        self.live_changes += 1
        gathered = self.live_changes - self.published_changes
        if not snapshots.due(gathered, published_n=self.published_n, min_n=self.min_n):
            return
        # Fold in what arrived since the last snapshot: one sum per cell, not per response.
        for arrived_in, parts in self.arrived.items():
            count, stats = self.live.get(arrived_in, (0, EMPTY))
            self.live[arrived_in] = (count + len(parts), summed([stats, *parts]))
        self.arrived = {}
        cells = snapshots.next_cells(dict(self.live), previous=self.previous, min_n=self.min_n)
        seq = (self.current.seq if self.current is not None else 0) + self.steps_taken + 1
        if self.follows and self.shown is None:
            step = breakdown_snapshots.step_of(
                self.survey,
                self.instrument,
                previous=self.previous or {},
                new=cells,
                margins=self.survey.population_margins or {},
                min_n=self.min_n,
            )
            self.steps.append(
                {
                    "survey_id": self.survey.id,
                    "seq": seq,
                    "changes": step.to_json(),
                    "published": sorted(step.published),
                }
            )
        self.previous = cells
        self.published_changes = self.live_changes
        self.published_n = sum(n for n, _stats in cells.values())
        self.steps_taken += 1
        self.published_up_to = stored
        self.taken_on = day

    def everything(self) -> Cells:
        """Every response's statistics by cell: those of the snapshots and those since."""
        cells = dict(self.live)
        for cell, parts in self.arrived.items():
            count, stats = cells.get(cell, (0, EMPTY))
            cells[cell] = (count + len(parts), summed([stats, *parts]))
        return cells

    def write(self, session: Session) -> None:
        """Store the last snapshot taken, and what the breakdowns keep of the steps."""
        if not self.steps_taken:
            return
        assert self.previous is not None and self.taken_on is not None
        values = snapshots.snapshot_values(
            self.previous,
            changes=self.published_changes,
            today=self.taken_on,
            margins=self.survey.population_margins,
        )
        if self.current is None:
            session.add(ScoreSnapshot(survey_id=self.survey.id, seq=self.steps_taken, **values))
        else:
            before = list(self.current.cells), dict(self.current.margins or {})
            replaced = self.current.seq
            self.current.seq += self.steps_taken
            for name, value in values.items():
                setattr(self.current, name, value)
            if self.follows and self.shown is not None and self.shown.cells is None:
                # The state shown was the snapshot now replaced: keep a copy of it (as
                # ``breakdown_snapshots.follow`` does).
                if self.shown.based_on == replaced:
                    self.shown.cells, self.shown.margins = before
                else:
                    self.shown.cells, self.shown.margins, self.shown.shown = [], {}, []
        if self.steps:
            session.execute(insert(BreakdownStep), self.steps)
