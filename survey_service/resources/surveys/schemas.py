"""Surveys' request and response shapes. Rules that JSON Schema can say are in the schemas
(and so in the OpenAPI document); rules across fields or against stored data are in the
field descriptions, and the service answers 422 for them."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from survey_service.api import MAX_INTEGER
from survey_service.instruments import AUDIENCES, LANGUAGES, RESPONDENT_ATTRIBUTES
from survey_service.models.survey import ACCESS_KINDS, ORGANISER_KINDS, SURVEY_STATUSES
from survey_service.resources.schemas import (
    ConfidenceIntervalSchema,
    DatabaseId,
    Line,
    Schema,
    county_number,
    municipality_number,
)

_municipality = municipality_number(metadata={"example": "4601"})
_targets = ma.fields.Dict(
    keys=ma.fields.String(),
    values=ma.fields.Float(validate=ma.validate.Range(0, 100)),
    metadata={
        "description": "dimension or index key -> target on the 0-100 scale; each key must be "
        "a dimension or index of the survey's instrument (422 otherwise)"
    },
)
# scheme://host[:port] and at most a trailing "/"; the service also checks an IPv6 host and
# the port's range (422).
_ORIGIN_PATTERN = (
    r"^[Hh][Tt][Tt][Pp][Ss]?://"
    r"([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])"
    r"(:[0-9]{1,5})?/?$"
)
_origins = ma.fields.List(
    ma.fields.String(validate=ma.validate.Length(max=200), metadata={"pattern": _ORIGIN_PATTERN}),
    validate=ma.validate.Length(max=20),
    metadata={
        "description": "origins allowed to embed the form, e.g. https://www.bergen.kommune.no: "
        "scheme and host (and port), nothing else"
    },
)
_attributes = ma.fields.Dict(
    keys=ma.fields.String(),
    values=ma.fields.Dict(allow_none=True),
    metadata={
        "description": "respondent attributes to ask -> options, e.g. "
        '{"role": null, "area": {"options": ["Sentrum", "Nord"]}}; the keys must be among: '
        + ", ".join(RESPONDENT_ATTRIBUTES)
        + " (422 otherwise)"
    },
)
_margins = ma.fields.Dict(
    keys=ma.fields.String(),
    values=ma.fields.Dict(
        # The service checks the counts (a whole number, 0 or more) with its own message.
        keys=ma.fields.String(),
        values=ma.fields.Integer(metadata={"minimum": 0}),
    ),
    metadata={
        "description": "population counts (0 or more) per attribute category, for weighting: "
        '{"gender": {"female": 5200, "male": 4900}}, or joint ("age_band+gender", categories '
        'like "30_44+female"); each attribute must be one the survey asks for, and each code '
        "one of that attribute's codes (422 otherwise)"
    },
)
_closes_at = "must be after opens_at (422 otherwise)"
_participants = ma.fields.List(
    municipality_number(),
    validate=ma.validate.Length(min=1, max=400),
    metadata={
        "description": "an organiser's survey: the municipalities taking part (kommunenummer); "
        "its respondents say which of them they come from, and each one's key sees the survey "
        "and its own part. Every number must be a municipality's, each once (422 otherwise)"
    },
)


class OrganiserRequestSchema(Schema):
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(ORGANISER_KINDS),
        metadata={"description": "network (Saman om ein betre kommune), ks, or county"},
    )
    county = county_number(
        metadata={"description": "a county's number, for kind county only (422 otherwise)"}
    )
    name = Line(
        validate=ma.validate.Length(min=1, max=200),
        metadata={"description": "default: the network's name, KS, or the county's name"},
    )


class SurveyCreateSchema(Schema):
    municipality = municipality_number(
        metadata={
            "example": "4601",
            "description": "the municipality that runs the survey; give this or `organiser` "
            "(422 for both or neither)",
        }
    )
    organiser = ma.fields.Nested(
        OrganiserRequestSchema,
        metadata={
            "description": "the organiser that runs the survey for `participants` instead of a "
            "municipality (admin keys only)"
        },
    )
    participants = _participants
    instrument = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=64),
        metadata={"example": "omdommetrappen", "description": "a published instrument's key"},
    )
    instrument_version = ma.fields.String(
        validate=ma.validate.Length(min=1, max=32),
        metadata={"description": "a published version of the instrument; default: the newest"},
    )
    audience = ma.fields.String(required=True, validate=ma.validate.OneOf(AUDIENCES))
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    access = ma.fields.String(load_default="open", validate=ma.validate.OneOf(ACCESS_KINDS))
    default_language = ma.fields.String(
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "default: the municipality's written standard (nb or nn)"},
    )
    period = Line(validate=ma.validate.Length(min=1, max=16))
    opens_at = ma.fields.AwareDateTime(default_timezone=None)
    closes_at = ma.fields.AwareDateTime(default_timezone=None, metadata={"description": _closes_at})
    population_size = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(min=1, max=MAX_INTEGER)
    )
    baseline_survey = DatabaseId(
        allow_none=True,
        metadata={
            "description": "the survey to measure change against: one this key may see, of the "
            "same municipality and instrument (422 otherwise)"
        },
    )
    targets = _targets
    embed_origins = _origins
    NUL_CHECKED_BY_FIELD = frozenset({"embed_origins"})  # "... is not an origin"
    respondent_attributes = _attributes
    population_margins = _margins


class SurveyUpdateSchema(Schema):
    """At least one field: a change that changes nothing is refused (422)."""

    class Meta(Schema.Meta):
        openapi = {"minProperties": 1}

    status = ma.fields.String(
        validate=ma.validate.OneOf(SURVEY_STATUSES),
        metadata={
            "description": "draft -> open -> closed (or draft -> closed); any other change of "
            "status is a conflict (409)"
        },
    )
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=200))
    opens_at = ma.fields.AwareDateTime(allow_none=True)
    closes_at = ma.fields.AwareDateTime(
        allow_none=True,
        metadata={"description": f"{_closes_at}, whether opens_at is sent or already stored"},
    )
    population_size = ma.fields.Integer(
        allow_none=True, validate=ma.validate.Range(min=1, max=MAX_INTEGER)
    )
    targets = _targets
    embed_origins = _origins
    NUL_CHECKED_BY_FIELD = frozenset({"embed_origins"})  # "... is not an origin"
    population_margins = _margins
    participants = ma.fields.List(
        municipality_number(),
        validate=ma.validate.Length(min=1, max=400),
        metadata={
            "description": "an organiser's survey only: the municipalities taking part; once "
            "the survey has left draft, municipalities may join but not leave (409)"
        },
    )

    @ma.validates_schema
    def _something_to_change(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ma.ValidationError(
                'Nothing to change: send at least one field, e.g. {"status": "open"}.'
            )


class SurveyQuerySchema(Schema):
    municipality = _municipality
    instrument = Line()
    status = ma.fields.String(validate=ma.validate.OneOf(SURVEY_STATUSES))
    period = Line()


class LinksSchema(Schema):
    form = ma.fields.String()
    embed_html = ma.fields.String()
    api = ma.fields.String()


class OrganiserSchema(Schema):
    kind = ma.fields.String(metadata={"enum": list(ORGANISER_KINDS)})
    county = ma.fields.String(allow_none=True)
    name = ma.fields.String()


class ParticipantSchema(Schema):
    number = ma.fields.String()
    name = ma.fields.String()


class SurveySchema(Schema):
    id = ma.fields.Integer()
    public_id = ma.fields.String()
    municipality = ma.fields.String(
        allow_none=True, metadata={"description": "null when an organiser runs the survey"}
    )
    municipality_name = ma.fields.String(
        metadata={"description": "who runs the survey: the municipality's or organiser's name"}
    )
    organiser = ma.fields.Nested(
        OrganiserSchema,
        allow_none=True,
        metadata={"description": "who runs it for the participants; null: the municipality"},
    )
    participants = ma.fields.List(
        ma.fields.Nested(ParticipantSchema),
        metadata={"description": "an organiser's survey: the municipalities taking part"},
    )
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


class FieldworkQuerySchema(Schema):
    target_responses = ma.fields.Integer(
        validate=ma.validate.Range(min=2, max=10_000_000),
        metadata={
            "description": "project the precision to this many responses (at most the "
            "population size)"
        },
    )


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
    response_rate = ma.fields.Float(
        allow_none=True,
        metadata={"description": "responses / invitations created, or / population size"},
    )
    response_rate_of = ma.fields.String(metadata={"enum": ["invitations", "population"]})
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
    precision_projected = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "the half-width at `target_responses`, and the responses it takes "
            "for `wanted_half_width` (SURVEY_PRECISION_HALF_WIDTH); null while the figure is "
            "withheld"
        },
    )


class CommentsQuerySchema(Schema):
    lang = ma.fields.String(
        load_default="nb",
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "language of the questions' text"},
    )


_WITHHELD = ["still_collecting", "fewer_than_min_n", "shown_to_fewer_than_min_n"]


class ItemCommentsSchema(Schema):
    link_id = ma.fields.String()
    text = ma.fields.String(metadata={"description": "the question"})
    withheld = ma.fields.String(allow_none=True, metadata={"enum": _WITHHELD})
    comments = ma.fields.List(ma.fields.String(), metadata={"description": "in random order"})


class CommentsSchema(Schema):
    survey = ma.fields.Integer()
    min_n = ma.fields.Integer()
    withheld = ma.fields.String(
        allow_none=True,
        metadata={"enum": _WITHHELD[:2], "description": "why no comment is released"},
    )
    items = ma.fields.List(ma.fields.Nested(ItemCommentsSchema))
    masked = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.Integer(),
        metadata={"description": "how many e-mail addresses, numbers ... were masked"},
    )


class BenefitQuerySchema(Schema):
    lang = ma.fields.String(
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "language of the titles and verdicts; default: the survey's"},
    )
    confidence_level = ma.fields.Float(
        load_default=0.95,
        validate=ma.validate.Range(0.5, 0.999),
        metadata={"description": "between 0.5 and 0.999"},
    )


class BenefitFigureValueSchema(Schema):
    estimate = ma.fields.Float(allow_none=True)
    standard_error = ma.fields.Float(allow_none=True)
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema, allow_none=True)
    n = ma.fields.Integer(allow_none=True)
    suppressed = ma.fields.Boolean()
    suppression_reason = ma.fields.String(allow_none=True)
    imprecise = ma.fields.Boolean(allow_none=True)


class BenefitChangeSchema(Schema):
    suppressed = ma.fields.Boolean(metadata={"description": "true: either figure is withheld"})
    suppression_reason = ma.fields.String(
        allow_none=True, metadata={"enum": ["figure_withheld", "no_standard_error", None]}
    )
    estimate = ma.fields.Float(
        allow_none=True, metadata={"description": "follow-up minus baseline"}
    )
    standard_error = ma.fields.Float(allow_none=True)
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema, allow_none=True)
    degrees_of_freedom = ma.fields.Float(
        allow_none=True, metadata={"description": "Welch–Satterthwaite"}
    )
    pvalue = ma.fields.Float(allow_none=True)
    distinguishable = ma.fields.Boolean(
        allow_none=True, metadata={"description": "the interval leaves out 0"}
    )


class BenefitFigureSchema(Schema):
    kind = ma.fields.String(metadata={"enum": ["dimension", "index"]})
    key = ma.fields.String()
    title = ma.fields.String(metadata={"description": "in the chosen language"})
    baseline = ma.fields.Nested(BenefitFigureValueSchema, allow_none=True)
    follow_up = ma.fields.Nested(BenefitFigureValueSchema)
    change = ma.fields.Nested(BenefitChangeSchema, allow_none=True)


class BenefitDistanceSchema(Schema):
    estimate = ma.fields.Float(metadata={"description": "the estimate minus the target"})
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema)


class BenefitTargetSchema(BenefitFigureValueSchema):
    kind = ma.fields.String(metadata={"enum": ["dimension", "index"]})
    key = ma.fields.String()
    title = ma.fields.String()
    target = ma.fields.Float()
    distance = ma.fields.Nested(
        BenefitDistanceSchema, allow_none=True, metadata={"description": "null when withheld"}
    )
    met = ma.fields.Boolean(allow_none=True, metadata={"description": "estimate >= target"})
    met_with_confidence = ma.fields.Boolean(
        allow_none=True, metadata={"description": "the interval's low end >= target"}
    )
    verdict = ma.fields.String(
        metadata={
            "enum": ["reached", "not_reached", "not_yet_distinguishable", "withheld"],
            "description": "reached: low >= target; not_reached: high < target; "
            "not_yet_distinguishable: the interval straddles the target; withheld: the figure "
            "is withheld",
        }
    )
    text = ma.fields.String(metadata={"description": "the verdict in the chosen language"})


class BenefitWaveSchema(Schema):
    survey = ma.fields.Integer()
    period = ma.fields.String()
    audience = ma.fields.String()
    instrument_version = ma.fields.String()
    n = ma.fields.Integer(allow_none=True)
    suppressed = ma.fields.Boolean()


class BenefitRealisationSchema(Schema):
    survey = ma.fields.Integer()
    municipality = ma.fields.String()
    instrument = ma.fields.String()
    lang = ma.fields.String()
    confidence_level = ma.fields.Float()
    min_n = ma.fields.Integer()
    baseline = ma.fields.Nested(
        BenefitWaveSchema, allow_none=True, metadata={"description": "null: no baseline survey"}
    )
    follow_up = ma.fields.Nested(BenefitWaveSchema)
    figures = ma.fields.List(
        ma.fields.Nested(BenefitFigureSchema),
        metadata={
            "description": "each dimension and index, baseline against follow-up; "
            "empty without a baseline"
        },
    )
    targets = ma.fields.List(ma.fields.Nested(BenefitTargetSchema))
    note = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "set (in the chosen language) when there is neither a "
            "baseline nor a target"
        },
    )
