"""The scores across surveys: each figure with its benchmarks and model-based estimate."""

from __future__ import annotations

import marshmallow as ma

from survey_service.resources.schemas import ConfidenceIntervalSchema, Schema
from survey_service.resources.scores.schemas import FigureSchema, SurveyHeadlineSchema
from survey_service.scoring import POOLINGS

_text = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
_VERDICTS = ["clearly_above", "clearly_below", "not_distinguishable"]


class PaginationSchema(Schema):
    page = ma.fields.Integer()
    page_size = ma.fields.Integer()
    total = ma.fields.Integer(metadata={"description": "rows that the filters select"})
    total_pages = ma.fields.Integer()


class DifferenceSchema(Schema):
    estimate = ma.fields.Float(metadata={"description": "the figure minus the benchmark"})
    standard_error = ma.fields.Float()
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema)
    degrees_of_freedom = ma.fields.Float(metadata={"description": "Welch–Satterthwaite"})
    verdict = ma.fields.String(
        metadata={"enum": _VERDICTS, "description": "in words: the answer's `verdicts`"}
    )


class BenchmarkSchema(Schema):
    estimate = ma.fields.Float(allow_none=True)
    standard_error = ma.fields.Float(allow_none=True)
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema, allow_none=True)
    degrees_of_freedom = ma.fields.Float(allow_none=True)
    municipalities = ma.fields.Integer(
        allow_none=True, metadata={"description": "municipalities pooled"}
    )
    suppressed = ma.fields.Boolean()
    suppression_reason = ma.fields.String(
        allow_none=True,
        metadata={
            "enum": ["figure_withheld", "too_few_municipalities", "no_size_class"],
            "description": "figure_withheld: the compared figure is withheld; "
            "too_few_municipalities: fewer than 3 other municipalities have it published; "
            "no_size_class: the municipality's population is unknown",
        },
    )


class ComparisonSchema(BenchmarkSchema):
    difference = ma.fields.Nested(DifferenceSchema)


class ComparisonsSchema(Schema):
    national = ma.fields.Nested(ComparisonSchema)
    county = ma.fields.Nested(ComparisonSchema)
    size_class = ma.fields.Nested(ComparisonSchema)


class ModelBasedSchema(Schema):
    label = ma.fields.String(metadata={"enum": ["model-based"]})
    method = ma.fields.String(metadata={"enum": ["fay-herriot-eblup"]})
    estimate = ma.fields.Float(allow_none=True)
    rmse = ma.fields.Float(allow_none=True, metadata={"description": "root mean squared error"})
    confidence_interval = ma.fields.Nested(ConfidenceIntervalSchema, allow_none=True)
    share_own_data = ma.fields.Float(
        allow_none=True, metadata={"description": "gamma: the weight of the direct estimate"}
    )
    borrows_from = ma.fields.String(allow_none=True, metadata={"enum": ["size_class", "all"]})
    suppressed = ma.fields.Boolean()
    suppression_reason = ma.fields.String(
        allow_none=True,
        metadata={
            "enum": [
                "figure_withheld",
                "not_in_pool",
                "too_few_municipalities",
                "model_not_estimable",
                "no_sampling_error",
            ]
        },
    )


class ComparedFigureSchema(FigureSchema):
    benchmarks = ma.fields.Nested(
        ComparisonsSchema,
        metadata={"description": "against the other municipalities, this one left out"},
    )
    model_based = ma.fields.Nested(ModelBasedSchema)


class SizeClassSchema(Schema):
    key = ma.fields.String(
        metadata={"enum": ["under_5000", "5000_19999", "20000_99999", "100000_and_over"]}
    )
    title = _text


class ComparedSurveySchema(SurveyHeadlineSchema):
    municipality_name = ma.fields.String()
    county_number = ma.fields.String()
    county = ma.fields.String()
    population = ma.fields.Integer(allow_none=True)
    size_class = ma.fields.Nested(SizeClassSchema, allow_none=True)
    title = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.String(),
        metadata={"description": "the survey's title, keyed by its language"},
    )
    instrument_title = _text
    in_benchmark = ma.fields.Boolean(
        metadata={"description": "whether this survey stands for its municipality in the pool"}
    )
    dimensions = ma.fields.List(ma.fields.Nested(ComparedFigureSchema))
    indices = ma.fields.List(ma.fields.Nested(ComparedFigureSchema))


class GroupFigureSchema(BenchmarkSchema):
    key = ma.fields.String()


class GroupSchema(Schema):
    dimensions = ma.fields.List(ma.fields.Nested(GroupFigureSchema))
    indices = ma.fields.List(ma.fields.Nested(GroupFigureSchema))


class NationalSchema(GroupSchema):
    title = _text


class CountyGroupSchema(GroupSchema):
    county_number = ma.fields.String()
    county = ma.fields.String()


class SizeClassGroupSchema(GroupSchema):
    key = ma.fields.String()
    title = _text


class CoefficientSchema(Schema):
    term = ma.fields.String(metadata={"description": "intercept, or size_class:<key>"})
    estimate = ma.fields.Float()
    standard_error = ma.fields.Float()


class ModelFitSchema(Schema):
    key = ma.fields.String()
    municipalities = ma.fields.Integer()
    suppressed = ma.fields.Boolean()
    suppression_reason = ma.fields.String(
        allow_none=True, metadata={"enum": ["too_few_municipalities", "model_not_estimable"]}
    )
    borrows_from = ma.fields.String(metadata={"enum": ["size_class", "all"]})
    between_variance = ma.fields.Float(metadata={"description": "sigma2_u (REML)"})
    coefficients = ma.fields.List(ma.fields.Nested(CoefficientSchema))
    note = ma.fields.String()


class ModelsSchema(Schema):
    dimensions = ma.fields.List(ma.fields.Nested(ModelFitSchema))
    indices = ma.fields.List(ma.fields.Nested(ModelFitSchema))


class PoolSchema(Schema):
    audience = ma.fields.String()
    period = ma.fields.String()
    pooling = ma.fields.String(metadata={"enum": list(POOLINGS)})
    municipalities = ma.fields.Integer(metadata={"description": "municipalities in the pool"})
    national = ma.fields.Nested(NationalSchema)
    counties = ma.fields.List(ma.fields.Nested(CountyGroupSchema))
    size_classes = ma.fields.List(ma.fields.Nested(SizeClassGroupSchema))
    models = ma.fields.Nested(ModelsSchema)


class AllScoresSchema(Schema):
    instrument = ma.fields.String()
    confidence_level = ma.fields.Float()
    min_n = ma.fields.Integer()
    pooling = ma.fields.String(metadata={"enum": list(POOLINGS)})
    pagination = ma.fields.Nested(PaginationSchema)
    method = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    verdicts = ma.fields.Dict(
        keys=ma.fields.String(),
        values=_text,
        metadata={"description": "each verdict in nb, nn and en"},
    )
    surveys = ma.fields.List(ma.fields.Nested(ComparedSurveySchema))
    benchmarks = ma.fields.List(
        ma.fields.Nested(PoolSchema),
        metadata={
            "description": "the pools of the rows shown (by audience and period), each group's "
            "benchmark with nobody left out, and the model fits"
        },
    )
