"""Reading what an export needs from the database: the surveys, the class sizes, the rows.

Both passes over ``response`` run on one dedicated connection in one transaction (REPEATABLE
READ on PostgreSQL; a WAL read snapshot on SQLite), so the rows streamed are exactly the rows
the disclosure plan was made for. Rows stream through a server-side cursor
(``stream_results``, ``yield_per``) in a per-export random order computed by the database
(:mod:`.row_order`): never insertion order, and never all in memory. Both read only the
published responses: those the survey's snapshot holds (``services/snapshots.py``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from survey_service.database import allow_long_statements
from survey_service.instruments import Instrument
from survey_service.models import InstrumentVersion, Municipality, Response, Survey
from survey_service.services import snapshots
from survey_service.services.collecting import accepting_responses
from survey_service.services.exports.disclosure import ClassStats, QuasiIdentifiers
from survey_service.services.exports.row_order import shuffle_key
from survey_service.services.exports.weights import (
    UNWEIGHTED,
    RowWeights,
    cell_of_row,
    survey_weights,
)
from survey_service.services.submission import attributes_asked

#: Rows fetched from the server-side cursor at a time.
YIELD_PER = 1000


@dataclass(frozen=True)
class SurveyInfo:
    """What an export may say about a survey (never its id or public id)."""

    id: int
    municipality: str
    municipality_name: str
    county_number: str
    county: str
    period: str
    audience: str
    attributes: tuple[str, ...]
    # Still accepting responses: such a survey is not exported (see export.py).
    collecting: bool = False
    # Its final snapshot is taken: the rows it holds are what an export releases.
    final: bool = False
    # Responses withdrawn since its last snapshot: never exported (``services/snapshots.py``).
    withdrawn: bool = False
    # The weights of its published figures, per cell.
    weights: RowWeights = UNWEIGHTED

    @property
    def label(self) -> str:
        return f"{self.municipality}-{self.period}-{self.audience}"


def matching_survey_ids(
    session: Session,
    version: InstrumentVersion,
    *,
    surveys: Sequence[int] = (),
    municipalities: Sequence[str] = (),
    counties: Sequence[str] = (),
    periods: Sequence[str] = (),
) -> list[int]:
    """The ids of the surveys of ``version`` that match the filters."""
    return list(
        session.scalars(
            _matching(version, surveys, municipalities, counties, periods).with_only_columns(
                Survey.id
            )
        )
    )


def _matching(
    version: InstrumentVersion,
    surveys: Sequence[int],
    municipalities: Sequence[str],
    counties: Sequence[str],
    periods: Sequence[str],
) -> Select[Survey, Municipality]:
    statement = (
        select(Survey, Municipality)
        .join(Municipality, Municipality.number == Survey.municipality_number)
        .where(Survey.instrument_version_id == version.id)
        .order_by(Survey.id)
    )
    if surveys:
        statement = statement.where(Survey.id.in_(surveys))
    if municipalities:
        statement = statement.where(Survey.municipality_number.in_(municipalities))
    if counties:
        statement = statement.where(Municipality.county_number.in_(counties))
    if periods:
        statement = statement.where(Survey.period.in_(periods))
    return statement


def select_surveys(
    session: Session,
    version: InstrumentVersion,
    instrument: Instrument,
    *,
    surveys: Sequence[int] = (),
    municipalities: Sequence[str] = (),
    counties: Sequence[str] = (),
    periods: Sequence[str] = (),
    min_n: int,
) -> list[SurveyInfo]:
    """The surveys of ``version`` that match the filters (each filter: any of its values),
    with the weights of their published figures (``min_n``: the weighting's group size)."""
    statement = _matching(version, surveys, municipalities, counties, periods)
    found = []
    for survey, municipality in session.execute(statement):
        found.append(
            SurveyInfo(
                id=survey.id,
                municipality=municipality.number,
                municipality_name=municipality.name,
                county_number=municipality.county_number,
                county=municipality.county,
                period=survey.period,
                audience=survey.audience,
                attributes=tuple(attributes_asked(survey, instrument)),
                collecting=accepting_responses(survey),
                final=snapshots.is_final(session, survey),
                withdrawn=snapshots.withdrawn_since_published(session, survey),
                weights=survey_weights(session, survey.id, min_n=min_n),
            )
        )
    return found


def open_snapshot(engine: Engine) -> Connection:
    """A connection of its own, in a transaction that sees one consistent snapshot, with the
    long statement timeout of exports (a large set may take long to group and sort)."""
    connection = engine.connect()
    try:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        connection.begin()
        allow_long_statements(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def quasi_identifiers(survey: SurveyInfo, row: Any) -> QuasiIdentifiers:
    """The stored quasi-identifiers of a response row (its date coarsened to the ISO week)."""
    return QuasiIdentifiers(
        survey.municipality,
        survey.county_number,
        survey.period,
        survey.audience,
        row.language or "",
        iso_week(row.submitted_on),
        row.role or "",
        row.age_band or "",
        row.gender or "",
        row.area or "",
        survey.weights.group(cell_of_row(row)),
    )


def _score(key: str) -> Any:
    return Response.scores[("dimensions", key)].as_float()


def survey_counts(connection: Connection, survey_ids: Sequence[int]) -> dict[int, int]:
    """Each survey's number of published responses (those its figures hold)."""
    if not survey_ids:
        return {}
    statement = (
        select(Response.survey_id, func.count())
        .where(Response.survey_id.in_(list(survey_ids)), Response.published.is_(True))
        .group_by(Response.survey_id)
    )
    return {survey_id: n for survey_id, n in connection.execute(statement)}


#: The columns a row's quasi-identifiers come from, in the order both passes read them.
IDENTIFYING_COLUMNS = (
    Response.survey_id,
    Response.language,
    Response.submitted_on,
    Response.role,
    Response.age_band,
    Response.gender,
    Response.area,
)


@dataclass(frozen=True)
class StoredClass:
    """The published rows of one combination of stored identifying columns (in the order
    of :data:`IDENTIFYING_COLUMNS`, the day not yet folded into its week): how many, and
    per dimension score ``[min, max, non-empty count]``."""

    key: tuple[Any, ...]
    n: int
    scores: dict[str, list[float | int | None]]

    @property
    def survey_id(self) -> int:
        return int(self.key[0])


def stored_classes(
    connection: Connection, survey_ids: Sequence[int], dimensions: Sequence[str]
) -> list[StoredClass]:
    """The aggregate pass: one GROUP BY over the identifying columns of the surveys'
    published rows, with each dimension score's range and count. As many entries as
    distinct combinations, never as many as rows; the survey counts, the disclosure plan
    and the classes of :mod:`.released_in_sql` are all worked out from them."""
    if not survey_ids:
        return []
    # Each score is taken out of the JSON once per row, in a subquery the database may not
    # merge into the grouping (OFFSET 0), rather than once for each of its three aggregates.
    scored = (
        select(
            *IDENTIFYING_COLUMNS,
            *(_score(key).label(f"score_{i}") for i, key in enumerate(dimensions)),
        )
        .where(Response.survey_id.in_(list(survey_ids)), Response.published.is_(True))
        .offset(0)
        .subquery()
    )
    keys = [scored.c[column.key] for column in IDENTIFYING_COLUMNS]
    measures: list[Any] = [func.count().label("n")]
    for i in range(len(dimensions)):
        score = scored.c[f"score_{i}"]
        measures += [func.min(score), func.max(score), func.count(score)]
    statement = select(*keys, *measures).group_by(*keys)
    width = len(IDENTIFYING_COLUMNS)
    with _grouped_by_hashing(connection):
        return [
            StoredClass(
                tuple(row[:width]),
                row.n,
                {
                    key: list(row[width + 1 + 3 * i : width + 4 + 3 * i])
                    for i, key in enumerate(dimensions)
                },
            )
            for row in connection.execute(statement)
        ]


@contextmanager
def _grouped_by_hashing(connection: Connection) -> Iterator[None]:
    """PostgreSQL groups the statements run inside by hashing rather than sorting.

    Why: the planner guesses far more combinations than there are (the columns are
    correlated) and so sorts every row; the hash table of the real combinations is small,
    and spills to disk past ``work_mem`` like the sort would."""
    if connection.dialect.name != "postgresql":
        yield
        return
    connection.exec_driver_sql("SET LOCAL enable_sort = off")
    yield
    # Not on failure: the transaction is aborted then, and the setting ends with it.
    connection.exec_driver_sql("RESET enable_sort")


def survey_sizes(stored: Sequence[StoredClass]) -> dict[int, int]:
    """Each survey's number of published responses, from the aggregate pass."""
    sizes: dict[int, int] = {}
    for entry in stored:
        sizes[entry.survey_id] = sizes.get(entry.survey_id, 0) + entry.n
    return sizes


def class_statistics(
    surveys: Mapping[int, SurveyInfo], stored: Sequence[StoredClass]
) -> dict[QuasiIdentifiers, ClassStats]:
    """The sizes and per-dimension score ranges of the classes of ``surveys``' rows: the
    stored combinations folded into their quasi-identifiers (days into weeks, the weights'
    cells into weighting groups). Stored combinations of other surveys are left out."""
    classes: dict[QuasiIdentifiers, ClassStats] = {}
    for entry in stored:
        survey = surveys.get(entry.survey_id)
        if survey is None:
            continue
        qi = quasi_identifiers(survey, StoredKey(*entry.key))
        stats = ClassStats(entry.n, {key: list(values) for key, values in entry.scores.items()})
        existing = classes.get(qi)
        if existing is None:
            classes[qi] = stats
        else:
            existing.add(stats)
    return classes


@dataclass(frozen=True)
class StoredKey:
    """A stored combination of identifying columns, shaped like a response row (for
    :func:`quasi_identifiers` and ``weights.cell_of_row``)."""

    survey_id: int
    language: str | None
    submitted_on: date
    role: str | None
    age_band: str | None
    gender: str | None
    area: str | None


def stream_rows(
    connection: Connection, survey_ids: Sequence[int], *, yield_per: int = YIELD_PER
) -> Iterator[Row[Any]]:
    """The responses of ``survey_ids``, one at a time, in random order, from a server-side
    cursor; closing the generator closes the cursor."""
    if not survey_ids:
        return
    statement = (
        select(*IDENTIFYING_COLUMNS, Response.answers, Response.scores)
        .where(Response.survey_id.in_(list(survey_ids)), Response.published.is_(True))
        .order_by(shuffle_key(connection.dialect.name, Response.id))
    )
    result = connection.execution_options(stream_results=True, yield_per=yield_per).execute(
        statement
    )
    try:
        yield from result
    finally:
        result.close()
