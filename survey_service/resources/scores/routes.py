"""Scores across surveys, for dashboards: every survey of an instrument and a benchmark."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from survey_service.api import Blueprint
from survey_service.db import db
from survey_service.instruments import AUDIENCES
from survey_service.resources import read_versions
from survey_service.resources.schemas import Line, county_number, municipality_number
from survey_service.resources.scores.schemas import AllScoresSchema, ScoresQuerySchema
from survey_service.services.benchmark import all_scores
from survey_service.services.scores import Rules

blp = Blueprint("scores", __name__, description="Scores across surveys, with a benchmark.")


class AllScoresQuerySchema(ScoresQuerySchema):
    instrument = Line(
        required=True,
        validate=ma.validate.Length(min=1, max=64),
        metadata={"example": "omdommetrappen"},
    )
    municipality = municipality_number()
    county = county_number()
    period = Line(validate=ma.validate.Length(min=1, max=16))
    audience = ma.fields.String(validate=ma.validate.OneOf(AUDIENCES))


@blp.route("")
class AllScores(MethodView):
    @blp.requires("admin", "dashboard", "analyst")
    @blp.arguments(AllScoresQuerySchema, location="query")
    @blp.conditional(read_versions.instrument_results)
    @blp.response(200, AllScoresSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """Get every survey's scores for an instrument, with the benchmark

        Filters: `municipality`, `county`, `period`, `audience`. Drafts are left out. The
        benchmark is the average municipality over the surveys selected.
        """
        rules = Rules.from_config(current_app.config, query["confidence_level"])
        return all_scores(
            db.session,
            rules,
            instrument=query["instrument"],
            municipality=query.get("municipality"),
            county=query.get("county"),
            period=query.get("period"),
            audience=query.get("audience"),
        )
