"""The survey aggregates: what each response adds, and folding it into the striped rows.

A response contributes, in its *cell* (its combination of respondent attributes, which is
what weighting needs), for every measure it has a score for (``dim:<key>``, ``idx:<key>``,
``item:<link_id>``) the triple ``[1, y, y²]``, and for every dimension whose items it answered
completely the item scores' sums and cross-products (Cronbach's α from sufficient statistics).
Everything is additive: merging rows is addition, a withdrawal is subtraction.

Readers never see the live rows. They see the survey's :class:`ScoreSnapshot`, which a
submission or withdrawal replaces, in its own transaction, only once at least ``min_n``
responses have arrived or left since the snapshot was taken (:func:`publish_if_due`). Two
figures ever published for a survey therefore differ by at least ``min_n`` respondents, and
reading at n = 5 and again at n = 6 shows the same figures: the 6th person cannot be
recovered by subtraction.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from survey_service.instruments import Instrument, ResponseScores
from survey_service.models import ScoreAggregate, ScoreSnapshot

#: Rows per (survey, cell): more stripes, less lock contention, a little more to merge.
STRIPES = 8
ATTRIBUTES = ("role", "age_band", "gender", "area")

Stats = dict[str, Any]
Cells = dict[str, tuple[int, Stats]]


def cell_of(attributes: Mapping[str, str | None]) -> str:
    """The canonical cell key of a respondent's attributes.

    Values are percent-encoded (``;``, ``=`` and ``%`` among them), so a free-text value such
    as ``area = "x;gender=male"`` stays one value and cannot add an attribute of its own.
    """
    return ";".join(
        f"{name}={quote(str(attributes[name]), safe='')}"
        for name in ATTRIBUTES
        if attributes.get(name)
    )


def parse_cell(cell: str) -> dict[str, str]:
    return {
        name: unquote(value)
        for name, value in (part.split("=", 1) for part in cell.split(";") if part)
    }


def contribution(instrument: Instrument, scores: ResponseScores) -> Stats:
    """What one response adds to its cell's statistics."""
    measures: dict[str, list[float]] = {}
    for prefix, values in (
        ("dim", scores.dimension_scores),
        ("idx", scores.index_scores),
        ("item", scores.item_scores),
    ):
        for key, value in values.items():
            if value is not None:
                measures[f"{prefix}:{key}"] = [1, value, value * value]
    alpha: dict[str, list[Any]] = {}
    for rule in instrument.scoring.dimensions:
        items = rule.item_ids
        if rule.method != "mean" or len(items) < 2:
            continue
        if any(scores.item_scores.get(link_id) is None for link_id in items):
            continue  # Cronbach's α uses complete cases only (listwise deletion)
        ys = [float(scores.item_scores[link_id]) for link_id in items]
        products = [ys[i] * ys[j] for i in range(len(ys)) for j in range(i, len(ys))]
        alpha[rule.dimension] = [1, ys, products]
    return {"m": measures, "a": alpha}


def merge(total: Stats, part: Stats, sign: int = 1) -> Stats:
    """``total + sign × part`` as a new mapping (the inputs are left as they are)."""
    measures = {k: list(v) for k, v in total.get("m", {}).items()}
    for key, triple in part.get("m", {}).items():
        current = measures.setdefault(key, [0, 0.0, 0.0])
        for i in range(3):
            current[i] += sign * triple[i]
    alpha = {k: [v[0], list(v[1]), list(v[2])] for k, v in total.get("a", {}).items()}
    for key, (n, sums, products) in part.get("a", {}).items():
        current = alpha.setdefault(key, [0, [0.0] * len(sums), [0.0] * len(products)])
        current[0] += sign * n
        current[1] = [a + sign * b for a, b in zip(current[1], sums, strict=True)]
        current[2] = [a + sign * b for a, b in zip(current[2], products, strict=True)]
    return {"m": measures, "a": alpha}


def add(session: Session, survey_id: int, cell: str, part: Stats, sign: int = 1) -> None:
    """Fold ``part`` into one stripe of the cell, inside the caller's transaction."""
    stripe = random.randrange(STRIPES)
    row = _locked_row(session, survey_id, cell, stripe)
    if row is None:
        _insert_empty(session, survey_id, cell, stripe)
        row = _locked_row(session, survey_id, cell, stripe)
        assert row is not None
    row.stats = merge(row.stats or {}, part, sign)
    row.n = (row.n or 0) + sign
    row.changes = (row.changes or 0) + 1
    session.flush()


def publish_if_due(session: Session, survey_id: int, *, min_n: int, today: date) -> bool:
    """Replace the survey's snapshot when ``min_n`` or more changes have gathered since it
    was taken; in the caller's transaction. Returns whether it did.

    The change count and the cells are read in one statement, so the snapshot is exactly the
    state its change count describes. Of two concurrent transactions that both find a
    snapshot due, the conditional UPDATE lets only the first replace it.
    """
    rows = session.execute(
        select(ScoreAggregate.cell, ScoreAggregate.n, ScoreAggregate.changes, ScoreAggregate.stats)
        .where(ScoreAggregate.survey_id == survey_id)
        .order_by(ScoreAggregate.cell, ScoreAggregate.stripe)
    ).all()
    changes = sum(row.changes for row in rows)
    current = session.execute(
        select(ScoreSnapshot.seq, ScoreSnapshot.changes).where(ScoreSnapshot.survey_id == survey_id)
    ).first()
    if changes - (current.changes if current is not None else 0) < min_n:
        return False
    cells = merged_by_cell(rows)
    values = {
        "changes": changes,
        "n": sum(n for n, _stats in cells.values()),
        "taken_on": today,
        "cells": [[cell, n, stats] for cell, (n, stats) in sorted(cells.items()) if n > 0],
    }
    if current is None:
        dialect = session.get_bind().dialect.name
        insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
        result = session.execute(
            insert_(ScoreSnapshot)
            .values(survey_id=survey_id, seq=1, **values)
            .on_conflict_do_nothing()
        )
    else:
        result = session.execute(
            update(ScoreSnapshot)
            .where(ScoreSnapshot.survey_id == survey_id, ScoreSnapshot.seq == current.seq)
            .values(seq=current.seq + 1, **values)
            .execution_options(synchronize_session=False)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def published_cells(session: Session, survey_id: int) -> tuple[ScoreSnapshot | None, Cells]:
    """The survey's snapshot and its cells as ``cell -> (n, stats)``; no snapshot, no cells."""
    snapshot = session.get(ScoreSnapshot, survey_id)
    if snapshot is None:
        return None, {}
    cells: Cells = {}
    for cell, n, stats in snapshot.cells:
        count, merged = cells.get(cell, (0, {}))
        cells[cell] = (count + int(n), merge(merged, stats or {}))
    return snapshot, {cell: value for cell, value in cells.items() if value[0] > 0}


def _locked_row(session: Session, survey_id: int, cell: str, stripe: int) -> ScoreAggregate | None:
    return session.scalar(
        select(ScoreAggregate)
        .where(
            ScoreAggregate.survey_id == survey_id,
            ScoreAggregate.cell == cell,
            ScoreAggregate.stripe == stripe,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _insert_empty(session: Session, survey_id: int, cell: str, stripe: int) -> None:
    """Create the stripe row; if a concurrent transaction just did, keep theirs."""
    values = {
        "survey_id": survey_id,
        "cell": cell,
        "stripe": stripe,
        "n": 0,
        "changes": 0,
        "stats": {},
    }
    dialect = session.get_bind().dialect.name
    table = ScoreAggregate
    if dialect == "postgresql":
        statement: Any = postgresql.insert(table).values(**values).on_conflict_do_nothing()
    else:
        statement = sqlite.insert(table).values(**values).on_conflict_do_nothing()
    session.execute(statement)


def merged_by_cell(rows: Iterable[Any]) -> Cells:
    """Merge a survey's stripe rows (anything with ``cell``, ``n`` and ``stats``) into one
    ``(n, stats)`` per cell."""
    cells: Cells = {}
    for row in rows:
        n, stats = cells.get(row.cell, (0, {}))
        cells[row.cell] = (n + row.n, merge(stats, row.stats or {}))
    return cells
