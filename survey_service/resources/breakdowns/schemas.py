from __future__ import annotations

import marshmallow as ma

from survey_service.resources.schemas import ConfidenceIntervalSchema, Schema
from survey_service.resources.scores.schemas import FigureSchema, SnapshotSchema
from survey_service.resources.surveys.schemas import OrganiserSchema
from survey_service.services.breakdown_groups import BREAKDOWNS

_text = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())

REASONS = [
    "fewer_than_min_n",
    "all_gave_the_same_answer",
    "nearly_the_same_respondents_as_a_related_figure",
    "complementary",
    "still_collecting",
]
_REASON = {
    "enum": REASONS,
    "description": "why it is withheld: the survey's rules for a figure (fewer_than_min_n, "
    "all_gave_the_same_answer, nearly_the_same_respondents_as_a_related_figure); "
    "complementary (withheld so that no other withheld group can be computed from the ones "
    "shown); still_collecting (nothing is shown before the survey stops collecting)",
}


class BreakdownQuerySchema(Schema):
    by = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(BREAKDOWNS),
        metadata={"description": "the attribute to break the scores down by"},
    )
    confidence_level = ma.fields.Float(
        load_default=0.95,
        validate=ma.validate.Range(0.5, 0.999),
        metadata={"description": "between 0.5 and 0.999"},
    )


class PartQuerySchema(Schema):
    confidence_level = ma.fields.Float(
        load_default=0.95,
        validate=ma.validate.Range(0.5, 0.999),
        metadata={"description": "between 0.5 and 0.999"},
    )


class GroupSchema(Schema):
    group = ma.fields.String(metadata={"description": "the group's code (an area: its value)"})
    label = _text
    n = ma.fields.Integer(allow_none=True, metadata={"description": "respondents in the group"})
    suppressed = ma.fields.Boolean()
    suppression_reason = ma.fields.String(allow_none=True, metadata=_REASON)
    dimensions = ma.fields.List(ma.fields.Nested(FigureSchema))
    indices = ma.fields.List(ma.fields.Nested(FigureSchema))


class GapSchema(Schema):
    figure = ma.fields.String(metadata={"description": "the dimension's or index's key"})
    group = ma.fields.String()
    versus = ma.fields.String()
    estimate = ma.fields.Float(metadata={"description": "group minus versus"})
    standard_error = ma.fields.Float()
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema)
    degrees_of_freedom = ma.fields.Float(metadata={"description": "Welch–Satterthwaite"})
    pvalue = ma.fields.Float()
    significant = ma.fields.Boolean()


class HeadlineGroupSchema(Schema):
    group = ma.fields.String()
    label = _text
    estimate = ma.fields.Float(allow_none=True)
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema, allow_none=True)
    n = ma.fields.Integer(allow_none=True)
    suppressed = ma.fields.Boolean()
    suppression_reason = ma.fields.String(allow_none=True, metadata=_REASON)


class HeadlineSchema(Schema):
    key = ma.fields.String()
    title = _text
    groups = ma.fields.List(ma.fields.Nested(HeadlineGroupSchema))
    gaps = ma.fields.List(ma.fields.Nested(GapSchema))


class BaselineBreakdownSchema(Schema):
    survey = ma.fields.Integer()
    period = ma.fields.String(allow_none=True)
    withheld = ma.fields.String(allow_none=True, metadata=_REASON)
    snapshot = ma.fields.Nested(SnapshotSchema, allow_none=True)


class BreakdownSchema(Schema):
    survey = ma.fields.Integer()
    municipality = ma.fields.String(
        allow_none=True, metadata={"description": "null for an organiser's survey"}
    )
    instrument = ma.fields.String()
    instrument_version = ma.fields.String()
    audience = ma.fields.String()
    period = ma.fields.String()
    by = ma.fields.String()
    breakdowns = ma.fields.List(
        ma.fields.String(), metadata={"description": "every `by` this survey can be broken down by"}
    )
    confidence_level = ma.fields.Float()
    min_n = ma.fields.Integer()
    withheld = ma.fields.String(
        allow_none=True, metadata={**_REASON, "description": "why no group is shown at all"}
    )
    snapshot = ma.fields.Nested(
        SnapshotSchema,
        allow_none=True,
        metadata={
            "description": "the score snapshot the groups come from: the one published when the "
            "survey had stopped collecting and its breakdowns were first read; kept after that"
        },
    )
    method = ma.fields.Dict()
    headline = ma.fields.Nested(
        HeadlineSchema,
        allow_none=True,
        metadata={
            "description": "the instrument's first index (else first dimension) per group: for "
            "partssamarbeid by role_group, the parties' perspectives"
        },
    )
    groups = ma.fields.List(ma.fields.Nested(GroupSchema))
    gaps = ma.fields.List(ma.fields.Nested(GapSchema))
    baseline = ma.fields.Nested(BaselineBreakdownSchema, allow_none=True)


class PartSchema(Schema):
    survey = ma.fields.Integer()
    title = ma.fields.String()
    organiser = ma.fields.Nested(OrganiserSchema)
    municipality = ma.fields.String()
    municipality_name = ma.fields.String()
    instrument = ma.fields.String()
    instrument_version = ma.fields.String()
    audience = ma.fields.String()
    period = ma.fields.String()
    confidence_level = ma.fields.Float()
    min_n = ma.fields.Integer()
    withheld = ma.fields.String(
        allow_none=True, metadata={**_REASON, "description": "why no part is shown at all"}
    )
    snapshot = ma.fields.Nested(
        SnapshotSchema,
        allow_none=True,
        metadata={"description": "the score snapshot of the whole survey the part comes from"},
    )
    n = ma.fields.Integer(
        allow_none=True, metadata={"description": "the municipality's respondents; null withheld"}
    )
    suppressed = ma.fields.Boolean()
    suppression_reason = ma.fields.String(allow_none=True, metadata=_REASON)
    dimensions = ma.fields.List(ma.fields.Nested(FigureSchema))
    indices = ma.fields.List(ma.fields.Nested(FigureSchema))
    method = ma.fields.Dict()
