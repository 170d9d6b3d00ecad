from __future__ import annotations

import marshmallow as ma

from survey_service.instruments import AUDIENCES, LANGUAGES
from survey_service.resources.schemas import Schema


class InstrumentDefinitionSchema(ma.Schema):
    """An instrument definition in the format of ``survey_service/instruments/FORMAT.md``.

    Only the envelope is described here; the whole definition is validated against the
    format (texts in nb, nn and en, items, scales, dimensions, scoring), and a definition
    that breaks it is refused with 422 and every problem with its path (``item[3].text.nn``)
    in ``errors``.
    """

    class Meta:
        unknown = ma.INCLUDE

    key = ma.fields.String(required=True, metadata={"example": "omdommetrappen"})
    version = ma.fields.String(required=True, metadata={"example": "1.1.0"})
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    introduction = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    dimensions = ma.fields.List(ma.fields.Dict())
    item = ma.fields.List(ma.fields.Dict())
    scoring = ma.fields.Dict()


class LanguageQuerySchema(Schema):
    lang = ma.fields.String(
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "render the questionnaire in one language: nb, nn or en"},
    )
    audience = ma.fields.String(
        validate=ma.validate.OneOf(AUDIENCES),
        metadata={"description": "with lang: the audience's wording"},
    )


class VersionSummarySchema(Schema):
    version = ma.fields.String()
    content_hash = ma.fields.String()
    published_at = ma.fields.DateTime()


class InstrumentSummarySchema(Schema):
    key = ma.fields.String()
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    newest_version = ma.fields.String()
    dimensions = ma.fields.List(ma.fields.String())
    versions = ma.fields.List(ma.fields.Nested(VersionSummarySchema))


class InstrumentVersionSchema(Schema):
    key = ma.fields.String()
    version = ma.fields.String()
    content_hash = ma.fields.String()
    published_at = ma.fields.DateTime()
    versions = ma.fields.List(ma.fields.String(), metadata={"description": "every version"})
    definition = ma.fields.Dict(
        metadata={"description": "the whole definition, texts in nb, nn and en"}
    )
    form = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "with ?lang=: the questionnaire rendered in that language"},
    )
