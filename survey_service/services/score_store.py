"""The survey aggregates: what each response adds, and folding it into the striped rows.

A response contributes, in its *cell* (its combination of respondent attributes, which is
what weighting needs), for every measure it has a score for (``dim:<key>``, ``idx:<key>``,
``item:<link_id>``) the triple ``[1, y, y²]``, and for every dimension whose items it answered
completely the item scores' sums and cross-products (Cronbach's α from sufficient statistics).
Everything is additive: merging rows is addition, a withdrawal is subtraction.

Each figure also counts its *changes* (``"c"``: every response that gave it, arriving or
withdrawn), which only ever grow. Readers never see these live rows, only the published
snapshot made from them (``services/snapshots.py``).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_service.database import insert_ignoring_duplicates
from survey_service.instruments import Instrument, ResponseScores
from survey_service.models import Response, ScoreAggregate

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
    changes = {key: 1 for key in measures} | {alpha_key(d): 1 for d in alpha}
    return {"m": measures, "a": alpha, "c": changes}


def alpha_key(dimension: str) -> str:
    """The change-count key of a dimension's Cronbach's α statistics."""
    return f"alpha:{dimension}"


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
    # A withdrawal is a change too: change counts only grow.
    changes = dict(total.get("c", {}))
    for key, count in part.get("c", {}).items():
        changes[key] = changes.get(key, 0) + abs(sign) * count
    return {"m": measures, "a": alpha, "c": changes}


def attributes_of(response: Response) -> dict[str, str | None]:
    """A stored response's respondent attributes, as ``cell_of`` takes them."""
    return {name: getattr(response, name) for name in ATTRIBUTES}


def part_of(
    instrument: Instrument, scores: ResponseScores, attributes: Mapping[str, str | None]
) -> tuple[str, Stats]:
    """A response's cell and what it adds there."""
    return cell_of(attributes), contribution(instrument, scores)


def fold(
    session: Session,
    survey_id: int,
    instrument: Instrument,
    scores: ResponseScores,
    attributes: Mapping[str, str | None],
    *,
    sign: int = 1,
) -> None:
    """Add a response to its survey's aggregates (``sign=-1``: take it out again)."""
    cell, part = part_of(instrument, scores, attributes)
    add(session, survey_id, cell, part, sign)


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
    insert_ignoring_duplicates(session, ScoreAggregate, values)


def merged_by_cell(rows: Iterable[Any]) -> Cells:
    """Merge a survey's stripe rows (anything with ``cell``, ``n`` and ``stats``) into one
    ``(n, stats)`` per cell."""
    cells: Cells = {}
    for row in rows:
        n, stats = cells.get(row.cell, (0, {}))
        cells[row.cell] = (n + row.n, merge(stats, row.stats or {}))
    return cells
