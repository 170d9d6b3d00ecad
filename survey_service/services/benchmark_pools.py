"""The municipalities a survey is compared with, and what the comparison says.

A *pool* is every municipality's one survey of an instrument for an audience and period;
its published figures are all that enters a benchmark or a model-based estimate. A figure's
benchmarks (the nation, the county, the size class) pool the other municipalities' published
figures, leaving the compared municipality out; the model-based estimate is the Fay–Herriot
EBLUP over the pool. The statistics are ``survey_service.scoring``'s; this module chooses the
figures and words the answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from survey_service.scoring import (
    BenchmarkDifference,
    FayHerriotResult,
    benchmark_difference,
    fay_herriot,
    normal_quantile,
    pooled_benchmark,
)
from survey_service.scoring.benchmarks import LeaveOneOutTable, leave_one_out_tables
from survey_service.services.comparison_groups import SIZE_CLASSES, Place
from survey_service.services.survey_rows import SurveyRow

#: Other municipalities with a published figure that a benchmark needs.
MIN_MUNICIPALITIES = 3
#: Municipalities with a published figure that a model-based estimate needs.
MIN_MODEL = 5
#: Municipalities a size class needs among them to have a level of its own in the model.
MIN_PER_CLASS = 3
GROUPS = ("national", "county", "size_class")
KINDS = ("dimensions", "indices")


@dataclass(frozen=True)
class Figure:
    """A published figure as the comparisons read it."""

    estimate: float
    standard_error: float
    degrees_of_freedom: float
    scale: tuple[float, float]


def published(entry: Mapping[str, Any]) -> Figure | None:
    """The figure of a headline's ``dimensions``/``indices`` entry, or None when it is
    withheld or has no interval: nothing else enters a comparison."""
    if (
        entry["suppressed"]
        or entry["estimate"] is None
        or entry["standard_error"] is None
        or not entry["degrees_of_freedom"]
    ):
        return None
    low, high = entry["scale"]
    return Figure(
        float(entry["estimate"]),
        float(entry["standard_error"]),
        float(entry["degrees_of_freedom"]),
        (float(low), float(high)),
    )


def choose_members(surveys: Iterable[SurveyRow], respondents: Mapping[int, int]) -> dict[str, int]:
    """One survey per municipality: the one with the most published respondents
    (``respondents``: survey id -> published n, 0 if none published), the newer on a tie."""
    members: dict[str, SurveyRow] = {}
    for survey in surveys:
        number = survey.municipality_number
        if number is None:  # an organiser's survey: no municipality's figure
            continue
        current = members.get(number)
        rank = (respondents.get(survey.id, 0), survey.id)
        if current is None or rank > (respondents.get(current.id, 0), current.id):
            members[number] = survey
    return {number: survey.id for number, survey in members.items()}


@dataclass
class _Arrays:
    """One group's published figures for one figure key, in a fixed order."""

    numbers: list[str]
    estimates: np.ndarray
    standard_errors: np.ndarray
    degrees_of_freedom: np.ndarray
    populations: np.ndarray
    # Every member against the others (computed once: ``Pool.prepare`` or when first asked).
    leave_one_out: LeaveOneOutTable | None = None
    positions: dict[str, int] | None = None

    def index(self, number: str) -> int | None:
        if self.positions is None:
            self.positions = {n: i for i, n in enumerate(self.numbers)}
        return self.positions.get(number)


@dataclass
class Pool:
    """Every municipality's one survey of an instrument for an audience and period, with the
    published figures of each (kind -> key -> municipality -> Figure)."""

    audience: str
    period: str
    places: dict[str, Place]
    members: dict[str, int]  # municipality -> survey id
    figures: dict[str, dict[str, dict[str, Figure]]]
    pooling: str
    confidence_level: float
    _arrays: dict[tuple[Any, ...], _Arrays] = field(default_factory=dict)
    _partitioned: set[tuple[str, str, str]] = field(default_factory=set)
    _models: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    _normal_quantile: float | None = None

    @classmethod
    def build(
        cls,
        audience: str,
        period: str,
        members: Mapping[str, int],
        headlines: Mapping[int, Mapping[str, Any]],
        places: Mapping[str, Place],
        *,
        pooling: str,
        confidence_level: float,
    ) -> Pool:
        figures: dict[str, dict[str, dict[str, Figure]]] = {kind: {} for kind in KINDS}
        for number, survey_id in members.items():
            for kind in KINDS:
                for entry in headlines[survey_id][kind]:
                    figure = published(entry)
                    by_key = figures[kind].setdefault(entry["key"], {})
                    if figure is not None:
                        by_key[number] = figure
        return cls(
            audience,
            period,
            {number: places[number] for number in members},
            dict(members),
            figures,
            pooling,
            confidence_level,
        )

    # ------------------------------------------------------------------ groups

    def group_arrays(self, kind: str, key: str, group: str, place: Place) -> _Arrays | None:
        """The published figures of ``place``'s group (None: ``place`` has no such group),
        read once per group."""
        label = _label(group, place)
        if label is None:
            return None
        cache = (kind, key, group, label)
        if (kind, key, group) not in self._partitioned:
            self._partition(kind, key, group)
        if cache not in self._arrays:  # a group without a published figure
            self._arrays[cache] = self._as_arrays([])
        return self._arrays[cache]

    def _partition(self, kind: str, key: str, group: str) -> None:
        """Every group's arrays of ``group`` (each county, each size class) from one pass
        over the figures, as ``arrays`` would give each: the same members, in order."""
        by_label: dict[str, list[tuple[str, Figure]]] = {}
        for number, figure in sorted(self.figures[kind].get(key, {}).items()):
            label = _label(group, self.places[number])
            if label is not None:
                by_label.setdefault(label, []).append((number, figure))
        for label, entries in by_label.items():
            self._arrays[(kind, key, group, label)] = self._as_arrays(entries)
        self._partitioned.add((kind, key, group))

    def arrays(self, kind: str, key: str, member: Callable[[Place], bool]) -> _Arrays:
        entries = sorted(
            (number, figure)
            for number, figure in self.figures[kind].get(key, {}).items()
            if member(self.places[number])
        )
        return self._as_arrays(entries)

    def _as_arrays(self, entries: Sequence[tuple[str, Figure]]) -> _Arrays:
        return _Arrays(
            [number for number, _ in entries],
            np.array([f.estimate for _, f in entries], dtype=float),
            np.array([f.standard_error for _, f in entries], dtype=float),
            np.array([f.degrees_of_freedom for _, f in entries], dtype=float),
            np.array([self.places[n].population or 0 for n, _ in entries], dtype=float),
        )

    # ------------------------------------------------------------------ benchmarks

    def whole(self, kind: str, key: str, group: str, place: Place) -> dict[str, Any]:
        """The benchmark of a whole group (nobody left out), for the pool's summary."""
        data = self.group_arrays(kind, key, group, place)
        if data is None:
            return _withheld("no_size_class")
        if len(data.numbers) < MIN_MUNICIPALITIES:
            return _withheld("too_few_municipalities", len(data.numbers))
        result = pooled_benchmark(
            data.estimates,
            data.standard_errors,
            degrees_of_freedom=data.degrees_of_freedom,
            populations=data.populations,
            pooling=self.pooling,
            confidence_level=self.confidence_level,
        )
        return _benchmark_fields(result.estimate, result, len(data.numbers))

    def compare(
        self, kind: str, key: str, group: str, place: Place, survey_id: int, own: Figure | None
    ) -> dict[str, Any]:
        """The figure ``own`` of survey ``survey_id`` (of ``place``) against the benchmark of
        the other municipalities of its group."""
        if own is None:
            return _withheld("figure_withheld")
        data = self.group_arrays(kind, key, group, place)
        if data is None:
            return _withheld("no_size_class")
        at = data.index(place.number)
        others = len(data.numbers) - (0 if at is None else 1)
        if others < MIN_MUNICIPALITIES:
            return _withheld("too_few_municipalities", others)
        if at is not None and self.members.get(place.number) == survey_id:
            if data.leave_one_out is None:
                (data.leave_one_out,) = leave_one_out_tables(
                    [
                        (
                            data.estimates,
                            data.standard_errors,
                            data.degrees_of_freedom,
                            data.populations,
                        )
                    ],
                    pooling=self.pooling,
                    confidence_level=self.confidence_level,
                )
            return _leave_one_out_fields(data.leave_one_out, at)
        bench = pooled_benchmark(
            data.estimates,
            data.standard_errors,
            degrees_of_freedom=data.degrees_of_freedom,
            populations=data.populations,
            pooling=self.pooling,
            leave_out=at,
            confidence_level=self.confidence_level,
        )
        difference = benchmark_difference(
            own.estimate,
            own.standard_error,
            degrees_of_freedom=own.degrees_of_freedom,
            benchmark=bench,
        )
        return _difference_fields(difference)

    def prepare(self) -> None:
        """Every member of every group against the others, for every figure, at once (what
        ``compare`` would compute group by group, the same floats): the rows of the scores
        across surveys ask for nearly all of them."""
        for kind in KINDS:
            for key in self.figures[kind]:
                for group in GROUPS:
                    if (kind, key, group) not in self._partitioned:
                        self._partition(kind, key, group)
        wanted = [
            data
            for data in self._arrays.values()
            # compared only with at least MIN_MUNICIPALITIES others
            if data.leave_one_out is None and len(data.numbers) > MIN_MUNICIPALITIES
        ]
        try:
            tables = leave_one_out_tables(
                [
                    (d.estimates, d.standard_errors, d.degrees_of_freedom, d.populations)
                    for d in wanted
                ],
                pooling=self.pooling,
                confidence_level=self.confidence_level,
            )
        except ValueError:
            return  # left to each group when asked, which says what is wrong
        for data, table in zip(wanted, tables, strict=True):
            data.leave_one_out = table

    # ------------------------------------------------------------------ model-based

    def model(self, kind: str, key: str) -> dict[str, Any]:
        """The Fay–Herriot fit of a figure over the pool (cached): ``fit``, the municipalities
        in order, how it borrows strength, and its public summary."""
        cache = (kind, key)
        if cache not in self._models:
            self._models[cache] = self._fit(kind, key)
        return self._models[cache]

    def _fit(self, kind: str, key: str) -> dict[str, Any]:
        data = self.arrays(kind, key, lambda place: True)
        # A figure without sampling error (all answered alike) has no place in the model.
        keep = data.standard_errors > 0
        numbers = [n for n, k in zip(data.numbers, keep, strict=True) if k]
        summary: dict[str, Any] = {"key": key, "municipalities": len(numbers)}
        if len(numbers) < MIN_MODEL:
            return {
                "fit": None,
                "summary": {
                    **summary,
                    "suppressed": True,
                    "suppression_reason": "too_few_municipalities",
                },
            }
        terms, design = _design([self.places[n] for n in numbers])
        try:
            fit = fay_herriot(data.estimates[keep], data.standard_errors[keep] ** 2, design=design)
        except ValueError as error:  # too few for the terms, or REML did not converge
            return {
                "fit": None,
                "summary": {
                    **summary,
                    "suppressed": True,
                    "suppression_reason": "model_not_estimable",
                    "note": str(error),
                },
            }
        borrows = "size_class" if len(terms) > 1 else "all"
        summary.update(
            {
                "suppressed": False,
                "suppression_reason": None,
                "borrows_from": borrows,
                "between_variance": fit.between_variance,
                "coefficients": [
                    {"term": term, "estimate": b, "standard_error": se}
                    for term, b, se in zip(
                        terms, fit.coefficients, fit.coefficient_standard_errors, strict=True
                    )
                ],
            }
        )
        return {
            "fit": fit,
            "numbers": numbers,
            "positions": {number: i for i, number in enumerate(numbers)},
            "borrows": borrows,
            "summary": summary,
        }

    def _z(self) -> float:
        if self._normal_quantile is None:
            self._normal_quantile = normal_quantile(0.5 + self.confidence_level / 2)
        return self._normal_quantile

    def model_based(
        self, kind: str, key: str, place: Place, survey_id: int, own: Figure | None
    ) -> dict[str, Any]:
        """The model-based estimate beside the direct one (members of the pool only)."""
        if own is None:
            return _model_withheld("figure_withheld")
        if self.members.get(place.number) != survey_id:
            return _model_withheld("not_in_pool")
        model = self.model(kind, key)
        fit: FayHerriotResult | None = model["fit"]
        if fit is None:
            return _model_withheld(model["summary"]["suppression_reason"])
        i = model["positions"].get(place.number)
        if i is None:
            return _model_withheld("no_sampling_error")
        rmse = math.sqrt(fit.mse[i])
        z = self._z()
        low, high = own.scale
        estimate = fit.estimates[i]
        return {
            **_model_withheld(None),
            "suppressed": False,
            "estimate": estimate,
            "rmse": rmse,
            "confidence_interval": {
                "low": max(low, estimate - z * rmse),
                "high": min(high, estimate + z * rmse),
            },
            "share_own_data": fit.shrinkage[i],
            "borrows_from": model["borrows"],
        }


def _label(group: str, place: Place) -> str | None:
    """Which of the groups ``group`` a municipality is in (None: not in any)."""
    if group == "national":
        return "national"
    if group == "county":
        return place.county_number
    return None if place.size_class is None else place.size_class.key


def _design(places: Sequence[Place]) -> tuple[list[str], np.ndarray]:
    """Intercept and size-class indicators (the smallest class present as the reference),
    when every class present has ``MIN_PER_CLASS`` municipalities and the model keeps 3
    degrees of freedom; else the intercept alone."""
    intercept = (["intercept"], np.ones((len(places), 1)))
    if any(p.size_class is None for p in places):
        return intercept
    keys = [p.size_class.key for p in places if p.size_class is not None]
    present = [c.key for c in SIZE_CLASSES if c.key in keys]
    if len(present) < 2 or any(keys.count(k) < MIN_PER_CLASS for k in present):
        return intercept
    if len(places) < len(present) + 3:
        return intercept
    columns = [np.ones(len(places))]
    columns += [np.array([k == c for k in keys], dtype=float) for c in present[1:]]
    return ["intercept", *(f"size_class:{c}" for c in present[1:])], np.column_stack(columns)


def _withheld(reason: str, municipalities: int | None = None) -> dict[str, Any]:
    return {
        "estimate": None,
        "standard_error": None,
        "confidence_interval": None,
        "degrees_of_freedom": None,
        "municipalities": municipalities,
        "suppressed": True,
        "suppression_reason": reason,
    }


def _benchmark_fields(estimate: float, result: Any, k: int) -> dict[str, Any]:
    low, high = result.confidence_interval
    return {
        "estimate": estimate,
        "standard_error": result.standard_error,
        "confidence_interval": {"low": low, "high": high},
        "degrees_of_freedom": result.degrees_of_freedom,
        "municipalities": k,
        "suppressed": False,
        "suppression_reason": None,
    }


def _difference_fields(difference: BenchmarkDifference) -> dict[str, Any]:
    bench = difference.benchmark
    low, high = difference.confidence_interval
    return {
        **_benchmark_fields(bench.estimate, bench, bench.k),
        "difference": {
            "estimate": difference.estimate,
            "standard_error": difference.standard_error,
            "confidence_interval": {"low": low, "high": high},
            "degrees_of_freedom": difference.degrees_of_freedom,
            "verdict": difference.verdict,
        },
    }


def _leave_one_out_fields(table: LeaveOneOutTable, j: int) -> dict[str, Any]:
    """``_difference_fields`` of entry ``j`` of a leave-one-out table."""
    return {
        "estimate": table.benchmark[j],
        "standard_error": table.benchmark_standard_error[j],
        "confidence_interval": {"low": table.benchmark_low[j], "high": table.benchmark_high[j]},
        "degrees_of_freedom": table.benchmark_degrees_of_freedom[j],
        "municipalities": table.k - 1,
        "suppressed": False,
        "suppression_reason": None,
        "difference": {
            "estimate": table.difference[j],
            "standard_error": table.difference_standard_error[j],
            "confidence_interval": {"low": table.low[j], "high": table.high[j]},
            "degrees_of_freedom": table.difference_degrees_of_freedom[j],
            "verdict": table.verdict[j],
        },
    }


def _model_withheld(reason: str | None) -> dict[str, Any]:
    return {
        "label": "model-based",
        "method": "fay-herriot-eblup",
        "estimate": None,
        "rmse": None,
        "confidence_interval": None,
        "share_own_data": None,
        "borrows_from": None,
        "suppressed": True,
        "suppression_reason": reason,
    }
