from __future__ import annotations

import marshmallow as ma

from survey_service.resources.schemas import ConfidenceIntervalSchema, Schema

_text = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class ScoresQuerySchema(Schema):
    confidence_level = ma.fields.Float(
        load_default=0.95,
        validate=ma.validate.Range(0.5, 0.999),
        metadata={"description": "between 0.5 and 0.999"},
    )


class TargetSchema(Schema):
    value = ma.fields.Float()
    met = ma.fields.Boolean(allow_none=True)
    met_with_confidence = ma.fields.Boolean(
        allow_none=True, metadata={"description": "the interval's lower bound reaches the target"}
    )


class ChangeSchema(Schema):
    suppressed = ma.fields.Boolean()
    baseline_estimate = ma.fields.Float()
    estimate = ma.fields.Float(metadata={"description": "this survey minus the baseline"})
    standard_error = ma.fields.Float()
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema)
    degrees_of_freedom = ma.fields.Float(metadata={"description": "Welch–Satterthwaite"})
    pvalue = ma.fields.Float()
    significant = ma.fields.Boolean()


class ReliabilitySchema(Schema):
    estimate = ma.fields.Float(allow_none=True, metadata={"description": "Cronbach's alpha"})
    standard_error = ma.fields.Float(allow_none=True)
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema, allow_none=True)
    n = ma.fields.Integer(allow_none=True, metadata={"description": "complete cases"})
    items = ma.fields.Integer()
    method = ma.fields.String()
    suppressed = ma.fields.Boolean()
    note = ma.fields.String(allow_none=True)


class FigureSchema(Schema):
    key = ma.fields.String()
    title = _text
    scale = ma.fields.List(ma.fields.Float(), metadata={"description": "[low, high]"})
    method = ma.fields.String(metadata={"description": "dimensions: mean or gap"})
    estimate = ma.fields.Float(allow_none=True)
    standard_error = ma.fields.Float(allow_none=True)
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema, allow_none=True)
    confidence_level = ma.fields.Float()
    n = ma.fields.Integer(allow_none=True)
    n_effective = ma.fields.Float(allow_none=True, metadata={"description": "Kish"})
    design_effect = ma.fields.Float(allow_none=True)
    degrees_of_freedom = ma.fields.Float(allow_none=True)
    suppressed = ma.fields.Boolean(
        metadata={"description": "true when the figure is withheld: every figure null"}
    )
    suppression_reason = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "why it is withheld: fewer_than_min_n; all_gave_the_same_answer "
            "(fewer than 2 x min_n respondents, every one with the same score); or "
            "nearly_the_same_respondents_as_a_related_figure (an item whose respondents differ "
            "by 1 to min_n - 1 from its dimension's, an index from one of its dimensions')"
        },
    )
    imprecise = ma.fields.Boolean(
        allow_none=True, metadata={"description": "the interval is too wide to be worth publishing"}
    )
    reliability = ma.fields.Nested(ReliabilitySchema)
    target = ma.fields.Nested(TargetSchema)
    change = ma.fields.Nested(ChangeSchema)


class NativeSchema(Schema):
    scale = ma.fields.List(ma.fields.Integer(), metadata={"description": "[lowest, highest]"})
    estimate = ma.fields.Float(
        allow_none=True, metadata={"description": "the mean on the item's own scale"}
    )
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema, allow_none=True)


class ValueShareSchema(Schema):
    value = ma.fields.Raw(metadata={"description": "a value of the scale, or dont_know"})
    count = ma.fields.Integer()
    share = ma.fields.Float(
        allow_none=True, metadata={"description": "0-100, of those who answered (weighted)"}
    )
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema, allow_none=True)


class DistributionSchema(Schema):
    n = ma.fields.Integer(
        allow_none=True, metadata={"description": "who answered, don't know included"}
    )
    suppressed = ma.fields.Boolean()
    suppression_reason = ma.fields.String(
        allow_none=True,
        metadata={
            "enum": [
                "fewer_than_min_n",
                "all_gave_the_same_answer",
                "nearly_the_same_respondents_as_a_related_figure",
            ]
        },
    )
    values = ma.fields.List(ma.fields.Nested(ValueShareSchema), allow_none=True)


class ItemFigureSchema(FigureSchema):
    native = ma.fields.Nested(NativeSchema)
    distribution = ma.fields.Nested(DistributionSchema)


class StepSchema(Schema):
    key = ma.fields.String()
    reached = ma.fields.Boolean(allow_none=True)
    reached_with_confidence = ma.fields.Boolean(allow_none=True)


class StaircaseSchema(Schema):
    threshold = ma.fields.Float()
    level = ma.fields.Integer(metadata={"description": "steps reached from the ground floor up"})
    step = ma.fields.String(allow_none=True)
    level_with_confidence = ma.fields.Integer(
        metadata={"description": "the same, judged on the intervals' lower bounds"}
    )
    step_with_confidence = ma.fields.String(allow_none=True)
    steps = ma.fields.List(ma.fields.Nested(StepSchema))


class SurveyHeadlineSchema(Schema):
    survey = ma.fields.Integer()
    municipality = ma.fields.String()
    instrument = ma.fields.String()
    instrument_version = ma.fields.String()
    audience = ma.fields.String()
    period = ma.fields.String()
    n = ma.fields.Integer(allow_none=True)
    suppressed = ma.fields.Boolean()
    response_rate = ma.fields.Float(allow_none=True)
    dimensions = ma.fields.List(ma.fields.Nested(FigureSchema))
    indices = ma.fields.List(ma.fields.Nested(FigureSchema))
    staircase = ma.fields.Nested(StaircaseSchema, allow_none=True)


class SnapshotSchema(Schema):
    seq = ma.fields.Integer(metadata={"description": "1 for the first snapshot, then up by one"})
    taken_on = ma.fields.Date()
    n = ma.fields.Integer(metadata={"description": "respondents in the snapshot"})
    final = ma.fields.Boolean(
        metadata={
            "description": "the survey's final figures, taken when it stopped collecting from "
            "exactly the responses its export releases"
        }
    )


class SurveyScoresSchema(SurveyHeadlineSchema):
    population_size = ma.fields.Integer(allow_none=True)
    confidence_level = ma.fields.Float()
    min_n = ma.fields.Integer()
    method = ma.fields.Dict()
    items = ma.fields.List(ma.fields.Nested(ItemFigureSchema))
    baseline = ma.fields.Dict(allow_none=True)
    snapshot = ma.fields.Nested(
        SnapshotSchema,
        allow_none=True,
        metadata={
            "description": "the published snapshot the figures come from; it advances only once "
            "at least min_n responses have arrived or been withdrawn since the last (null: none "
            "yet)"
        },
    )
