from __future__ import annotations

import marshmallow as ma

from survey_service.resources.schemas import Line, Schema


class AuditQuerySchema(Schema):
    action = Line(
        validate=ma.validate.Length(min=1, max=64),
        metadata={
            "description": "an action, e.g. export.responses; a trailing * matches a "
            "prefix (export.*)"
        },
    )
    since = ma.fields.AwareDateTime(
        default_timezone=None, metadata={"description": "entries at or after this instant"}
    )


class AuditEntrySchema(Schema):
    id = ma.fields.Integer()
    at = ma.fields.AwareDateTime()
    actor = ma.fields.String()
    action = ma.fields.String()
    target = ma.fields.String()
    details = ma.fields.Dict()
