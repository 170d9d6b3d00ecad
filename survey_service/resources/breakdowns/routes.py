"""Breakdowns: a survey's scores by role, role group, age band, gender or area."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask.views import MethodView

from survey_service.api import Blueprint
from survey_service.db import db
from survey_service.resources import read_versions
from survey_service.resources.breakdowns.schemas import BreakdownQuerySchema, BreakdownSchema
from survey_service.resources.surveys.routes import find_or_404
from survey_service.services import snapshots
from survey_service.services.breakdowns import survey_breakdown
from survey_service.services.score_report import Rules

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
