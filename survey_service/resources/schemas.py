"""Schema pieces shared by several resources."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

_MUNICIPALITY_NUMBER = ma.validate.Regexp(r"^\d{4}$", error="A 4-digit kommunenummer, e.g. '4601'.")
_COUNTY_NUMBER = ma.validate.Regexp(r"^\d{2}$", error="A 2-digit county number, e.g. '46'.")


def municipality_number(**kwargs: Any) -> ma.fields.String:
    """A field for a municipality's number (kommunenummer): 4 digits, e.g. "4601"."""
    return ma.fields.String(validate=_MUNICIPALITY_NUMBER, **kwargs)


def county_number(**kwargs: Any) -> ma.fields.String:
    """A field for a county's number (fylkesnummer): 2 digits, e.g. "46"."""
    return ma.fields.String(validate=_COUNTY_NUMBER, **kwargs)


class Schema(ma.Schema):
    """The project's base schema: unknown fields are an error (422), never ignored."""

    class Meta:
        unknown = ma.RAISE


class ConfidenceIntervalSchema(Schema):
    low = ma.fields.Float(allow_none=True)
    high = ma.fields.Float(allow_none=True)
