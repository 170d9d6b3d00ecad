"""Breakdowns: a survey's scores by role, role group, age band, gender, area or (in an
organiser's survey) municipality; and one participating municipality's part."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask.views import MethodView

from survey_service.api import Blueprint, abort
from survey_service.auth import current_principal
from survey_service.db import db
from survey_service.resources import read_versions
from survey_service.resources.breakdowns.schemas import (
    BreakdownQuerySchema,
    BreakdownSchema,
    PartQuerySchema,
    PartSchema,
)
from survey_service.resources.surveys.routes import find_or_404
from survey_service.services import snapshots
from survey_service.services.access import get_participating
from survey_service.services.breakdowns import survey_breakdown
from survey_service.services.score_report import Rules
from survey_service.services.survey_parts import municipality_part

blp = Blueprint(
    "breakdowns", __name__, description="Scores by respondent attribute: the parties' perspectives."
)


@blp.route("/<int:survey_id>/breakdowns")
class Breakdowns(MethodView):
    @blp.requires("admin", "municipality", "dashboard", "analyst")
    @blp.conditional(read_versions.survey_and_instrument_results)
    @blp.arguments(BreakdownQuerySchema, location="query")
    @blp.response(200, BreakdownSchema)
    @blp.error(404, "No such survey, or not this key's municipality")
    def get(self, query: dict[str, Any], survey_id: int) -> Any:
        """Get a survey's scores by role, role group, age band, gender or area

        Per group (`by`): every dimension and index with its interval and n, unweighted; the
        gaps between every two groups shown, with Welch intervals; the change since the
        baseline survey's same group; and a headline (the first index per group: for
        partssamarbeid by `role_group`, the parties' perspectives). Shown once the survey
        has stopped collecting. A group is withheld (`suppressed`, with a
        `suppression_reason`) when it is small or uniform, or when showing it would let a
        withheld group be computed from the total, the other groups or another breakdown;
        `by` must be one of the survey's `breakdowns` (422 otherwise).
        """
        survey = find_or_404(survey_id)
        rules = Rules.from_config(current_app.config, query["confidence_level"])
        # Closed since: its final figures first, the state its breakdowns are shown from.
        snapshots.finalise(db.session, survey, min_n=rules.min_n, today=datetime.now(UTC).date())
        report = survey_breakdown(db.session, survey, query["by"], rules)
        db.session.commit()  # the first read after collection stopped fixes the state shown
        return report


@blp.route("/<int:survey_id>/parts/<string:number>")
class MunicipalityPart(MethodView):
    @blp.requires("admin", "municipality", "dashboard", "analyst")
    @blp.conditional(read_versions.municipality_part)
    @blp.arguments(PartQuerySchema, location="query")
    @blp.response(200, PartSchema)
    @blp.error(404, "No organiser's survey with this municipality taking part, or not this key's")
    def get(self, query: dict[str, Any], survey_id: int, number: str) -> Any:
        """Get one participating municipality's part of an organiser's survey

        A survey the network, KS or a county runs for several municipalities asks each
        respondent which of them they come from. A municipality's part is every dimension and
        index over its own respondents (its group of `breakdowns?by=municipality`), shown once
        the survey has stopped collecting, and withheld (`suppressed`, with a
        `suppression_reason`) when it has fewer than `min_n` respondents, or when showing it
        would let another municipality's withheld part be computed from the total and the
        parts shown. A municipality key reads its own municipality's part only; this is all
        it reads of the results of such a survey (its scores, breakdowns, charts, fieldwork
        and comments answer 404).
        """
        who = current_principal()
        assert who is not None  # guaranteed by @blp.requires
        survey = get_participating(db.session, who, survey_id, number)
        if survey is None:
            abort(
                404,
                message=f"No survey {survey_id} with {number} taking part that this key may see.",
            )
        rules = Rules.from_config(current_app.config, query["confidence_level"])
        snapshots.finalise(db.session, survey, min_n=rules.min_n, today=datetime.now(UTC).date())
        report = municipality_part(db.session, survey, number, rules)
        db.session.commit()  # the first read after collection stopped fixes the state shown
        return report
