"""Surveys: a municipality running an instrument for an audience over a period."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from flask import Response, current_app
from flask.views import MethodView

from survey_service import json_codec
from survey_service.api import Blueprint, abort
from survey_service.auth import current_principal
from survey_service.conditional_get import NO_STORE
from survey_service.db import db
from survey_service.models import Survey
from survey_service.resources import read_versions
from survey_service.resources.scores.schemas import ScoresQuerySchema, SurveyScoresSchema
from survey_service.resources.surveys.schemas import (
    BenefitQuerySchema,
    BenefitRealisationSchema,
    CommentsQuerySchema,
    CommentsSchema,
    FieldworkQuerySchema,
    FieldworkSchema,
    InvitationBatchSchema,
    InvitationFormatSchema,
    InvitationRequestSchema,
    SurveyCreateSchema,
    SurveyQuerySchema,
    SurveySchema,
    SurveyUpdateSchema,
)
from survey_service.services import organisers, snapshots
from survey_service.services import surveys as service
from survey_service.services.access import Principal, get_listed, get_visible
from survey_service.services.benefit_realisation import benefit_realisation
from survey_service.services.collecting import accepting_responses
from survey_service.services.comments import survey_comments
from survey_service.services.fieldwork import fieldwork
from survey_service.services.invitations import create_invitations
from survey_service.services.scores import Rules, survey_scores

blp = Blueprint("surveys", __name__, description="Surveys and their lifecycle.")

OWNERS = ("admin", "municipality")


def principal() -> Principal:
    who = current_principal()
    assert who is not None  # guaranteed by @blp.requires
    return who


def present(survey: Survey) -> dict[str, Any]:
    """The survey as clients see it, with its links."""
    version = survey.instrument_version
    return {
        "id": survey.id,
        "public_id": survey.public_id,
        "municipality": survey.municipality_number,
        "municipality_name": organisers.runner_name(survey),
        "organiser": organisers.organiser_of(survey),
        "participants": organisers.participant_names(db.session, survey),
        "instrument": version.instrument.key,
        "instrument_version": version.version,
        "audience": survey.audience,
        "title": survey.title,
        "titles": survey.titles or {},
        "access": survey.access,
        "default_language": survey.default_language,
        "status": survey.status,
        "accepting_responses": accepting_responses(survey),
        "period": survey.period,
        "opens_at": survey.opens_at,
        "closes_at": survey.closes_at,
        "population_size": survey.population_size,
        "baseline_survey": survey.baseline_survey_id,
        "targets": survey.targets,
        "embed_origins": survey.embed_origins,
        "respondent_attributes": survey.respondent_attributes,
        "population_margins": survey.population_margins,
        "created_at": survey.created_at,
        "links": service.links(survey, current_app.config["SURVEY_PUBLIC_URL"]),
    }


def find_or_404(survey_id: int) -> Survey:
    survey = get_visible(db.session, principal(), survey_id)
    if survey is None:
        abort(404, message=f"No survey {survey_id} that this key may see.")
    return survey


@blp.route("")
class Surveys(MethodView):
    @blp.requires(*OWNERS)
    @blp.arguments(SurveyQuerySchema, location="query")
    @blp.response(200, SurveySchema(many=True))
    def get(self, query: dict[str, Any]) -> Any:
        """List surveys

        A municipality key sees its own municipality's surveys, and the surveys an organiser
        (the network, KS, a county) runs in which its municipality takes part; `municipality`
        narrows the list to the surveys a municipality runs or takes part in.
        """
        filters = service.SurveyFilters(**query)
        return [present(s) for s in service.list_surveys(db.session, principal(), filters)]

    @blp.requires(*OWNERS)
    @blp.arguments(SurveyCreateSchema)
    @blp.response(201, SurveySchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Create a survey

        It starts as a draft; open it with `PATCH {"status": "open"}`. A municipality key may
        create surveys for its own municipality only. An admin key may create a survey that
        an organiser runs for several municipalities: `organiser` and `participants` instead
        of `municipality`; its form asks each respondent which of them they come from.
        """
        who = principal()
        survey = service.create_survey(
            db.session, data, actor=who.label, municipality_scope=who.municipality_scope
        )
        db.session.commit()
        return present(survey)


@blp.route("/<int:survey_id>")
class SurveyById(MethodView):
    @blp.requires(*OWNERS)
    @blp.response(200, SurveySchema)
    @blp.error(404, "No such survey, or not this key's municipality")
    def get(self, survey_id: int) -> Any:
        """Get a survey

        A municipality key gets its own municipality's surveys, and the surveys an organiser
        runs in which its municipality takes part (of whose results it reads its own part
        only: `GET /surveys/{id}/parts/{number}`).
        """
        survey = get_listed(db.session, principal(), survey_id)
        if survey is None:
            abort(404, message=f"No survey {survey_id} that this key may see.")
        return present(survey)

    @blp.requires(*OWNERS)
    @blp.arguments(SurveyUpdateSchema)
    @blp.response(200, SurveySchema)
    @blp.error(404, "No such survey, or not this key's municipality")
    @blp.error(409, "The status change is not allowed")
    def patch(self, changes: dict[str, Any], survey_id: int) -> Any:
        """Change a survey: open or close it, or edit its details

        The lifecycle is `draft` -> `open` -> `closed`.
        """
        survey = find_or_404(survey_id)
        service.update_survey(
            db.session,
            survey,
            changes,
            actor=principal().label,
            min_n=current_app.config["SURVEY_MIN_N"],
        )
        db.session.commit()
        return present(survey)


@blp.route("/<int:survey_id>/invitations")
class Invitations(MethodView):
    @blp.requires(*OWNERS)
    @blp.arguments(InvitationRequestSchema)
    @blp.arguments(InvitationFormatSchema, location="query")
    @blp.response(201, InvitationBatchSchema)
    @blp.alt_response(
        201,
        schema={"type": "string"},
        content_type="text/csv",
        description="The tokens: JSON, or with ?format=csv a CSV file (token,url) to download",
        success=True,
    )
    @blp.error(404, "No such survey, or not this key's municipality")
    @blp.error(409, "The survey is closed")
    def post(self, body: dict[str, Any], query: dict[str, Any], survey_id: int) -> Any:
        """Create single-use invitation tokens

        The tokens are shown once (only their hashes are kept); `?format=csv` returns them as a
        CSV file for mail merges. A response is never linked to the token that admitted it.
        """
        survey = find_or_404(survey_id)
        tokens = create_invitations(db.session, survey, body["count"], actor=principal().label)
        db.session.commit()
        form = service.links(survey, current_app.config["SURVEY_PUBLIC_URL"])["form"]
        rows = [{"token": t, "url": f"{form}?token={t}"} for t in tokens]
        if query["format"] == "csv":
            filename = f"invitations-survey-{survey.id}.csv"
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=["token", "url"], lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
            return Response(
                buffer.getvalue(),
                status=201,
                mimetype="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            )
        return {
            "survey": survey.id,
            "count": len(rows),
            "invitations": rows,
            "note": "Shown once: only a hash of each token is kept.",
        }


@blp.route("/<int:survey_id>/fieldwork")
class Fieldwork(MethodView):
    @blp.requires(*OWNERS)
    @blp.arguments(FieldworkQuerySchema, location="query")
    @blp.conditional(read_versions.fieldwork)
    @blp.response(200, FieldworkSchema)
    @blp.error(404, "No such survey, or not this key's municipality")
    def get(self, query: dict[str, Any], survey_id: int) -> Any:
        """Follow the data collection: responses, response rate, precision so far and ahead

        `precision_projected` says how wide the main index's interval would be at
        `target_responses`, and how many responses it takes to reach the half-width
        `SURVEY_PRECISION_HALF_WIDTH`: whether reminders are worth sending.
        """
        survey = find_or_404(survey_id)
        rules = Rules.from_config(current_app.config, confidence_level=0.95)
        return fieldwork(
            db.session,
            survey,
            rules=rules,
            precision_wanted=current_app.config["SURVEY_PRECISION_HALF_WIDTH"],
            target_responses=query.get("target_responses"),
        )


@blp.route("/<int:survey_id>/scores")
class Scores(MethodView):
    @blp.requires("admin", "municipality", "dashboard", "analyst")
    @blp.arguments(ScoresQuerySchema, location="query")
    @blp.conditional(read_versions.survey_results)
    @blp.response(200, SurveyScoresSchema)
    @blp.error(404, "No such survey, or not this key's municipality")
    def get(self, query: dict[str, Any], survey_id: int) -> Any:
        """Get a survey's scores with confidence intervals

        Per dimension, index and item: estimate, standard error, interval, n and whether the
        figure is suppressed (fewer than `min_n` respondents: every figure null) or imprecise;
        Cronbach's alpha per dimension; the staircase attainment; change since the baseline
        survey and whether targets are met.
        """
        survey = find_or_404(survey_id)
        min_n = current_app.config["SURVEY_MIN_N"]
        if snapshots.finalise(db.session, survey, min_n=min_n, today=datetime.now(UTC).date()):
            db.session.commit()  # closed since: its final figures are published now
        rules = Rules.from_config(current_app.config, query["confidence_level"])
        body = survey_scores(db.session, survey, rules)
        # Built in the documented shape (a test dumps it through SurveyScoresSchema and gets
        # the served text back); serialised here because dumping it field by field took a
        # quarter of the read.
        return current_app.response_class(json_codec.dumps(body), mimetype="application/json")


@blp.route("/<int:survey_id>/comments")
class Comments(MethodView):
    @blp.requires("admin", "municipality", "analyst")
    @blp.arguments(CommentsQuerySchema, location="query")
    @blp.conditional(read_versions.comments, cache_control=NO_STORE)
    @blp.response(200, CommentsSchema)
    @blp.error(404, "No such survey, or not this key's municipality")
    def get(self, query: dict[str, Any], survey_id: int) -> Any:
        """Read what respondents wrote in the free-text questions, screened

        Once the survey has stopped collecting and has at least `min_n` responses: per
        free-text item, the comments in a new random order at every read, with no respondent
        attribute, date or id, and with e-mail addresses, national identity and phone numbers
        masked. An item shown only to some respondents is released when at least `min_n` were
        shown it. `withheld` says why nothing is released. Every read is audited.
        """
        survey = find_or_404(survey_id)
        report = survey_comments(
            db.session,
            survey,
            min_n=current_app.config["SURVEY_MIN_N"],
            lang=query["lang"],
            actor=principal().label,
        )
        db.session.commit()
        return report


@blp.route("/<int:survey_id>/benefit-realisation")
class BenefitRealisation(MethodView):
    @blp.requires("admin", "municipality", "dashboard", "analyst")
    @blp.conditional(read_versions.survey_results)
    @blp.arguments(BenefitQuerySchema, location="query")
    @blp.response(200, BenefitRealisationSchema)
    @blp.error(404, "No such survey, or not this key's municipality")
    def get(self, query: dict[str, Any], survey_id: int) -> Any:
        """Judge benefit realisation: baseline, follow-up, change and targets in words

        For a survey with a baseline survey: each dimension and index at the baseline and now,
        and the change with its Welch interval. For each target: the published figure, its
        distance from the target, and a verdict judged on the interval (`reached`: low end at
        or above the target; `not_reached`: high end below it; `not_yet_distinguishable`;
        `withheld`), also as a sentence in `lang` (default: the survey's language). A survey
        with neither a baseline nor targets answers 200 with both empty and a `note`.
        """
        survey = find_or_404(survey_id)
        rules = Rules.from_config(current_app.config, query["confidence_level"])
        return benefit_realisation(
            db.session, survey, rules, lang=query.get("lang") or survey.default_language
        )
