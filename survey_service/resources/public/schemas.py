from __future__ import annotations

import marshmallow as ma

from survey_service.instruments import LANGUAGES
from survey_service.resources.schemas import Schema


class RespondentSchema(Schema):
    """Who answered, as far as the survey asks: each value one of the attribute's codes (or,
    for `area`, one of the survey's areas), else 422."""

    role = ma.fields.String(allow_none=True)
    age_band = ma.fields.String(allow_none=True)
    gender = ma.fields.String(allow_none=True)
    area = ma.fields.String(allow_none=True)
    municipality = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "a survey an organiser runs (the questionnaire's respondent question "
            "`municipality`): the participating municipality the respondent comes from, "
            "required; any other survey refuses it"
        },
    )


class SubmissionSchema(Schema):
    submission_id = ma.fields.UUID(
        required=True,
        metadata={"description": "made by the client; a retry with the same id stores nothing new"},
    )
    token = ma.fields.String(
        allow_none=True,
        validate=ma.validate.Length(max=200),
        metadata={"description": "the invitation token, for invitation surveys"},
    )
    language = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(LANGUAGES))
    # Only the mapping is checked here: JSON's keys are strings, and each value is checked
    # against its item by the instrument (marshmallow passing every value through a field
    # first was a tenth of a submission's time).
    answers = ma.fields.Dict(
        required=True,
        metadata={
            "description": 'link id -> value, "dont_know", or null for not answered. Each link '
            "id must be an item of the survey's questionnaire and each value valid for the item "
            "(in its scale, one of its options); at least one question must be answered (not "
            "null). Otherwise 422, with the problems per link id in `errors`.",
            "minProperties": 1,
            "additionalProperties": {"nullable": True},
        },
    )
    respondent = ma.fields.Nested(RespondentSchema, allow_none=True)


class ReceiptSchema(Schema):
    receipt = ma.fields.String(
        metadata={
            "description": "keep it to withdraw the response later",
            "example": "K7QF-2M4D-X9AB-C3LP",
        }
    )
    withdraw_url = ma.fields.String(
        metadata={
            "description": 'POST {"receipt": "<the receipt>"} here to withdraw the response '
            "(DELETE /public/responses/{receipt} also works, but puts the code in a URL)",
            "example": "/api/v1/public/withdrawals",
        }
    )
    created = ma.fields.Boolean(
        metadata={"description": "false for a retry of an earlier submission"}
    )


class WithdrawalSchema(Schema):
    receipt = ma.fields.String(
        required=True,
        validate=ma.validate.Length(min=1, max=64),
        metadata={
            "description": "the receipt code given at submission (case, spaces and dashes "
            "do not matter)",
            "example": "K7QF-2M4D-X9AB-C3LP",
        },
    )


class PublicQuerySchema(Schema):
    lang = ma.fields.String(validate=ma.validate.OneOf(LANGUAGES))


class PublicSurveySchema(Schema):
    public_id = ma.fields.String()
    title = ma.fields.String(
        metadata={"description": "in `language` if the survey has it, else in `title_language`"}
    )
    title_language = ma.fields.String(
        metadata={"description": "the language `title` is written in (mark it with lang=)"}
    )
    municipality = ma.fields.String(
        allow_none=True, metadata={"description": "null when an organiser runs the survey"}
    )
    municipality_name = ma.fields.String(
        metadata={"description": "who runs the survey: the municipality's or organiser's name"}
    )
    language = ma.fields.String()
    access = ma.fields.String()
    accepting_responses = ma.fields.Boolean()
    closes_at = ma.fields.DateTime(allow_none=True)
    submit_url = ma.fields.String()
    questionnaire = ma.fields.Dict(
        metadata={"description": "the instrument rendered in `language`"}
    )
