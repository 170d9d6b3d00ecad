from __future__ import annotations

import marshmallow as ma

from survey_service.models.key import ROLES
from survey_service.resources.schemas import Schema, municipality_number


class KeyCreateSchema(Schema):
    role = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(ROLES),
        metadata={"description": f"what the key may do: {', '.join(ROLES)}"},
    )
    municipality = municipality_number(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "the kommunenummer a municipality key is bound to: required for a "
            "municipality key and refused for any other role; must be a municipality that "
            "exists (422 otherwise)"
        },
    )
    name = ma.fields.String(
        load_default="",
        validate=ma.validate.Length(max=200),
        metadata={"description": "who or what the key is for"},
    )
    expires_at = ma.fields.AwareDateTime(
        default_timezone=None,
        load_default=None,
        allow_none=True,
        metadata={
            "description": "when the key stops working: in the future, with a time zone (422 "
            "otherwise); without it the key works until it is revoked"
        },
    )


class KeySchema(Schema):
    """A key as it may be shown after it was created: never its secret or hash."""

    prefix = ma.fields.String(
        metadata={"description": "the part of the key after 'svk_' and before the next '_'"}
    )
    role = ma.fields.String()
    municipality = ma.fields.String(allow_none=True)
    name = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    expires_at = ma.fields.AwareDateTime(allow_none=True)
    revoked_at = ma.fields.AwareDateTime(allow_none=True)
    state = ma.fields.String(metadata={"description": "active, expired or revoked"})


class CreatedKeySchema(KeySchema):
    key = ma.fields.String(
        metadata={
            "description": "the key to send as 'Authorization: Bearer <key>'; shown only in "
            "this response, it cannot be read again"
        }
    )
