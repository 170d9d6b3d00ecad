"""What a survey's score report is made of: the rules a published figure must satisfy, and
the computed figures before they are published."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from survey_service.instruments import Instrument
from survey_service.scoring import MeanResult
from survey_service.services.calibration import Weighting


def plain_float(value: float | None) -> float | None:
    """Plain floats for JSON (the library may hand back numpy scalars)."""
    return None if value is None else float(value)


class SurveyFacts(Protocol):
    """What a report's estimates and presentation read of its survey: a ``Survey``, or a
    ``survey_rows.SurveyRow`` of the scores across surveys."""

    @property
    def id(self) -> int: ...

    @property
    def municipality_number(self) -> str | None: ...

    @property
    def audience(self) -> str: ...

    @property
    def period(self) -> str: ...

    @property
    def population_size(self) -> int | None: ...

    @property
    def targets(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Rules:
    """What a published figure must satisfy."""

    min_n: int
    confidence_level: float
    max_half_width: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any], confidence_level: float) -> Rules:
        return cls(
            min_n=int(config["SURVEY_MIN_N"]),
            confidence_level=confidence_level,
            max_half_width=float(config["SURVEY_PRECISION_HALF_WIDTH"]),
        )


@dataclass
class Report:
    instrument: Instrument
    n: int
    snapshot: dict[str, Any] | None
    weighting: Weighting
    results: dict[str, MeanResult | None]  # measure -> result (None: no data)
    counts: dict[str, int]  # measure -> respondents with a score
    alike: set[str]  # measures on which every respondent gave the same score
    alpha: dict[str, dict[str, Any]]
    change: dict[str, dict[str, Any]]
    baseline_meta: dict[str, Any] | None = None
    # How many gave each value of each scored item (``distributions.share_key`` -> count).
    value_counts: dict[str, int] = field(default_factory=dict)
