"""Reference data: the municipalities of Norway (2024 set)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from survey_service.api import Blueprint, abort
from survey_service.db import db
from survey_service.models import Municipality
from survey_service.resources.municipalities.schemas import (
    MunicipalityQuerySchema,
    MunicipalitySchema,
)

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
