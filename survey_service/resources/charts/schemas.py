"""Query of the chart endpoints: the language of the labels."""

from __future__ import annotations

import marshmallow as ma

from survey_service.instruments import LANGUAGES
from survey_service.resources.schemas import Schema


class ChartQuerySchema(Schema):
    lang = ma.fields.String(
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "language of the labels; default: the survey's language"},
    )
