"""Surveys as the scores across surveys read them: the few columns of each, with its
municipality, loaded with Core (a tuple per survey, not an ORM object with its
instrumented attributes, for the hundreds a dashboard's bulk call compares)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from survey_service.models import InstrumentVersion, Municipality, Survey
from survey_service.services.comparison_groups import Place, size_class

#: The columns read, in the order of ``SurveyRow``'s fields (the version by its id, then the
#: municipality's columns for its ``place``).
COLUMNS = (
    Survey.id,
    Survey.municipality_number,
    Survey.audience,
    Survey.period,
    Survey.title,
    Survey.default_language,
    Survey.population_size,
    Survey.baseline_survey_id,
    Survey.targets,
    Survey.instrument_version_id,
    Municipality.number,
    Municipality.name,
    Municipality.county_number,
    Municipality.county,
    Municipality.population,
)


@dataclass(frozen=True, slots=True)
class SurveyRow:
    """What a headline and its comparisons read of a survey (the names of ``Survey``'s)."""

    id: int
    municipality_number: str | None
    audience: str
    period: str
    title: str
    default_language: str
    population_size: int | None
    baseline_survey_id: int | None
    targets: dict[str, Any]
    instrument_version: InstrumentVersion
    place: Place | None  # its municipality (None: an organiser's survey)


def with_columns(statement: Select[Any]) -> Select[Any]:
    """``statement`` (over ``Survey``, without a join to ``Municipality``) reading
    ``COLUMNS``, each survey's municipality joined."""
    return statement.with_only_columns(*COLUMNS, maintain_column_froms=False).outerjoin(
        Municipality, Survey.municipality_number == Municipality.number
    )


def survey_rows(session: Session, statement: Select[Any]) -> list[SurveyRow]:
    """The rows of a statement made by ``with_columns``, in its order; the instrument
    versions (a few, shared by every row) read in one more query."""
    found = session.execute(statement).all()
    versions = _versions(session, {row[_VERSION] for row in found})
    return [
        SurveyRow(
            **dict(zip(_OWN, row[:_TARGETS], strict=True)),
            targets=row[_TARGETS] or {},
            instrument_version=versions[row[_VERSION]],
            place=_place(*row[_VERSION + 1 :]),
        )
        for row in found
    ]


#: Where ``COLUMNS`` holds the targets and then the version; the municipality's columns
#: follow the version, and those before the targets are ``SurveyRow``'s fields of their names.
_TARGETS, _VERSION = 8, 9
_OWN = [column.key for column in COLUMNS[:_TARGETS]]


def _place(
    number: str | None,
    name: str,
    county_number: str,
    county: str,
    population: int | None,
) -> Place | None:
    """The survey's municipality from its joined columns (None: an organiser's survey)."""
    if number is None:
        return None
    return Place(number, name, county_number, county, population, size_class(population))


def _versions(session: Session, ids: Sequence[int] | set[int]) -> dict[int, InstrumentVersion]:
    if not ids:
        return {}
    statement = select(InstrumentVersion).where(InstrumentVersion.id.in_(sorted(ids)))
    return {version.id: version for version in session.scalars(statement)}
