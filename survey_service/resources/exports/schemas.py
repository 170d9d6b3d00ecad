from __future__ import annotations

import marshmallow as ma

from survey_service.instruments import LANGUAGES
from survey_service.resources.schemas import (
    DatabaseId,
    Line,
    Schema,
    county_number,
    municipality_number,
)
from survey_service.services.exports.formats import FORMATS

_lang = ma.fields.String(
    load_default="nb",
    validate=ma.validate.OneOf(LANGUAGES),
    metadata={"description": "language of labels (variable and value labels, titles)"},
)


class _InstrumentSchema(Schema):
    instrument = Line(
        required=True,
        validate=ma.validate.Length(min=1, max=64),
        metadata={"example": "omdommetrappen"},
    )
    instrument_version = Line(
        validate=ma.validate.Length(min=1, max=32),
        metadata={"description": "default: the newest version; one export holds one version"},
    )
    lang = _lang
    include_free_text = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "include free-text answers, screened for personal data (admin only)"
        },
    )


class _FiltersSchema(_InstrumentSchema):
    """Which responses an export holds; the codebook takes them too, to name the same file."""

    survey = ma.fields.List(
        DatabaseId(strict=False), metadata={"description": "survey ids (repeatable)"}
    )
    municipality = ma.fields.List(
        municipality_number(), metadata={"description": "kommunenummer (repeatable)"}
    )
    county = ma.fields.List(county_number(), metadata={"description": "county number (repeatable)"})
    period = ma.fields.List(
        Line(validate=ma.validate.Length(min=1, max=16)),
        metadata={"description": "period / wave, e.g. 2026 (repeatable)"},
    )


class ExportQuerySchema(_FiltersSchema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(sorted(FORMATS)))
    bundle = ma.fields.String(
        validate=ma.validate.OneOf(["zip"]),
        metadata={"description": "zip: the data with datapackage.json, codebook.md, export.json"},
    )
    bom = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "CSV only: start with a UTF-8 byte-order mark (for Excel)"},
    )


class CodebookQuerySchema(_FiltersSchema):
    """The filters only name the CSV file in ``format=datapackage``: the file an export with the
    same filters downloads."""

    format = ma.fields.String(
        load_default="json",
        validate=ma.validate.OneOf(["json", "datapackage", "markdown"]),
        metadata={"description": "json, datapackage (Frictionless datapackage.json) or markdown"},
    )


class CodebookSchema(Schema):
    class Meta:
        unknown = ma.INCLUDE

    instrument = ma.fields.String()
    instrument_version = ma.fields.String()
    content_hash = ma.fields.String()
    title = ma.fields.Dict()
    languages = ma.fields.List(ma.fields.String())
    free_text_included = ma.fields.Boolean()
    missing_values = ma.fields.Dict()
    columns = ma.fields.List(ma.fields.Dict())
    scoring = ma.fields.Dict()
    formats = ma.fields.Dict(
        metadata={"description": "how each export format writes text cells (CSV: formula escaping)"}
    )
    disclosure_control = ma.fields.Dict()
    figures = ma.fields.Dict(
        metadata={
            "description": "for each published item, dimension and index figure, the formula "
            "that reproduces it from the exported columns (unweighted and weighted)"
        }
    )


class DataPackageSchema(Schema):
    """``format=datapackage``: a Frictionless Data Package (``datapackage.json``) whose one
    resource is the CSV export, with its Table Schema; the codebook under ``x-codebook``."""

    class Meta:
        unknown = ma.INCLUDE

    schema_profile = ma.fields.String(
        data_key="$schema",
        metadata={"example": "https://datapackage.org/profiles/2.0/datapackage.json"},
    )
    name = ma.fields.String()
    title = ma.fields.String()
    description = ma.fields.String()
    resources = ma.fields.List(ma.fields.Dict())
    x_codebook = ma.fields.Dict(data_key="x-codebook")
