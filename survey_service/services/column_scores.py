"""Score many responses at once, column by column: the figures ``score_response`` and
``score_store.contribution`` give row by row, for a rescore over a whole survey.

The per-row functions stay the definition; this computes the same numbers with numpy.

* An item's score comes from a table made by ``item_score`` itself (one entry per value on
  its scale), so a score is the very float the per-row path computes.
* A dimension (or index) mean adds its present values in the rule's order, as Python's
  ``sum`` does (plain left-to-right addition, or Neumaier's compensated sum where ``sum``
  compensates, Python 3.12 on), then divides by their number: the same float again.
* A cell's ``Σy``, ``Σy²`` and α sums add the rows in id order, one at a time
  (``np.add.accumulate``), as ``Aggregate.plus`` does; counts are integers.

So rescoring column-wise stores the same person scores and aggregates, to the last bit and
in the same key order. Where an instrument has a feature this does not cover
(:meth:`ColumnScorer.for_instrument` gives None), or a survey holds an answer off the tables
(a value off the scale, of another type: ``OFF_CODE``), the caller scores row by row, which
raises what the per-row path raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from survey_service.instruments import DONT_KNOW, Instrument, item_score
from survey_service.instruments.parts import DimensionRule, Item
from survey_service.services import score_store
from survey_service.services.person_scores import PersonScores
from survey_service.services.score_store import Aggregate, AlphaSums, Moments

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

#: Whether the builtin ``sum`` of floats compensates (Neumaier, Python 3.12 on).
COMPENSATED_SUM = sum([1e16, 1.0, -1e16]) != 0.0
_ANSWER_TYPES = frozenset({int, str, type(None)})


def python_sum(columns: Sequence[Floats], present: Sequence[Bools], n: int) -> Floats:
    """Row-wise, what ``sum([...])`` gives for each row's present values, in column order."""
    total = np.zeros(n)
    compensation = np.zeros(n)
    for values, has in zip(columns, present, strict=True):
        x = np.where(has, values, 0.0)
        added = total + x
        if COMPENSATED_SUM:
            lost = np.where(np.abs(total) >= np.abs(x), (total - added) + x, (x - added) + total)
            compensation = np.where(has, compensation + lost, compensation)
        total = np.where(has, added, total)
    if COMPENSATED_SUM:
        fix = (compensation != 0.0) & np.isfinite(compensation)
        total = np.where(fix, total + compensation, total)
    return total


@dataclass
class ScoredBatch:
    """A batch's scores: per row and scored item its score (NaN: none) and answer code
    (index into ``Item.values``; ``DONT_KNOW_CODE``; ``MISSING_CODE``), per dimension and
    index the score (NaN: None)."""

    items: Floats
    codes: Ints
    dimensions: Floats
    indices: Floats


DONT_KNOW_CODE = -1
MISSING_CODE = -2
#: An answer off the item's table (see :meth:`ColumnScorer.codes`).
OFF_CODE = -3
#: Codes are kept for a whole survey at once: two bytes an answer.
CODE_TYPE = np.int16
Codes = npt.NDArray[np.int16]


@dataclass(frozen=True)
class _AlphaRule:
    dimension: str
    columns: tuple[int, ...]


class ColumnScorer:
    """An instrument's scoring as array operations (build with :meth:`for_instrument`)."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.items: tuple[Item, ...] = tuple(i for i in instrument.items if i.scale is not None)
        self.column = {item.link_id: k for k, item in enumerate(self.items)}
        self.lookups: list[dict[object, int]] = [
            {value: code for code, value in enumerate(item.values)}
            | {DONT_KNOW: DONT_KNOW_CODE, None: MISSING_CODE}
            for item in self.items
        ]
        # Score by code; codes -1 and -2 index the two NaNs at the end.
        self.tables: list[Floats] = [
            np.array([_scored_value(item, v) for v in item.values] + [np.nan, np.nan])
            for item in self.items
        ]
        self.rules = instrument.scoring.dimensions
        self.dimension_keys = tuple(rule.dimension for rule in self.rules)
        self.index_keys = tuple(rule.key for rule in instrument.indices)
        self.alpha_rules = tuple(
            _AlphaRule(rule.dimension, tuple(self.column[i] for i in rule.item_ids))
            for rule in self.rules
            if rule.method == "mean"
            and len(rule.item_ids) >= 2
            and all(i in self.column for i in rule.item_ids)
        )
        #: Every measure a response can add, in the order ``contribution`` adds them.
        self.measure_keys = (
            *(f"dim:{k}" for k in self.dimension_keys),
            *(f"idx:{k}" for k in self.index_keys),
            *(f"item:{i.link_id}" for i in self.items),
            *(score_store.dont_know_key(i.link_id) for i in self.items),
        )

    @classmethod
    def for_instrument(cls, instrument: Instrument) -> ColumnScorer | None:
        """The scorer, or None where the instrument has what this does not cover: values
        other than whole numbers, more values than a code holds, repeated keys, a minimum
        of no answers (the per-row mean of nothing divides by zero), a method other than
        ``mean`` and ``gap``."""
        items = [i for i in instrument.items if i.scale is not None]
        keys = [i.link_id for i in items]
        dims = [r.dimension for r in instrument.scoring.dimensions]
        indices = [r.key for r in instrument.indices]
        if any(len(set(k)) != len(k) for k in (keys, dims, indices)):
            return None
        if any(type(v) is not int for i in items for v in i.values):
            return None
        if any(len(i.values) > np.iinfo(CODE_TYPE).max for i in items):
            return None
        if any(
            r.method not in ("mean", "gap") or r.min_answered < 1
            for r in instrument.scoring.dimensions
        ):
            return None
        if any(r.min_dimensions < 1 for r in instrument.indices):
            return None
        return cls(instrument)

    def codes(self, answers: Sequence[Any]) -> Codes:
        """The rows' answer codes (index into ``Item.values``, ``DONT_KNOW_CODE``,
        ``MISSING_CODE``); ``OFF_CODE`` for an answer off the item's table (a value off the
        scale, of another type) and throughout a row whose answers are not an object: the
        caller then scores row by row, which raises as the per-row path does."""
        n = len(answers)
        objects = [a if type(a) is dict else {} for a in answers]
        codes = np.empty((n, len(self.items)), dtype=CODE_TYPE)
        for k, item in enumerate(self.items):
            link_id = item.link_id
            lookup = self.lookups[k]
            column = [a.get(link_id) for a in objects]
            # True and 1.0 would find 1 in the table: only these types may be looked up.
            if set(map(type, column)) <= _ANSWER_TYPES:
                try:
                    codes[:, k] = np.fromiter(map(lookup.__getitem__, column), CODE_TYPE, n)
                    continue
                except KeyError:
                    pass
            codes[:, k] = [
                lookup.get(v, OFF_CODE) if type(v) in _ANSWER_TYPES else OFF_CODE for v in column
            ]
        codes[[r for r, a in enumerate(answers) if type(a) is not dict]] = OFF_CODE
        return codes

    def scored(self, codes: Codes) -> ScoredBatch:
        """The scores of rows given by their codes (none of them ``OFF_CODE``)."""
        n = len(codes)
        items = np.empty((n, len(self.items)))
        for k, table in enumerate(self.tables):
            items[:, k] = table[codes[:, k]]
        return self._completed(items, codes.astype(np.int64))

    def _completed(self, items: Floats, codes: Ints) -> ScoredBatch:
        n = len(items)
        answered = ~np.isnan(items)
        dimensions = np.empty((n, len(self.rules)))
        for d, rule in enumerate(self.rules):
            dimensions[:, d] = self._dimension(rule, items, answered)
        indices = np.empty((n, len(self.index_keys)))
        dimension_has = ~np.isnan(dimensions)
        position = {key: d for d, key in enumerate(self.dimension_keys)}
        for x, index in enumerate(self.instrument.indices):
            columns = [position[d] for d in index.dimensions if d in position]
            indices[:, x] = _mean(
                [dimensions[:, c] for c in columns],
                [dimension_has[:, c] for c in columns],
                index.min_dimensions,
                n,
            )
        return ScoredBatch(items, codes, dimensions, indices)

    def _dimension(self, rule: DimensionRule, items: Floats, answered: Bools) -> Floats:
        n = len(items)
        if rule.method == "gap":
            pairs = [
                (self.column[p.experience], self.column[p.expectation])
                for p in rule.pairs
                if p.experience in self.column and p.expectation in self.column
            ]
            values = [items[:, e] - items[:, x] for e, x in pairs]
            present = [answered[:, e] & answered[:, x] for e, x in pairs]
        else:
            columns = [self.column[i] for i in rule.items if i in self.column]
            values = [items[:, c] for c in columns]
            present = [answered[:, c] for c in columns]
        return _mean(values, present, rule.min_answered, n)

    def person_scores(self, batch: ScoredBatch) -> PersonScores:
        """The rows' person scores, as the per-row rescore stores them."""
        return PersonScores(self.dimension_keys, self.index_keys, batch.dimensions, batch.indices)


def _scored_value(item: Item, value: int | str) -> float:
    score = item_score(item, value)
    assert score is not None
    return score


def _mean(values: Sequence[Floats], present: Sequence[Bools], minimum: int, n: int) -> Floats:
    """``sum(values) / len(values)`` per row, NaN below ``minimum`` present values."""
    count = np.zeros(n, dtype=np.int64)
    for has in present:
        count += has
    total = python_sum(values, present, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / count
    return np.where(count >= minimum, mean, np.nan)


class CellSums:
    """The per-cell sums of many scored batches, added in row order: what adding every
    response's ``contribution`` to its cell gives (:meth:`cells`)."""

    def __init__(self, scorer: ColumnScorer) -> None:
        self.scorer = scorer
        self.measures = len(scorer.dimension_keys) + len(scorer.index_keys) + len(scorer.items)
        self.alpha_sizes = [len(r.columns) for r in scorer.alpha_rules]
        self.value_counts = [len(item.values) for item in scorer.items]
        self.cell_names: list[str] = []
        self.cell_of: dict[tuple[Any, ...], int] = {}
        self.cell_index: dict[str, int] = {}
        self.rows = 0
        # Per cell: [Σy..., Σy²..., α sums and products...] summed in order; counts of each
        # measure (then dk), of α's complete cases and of item values; first row of each.
        self.sums: list[Floats] = []
        self.counts: list[Ints] = []
        self.value_totals: list[Ints] = []
        self.first: list[Ints] = []
        self.respondents: list[int] = []

    def _cell(self, attributes: tuple[Any, ...]) -> int:
        index = self.cell_of.get(attributes)
        if index is not None:
            return index
        name = score_store.cell_of(dict(zip(score_store.ATTRIBUTES, attributes, strict=True)))
        # Attributes that differ may make one cell ("" and None both leave one out).
        index = self.cell_index.get(name)
        if index is None:
            index = self.cell_index[name] = len(self.cell_names)
            self.cell_names.append(name)
            width = 2 * self.measures + sum(k + k * (k + 1) // 2 for k in self.alpha_sizes)
            self.sums.append(np.zeros(width))
            self.counts.append(
                np.zeros(
                    self.measures + len(self.scorer.items) + len(self.alpha_sizes), dtype=np.int64
                )
            )
            self.value_totals.append(np.zeros(sum(self.value_counts), dtype=np.int64))
            self.first.append(np.full(self.counts[-1].shape, -1, dtype=np.int64))
            self.respondents.append(0)
        self.cell_of[attributes] = index
        return index

    def add(self, batch: ScoredBatch, attributes: Sequence[tuple[Any, ...]]) -> None:
        """Add a batch (rows in id order, after every earlier batch's)."""
        scorer = self.scorer
        n = len(batch.items)
        y = np.concatenate([batch.dimensions, batch.indices, batch.items], axis=1)
        has = ~np.isnan(y)
        dont_know = batch.codes == DONT_KNOW_CODE
        y0 = np.where(has, y, 0.0)
        float_columns = [y0, y0 * y0]
        complete_columns = []
        for rule in scorer.alpha_rules:
            scores = batch.items[:, list(rule.columns)]
            complete: Bools = np.asarray(~np.isnan(scores).any(axis=1))
            ys = np.where(complete[:, None], scores, 0.0)
            k = len(rule.columns)
            products = [ys[:, i] * ys[:, j] for i in range(k) for j in range(i, k)]
            float_columns.append(ys)
            float_columns.append(np.stack(products, axis=1))
            complete_columns.append(complete)
        values = np.concatenate(float_columns, axis=1)
        present = np.concatenate(
            [
                has,
                dont_know,
                np.stack(complete_columns, axis=1) if complete_columns else has[:, :0],
            ],
            axis=1,
        )
        one_hot = (
            np.concatenate(
                [batch.codes[:, [k]] == np.arange(m) for k, m in enumerate(self.value_counts)],
                axis=1,
            )
            if self.value_counts
            else np.zeros((n, 0), dtype=bool)
        )
        cells = np.fromiter((self._cell(a) for a in attributes), dtype=np.int64, count=n)
        order = np.argsort(cells, kind="stable")
        bounds = np.flatnonzero(np.diff(cells[order])) + 1
        for rows in np.split(order, bounds):
            if not len(rows):
                continue
            c = int(cells[rows[0]])
            self.respondents[c] += len(rows)
            block = np.concatenate([self.sums[c][None, :], values[rows]], axis=0)
            self.sums[c] = np.add.accumulate(block, axis=0)[-1]
            held = present[rows]
            self.counts[c] += held.sum(axis=0)
            seen = held.any(axis=0) & (self.first[c] < 0)
            self.first[c] = np.where(seen, self.rows + rows[held.argmax(axis=0)], self.first[c])
            self.value_totals[c] += one_hot[rows].sum(axis=0)
        self.rows += n

    def cells(self) -> score_store.Cells:
        """cell -> (respondents, their statistics), cells in order of their first row."""
        out: score_store.Cells = {}
        for c, name in enumerate(self.cell_names):
            out[name] = self._aggregate(c)
        return out

    def _aggregate(self, c: int) -> tuple[int, Aggregate]:
        scorer = self.scorer
        m = self.measures
        sums = self.sums[c].tolist()
        counts = self.counts[c].tolist()
        first = self.first[c].tolist()
        values = self.value_totals[c].tolist()
        keys = scorer.measure_keys
        # A key's place: its first row, then its place within a response's contribution.
        measures: list[tuple[int, int, str, Moments]] = []
        for j in range(m):
            if counts[j]:
                measures.append((first[j], j, keys[j], Moments(counts[j], sums[j], sums[m + j])))
        for k in range(len(scorer.items)):
            j = m + k
            if counts[j]:
                total = float(counts[j])
                measures.append((first[j], j, keys[j], Moments(counts[j], total, total)))
        alpha: list[tuple[int, int, str, AlphaSums]] = []
        offset = 2 * m
        for a, (rule, size) in enumerate(zip(scorer.alpha_rules, self.alpha_sizes, strict=True)):
            width = size + size * (size + 1) // 2
            j = m + len(scorer.items) + a
            if counts[j]:
                part = sums[offset : offset + width]
                alpha.append(
                    (
                        first[j],
                        j,
                        rule.dimension,
                        AlphaSums(counts[j], tuple(part[:size]), tuple(part[size:])),
                    )
                )
            offset += width
        measures.sort(key=lambda e: e[:2])
        alpha.sort(key=lambda e: e[:2])
        changes = sorted(
            [(f, j, key, int(moments.n)) for f, j, key, moments in measures]
            + [(f, j, score_store.alpha_key(d), int(sums_.n)) for f, j, d, sums_ in alpha],
            key=lambda e: e[:2],
        )
        order: list[tuple[int, int, str, tuple[float, ...]]] = []
        start = 0
        for k, (item, size) in enumerate(zip(scorer.items, self.value_counts, strict=True)):
            j = len(scorer.dimension_keys) + len(scorer.index_keys) + k
            if counts[j]:
                order.append(
                    (
                        first[j],
                        j,
                        item.link_id,
                        tuple(float(v) for v in values[start : start + size]),
                    )
                )
            start += size
        order.sort(key=lambda e: e[:2])
        item_counts = {key: v for _f, _j, key, v in order}
        aggregate = Aggregate(
            {key: moments for _f, _j, key, moments in measures},
            {key: sums_ for _f, _j, key, sums_ in alpha},
            {key: n for _f, _j, key, n in changes},
            item_counts,
        )
        return self.respondents[c], aggregate
