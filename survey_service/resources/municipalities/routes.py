"""Reference data: the municipalities of Norway (2024 set)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from survey_service.api import Blueprint, abort
from survey_service.auth import current_principal
from survey_service.db import db
from survey_service.models import Municipality
from survey_service.resources import read_versions
from survey_service.resources.municipalities.schemas import (
    MunicipalityQuerySchema,
    MunicipalitySchema,
    TrendsQuerySchema,
    TrendsSchema,
)
from survey_service.services.score_report import Rules
from survey_service.services.trends import municipality_trends

blp = Blueprint(
    "municipalities",
    __name__,
    description="The 357 Norwegian municipalities (SSB 2024) with county and population.",
)


@blp.route("")
class Municipalities(MethodView):
    @blp.arguments(MunicipalityQuerySchema, location="query")
    @blp.response(200, MunicipalitySchema(many=True))
    def get(self, query: dict[str, Any]) -> Any:
        """List municipalities

        Ordered by number; `county` filters by county number.
        """
        statement = select(Municipality).order_by(Municipality.number)
        if "county" in query:
            statement = statement.where(Municipality.county_number == query["county"])
        return db.session.scalars(statement).all()


@blp.route("/<string:number>")
class MunicipalityByNumber(MethodView):
    @blp.response(200, MunicipalitySchema)
    @blp.error(404, "No municipality has this number")
    def get(self, number: str) -> Any:
        """Get one municipality by its kommunenummer"""
        municipality = db.session.get(Municipality, number)
        if municipality is None:
            abort(404, message=f"No municipality with number {number!r} (expected e.g. '5001').")
        return municipality


@blp.route("/<string:number>/trends")
class MunicipalityTrends(MethodView):
    @blp.requires("admin", "municipality", "dashboard", "analyst")
    @blp.conditional(read_versions.municipality_results)
    @blp.arguments(TrendsQuerySchema, location="query")
    @blp.response(200, TrendsSchema)
    @blp.error(
        403,
        "The key's role is not one of: admin, municipality, dashboard, analyst; or a "
        "municipality key asked for another municipality",
    )
    @blp.error(404, "No municipality has this number, or no instrument has this key")
    def get(self, query: dict[str, Any], number: str) -> Any:
        """Follow a municipality over time: every wave of an instrument, with the change

        The surveys of `instrument` in the municipality that have left draft, in time order
        (by period, then audience). `waves` has one row per survey with its staircase level;
        `points` one row per survey and dimension or index, ready to plot: the published
        estimate and interval (null when withheld), and the change from the audience's
        previous wave with its Welch interval, withheld when either figure is. `audience`
        keeps one audience.
        """
        who = current_principal()
        assert who is not None  # guaranteed by @blp.requires
        rules = Rules.from_config(current_app.config, query["confidence_level"])
        return municipality_trends(
            db.session,
            who,
            municipality=number,
            instrument=query["instrument"],
            audience=query.get("audience"),
            rules=rules,
        )
