"""Schema pieces shared by several resources."""

from __future__ import annotations

import marshmallow as ma


class Schema(ma.Schema):
    """The project's base schema: unknown fields are an error (422), never ignored."""

    class Meta:
        unknown = ma.RAISE


class ConfidenceIntervalSchema(Schema):
    low = ma.fields.Float(allow_none=True)
    high = ma.fields.Float(allow_none=True)
