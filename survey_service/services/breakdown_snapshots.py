"""Which published state a survey's breakdowns are shown from (rule 5 of
``breakdown_disclosure``).

- While no breakdown has been shown, each new score snapshot records what changed
  (``breakdown_step``): the fieldwork's totals are audited against the first publication.
- Nothing is shown while the survey collects responses. The first read after it stopped
  fixes the state: the score snapshot then published, and the groups it may show given
  every step before, in a ``breakdown_snapshot`` row (made under a lock on the score
  snapshot, so no new snapshot slips in between).
- That state is kept: when the score snapshot moves on (a withdrawal, or collection taken up
  again), :func:`follow` copies the old snapshot's cells into the row, once.

Readers see only what this module returns: the cells of the published state and the groups
chosen for it, never the live aggregates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.database import insert_ignoring_duplicates
from survey_service.instruments import Instrument
from survey_service.models import BreakdownSnapshot, BreakdownStep, ScoreSnapshot, Survey
from survey_service.services.breakdown_disclosure import Setting, plan, total_shown
from survey_service.services.breakdown_groups import ATTRIBUTE, BREAKDOWNS
from survey_service.services.breakdown_history import Step, step_between
from survey_service.services.breakdown_table import Group, Table, measures_of
from survey_service.services.collecting import accepting_responses
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.score_store import Aggregate, Cells

#: Why a survey's breakdowns show nothing at all.
STILL_COLLECTING = "still_collecting"
NO_SNAPSHOT = "fewer_than_min_n"


@dataclass(frozen=True)
class Published:
    """A published breakdown state: its cells, the margins they were weighted with, the
    groups shown, and the score snapshot it comes from."""

    cells: Cells
    margins: Mapping[str, Any]
    shown: frozenset[Group]
    based_on: int
    taken_on: date
    n: int


def asked(survey: Survey, instrument: Instrument) -> dict[str, Any]:
    """The respondent attributes the survey asks for (the instrument's and its own), with
    the survey's options where it lists them."""
    attributes: dict[str, Any] = {
        r.attribute: r.options or None for r in instrument.respondent_attributes
    }
    for name, value in (survey.respondent_attributes or {}).items():
        options = value.get("options") if isinstance(value, Mapping) else None
        attributes[name] = tuple(options) if options else attributes.get(name)
    if survey.is_organised:  # which participating municipality: asked of everyone
        attributes["municipality"] = tuple(survey.participants)
    return attributes


def breakdowns_of(survey: Survey, instrument: Instrument) -> tuple[str, ...]:
    """The breakdowns a survey has: those of the attributes it asks for."""
    attributes = asked(survey, instrument)
    return tuple(by for by in BREAKDOWNS if ATTRIBUTE[by] in attributes)


def setting_of(
    survey: Survey, instrument: Instrument, *, min_n: int, margins: Mapping[str, Any] | None
) -> Setting:
    return Setting(instrument, breakdowns_of(survey, instrument), min_n, dict(margins or {}))


def published(session: Session, survey: Survey, *, min_n: int) -> Published | str:
    """The state the survey's breakdowns are shown from, or why nothing is shown; the first
    read after collection stopped makes it (in the caller's transaction)."""
    found = session.execute(
        select(ScoreSnapshot, BreakdownSnapshot)
        .outerjoin(BreakdownSnapshot, BreakdownSnapshot.survey_id == ScoreSnapshot.survey_id)
        .where(ScoreSnapshot.survey_id == survey.id)
    ).first()
    if found is None:
        return STILL_COLLECTING if accepting_responses(survey) else NO_SNAPSHOT
    snapshot, row = found
    if row is None:
        if accepting_responses(survey):
            return STILL_COLLECTING
        row = _first_state(session, survey, min_n=min_n)
        snapshot = session.get(ScoreSnapshot, survey.id)
        assert snapshot is not None  # locked by _first_state
    instrument = as_instrument(survey.instrument_version)
    if row.cells is None:
        if snapshot.seq != row.based_on:  # never expected; withhold rather than guess
            return NO_SNAPSHOT
        raw, margins = snapshot.cells, snapshot.margins or {}
    else:
        raw, margins = row.cells, row.margins or {}
    cells = parse(raw)
    shown = _groups(row.shown)
    if row.min_n != min_n:  # SURVEY_MIN_N was changed: choose again, as strictly
        setting = setting_of(survey, instrument, min_n=min_n, margins=margins)
        table = Table.of(cells, measures_of(instrument))
        history = _history(session, survey.id, until=row.based_on)
        shown = plan(table, setting, history=history, forced=shown) or frozenset()
    return Published(cells, margins, shown, row.based_on, row.taken_on, row.n)


def _first_state(session: Session, survey: Survey, *, min_n: int) -> BreakdownSnapshot:
    snapshot = session.scalar(
        select(ScoreSnapshot)
        .where(ScoreSnapshot.survey_id == survey.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert snapshot is not None
    instrument = as_instrument(survey.instrument_version)
    setting = setting_of(survey, instrument, min_n=min_n, margins=snapshot.margins)
    table = Table.of(parse(snapshot.cells), measures_of(instrument))
    history = _history(session, survey.id, until=snapshot.seq)
    shown = plan(table, setting, history=history) or frozenset()
    insert_ignoring_duplicates(
        session,
        BreakdownSnapshot,
        {
            "survey_id": survey.id,
            "based_on": snapshot.seq,
            "taken_on": snapshot.taken_on,
            "n": snapshot.n,
            "min_n": min_n,
            "shown": _stored(shown),
            "cells": None,
            "margins": None,
        },
    )
    row = session.scalar(
        select(BreakdownSnapshot)
        .where(BreakdownSnapshot.survey_id == survey.id)
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


def follow(
    session: Session,
    survey: Survey,
    *,
    before: ScoreSnapshot | None,
    after: Mapping[str, Any],
    seq: int,
    min_n: int,
) -> None:
    """The score snapshot ``before`` (None: there was none) has just been replaced by
    ``after`` (the new row's values, numbered ``seq``): record the step while no breakdown
    has been shown, else keep the state shown."""
    instrument = as_instrument(survey.instrument_version)
    if not breakdowns_of(survey, instrument):
        return
    row = session.scalar(
        select(BreakdownSnapshot)
        .where(BreakdownSnapshot.survey_id == survey.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if row is not None:
        if row.cells is None:  # the state shown was this snapshot's: keep a copy
            if before is None or row.based_on != before.seq:  # never expected
                row.cells, row.margins, row.shown = [], {}, []
            else:
                row.cells, row.margins = list(before.cells), dict(before.margins or {})
        return
    step = step_of(
        survey,
        instrument,
        previous=parse(before.cells) if before is not None else {},
        new=parse(after["cells"]),
        margins=after["margins"],
        min_n=min_n,
    )
    # Of two transactions that both believe they took the first snapshot (an INSERT ... ON
    # CONFLICT DO NOTHING reports no row count on every driver), the first one's step stays.
    values = {"survey_id": survey.id, "seq": seq, "changes": step.to_json()}
    insert_ignoring_duplicates(
        session, BreakdownStep, {**values, "published": sorted(step.published)}
    )


def step_of(
    survey: Survey,
    instrument: Instrument,
    *,
    previous: Cells,
    new: Cells,
    margins: Mapping[str, Any],
    min_n: int,
) -> Step:
    """What changed from the snapshot holding ``previous`` to the one holding ``new``
    (weighted with ``margins``), as a step of the breakdowns' history."""
    measures = measures_of(instrument)
    order = sorted(set(previous) | set(new))
    later = Table.of(new, measures, order)
    setting = setting_of(survey, instrument, min_n=min_n, margins=margins)
    return step_between(Table.of(previous, measures, order), later, total_shown(later, setting))


def _history(session: Session, survey_id: int, *, until: int) -> list[Step]:
    """The steps recorded up to score snapshot ``until``, in order."""
    rows = session.execute(
        select(BreakdownStep.changes, BreakdownStep.published)
        .where(BreakdownStep.survey_id == survey_id, BreakdownStep.seq <= until)
        .order_by(BreakdownStep.seq)
    ).all()
    return [Step.from_json(changes, published) for changes, published in rows]


def parse(entries: Iterable[Any]) -> Cells:
    """A snapshot's stored ``[[cell, n, stats], ...]`` as ``cell -> (n, stats)``."""
    cells: Cells = {}
    for cell, n, stats in entries:
        count, merged = cells.get(cell, (0, None))
        parsed = Aggregate.from_json(stats)
        cells[cell] = (count + int(n), parsed if merged is None else merged + parsed)
    return cells


def _groups(stored: Iterable[Any] | None) -> frozenset[Group]:
    return frozenset((str(by), str(group)) for by, group in stored or ())


def _stored(groups: Iterable[Group]) -> list[list[str]]:
    return [[by, group] for by, group in sorted(groups)]
