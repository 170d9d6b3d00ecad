"""Respondent endpoints for custom front ends: no key, no cookies, nothing that identifies."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask.views import MethodView

from survey_service.api import Blueprint, abort
from survey_service.db import db, reads_apart
from survey_service.instruments import render
from survey_service.models import Survey
from survey_service.resources.public.schemas import (
    PublicQuerySchema,
    PublicSurveySchema,
    ReceiptSchema,
    SubmissionSchema,
    WithdrawalSchema,
)
from survey_service.services import organisers, submission
from survey_service.services.collecting import accepting_responses
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.surveys import find_by_public_id, title_in
from survey_service.throttle import check_client, check_survey, count_accepted

blp = Blueprint(
    "public", __name__, description="For respondents and custom front ends; no API key needed."
)
# Every public request costs work: each counts against its client's limit (429 above it).
blp.before_request(check_client)


def find_public(public_id: str) -> Survey:
    survey = find_by_public_id(db.session, public_id)
    if survey is None:
        abort(404, message="No survey has this link. Check the address you were given.")
    assert survey is not None
    return survey


def questionnaire(survey: Survey, lang: str | None) -> dict[str, Any]:
    language = lang or survey.default_language
    instrument = as_instrument(survey.instrument_version)
    rendered = render(instrument, language, audience=survey.audience)
    if survey.is_organised:  # which participating municipality: asked first of all
        names = organisers.participant_names(db.session, survey)
        rendered["respondent"].insert(0, organisers.question(language, names))
    title, title_language = title_in(survey, language)
    return {
        "public_id": survey.public_id,
        "title": title,
        "title_language": title_language,
        "municipality": survey.municipality_number,
        "municipality_name": organisers.runner_name(survey),
        "language": language,
        "access": survey.access,
        "accepting_responses": accepting_responses(survey),
        "closes_at": survey.closes_at,
        "submit_url": url_for("public.Responses", public_id=survey.public_id),
        "questionnaire": rendered,
    }


@blp.route("/surveys/<string:public_id>")
class PublicSurvey(MethodView):
    @blp.arguments(PublicQuerySchema, location="query")
    @blp.response(200, PublicSurveySchema)
    @blp.error(404, "No survey has this public id")
    @blp.error(429, "Too many requests from this client just now")
    def get(self, query: dict[str, Any], public_id: str) -> Any:
        """Get a survey's questionnaire in one language (`?lang=nb|nn|en`)"""
        return questionnaire(find_public(public_id), query.get("lang"))


@blp.route("/surveys/<string:public_id>/responses")
class Responses(MethodView):
    @blp.arguments(SubmissionSchema)
    @blp.response(201, ReceiptSchema)
    @blp.alt_response(200, schema=ReceiptSchema, description="A retry: the first receipt")
    @blp.error(403, "Invitation survey without a valid token")
    @blp.error(404, "No survey has this public id")
    @blp.error(409, "Survey not open, or the invitation is used")
    @blp.error(429, "Too many requests from this client or to this survey")
    def post(self, data: dict[str, Any], public_id: str) -> Any:
        """Submit a response

        Idempotent on `submission_id`: the same id again answers 200 with the same receipt and
        stores nothing new. The response is stored whole or not at all.
        """
        with reads_apart():  # SQLite: its write lock taken once the answers are checked
            survey = find_public(public_id)
        check_survey(survey.public_id)
        # A refusal raises: it becomes the error payload at the edge, and nothing is kept.
        receipt = submission.submit(
            db.session,
            survey,
            data,
            secret=current_app.config["SURVEY_SECRET_KEY"],
            min_n=current_app.config["SURVEY_MIN_N"],
        )
        db.session.commit()
        if receipt.created:
            count_accepted(survey.public_id)
        body = {
            "receipt": receipt.code,
            # Where to POST {"receipt": ...}: the code travels in the body, never in a URL.
            "withdraw_url": url_for("public.Withdrawals"),
            "created": receipt.created,
        }
        return body, 201 if receipt.created else 200


@blp.route("/withdrawals")
class Withdrawals(MethodView):
    @blp.arguments(WithdrawalSchema)
    @blp.response(204)
    @blp.error(404, "No response has this receipt")
    @blp.error(409, "The survey has closed: its answers can no longer be withdrawn")
    @blp.error(429, "Too many requests from this client just now")
    def post(self, data: dict[str, Any]) -> None:
        """Withdraw a response: the receipt code in the body

        The response is deleted and taken out of every score. The receipt is sent in the body
        so that it never appears in a URL, where proxies and server logs would keep it.
        """
        _withdraw(data["receipt"])


@blp.route("/responses/<string:receipt>")
class Withdrawal(MethodView):
    @blp.response(204)
    @blp.error(404, "No response has this receipt")
    @blp.error(409, "The survey has closed: its answers can no longer be withdrawn")
    @blp.error(429, "Too many requests from this client just now")
    def delete(self, receipt: str) -> None:
        """Withdraw a response with its receipt code in the path (prefer POST /withdrawals)

        Kept for existing clients. The response is deleted and taken out of every score. The
        service's access log shows this path as `/api/v1/public/responses/[receipt]`, but a
        proxy in front of it may log URLs; `POST /public/withdrawals` keeps the code out of them.
        """
        _withdraw(receipt)


def _withdraw(receipt: str) -> None:
    if not submission.withdraw(db.session, receipt, min_n=current_app.config["SURVEY_MIN_N"]):
        db.session.rollback()
        abort(404, message="No response has this receipt (it may be withdrawn already).")
    db.session.commit()
