from __future__ import annotations

import marshmallow as ma

from survey_service.api import MAX_INTEGER
from survey_service.instruments import AUDIENCES, LANGUAGES
from survey_service.models.survey import ACCESS_KINDS, SURVEY_STATUSES
from survey_service.resources.schemas import (
    DatabaseId,
    Line,
    Schema,
    municipality_number,
)

_municipality = municipality_number(metadata={"example": "4601"})
_targets = ma.fields.Dict(
    keys=ma.fields.String(),
    values=ma.fields.Float(validate=ma.validate.Range(0, 100)),
    metadata={"description": "dimension or index key -> target on the 0-100 scale"},
)
_origins = ma.fields.List(
    ma.fields.String(validate=ma.validate.Length(max=200)),
    validate=ma.validate.Length(max=20),
    metadata={
        "description": "origins allowed to embed the form, e.g. https://www.bergen.kommune.no"
    },
)
_attributes = ma.fields.Dict(
    keys=ma.fields.String(),
    values=ma.fields.Dict(allow_none=True),
    metadata={
        "description": "respondent attributes to ask (role, age_band, gender, area) -> options, "
        'e.g. {"role": null, "area": {"options": ["Sentrum", "Nord"]}}'
    },
)
_margins = ma.fields.Dict(
    keys=ma.fields.String(),
    values=ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer()),
    metadata={"description": "population counts per attribute category, for weighting"},
)


class SurveyCreateSchema(Schema):
    municipality = municipality_number(required=True, metadata={"example": "4601"})
    instrument = ma.fields.String(required=True, metadata={"example": "omdommetrappen"})
    instrument_version = ma.fields.String(metadata={"description": "default: the newest"})
    audience = ma.fields.String(required=True, validate=ma.validate.OneOf(AUDIENCES))
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    access = ma.fields.String(load_default="open", validate=ma.validate.OneOf(ACCESS_KINDS))
    default_language = ma.fields.String(
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "default: the municipality's written standard (nb or nn)"},
    )
    period = Line(validate=ma.validate.Length(min=1, max=16))
    opens_at = ma.fields.AwareDateTime(default_timezone=None)
    closes_at = ma.fields.AwareDateTime(default_timezone=None)
    population_size = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(min=1, max=MAX_INTEGER)
    )
    baseline_survey = DatabaseId(allow_none=True)
    targets = _targets
    embed_origins = _origins
    NUL_CHECKED_BY_FIELD = frozenset({"embed_origins"})  # "... is not an origin"
    respondent_attributes = _attributes
    population_margins = _margins


class SurveyUpdateSchema(Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(SURVEY_STATUSES))
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    opens_at = ma.fields.AwareDateTime(allow_none=True)
    closes_at = ma.fields.AwareDateTime(allow_none=True)
    population_size = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(min=1, max=MAX_INTEGER)
    )
    targets = _targets
    embed_origins = _origins
    NUL_CHECKED_BY_FIELD = frozenset({"embed_origins"})  # "... is not an origin"
    population_margins = _margins


class SurveyQuerySchema(Schema):
    municipality = _municipality
    instrument = Line()
    status = ma.fields.String(validate=ma.validate.OneOf(SURVEY_STATUSES))
    period = Line()


class LinksSchema(Schema):
    form = ma.fields.String()
    embed_html = ma.fields.String()
    api = ma.fields.String()


class SurveySchema(Schema):
    id = ma.fields.Integer()
    public_id = ma.fields.String()
    municipality = ma.fields.String()
    municipality_name = ma.fields.String()
    instrument = ma.fields.String()
    instrument_version = ma.fields.String()
    audience = ma.fields.String()
    title = ma.fields.String()
    access = ma.fields.String()
    default_language = ma.fields.String()
    status = ma.fields.String()
    accepting_responses = ma.fields.Boolean()
    period = ma.fields.String()
    opens_at = ma.fields.DateTime(allow_none=True)
    closes_at = ma.fields.DateTime(allow_none=True)
    population_size = ma.fields.Integer(allow_none=True)
    baseline_survey = ma.fields.Integer(allow_none=True)
    targets = ma.fields.Dict()
    embed_origins = ma.fields.List(ma.fields.String())
    respondent_attributes = ma.fields.Dict()
    population_margins = ma.fields.Dict()
    created_at = ma.fields.DateTime()
    links = ma.fields.Nested(LinksSchema)


class InvitationRequestSchema(Schema):
    count = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=10_000))


class InvitationFormatSchema(Schema):
    format = ma.fields.String(
        load_default="json",
        validate=ma.validate.OneOf(("json", "csv")),
        metadata={"description": "csv: a file for mail merges (token,url)"},
    )


class InvitationSchema(Schema):
    token = ma.fields.String()
    url = ma.fields.String()


class InvitationBatchSchema(Schema):
    survey = ma.fields.Integer()
    count = ma.fields.Integer()
    invitations = ma.fields.List(ma.fields.Nested(InvitationSchema))
    note = ma.fields.String()


class FieldworkSchema(Schema):
    survey = ma.fields.Integer()
    status = ma.fields.String()
    accepting_responses = ma.fields.Boolean()
    counts_rounded_down_to = ma.fields.Integer(
        metadata={"description": "live counts are rounded down to a multiple of this (min_n)"}
    )
    responses = ma.fields.Integer(metadata={"description": "responses so far, rounded down"})
    started = ma.fields.Integer(metadata={"description": "times the form was opened, rounded down"})
    completion_rate = ma.fields.Float(allow_none=True)
    population_size = ma.fields.Integer(allow_none=True)
    response_rate = ma.fields.Float(allow_none=True)
    invitations = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    responses_per_day = ma.fields.List(
        ma.fields.Dict(), metadata={"description": "each day's count, rounded down"}
    )
    published = ma.fields.Dict(
        allow_none=True,
        metadata={"description": "the snapshot readers of the scores see: its n, date and number"},
    )
    precision_now = ma.fields.Dict(
        metadata={
            "description": "half-width of the main index's 95 % interval in the published snapshot"
        }
    )
