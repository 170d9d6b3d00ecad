"""Scores across surveys, for dashboards: every survey of an instrument, compared."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from survey_service import json_codec
from survey_service.api import Blueprint
from survey_service.auth import current_principal
from survey_service.db import db
from survey_service.instruments import AUDIENCES
from survey_service.resources import read_versions
from survey_service.resources.schemas import Line, county_number, municipality_number
from survey_service.resources.scores.comparison_schemas import AllScoresSchema
from survey_service.resources.scores.schemas import ScoresQuerySchema
from survey_service.scoring import POOLINGS
from survey_service.services.benchmark import Selection, all_scores
from survey_service.services.scores import Rules

blp = Blueprint("scores", __name__, description="Scores across surveys, with benchmarks.")

MAX_PAGE_SIZE = 500
#: Bodies of the bulk call each worker keeps (a page of 500 rows is about 7 MB).
KEPT_BULK_BODIES = 4


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
    pooling = ma.fields.String(
        load_default="municipalities",
        validate=ma.validate.OneOf(POOLINGS),
        metadata={"description": "benchmarks count each municipality once, or by population"},
    )
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    page_size = ma.fields.Integer(
        load_default=100, validate=ma.validate.Range(min=1, max=MAX_PAGE_SIZE)
    )


@blp.route("")
class AllScores(MethodView):
    @blp.requires("admin", "municipality", "dashboard", "analyst")
    @blp.arguments(AllScoresQuerySchema, location="query")
    # The bulk body takes hundreds of milliseconds to compute and is polled by dashboards:
    # each worker keeps its last few by tag (conditional_get.py).
    @blp.conditional(read_versions.instrument_results, keep=KEPT_BULK_BODIES)
    @blp.response(200, AllScoresSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """Get every survey's scores for an instrument, each compared with benchmarks

        Filters (`municipality`, `county`, `period`, `audience`) choose the rows, in order of
        survey id, `page_size` (at most 500) to a `page`; drafts are left out. Each dimension
        and index carries `benchmarks` (national, county, size class: the mean of the other
        municipalities' published figures for the same instrument, audience and period, one
        survey per municipality, whatever the filters) with the difference, its interval and
        a verdict; and a `model_based` (Fay–Herriot) estimate. `pooling=population` weighs
        municipalities by population. A municipality key sees its own municipality's rows.
        """
        principal = current_principal()
        rules = Rules.from_config(current_app.config, query["confidence_level"])
        selection = Selection(
            instrument=query["instrument"],
            municipality=query.get("municipality"),
            county=query.get("county"),
            period=query.get("period"),
            audience=query.get("audience"),
            scope=None if principal is None else principal.municipality_scope,
            page=query["page"],
            page_size=query["page_size"],
        )
        body = all_scores(db.session, rules, selection, pooling=query["pooling"])
        # Built in the documented shape (a test dumps it through AllScoresSchema and gets it
        # back unchanged); serialised here because dumping 357 rows field by field takes
        # longer than computing them.
        return current_app.response_class(
            json_codec.dumps(body),
            mimetype="application/json",
        )
