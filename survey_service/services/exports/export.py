"""Building one response export: plan it, audit it, then stream it.

:func:`prepare` runs before the response starts: it finds the surveys, opens a snapshot
connection, makes the aggregate pass and the disclosure plan (so the counts can go in the
headers), and commits an ``export.responses`` audit entry in a transaction of its own. The
returned :class:`ExportStream` then streams the rows from that connection through the
disclosure step into the encoder. Closing it (end of the download, or the client going
away) closes the cursor and the connection and adds an ``export.responses.completed`` or
``export.responses.interrupted`` audit entry with the rows actually written.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from survey_service.instruments import DONT_KNOW
from survey_service.services import audit
from survey_service.services.exports import codebook as codebooks
from survey_service.services.exports import formats, query
from survey_service.services.exports.columns import DONT_KNOW_CODE, Layout, layout
from survey_service.services.exports.disclosure import (
    ConditionalItems,
    Plan,
    ScreenCounts,
    plan,
    screen_text,
)
from survey_service.services.instrument_catalog import as_instrument, find_version, newest_version


class ExportNotFound(Exception):
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

    def filters(self) -> dict[str, Any]:
        return {
            "survey": list(self.surveys),
            "municipality": list(self.municipalities),
            "county": list(self.counties),
            "period": list(self.periods),
            "instrument_version": self.version,
        }


@dataclass
class Progress:
    rows: int = 0
    late_rows: int = 0  # rows not in the plan (cannot happen inside one snapshot)
    screened: ScreenCounts = field(default_factory=ScreenCounts)


def find_layout_version(session: Session, key: str, version: str | None) -> Any:
    found = newest_version(session, key) if version is None else find_version(session, key, version)
    if found is None:
        what = f"instrument {key!r}" if version is None else f"version {version!r} of {key!r}"
        raise ExportNotFound(f"No {what} is published.")
    return found


def _string_widths(surveys: Iterable[query.SurveyInfo]) -> dict[str, int]:
    widths = {"municipality_name": 8, "county": 8, "survey": 8}
    for s in surveys:
        widths["municipality_name"] = max(
            widths["municipality_name"], len(s.municipality_name.encode())
        )
        widths["county"] = max(widths["county"], len(s.county.encode()))
        widths["survey"] = max(widths["survey"], len(s.label.encode()))
    return widths


def export_rows(
    rows: Iterable[Any],
    export_plan: Plan,
    surveys: Mapping[int, query.SurveyInfo],
    export_layout: Layout,
    progress: Progress,
    conditional: ConditionalItems | None = None,
) -> Iterator[list[Any]]:
    """The disclosure step, lazily: each stored row as released, in column order, or left out
    when its class is suppressed; conditional items (and what is computed from them) set to
    missing where the released attributes would not tell whether they were shown."""
    instrument = export_layout.instrument
    if conditional is None:
        conditional = ConditionalItems(instrument)
    names = {s.municipality: s.municipality_name for s in surveys.values()}
    counties = {s.county_number: s.county for s in surveys.values()}
    items = [c for c in export_layout.columns if c.group in ("item", "text")]
    dimensions = [c.source for c in export_layout.columns if c.name.startswith("score_")]
    indices = [c.source for c in export_layout.columns if c.name.startswith("index_")]
    attributes = export_layout.attributes
    for row in rows:
        survey = surveys[row.survey_id]
        released = export_plan.release(query.quasi_identifiers(survey, row))
        if released is None:
            if export_plan.levels.get(query.quasi_identifiers(survey, row)) is None:
                progress.late_rows += 1
            continue
        progress.rows += 1
        geo = released.municipality or released.county_number or "NO"
        values: list[Any] = [
            progress.rows,
            instrument.key,
            instrument.version,
            f"{geo}-{released.period}-{released.audience}",
            released.municipality or None,
            names[released.municipality] if released.municipality else None,
            released.county_number or None,
            counties[released.county_number] if released.county_number else None,
            released.period,
            released.audience,
            released.language or None,
            released.week or None,
        ]
        values += [getattr(released, a) or None for a in attributes]
        answers = row.answers or {}
        blanked = conditional.blanked(released)
        for column in items:
            value = None if column.name in blanked.items else answers.get(column.name)
            if value is None:
                values.append(None)
            elif value == DONT_KNOW:
                values.append(DONT_KNOW_CODE)
            elif column.group == "text":
                values.append(screen_text(str(value), progress.screened))
            elif column.name in export_layout.choice_codes:
                values.append(export_layout.choice_codes[column.name].get(str(value)))
            else:
                values.append(int(value))
        scores = row.scores or {}
        person = scores.get("dimensions") or {}
        values += [None if d in blanked.dimensions else person.get(d) for d in dimensions]
        person = scores.get("indices") or {}
        values += [None if i in blanked.indices else person.get(i) for i in indices]
        yield values


class ExportStream:
    """The body of an export response: an iterator of bytes that owns its DB connection.

    Werkzeug calls :meth:`close` when the response ends, whether the client read it all or
    went away, also when iteration never started (a generator's ``finally`` would not run
    then), so the cursor, the transaction and the connection never outlive the download.
    """

    def __init__(
        self,
        connection: Connection,
        chunks: Iterator[bytes],
        on_close: Callable[[bool], None],
    ) -> None:
        self._connection = connection
        self._chunks = chunks
        self._on_close = on_close
        self._finished = False
        self.closed = False

    @property
    def connection(self) -> Connection:
        return self._connection

    def __iter__(self) -> ExportStream:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self._chunks)
        except StopIteration:
            self._finished = True
            self.close()
            raise
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()
        finally:
            try:
                self._connection.close()
            finally:
                self._on_close(self._finished)


@dataclass
class PreparedExport:
    export_id: str
    filename: str
    mimetype: str
    headers: dict[str, str]
    metadata: dict[str, Any]
    stream: ExportStream


def _filename(request: ExportRequest, key: str, version: str, extension: str) -> str:
    def part(values: Sequence[Any], default: str = "all") -> str:
        return "+".join(str(v) for v in values) if values else default

    pieces = [f"{key}-{version}", "responses", part(request.periods)]
    place = list(request.municipalities) or [f"county{c}" for c in request.counties]
    pieces.append(part(place))
    if request.surveys:  # by count: a file name never carries database ids
        pieces.append(f"{len(request.surveys)}surveys")
    return "_".join(pieces) + f".{extension}"


def _record(engine: Engine, actor: str, action: str, target: str, **details: Any) -> None:
    """An audit entry in a transaction of its own, committed at once."""
    with Session(engine) as session:
        audit.record(session, actor, action, target, **details)
        session.commit()


def _exclusion(survey: query.SurveyInfo, responses: int, k: int) -> str | None:
    """Why a survey's rows are left out of an export, or None."""
    if survey.collecting:
        return "still collecting responses: exported once it has closed"
    if responses < k:
        return f"fewer than {k} responses"
    return None


def prepare(
    session: Session,
    engine: Engine,
    request: ExportRequest,
    *,
    k: int,
    actor: str,
) -> PreparedExport:
    """Plan and audit an export; see the module docstring."""
    version = find_layout_version(session, request.instrument, request.version)
    instrument = as_instrument(version)
    found = query.select_surveys(
        session,
        version,
        instrument,
        surveys=request.surveys,
        municipalities=request.municipalities,
        counties=request.counties,
        periods=request.periods,
    )
    surveys = {s.id: s for s in found}
    export_id = secrets.token_hex(8)
    connection = query.open_snapshot(engine)
    try:
        per_survey = query.survey_counts(connection, list(surveys))
        # A survey still collecting is left out: two exports of it, compared, would show
        # which rows arrived in between.
        reasons = {s.id: _exclusion(s, per_survey.get(s.id, 0), k) for s in found}
        excluded = [s for s in found if reasons[s.id]]
        kept = {s.id: s for s in found if reasons[s.id] is None}
        classes = query.class_statistics(connection, kept, instrument.dimension_keys)
        export_plan = plan(classes, k=k)
        asked = {a for s in kept.values() for a in s.attributes} or {
            a for s in found for a in s.attributes
        }
        export_layout = layout(
            instrument,
            attributes=asked,
            free_text=request.include_free_text,
            string_widths=_string_widths(found),
        )
        conditional = ConditionalItems(instrument)
        fmt = formats.FORMATS[request.format]
        data_name = _filename(request, instrument.key, instrument.version, fmt.extension)
        disclosure = {
            **export_plan.summary(),
            "surveys_exported": len(kept),
            "surveys_excluded_below_k": [
                {"survey": s.label, "reason": reasons[s.id]} for s in excluded if not s.collecting
            ],
            "surveys_excluded_collecting": [
                {"survey": s.label, "reason": reasons[s.id]} for s in excluded if s.collecting
            ],
            "free_text_included": request.include_free_text,
            "rows_with_conditional_items_blanked": conditional.rows_blanked(
                export_plan, export_layout.names
            ),
        }
        metadata: dict[str, Any] = {
            "export_id": export_id,
            "instrument": instrument.key,
            "instrument_version": instrument.version,
            "format": request.format,
            "language": request.lang,
            "filters": request.filters(),
            "disclosure": disclosure,
        }
        _record(
            engine,
            actor,
            "export.responses",
            f"{instrument.key} {instrument.version}",
            export_id=export_id,
            format=request.format,
            bundle=request.bundle,
            filters=request.filters(),
            planned_rows=export_plan.released_rows,
            suppressed_rows=export_plan.suppressed_rows,
            generalised_rows=disclosure["rows_generalised"],
            excluded_surveys=len(excluded),
            include_free_text=request.include_free_text,
        )
    except BaseException:
        connection.close()
        raise

    progress = Progress()
    survey_ids = list(kept)

    def rows() -> Iterator[list[Any]]:
        yield from export_rows(
            query.stream_rows(connection, survey_ids),
            export_plan,
            kept,
            export_layout,
            progress,
            conditional,
        )

    def encoded() -> Iterator[bytes]:
        if request.format == "csv":
            return formats.encode_csv(export_layout, rows(), bom=request.bom)
        if request.format == "jsonl":
            return formats.encode_jsonl(export_layout, rows())
        if request.format == "parquet":
            return formats.encode_parquet(export_layout, rows(), lang=request.lang)
        return formats.encode_sav(
            export_layout,
            rows(),
            lang=request.lang,
            file_label=f"{instrument.key} {instrument.version}",
        )

    def final_metadata() -> dict[str, Any]:
        return {
            **metadata,
            "rows_written": progress.rows,
            "rows_left_out_not_in_plan": progress.late_rows,
            "free_text_masked": progress.screened.as_dict(),
        }

    def describe() -> dict[str, bytes]:
        package = codebooks.datapackage(
            export_layout, path=data_name, lang=request.lang, k=k, disclosure=disclosure
        )
        return {
            "datapackage.json": json.dumps(package, ensure_ascii=False, indent=2).encode(),
            "codebook.md": codebooks.markdown(export_layout, k=k, disclosure=disclosure).encode(),
            "export.json": json.dumps(final_metadata(), ensure_ascii=False, indent=2).encode(),
        }

    if request.bundle:
        chunks = formats.bundle(data_name, encoded(), describe)
        filename = data_name.rsplit(".", 1)[0] + ".zip"
        mimetype = "application/zip"
    else:
        chunks = encoded()
        filename = data_name
        mimetype = fmt.mimetype

    def on_close(finished: bool) -> None:
        action = "export.responses.completed" if finished else "export.responses.interrupted"
        _record(
            engine,
            actor,
            action,
            f"{instrument.key} {instrument.version}",
            export_id=export_id,
            rows_written=progress.rows,
            free_text_masked=progress.screened.as_dict(),
        )

    headers = {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Export-Id": export_id,
        "X-Export-Rows": str(export_plan.released_rows),
        "X-Export-Generalised-Rows": str(disclosure["rows_generalised"]),
        "X-Export-Suppressed-Rows": str(export_plan.suppressed_rows),
        "X-Export-Excluded-Surveys": str(len(excluded)),
        "X-Export-Min-N": str(k),
        "X-Export-Disclosure": json.dumps(disclosure, separators=(",", ":"), ensure_ascii=True),
        "Cache-Control": "no-store",
    }
    return PreparedExport(
        export_id,
        filename,
        mimetype,
        headers,
        metadata,
        ExportStream(connection, chunks, on_close),
    )
