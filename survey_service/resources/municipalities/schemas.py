from __future__ import annotations

import marshmallow as ma

from survey_service.instruments import AUDIENCES
from survey_service.resources.schemas import Line, Schema, county_number


class MunicipalitySchema(ma.Schema):
    number = ma.fields.String(
        metadata={"description": "kommunenummer, 4 digits", "example": "5001"}
    )
    name = ma.fields.String(metadata={"example": "Trondheim"})
    county_number = ma.fields.String(metadata={"example": "50"})
    county = ma.fields.String(metadata={"example": "Trøndelag"})
    population = ma.fields.Integer(allow_none=True, metadata={"description": "1 January 2024"})
    population_year = ma.fields.Integer(allow_none=True)
    written_standard = ma.fields.String(
        allow_none=True,
        metadata={"description": "official written standard: nb, nn, or null when neutral"},
    )


class MunicipalityQuerySchema(ma.Schema):
    county = county_number(metadata={"description": "county number (fylkesnummer), e.g. 46"})


class TrendsQuerySchema(Schema):
    instrument = Line(
        required=True,
        validate=ma.validate.Length(min=1, max=64),
        metadata={"description": "the instrument's key", "example": "omdommetrappen"},
    )
    audience = ma.fields.String(
        validate=ma.validate.OneOf(AUDIENCES),
        metadata={"description": "only the waves of this audience"},
    )
    confidence_level = ma.fields.Float(
        load_default=0.95,
        validate=ma.validate.Range(0.5, 0.999),
        metadata={"description": "between 0.5 and 0.999"},
    )


class TrendFigureSchema(Schema):
    kind = ma.fields.String(metadata={"enum": ["dimension", "index"]})
    key = ma.fields.String()
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    scale = ma.fields.List(ma.fields.Float(), metadata={"description": "[low, high]"})


class TrendWaveSchema(Schema):
    survey = ma.fields.Integer()
    wave = ma.fields.Integer(metadata={"description": "1, 2, ... within its audience"})
    period = ma.fields.String()
    audience = ma.fields.String()
    instrument_version = ma.fields.String()
    n = ma.fields.Integer(allow_none=True, metadata={"description": "null when withheld"})
    suppressed = ma.fields.Boolean()
    previous_survey = ma.fields.Integer(
        allow_none=True, metadata={"description": "the audience's previous wave; null: first"}
    )
    staircase_level = ma.fields.Integer(
        allow_none=True,
        metadata={
            "description": "steps reached from the ground floor up, on the estimates; null "
            "for an instrument without a staircase, or when the climb stops at a withheld step"
        },
    )
    staircase_step = ma.fields.String(allow_none=True)
    staircase_level_with_confidence = ma.fields.Integer(
        allow_none=True, metadata={"description": "the same, on the intervals' lower bounds"}
    )
    staircase_step_with_confidence = ma.fields.String(allow_none=True)


class TrendPointSchema(Schema):
    survey = ma.fields.Integer()
    wave = ma.fields.Integer()
    period = ma.fields.String()
    audience = ma.fields.String()
    kind = ma.fields.String(metadata={"enum": ["dimension", "index"]})
    key = ma.fields.String()
    estimate = ma.fields.Float(allow_none=True)
    low = ma.fields.Float(allow_none=True, metadata={"description": "the interval's low end"})
    high = ma.fields.Float(allow_none=True)
    standard_error = ma.fields.Float(allow_none=True)
    n = ma.fields.Integer(allow_none=True)
    suppressed = ma.fields.Boolean()
    suppression_reason = ma.fields.String(allow_none=True)
    imprecise = ma.fields.Boolean(allow_none=True)
    change_from_survey = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "the wave the change is from; null: nothing to compare with"},
    )
    change = ma.fields.Float(allow_none=True, metadata={"description": "this wave minus it"})
    change_low = ma.fields.Float(allow_none=True)
    change_high = ma.fields.Float(allow_none=True)
    change_standard_error = ma.fields.Float(allow_none=True)
    change_degrees_of_freedom = ma.fields.Float(
        allow_none=True, metadata={"description": "Welch–Satterthwaite"}
    )
    change_pvalue = ma.fields.Float(allow_none=True)
    change_distinguishable = ma.fields.Boolean(
        allow_none=True, metadata={"description": "the change's interval leaves out 0"}
    )
    change_suppressed = ma.fields.Boolean(
        allow_none=True,
        metadata={"description": "true: a figure of either wave is withheld; null: no change"},
    )
    change_suppression_reason = ma.fields.String(
        allow_none=True, metadata={"enum": ["figure_withheld", "no_standard_error", None]}
    )


class TrendsSchema(Schema):
    municipality = ma.fields.String()
    municipality_name = ma.fields.String()
    instrument = ma.fields.String()
    audience = ma.fields.String(allow_none=True, metadata={"description": "the filter, if any"})
    confidence_level = ma.fields.Float()
    min_n = ma.fields.Integer()
    figures = ma.fields.List(
        ma.fields.Nested(TrendFigureSchema), metadata={"description": "each series once"}
    )
    waves = ma.fields.List(ma.fields.Nested(TrendWaveSchema))
    points = ma.fields.List(
        ma.fields.Nested(TrendPointSchema),
        metadata={"description": "one row per wave and figure, in the waves' order"},
    )
