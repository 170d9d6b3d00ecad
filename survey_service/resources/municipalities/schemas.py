from __future__ import annotations

import marshmallow as ma

from survey_service.resources.schemas import county_number


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
