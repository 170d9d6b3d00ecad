"""Instruments: versioned questionnaires with their scoring rules. Reading is public."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey_service.api import Blueprint, abort
from survey_service.auth import current_principal
from survey_service.db import db
from survey_service.instruments import render
from survey_service.models import InstrumentRecord, InstrumentVersion
from survey_service.resources.instruments.schemas import (
    InstrumentDefinitionSchema,
    InstrumentSummarySchema,
    InstrumentVersionSchema,
    LanguageQuerySchema,
)
from survey_service.services import instrument_catalog as catalog

blp = Blueprint(
    "instruments",
    __name__,
    description="Versioned questionnaire instruments; a published version never changes.",
)


def _versions(record: InstrumentRecord) -> list[InstrumentVersion]:
    return sorted(record.versions, key=catalog.version_order)


def _present(version: InstrumentVersion, query: dict[str, Any]) -> dict[str, Any]:
    form = None
    if "lang" in query:
        form = render(catalog.as_instrument(version), query["lang"], audience=query.get("audience"))
    return {
        "key": version.instrument.key,
        "version": version.version,
        "content_hash": version.content_hash,
        "published_at": version.published_at,
        "versions": [v.version for v in _versions(version.instrument)],
        "definition": version.definition,
        "form": form,
    }


@blp.route("")
class Instruments(MethodView):
    @blp.response(200, InstrumentSummarySchema(many=True))
    def get(self) -> Any:
        """List instruments with their versions"""
        records = db.session.scalars(select(InstrumentRecord).order_by(InstrumentRecord.key))
        result = []
        for record in records:
            versions = _versions(record)
            if not versions:
                continue
            newest = versions[-1]
            result.append(
                {
                    "key": record.key,
                    "title": newest.definition.get("title", {}),
                    "newest_version": newest.version,
                    "dimensions": list(catalog.as_instrument(newest).dimension_keys),
                    "versions": versions,
                }
            )
        return result

    @blp.requires("admin")
    @blp.arguments(InstrumentDefinitionSchema)
    @blp.response(201, InstrumentVersionSchema)
    @blp.alt_response(200, schema=InstrumentVersionSchema, description="Already published")
    @blp.error(409, "The version exists with different content")
    def post(self, definition: dict[str, Any]) -> Any:
        """Publish an instrument or a new version of one

        Idempotent: publishing the same content again answers 200 and changes nothing.
        The same version with other content is refused (409): publish a new version.
        """
        principal = current_principal()
        assert principal is not None
        try:
            published = catalog.publish_definition(db.session, definition, actor=principal.label)
            db.session.commit()
        except IntegrityError:
            # Someone published the same key and version at the same moment.
            db.session.rollback()
            abort(409, message="This version was published concurrently; fetch it and compare.")
        return _present(published.version, {}), 201 if published.created else 200


@blp.route("/<string:key>")
class InstrumentByKey(MethodView):
    @blp.arguments(LanguageQuerySchema, location="query")
    @blp.response(200, InstrumentVersionSchema)
    @blp.error(404, "No instrument with this key")
    def get(self, query: dict[str, Any], key: str) -> Any:
        """Get the newest version of an instrument

        With `?lang=nn` (or nb, en) the response also holds the questionnaire rendered in that
        language, ready for a front end.
        """
        version = catalog.newest_version(db.session, key)
        if version is None:
            abort(404, message=f"No instrument has the key {key!r}.")
        return _present(version, query)


@blp.route("/<string:key>/versions/<string:version>")
class InstrumentVersionByNumber(MethodView):
    @blp.arguments(LanguageQuerySchema, location="query")
    @blp.response(200, InstrumentVersionSchema)
    @blp.error(404, "No such instrument version")
    def get(self, query: dict[str, Any], key: str, version: str) -> Any:
        """Get one version of an instrument"""
        found = catalog.find_version(db.session, key, version)
        if found is None:
            abort(404, message=f"Instrument {key!r} has no version {version!r}.")
        return _present(found, query)
