"""Building one response export: plan it, audit it, then stream it.

:func:`prepare` runs before the response starts, in steps:

1. :func:`find_surveys`: the instrument version and the surveys the filters match;
2. :func:`planning_pass`, on a snapshot connection of the export's own: which surveys are
   kept, the class sizes and the disclosure plan, so that the counts are known up front;
3. :func:`export_layout`: the columns, for the respondent attributes the surveys ask for;
4. :func:`audit_started`: an ``export.responses`` audit entry, in a transaction of its own;
5. :func:`build_stream`: the :class:`~.stream.ExportStream` of the rows from that connection
   through the disclosure step (:mod:`.rows`) into the encoder. Closing it (end of the
   download, or the client going away) closes the cursor and the connection and adds an
   ``export.responses.completed`` or ``.interrupted`` audit entry with the rows written.

What the export is called, and what disclosure control did, come back with the stream in a
:class:`PreparedExport`; making HTTP headers of them is the caller's business.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from survey_service.instruments import Instrument
from survey_service.models import Survey
from survey_service.services import audit, errors, snapshots
from survey_service.services.exports import codebook as codebooks
from survey_service.services.exports import formats, query, released_in_sql
from survey_service.services.exports.columns import Layout
from survey_service.services.exports.conditional_items import ConditionalItems
from survey_service.services.exports.disclosure import Plan, plan
from survey_service.services.exports.layout import layout
from survey_service.services.exports.rows import Progress, export_rows
from survey_service.services.exports.stream import ExportStream
from survey_service.services.instrument_catalog import as_instrument, find_version, newest_version


class ExportNotFound(errors.NotFound):
    """The instrument (or the version) does not exist."""


@dataclass(frozen=True)
class ExportRequest:
    instrument: str
    format: str = "csv"
    version: str | None = None
    lang: str = "nb"
    surveys: Sequence[int] = ()
    municipalities: Sequence[str] = ()
    counties: Sequence[str] = ()
    periods: Sequence[str] = ()
    include_free_text: bool = False
    bundle: bool = False
    bom: bool = False

    def survey_filters(self) -> dict[str, Sequence[Any]]:
        """The filters that choose the surveys, as ``query.select_surveys`` takes them."""
        return {
            "surveys": self.surveys,
            "municipalities": self.municipalities,
            "counties": self.counties,
            "periods": self.periods,
        }

    def filters(self) -> dict[str, Any]:
        return {
            "survey": list(self.surveys),
            "municipality": list(self.municipalities),
            "county": list(self.counties),
            "period": list(self.periods),
            "instrument_version": self.version,
        }


@dataclass(frozen=True)
class Planned:
    """An export as decided before its first byte."""

    export_id: str
    request: ExportRequest
    k: int
    kept: Mapping[int, query.SurveyInfo]
    excluded: Sequence[tuple[query.SurveyInfo, str]]  # each with why it is left out
    plan: Plan
    stored: Sequence[query.StoredClass]  # the kept surveys' stored classes, as planned
    layout: Layout
    conditional: ConditionalItems
    disclosure: dict[str, Any]

    @property
    def target(self) -> str:
        """The instrument version, as the audit log names it."""
        return f"{self.layout.instrument.key} {self.layout.instrument.version}"

    @property
    def data_name(self) -> str:
        """The data file's name (inside the zip when bundled)."""
        instrument = self.layout.instrument
        extension = formats.FORMATS[self.request.format].extension
        return file_name(self.request, instrument.key, instrument.version, extension)

    def metadata(self) -> dict[str, Any]:
        """What ``export.json`` says before any row is written."""
        return {
            "export_id": self.export_id,
            "instrument": self.layout.instrument.key,
            "instrument_version": self.layout.instrument.version,
            "format": self.request.format,
            "language": self.request.lang,
            "filters": self.request.filters(),
            "disclosure": self.disclosure,
        }


@dataclass
class PreparedExport:
    """An export ready to stream: its file, what disclosure control did, and the stream."""

    export_id: str
    filename: str
    mimetype: str
    k: int
    rows: int  # released, as planned
    generalised_rows: int
    suppressed_rows: int
    excluded_surveys: int
    disclosure: dict[str, Any]
    metadata: dict[str, Any]
    stream: ExportStream


def find_layout_version(session: Session, key: str, version: str | None) -> Any:
    found = newest_version(session, key) if version is None else find_version(session, key, version)
    if found is None:
        what = f"instrument {key!r}" if version is None else f"version {version!r} of {key!r}"
        raise ExportNotFound(f"No {what} is published.")
    return found


def prepare(
    session: Session,
    engine: Engine,
    request: ExportRequest,
    *,
    k: int,
    actor: str,
) -> PreparedExport:
    """Plan and audit an export; see the module docstring."""
    instrument, found = find_surveys(session, request, k=k)
    export_id = secrets.token_hex(8)
    connection = query.open_snapshot(engine)
    try:
        kept, excluded, export_plan, stored = planning_pass(connection, instrument, found, k)
        columns = export_layout(instrument, request, found, kept)
        conditional = ConditionalItems(instrument)
        planned = Planned(
            export_id=export_id,
            request=request,
            k=k,
            kept=kept,
            excluded=excluded,
            plan=export_plan,
            stored=stored,
            layout=columns,
            conditional=conditional,
            disclosure=_disclosure(request, kept, excluded, export_plan, columns, conditional),
        )
        audit_started(engine, actor, planned)
        return build_stream(connection, engine, actor, planned)
    except BaseException:
        connection.close()
        raise


# -- the steps ---------------------------------------------------------------------------


def finalise_closed(session: Session, request: ExportRequest, *, min_n: int, today: date) -> bool:
    """Take the final snapshot of every matching survey that has stopped collecting and has
    none yet, in the caller's transaction (which must commit before :func:`prepare`, whose
    connection of its own must see them). Returns whether any was taken."""
    version = find_layout_version(session, request.instrument, request.version)
    taken = False
    for survey_id in query.matching_survey_ids(session, version, **request.survey_filters()):
        survey = session.get(Survey, survey_id)
        assert survey is not None
        taken = snapshots.finalise(session, survey, min_n=min_n, today=today) or taken
    return taken


def find_surveys(
    session: Session, request: ExportRequest, *, k: int
) -> tuple[Instrument, list[query.SurveyInfo]]:
    """The requested instrument version and the surveys of it that match the filters."""
    version = find_layout_version(session, request.instrument, request.version)
    instrument = as_instrument(version)
    found = query.select_surveys(session, version, instrument, **request.survey_filters(), min_n=k)
    return instrument, found


def planning_pass(
    connection: Connection, instrument: Instrument, found: Sequence[query.SurveyInfo], k: int
) -> tuple[
    dict[int, query.SurveyInfo],
    list[tuple[query.SurveyInfo, str]],
    Plan,
    list[query.StoredClass],
]:
    """On the snapshot connection, in one aggregate pass over the rows: the surveys kept,
    those left out (each with why), the disclosure plan for the rows of the kept ones, and
    the stored classes of those rows (what :mod:`.released_in_sql` releases them by)."""
    # Surveys left out whatever their size are not read at all.
    candidates = [s.id for s in found if not s.collecting and not s.withdrawn]
    stored = query.stored_classes(connection, candidates, instrument.dimension_keys)
    kept, excluded = _kept(found, query.survey_sizes(stored), k)
    stored = [entry for entry in stored if entry.survey_id in kept]
    classes = query.class_statistics(kept, stored)
    return kept, excluded, plan(classes, k=k), stored


def _kept_surveys(
    connection: Connection, found: Sequence[query.SurveyInfo], k: int
) -> tuple[dict[int, query.SurveyInfo], list[tuple[query.SurveyInfo, str]]]:
    return _kept(found, query.survey_counts(connection, [s.id for s in found]), k)


def _kept(
    found: Sequence[query.SurveyInfo], per_survey: Mapping[int, int], k: int
) -> tuple[dict[int, query.SurveyInfo], list[tuple[query.SurveyInfo, str]]]:
    kept: dict[int, query.SurveyInfo] = {}
    excluded: list[tuple[query.SurveyInfo, str]] = []
    for survey in found:
        reason = _exclusion(survey, per_survey.get(survey.id, 0), k)
        if reason is None:
            kept[survey.id] = survey
        else:
            excluded.append((survey, reason))
    return kept, excluded


def layout_of(session: Session, request: ExportRequest, *, k: int) -> Layout:
    """The columns an export with ``request``'s filters has now: what its stand-alone Data
    Package describes."""
    instrument, found = find_surveys(session, request, k=k)
    kept, _ = _kept_surveys(session.connection(), found, k)
    return export_layout(instrument, request, found, kept)


def _exclusion(survey: query.SurveyInfo, responses: int, k: int) -> str | None:
    """Why a survey's rows are left out of an export, or None."""
    # A survey still collecting is left out: two exports of it, compared, would show which
    # rows arrived in between.
    if survey.collecting:
        return "still collecting responses: exported once it has closed"
    if survey.withdrawn:
        return WITHDRAWN
    if responses < k:
        return f"fewer than {k} responses"
    return None


#: Why a survey with withdrawals since its last snapshot is never exported.
WITHDRAWN = (
    "answers were withdrawn after its figures were last published: its rows, set against "
    "those figures, would show them"
)


def export_layout(
    instrument: Instrument,
    request: ExportRequest,
    found: Sequence[query.SurveyInfo],
    kept: Mapping[int, query.SurveyInfo],
) -> Layout:
    """The columns: the respondent attributes the kept surveys ask for (those of every found
    survey when none is kept), free text when asked for, and items in the wording of the
    surveys' audience when they all have the same one."""
    surveys = list(kept.values()) or list(found)
    asked = {a for s in surveys for a in s.attributes}
    audiences = {s.audience for s in surveys}
    measures = {m for s in kept.values() for m in s.weights.figures}
    return layout(
        instrument,
        attributes=asked,
        free_text=request.include_free_text,
        string_widths=_string_widths(found),
        audience=audiences.pop() if len(audiences) == 1 else None,
        dont_know_code=request.format == "sav",
        weighted_figures=sorted(
            m for m in measures if any(s.weights.differs(m) for s in kept.values())
        ),
    )


def _string_widths(surveys: Sequence[query.SurveyInfo]) -> dict[str, int]:
    """The widths in bytes (SPSS) of the text columns that name places and surveys."""
    return {
        "municipality_name": max([8, *(len(s.municipality_name.encode()) for s in surveys)]),
        "county": max([8, *(len(s.county.encode()) for s in surveys)]),
        "survey": max([8, *(len(s.label.encode()) for s in surveys)]),
    }


def _disclosure(
    request: ExportRequest,
    kept: Mapping[int, query.SurveyInfo],
    excluded: Sequence[tuple[query.SurveyInfo, str]],
    export_plan: Plan,
    columns: Layout,
    conditional: ConditionalItems,
) -> dict[str, Any]:
    """What disclosure control does to this export, as published with it."""
    return {
        **export_plan.summary(),
        "surveys_exported": len(kept),
        "surveys_excluded_below_k": [
            {"survey": s.label, "reason": reason}
            for s, reason in excluded
            if not s.collecting and reason != WITHDRAWN
        ],
        "surveys_excluded_withdrawals": [
            {"survey": s.label, "reason": reason} for s, reason in excluded if reason == WITHDRAWN
        ],
        "surveys_excluded_collecting": [
            {"survey": s.label, "reason": reason} for s, reason in excluded if s.collecting
        ],
        "free_text_included": request.include_free_text,
        "rows_with_conditional_items_blanked": conditional.rows_blanked(export_plan, columns.names),
    }


def audit_started(engine: Engine, actor: str, planned: Planned) -> None:
    """The ``export.responses`` entry: what was asked for and what the plan releases."""
    request = planned.request
    _record(
        engine,
        actor,
        "export.responses",
        planned.target,
        export_id=planned.export_id,
        format=request.format,
        bundle=request.bundle,
        filters=request.filters(),
        planned_rows=planned.plan.released_rows,
        suppressed_rows=planned.plan.suppressed_rows,
        generalised_rows=planned.plan.generalised_rows,
        excluded_surveys=len(planned.excluded),
        include_free_text=request.include_free_text,
    )


def build_stream(
    connection: Connection, engine: Engine, actor: str, planned: Planned
) -> PreparedExport:
    """The export's stream over ``connection``, which it then owns, with what it is called."""
    request = planned.request
    progress = Progress()
    data = _encoded(connection, planned, progress)
    if request.bundle:
        chunks = formats.bundle(planned.data_name, data, partial(_describe, planned, progress))
        filename = planned.data_name.rsplit(".", 1)[0] + ".zip"
        mimetype = "application/zip"
    else:
        chunks = data
        filename = planned.data_name
        mimetype = formats.FORMATS[request.format].mimetype
    return PreparedExport(
        export_id=planned.export_id,
        filename=filename,
        mimetype=mimetype,
        k=planned.k,
        rows=planned.plan.released_rows,
        generalised_rows=planned.plan.generalised_rows,
        suppressed_rows=planned.plan.suppressed_rows,
        excluded_surveys=len(planned.excluded),
        disclosure=planned.disclosure,
        metadata=planned.metadata(),
        stream=ExportStream(
            connection, chunks, partial(_audit_closed, engine, actor, planned, progress)
        ),
    )


# -- what the stream runs ----------------------------------------------------------------


def _encoded(connection: Connection, planned: Planned, progress: Progress) -> Iterator[bytes]:
    """The data file, lazily: nothing is read before the encoder asks for the first row.
    CSV and Parquet on PostgreSQL have the database compute the released rows
    (:mod:`.released_in_sql`); everything else goes through :mod:`.rows`."""
    request = planned.request
    if released_in_sql.applies(connection, planned.layout, request.format):
        return _encoded_in_sql(connection, planned, progress)
    rows = export_rows(
        query.stream_rows(connection, list(planned.kept)),
        planned.plan,
        planned.kept,
        planned.layout,
        progress,
        planned.conditional,
    )
    return formats.encode(
        request.format,
        planned.layout,
        rows,
        lang=request.lang,
        bom=request.bom,
        file_label=planned.target,
    )


def _encoded_in_sql(
    connection: Connection, planned: Planned, progress: Progress
) -> Iterator[bytes]:
    """CSV or Parquet of the rows PostgreSQL computes: the same file as :func:`_encoded`
    writes through :mod:`.rows`, but for the (random) order of its rows."""
    request = planned.request
    released = released_in_sql.ReleasedQuery(
        export_plan=planned.plan,
        stored=planned.stored,
        surveys=planned.kept,
        export_layout=planned.layout,
        conditional=planned.conditional,
        typed=request.format == "parquet",
    )
    survey_ids = list(planned.kept)
    if request.format == "parquet":
        groups = released_in_sql.csv_row_groups(connection, released, survey_ids, progress)
        yield from formats.encode_parquet_csv(planned.layout, groups, lang=request.lang)
        return
    yield from formats.encode_csv(planned.layout, [], bom=request.bom)  # the header
    yield from released_in_sql.csv_chunks(connection, released, survey_ids, progress)


def _describe(planned: Planned, progress: Progress) -> dict[str, bytes]:
    """The files that describe the data in a zip bundle, written after the data."""
    k, disclosure, lang = planned.k, planned.disclosure, planned.request.lang
    package = codebooks.datapackage(
        planned.layout, path=planned.data_name, lang=lang, k=k, disclosure=disclosure
    )
    metadata = {
        **planned.metadata(),
        "rows_written": progress.rows,
        "rows_left_out_not_in_plan": progress.late_rows,
        "free_text_masked": progress.screened.as_dict(),
    }
    return {
        "datapackage.json": json.dumps(package, ensure_ascii=False, indent=2).encode(),
        "codebook.md": codebooks.markdown(planned.layout, k=k, disclosure=disclosure).encode(),
        "export.json": json.dumps(metadata, ensure_ascii=False, indent=2).encode(),
    }


def _audit_closed(
    engine: Engine, actor: str, planned: Planned, progress: Progress, finished: bool
) -> None:
    """The entry that closes an export: completed or interrupted, with the rows written."""
    _record(
        engine,
        actor,
        "export.responses.completed" if finished else "export.responses.interrupted",
        planned.target,
        export_id=planned.export_id,
        rows_written=progress.rows,
        free_text_masked=progress.screened.as_dict(),
    )


def _record(engine: Engine, actor: str, action: str, target: str, **details: Any) -> None:
    """An audit entry in a transaction of its own, committed at once."""
    with Session(engine) as session:
        audit.record(session, actor, action, target, **details)
        session.commit()


def file_name(request: ExportRequest, key: str, version: str, extension: str) -> str:
    """The export's file name: instrument, version and filters, never a database id."""
    pieces = [f"{key}-{version}", "responses", _joined(request.periods)]
    place = list(request.municipalities) or [f"county{c}" for c in request.counties]
    pieces.append(_joined(place))
    if request.surveys:  # by count: a file name never carries database ids
        pieces.append(f"{len(request.surveys)}surveys")
    return "_".join(pieces) + f".{extension}"


def _joined(values: Sequence[Any]) -> str:
    """A filter's values in a file name: ``all`` when there are none."""
    return "+".join(str(v) for v in values) if values else "all"
