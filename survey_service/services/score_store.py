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
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import quote, unquote

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from survey_service.database import insert_ignoring_duplicates
from survey_service.instruments import DONT_KNOW, Instrument, ResponseScores
from survey_service.models import Response, ScoreAggregate

#: Rows per (survey, cell): more stripes, less lock contention, a little more to merge.
STRIPES = 8
#: The respondent attributes that make a cell; ``municipality`` only in an organiser's survey.
ATTRIBUTES = ("role", "age_band", "gender", "area", "municipality")
#: The response columns of :data:`ATTRIBUTES`, for reading them without loading responses.
ATTRIBUTE_COLUMNS = (
    Response.role,
    Response.age_band,
    Response.gender,
    Response.area,
    Response.municipality,
)

#: The stored form of an :class:`Aggregate` (``score_aggregate.stats``, the entries of
#: ``score_snapshot.cells``): ``{"m": {measure: [n, Σy, Σy²]}, "a": {dimension: [n, sums,
#: products]}, "d": {item: [count of each value]}, "c": {figure: changes}}``. An item's
#: counts (its distribution) move with its score, ``item:<link_id>``; the count of its "don't
#: know" answers is the measure ``dk:<link_id>`` (``[count, count, count]``), a figure of its
#: own.
Stats = dict[str, Any]


class Moments(NamedTuple):
    """One measure's sufficient statistics in a cell: count, Σy and Σy²."""

    n: float
    sum_y: float
    sum_y2: float

    def plus(self, other: Moments, sign: int = 1) -> Moments:
        return Moments(
            self.n + sign * other.n,
            self.sum_y + sign * other.sum_y,
            self.sum_y2 + sign * other.sum_y2,
        )


class AlphaSums(NamedTuple):
    """One dimension's Cronbach's α statistics in a cell: complete cases, each item's sum and
    the upper triangle (row by row, diagonal included) of the items' cross-products."""

    n: float
    sums: tuple[float, ...]
    products: tuple[float, ...]

    def plus(self, other: AlphaSums, sign: int = 1) -> AlphaSums:
        return AlphaSums(
            self.n + sign * other.n,
            tuple(a + sign * b for a, b in zip(self.sums, other.sums, strict=True)),
            tuple(a + sign * b for a, b in zip(self.products, other.products, strict=True)),
        )

    @classmethod
    def zero(cls, like: AlphaSums) -> AlphaSums:
        return cls(0, (0.0,) * len(like.sums), (0.0,) * len(like.products))


#: A measure that no one in a cell gave.
NO_MOMENTS = Moments(0, 0.0, 0.0)


@dataclass(frozen=True)
class Aggregate:
    """A cell's sufficient statistics: per measure (``dim:<key>``, ``idx:<key>``,
    ``item:<link_id>``) its :class:`Moments`, per dimension its :class:`AlphaSums`, and per
    figure (measure key or :func:`alpha_key`) its change count.

    ``a + b`` merges, ``a - b`` takes a withdrawn ``b`` out again; change counts grow either
    way (a withdrawal is a change too).
    """

    measures: Mapping[str, Moments] = field(default_factory=dict)
    alpha: Mapping[str, AlphaSums] = field(default_factory=dict)
    changes: Mapping[str, int] = field(default_factory=dict)
    #: Per scored item, how many gave each of its values (in the order of ``Item.values``).
    counts: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, stats: Mapping[str, Any] | None) -> Aggregate:
        """From the stored form (``{}`` or None: nothing; a missing key: none of it)."""
        if not stats:
            return EMPTY
        return cls(
            {key: Moments(*triple) for key, triple in stats.get("m", {}).items()},
            {
                key: AlphaSums(n, tuple(sums), tuple(products))
                for key, (n, sums, products) in stats.get("a", {}).items()
            },
            dict(stats.get("c", {})),
            {key: tuple(values) for key, values in stats.get("d", {}).items()},
        )

    def to_json(self) -> Stats:
        """The stored form."""
        return {
            "m": {key: [m.n, m.sum_y, m.sum_y2] for key, m in self.measures.items()},
            "a": {key: [a.n, list(a.sums), list(a.products)] for key, a in self.alpha.items()},
            "c": dict(self.changes),
            "d": {key: list(values) for key, values in self.counts.items()},
        }

    def plus(self, part: Aggregate, sign: int = 1) -> Aggregate:
        """``self + sign × part`` (change counts add ``|sign| ×`` the part's)."""
        measures = dict(self.measures)
        for key, moments in part.measures.items():
            measures[key] = measures.get(key, NO_MOMENTS).plus(moments, sign)
        alpha = dict(self.alpha)
        for key, sums in part.alpha.items():
            current = alpha.get(key)
            alpha[key] = (AlphaSums.zero(sums) if current is None else current).plus(sums, sign)
        changes = dict(self.changes)
        for key, count in part.changes.items():
            changes[key] = changes.get(key, 0) + abs(sign) * count
        counts = dict(self.counts)
        for key, values in part.counts.items():
            before = counts.get(key, (0.0,) * len(values))
            counts[key] = tuple(a + sign * b for a, b in zip(before, values, strict=True))
        return Aggregate(measures, alpha, changes, counts)

    def __add__(self, part: Aggregate) -> Aggregate:
        return self.plus(part)

    def __sub__(self, part: Aggregate) -> Aggregate:
        return self.plus(part, -1)

    def holds_figures(self) -> bool:
        """Whether it holds a figure: a measure given by someone, or α statistics."""
        return (
            any(m.n > 0 for m in self.measures.values())
            or bool(self.alpha)
            or any(any(values) for values in self.counts.values())
        )

    def with_figures_from(self, old: Aggregate, kept: set[str]) -> Aggregate:
        """These statistics, except that the figures in ``kept`` (measure keys,
        ``alpha:<dimension>``) and their change counts are taken from ``old``; an item's
        counts go with its score."""
        measures = {k: v for k, v in self.measures.items() if k not in kept}
        measures |= {k: v for k, v in old.measures.items() if k in kept}
        counts = {k: v for k, v in self.counts.items() if f"item:{k}" not in kept}
        counts |= {k: v for k, v in old.counts.items() if f"item:{k}" in kept}
        alpha = {d: v for d, v in self.alpha.items() if alpha_key(d) not in kept}
        alpha |= {d: v for d, v in old.alpha.items() if alpha_key(d) in kept}
        changes = {k: v for k, v in self.changes.items() if k not in kept}
        changes |= {k: v for k, v in old.changes.items() if k in kept}
        return Aggregate(measures, alpha, changes, counts)


EMPTY = Aggregate()


def summed(parts: Iterable[Aggregate]) -> Aggregate:
    """The sum of many aggregates (what ``+`` gives, added up in one pass)."""
    totals: dict[str, list[float]] = {}
    alpha: dict[str, AlphaSums] = {}
    changes: dict[str, int] = {}
    counts: dict[str, list[float]] = {}
    for part in parts:
        for key, moments in part.measures.items():
            total = totals.get(key)
            if total is None:
                totals[key] = list(moments)
            else:
                total[0] += moments.n
                total[1] += moments.sum_y
                total[2] += moments.sum_y2
        for key, sums in part.alpha.items():
            alpha[key] = sums if key not in alpha else alpha[key].plus(sums)
        for key, count in part.changes.items():
            changes[key] = changes.get(key, 0) + count
        for key, values in part.counts.items():
            so_far = counts.get(key)
            if so_far is None:
                counts[key] = list(values)
            else:
                for i, value in enumerate(values):
                    so_far[i] += value
    return Aggregate(
        {key: Moments(*total) for key, total in totals.items()},
        alpha,
        changes,
        {key: tuple(values) for key, values in counts.items()},
    )


#: cell -> (respondents, their statistics)
Cells = dict[str, tuple[int, Aggregate]]


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


def contribution(
    instrument: Instrument, scores: ResponseScores, answers: Mapping[str, object]
) -> Aggregate:
    """What one response adds to its cell's statistics."""
    measures: dict[str, Moments] = {}
    for prefix, values in (
        ("dim", scores.dimension_scores),
        ("idx", scores.index_scores),
        ("item", scores.item_scores),
    ):
        for key, value in values.items():
            if value is not None:
                measures[f"{prefix}:{key}"] = Moments(1, value, value * value)
    alpha: dict[str, AlphaSums] = {}
    for rule in instrument.scoring.dimensions:
        items = rule.item_ids
        if rule.method != "mean" or len(items) < 2:
            continue
        if any(scores.item_scores.get(link_id) is None for link_id in items):
            continue  # Cronbach's α uses complete cases only (listwise deletion)
        ys = [float(scores.item_scores[link_id]) for link_id in items]
        products = [ys[i] * ys[j] for i in range(len(ys)) for j in range(i, len(ys))]
        alpha[rule.dimension] = AlphaSums(1, tuple(ys), tuple(products))
    # Each scored item's value, counted for its distribution (a change of the item's score),
    # and a don't know as a figure of its own.
    counts: dict[str, tuple[float, ...]] = {}
    for item in instrument.items:
        answer = answers.get(item.link_id)
        if item.scale is None or answer is None:
            continue
        if answer == DONT_KNOW:
            measures[dont_know_key(item.link_id)] = Moments(1, 1.0, 1.0)
        else:
            counts[item.link_id] = tuple(float(v == answer) for v in item.values)
    changes = {key: 1 for key in measures} | {alpha_key(d): 1 for d in alpha}
    return Aggregate(measures, alpha, changes, counts)


def dont_know_key(link_id: str) -> str:
    """The measure that counts an item's "don't know" answers."""
    return f"dk:{link_id}"


def alpha_key(dimension: str) -> str:
    """The change-count key of a dimension's Cronbach's α statistics."""
    return f"alpha:{dimension}"


def attributes_of(response: Response) -> dict[str, str | None]:
    """A stored response's respondent attributes, as ``cell_of`` takes them."""
    return {name: getattr(response, name) for name in ATTRIBUTES}


def part_of(
    instrument: Instrument,
    scores: ResponseScores,
    attributes: Mapping[str, str | None],
    *,
    answers: Mapping[str, object],
) -> tuple[str, Aggregate]:
    """A response's cell and what it adds there."""
    return cell_of(attributes), contribution(instrument, scores, answers)


def fold(
    session: Session,
    survey_id: int,
    instrument: Instrument,
    scores: ResponseScores,
    attributes: Mapping[str, str | None],
    *,
    answers: Mapping[str, object],
    sign: int = 1,
) -> None:
    """Add a response to its survey's aggregates (``sign=-1``: take it out again)."""
    cell, part = part_of(instrument, scores, attributes, answers=answers)
    add(session, survey_id, cell, part, sign)


def add(
    session: Session,
    survey_id: int,
    cell: str,
    part: Aggregate,
    sign: int = 1,
    *,
    responses: int = 1,
) -> None:
    """Fold ``part`` (what ``responses`` responses add) into one stripe of the cell, inside
    the caller's transaction."""
    stripe = random.randrange(STRIPES)
    row = _locked_row(session, survey_id, cell, stripe)
    if row is None:
        _insert_empty(session, survey_id, cell, stripe)
        row = _locked_row(session, survey_id, cell, stripe)
        assert row is not None
    session.connection().execute(
        _WRITE_ROW,
        {
            "row_id": row.id,
            "stats": Aggregate.from_json(row.stats).plus(part, sign).to_json(),
            "n": (row.n or 0) + sign * responses,
            "changes": (row.changes or 0) + responses,
        },
    )


# On the path of every submission: Core statements built once (building and keying a
# statement cost more than running it), the lock and the write two statements, no more.
_LOCK_ROW = (
    select(ScoreAggregate.id, ScoreAggregate.n, ScoreAggregate.changes, ScoreAggregate.stats)
    .where(
        ScoreAggregate.survey_id == bindparam("survey_id"),
        ScoreAggregate.cell == bindparam("cell"),
        ScoreAggregate.stripe == bindparam("stripe"),
    )
    .with_for_update()
)
_WRITE_ROW = (
    update(ScoreAggregate)
    .where(ScoreAggregate.id == bindparam("row_id"))
    .values(n=bindparam("n"), changes=bindparam("changes"), stats=bindparam("stats"))
    .execution_options(synchronize_session=False)
)


def _locked_row(session: Session, survey_id: int, cell: str, stripe: int) -> Any:
    """The stripe's row (id, n, changes, stats), locked until the transaction ends."""
    return (
        session.connection()
        .execute(_LOCK_ROW, {"survey_id": survey_id, "cell": cell, "stripe": stripe})
        .first()
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
    counts: dict[str, int] = {}
    parts: dict[str, list[Aggregate]] = {}
    for row in rows:
        counts[row.cell] = counts.get(row.cell, 0) + row.n
        parts.setdefault(row.cell, []).append(Aggregate.from_json(row.stats))
    return {cell: (counts[cell], summed(stripes)) for cell, stripes in parts.items()}
