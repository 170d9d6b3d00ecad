"""The national view: municipalities ranked on one figure of one instrument, within one pool
(the same audience and period, as every benchmark is).

Why rank on the model-based estimate: a municipality with 15 respondents has an interval
ten points wide, so its direct estimate lands at the top or the bottom of a list of a
hundred by chance far more often than a municipality with 2,000 does. The Fay–Herriot
estimate (``benchmark_pools``) draws each direct estimate towards the average of
municipalities of the same size class by as much as it is uncertain, so the extremes of the
ranking are the municipalities that are clearly extreme. The direct estimate, its interval
and n stay beside it, and the list may be sorted by either; a municipality without a
model-based estimate (its figure withheld, or no model for the pool) is listed after the
ranked ones, never given a rank. One survey per municipality: the pool's member
(``in_benchmark``), the one the benchmarks use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_service.models import InstrumentRecord, InstrumentVersion, Survey
from survey_service.services.benchmark import compare_surveys, select_surveys
from survey_service.services.score_report import Rules

SORTS = ("model", "direct", "name", "change")


@dataclass(frozen=True)
class Pool:
    audience: str
    period: str
    surveys: int


def pools(session: Session, instrument: str) -> list[Pool]:
    """The (audience, period) pools of ``instrument`` that hold a municipality's survey past
    draft, the newest period first, then the largest."""
    rows = session.execute(
        select(Survey.audience, Survey.period, func.count(Survey.id))
        .join(InstrumentVersion)
        .join(InstrumentRecord)
        .where(
            InstrumentRecord.key == instrument,
            Survey.status != "draft",
            Survey.municipality_number.is_not(None),  # an organiser's survey is not ranked
        )
        .group_by(Survey.audience, Survey.period)
    ).all()
    found = [Pool(audience, period, count) for audience, period, count in rows]
    return sorted(found, key=lambda p: (p.period, p.surveys), reverse=True)


def default_pool(found: Sequence[Pool]) -> Pool | None:
    """The pool to show first: the one with the most surveys, the newest on a tie."""
    if not found:
        return None
    return max(found, key=lambda p: (p.surveys, p.period))


def ranking(
    session: Session,
    rules: Rules,
    *,
    instrument: str,
    audience: str,
    period: str,
    measure: tuple[str, str],
) -> list[dict[str, Any]]:
    """The pool's members with the figure ``measure`` (``(kind field, key)``), in rank order
    of the model-based estimate (highest first); unranked ones last, by name. Each row:
    the compared row's municipality fields, ``figure`` (the compared figure with its
    benchmarks and model-based estimate) and ``rank`` (None when not ranked)."""
    surveys = list(session.scalars(select_surveys(instrument, audience=audience, period=period)))
    rows, _ = compare_surveys(session, rules, surveys)
    field, key = measure
    members = []
    for row in rows:
        if not row["in_benchmark"]:
            continue
        entry = next((f for f in row[field] if f["key"] == key), None)
        if entry is not None:
            members.append({**row, "figure": entry})
    ranked = [r for r in members if not r["figure"]["model_based"]["suppressed"]]
    ranked.sort(key=lambda r: (-r["figure"]["model_based"]["estimate"], r["municipality_name"]))
    for place, row in enumerate(ranked, 1):
        row["rank"] = place
    unranked = sorted(
        (r for r in members if r["figure"]["model_based"]["suppressed"]),
        key=lambda r: r["municipality_name"],
    )
    for row in unranked:
        row["rank"] = None
    return ranked + unranked


def sorted_rows(rows: list[dict[str, Any]], sort: str, descending: bool) -> list[dict[str, Any]]:
    """``rows`` (in rank order) sorted by a column; rows without a value for it last."""
    if sort == "model":
        key = _value(lambda r: r["figure"]["model_based"]["estimate"])
    elif sort == "direct":
        key = _value(lambda r: r["figure"]["estimate"])
    elif sort == "change":
        key = _value(lambda r: (r["figure"].get("change") or {}).get("estimate"))
    else:
        return sorted(rows, key=lambda r: r["municipality_name"], reverse=descending)
    with_value = [r for r in rows if key(r) is not None]
    without = [r for r in rows if key(r) is None]
    with_value.sort(key=lambda r: key(r), reverse=descending)
    return with_value + sorted(without, key=lambda r: r["municipality_name"])


def _value(get: Any) -> Any:
    def read(row: dict[str, Any]) -> float | None:
        try:
            value = get(row)
        except (KeyError, TypeError):
            return None
        return None if value is None else float(value)

    return read
