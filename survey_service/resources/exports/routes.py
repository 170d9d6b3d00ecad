"""Exports: the anonymised response set, streamed, and the codebook that describes it.

An unknown instrument or version is a 404 (a failed lookup), like everywhere else.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from flask import Response, current_app, jsonify
from flask.views import MethodView

from survey_service.api import Blueprint, abort
from survey_service.auth import current_principal
from survey_service.db import db
from survey_service.instruments import RESPONDENT_ATTRIBUTES
from survey_service.resources.exports.schemas import (
    CodebookQuerySchema,
    CodebookSchema,
    DataPackageSchema,
    ExportQuerySchema,
)
from survey_service.services import exports
from survey_service.services.exports import codebook as codebooks
from survey_service.services.exports.formats import FORMATS
from survey_service.services.exports.layout import layout
from survey_service.services.instrument_catalog import as_instrument

blp = Blueprint(
    "exports",
    __name__,
    description="Anonymised response sets for analysts (CSV, JSON Lines, Parquet, SPSS) and "
    "their codebooks.",
)

ANALYSTS = ("admin", "analyst")

_COUNT = {"type": "integer", "minimum": 0}
_HEADERS = {
    "X-Export-Id": {
        "description": "random id of this export (also in the audit log)",
        "schema": {"type": "string"},
    },
    "X-Export-Rows": {"description": "rows in the export", "schema": _COUNT},
    "X-Export-Generalised-Rows": {
        "description": "rows whose quasi-identifiers were coarsened",
        "schema": _COUNT,
    },
    "X-Export-Suppressed-Rows": {
        "description": "rows left out: their class could not reach k",
        "schema": _COUNT,
    },
    "X-Export-Excluded-Surveys": {
        "description": "surveys left out: fewer than k responses",
        "schema": _COUNT,
    },
    "X-Export-Min-N": {"description": "k of k-anonymity (SURVEY_MIN_N)", "schema": _COUNT},
    "X-Export-Disclosure": {
        "description": "what disclosure control did, as compact JSON",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
}

_FILE = {"type": "string", "format": "binary"}
_CODEBOOK = (
    "The codebook: JSON (format=json), a Frictionless datapackage.json (format=datapackage), "
    "or a Markdown document for people (format=markdown)"
)
_TEXT = {"type": "string"}


def _export_content_types(func: Any) -> Any:
    """Document every content type of an export: each format's, and a zip for bundle=zip."""
    types = sorted({f.mimetype for f in FORMATS.values()} | {"application/zip"})
    for content_type in types:
        schema = _TEXT if content_type.startswith("text/") else _FILE
        func = blp.alt_response(
            200,
            schema=schema,
            content_type=content_type,
            description="The response set, streamed as an attachment: csv (text/csv), jsonl, "
            "parquet, sav, or a zip with the codebook when bundle=zip",
            headers=_HEADERS,
            success=True,
        )(func)
    return func


def attachment(filename: str) -> str:
    """``Content-Disposition`` for a file whose name holds the caller's filters (any text):
    an ASCII name for every client, and the exact name in UTF-8 (RFC 6266) for those that
    read it. A header cannot carry the raw text: a server refuses it, or a quote ends it."""
    fallback = re.sub(r"[^A-Za-z0-9._+-]", "_", filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _download_headers(prepared: exports.PreparedExport) -> dict[str, str]:
    """The attachment's name and what disclosure control did (see ``_HEADERS``)."""
    return {
        "Content-Disposition": attachment(prepared.filename),
        "X-Export-Id": prepared.export_id,
        "X-Export-Rows": str(prepared.rows),
        "X-Export-Generalised-Rows": str(prepared.generalised_rows),
        "X-Export-Suppressed-Rows": str(prepared.suppressed_rows),
        "X-Export-Excluded-Surveys": str(prepared.excluded_surveys),
        "X-Export-Min-N": str(prepared.k),
        "X-Export-Disclosure": json.dumps(
            prepared.disclosure, separators=(",", ":"), ensure_ascii=True
        ),
        "Cache-Control": "no-store",
    }


def _free_text_allowed(query: dict[str, Any]) -> None:
    who = current_principal()
    assert who is not None  # guaranteed by @blp.requires
    if query["include_free_text"] and who.role != "admin":
        abort(403, message="Only an admin key may include free-text answers in an export.")


@blp.route("/responses")
class ResponsesExport(MethodView):
    @blp.requires(*ANALYSTS)
    @blp.arguments(ExportQuerySchema, location="query")
    @_export_content_types
    @blp.error(404, "No such instrument or version")
    def get(self, query: dict[str, Any]) -> Any:
        """Export the anonymised responses of an instrument version

        One row per response: municipality, survey (`<municipality>-<period>-<audience>`),
        period, audience, language, ISO week, the permitted respondent attributes, every
        item's numeric answer (don't know = -1), and the person's dimension scores. Disclosure
        control is applied on every export: no ids, tokens, receipts or timestamps; random row
        numbers and order; k-anonymity and homogeneity on the quasi-identifiers (rare
        combinations generalised or suppressed); surveys with fewer than k responses left out;
        free text only when an admin asks (`include_free_text=true`), screened for e-mail
        addresses, phone numbers and national identity numbers. What was generalised or left
        out is in the `X-Export-*` headers, in `export.json` inside `bundle=zip`, and in the
        audit log.
        """
        _free_text_allowed(query)
        who = current_principal()
        assert who is not None
        request = _export_request(query)
        _finalise_closed_surveys(request)
        prepared = exports.prepare(
            db.session,
            db.engine,
            request,
            k=current_app.config["SURVEY_MIN_N"],
            actor=who.label,
        )
        # Not stream_with_context: the stream needs no request context, and its own close()
        # releases the connection even when iteration never starts.
        return Response(
            prepared.stream,
            mimetype=prepared.mimetype,
            headers=_download_headers(prepared),
            direct_passthrough=True,
        )


def _finalise_closed_surveys(request: exports.ExportRequest) -> None:
    """Closed surveys get their final snapshot before anything of them is exported; committed,
    so that the export's connection of its own sees it."""
    min_n = current_app.config["SURVEY_MIN_N"]
    if exports.finalise_closed(db.session, request, min_n=min_n, today=datetime.now(UTC).date()):
        db.session.commit()


def _export_request(query: dict[str, Any]) -> exports.ExportRequest:
    return exports.ExportRequest(
        instrument=query["instrument"],
        format=query.get("format", "csv"),
        version=query.get("instrument_version"),
        lang=query["lang"],
        surveys=query.get("survey", []),
        municipalities=query.get("municipality", []),
        counties=query.get("county", []),
        periods=query.get("period", []),
        include_free_text=query["include_free_text"],
        bundle=query.get("bundle") == "zip",
        bom=query.get("bom", False),
    )


@blp.route("/codebook")
class Codebook(MethodView):
    @blp.requires(*ANALYSTS)
    @blp.arguments(CodebookQuerySchema, location="query")
    @blp.alt_response(
        200,
        schema={"anyOf": [CodebookSchema, DataPackageSchema]},
        description=_CODEBOOK,
        success=True,
    )
    @blp.alt_response(
        200,
        schema=_TEXT,
        content_type="text/markdown",
        description=_CODEBOOK,
        success=True,
    )
    @blp.error(404, "No such instrument or version")
    def get(self, query: dict[str, Any]) -> Any:
        """What every exported column means

        Every column with its type, its label (the question text) in nb, nn and en, its value
        labels and missing codes; the scoring rules, the instrument version and the disclosure
        rules, for every column the instrument version can have. `format=datapackage` gives a
        Frictionless Data Package (version 2) describing exactly the CSV file that an export
        with the same filters (`survey`, `municipality`, `county`, `period`) downloads: its
        name and its columns; `format=markdown` a document for people.
        """
        _free_text_allowed(query)
        version = exports.find_layout_version(
            db.session, query["instrument"], query.get("instrument_version")
        )
        instrument = as_instrument(version)
        export_layout = layout(
            instrument, attributes=RESPONDENT_ATTRIBUTES, free_text=query["include_free_text"]
        )
        k = current_app.config["SURVEY_MIN_N"]
        name = f"{instrument.key}-{instrument.version}"
        if query["format"] == "markdown":
            return Response(
                codebooks.markdown(export_layout, k=k),
                mimetype="text/markdown",
                headers={"Content-Disposition": f'inline; filename="{name}_codebook.md"'},
            )
        if query["format"] == "datapackage":
            # The file an export with the same filters downloads, with its columns.
            request = _export_request({**query, "format": "csv"})
            _finalise_closed_surveys(request)
            package = codebooks.datapackage(
                exports.layout_of(db.session, request, k=k),
                path=exports.file_name(request, instrument.key, instrument.version, "csv"),
                lang=query["lang"],
                k=k,
                disclosure=None,
            )
            return Response(
                json.dumps(package, ensure_ascii=False, indent=2),
                mimetype="application/json",
                headers={"Content-Disposition": 'inline; filename="datapackage.json"'},
            )
        return jsonify(CodebookSchema().dump(codebooks.codebook(export_layout, k=k)))
