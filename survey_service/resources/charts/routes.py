"""Charts of a survey's published scores as SVG images, for a municipality's own web pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from sqlalchemy.orm import Session

from survey_service.api import Blueprint
from survey_service.db import db
from survey_service.models import Survey
from survey_service.resources import read_versions
from survey_service.resources.charts.schemas import ChartQuerySchema
from survey_service.resources.surveys.routes import find_or_404
from survey_service.services.charts import dimensions_chart, staircase_chart
from survey_service.services.score_report import Rules

blp = Blueprint(
    "charts", __name__, description="Charts of a survey's scores as accessible SVG images."
)

#: The same callers as ``GET /surveys/{id}/scores``: the charts show nothing more.
READERS = ("admin", "municipality", "dashboard", "analyst")

_SVG = {"type": "string", "description": "an SVG document"}

Chart = Callable[..., str]


def _svg_response(func: Any) -> Any:
    return blp.alt_response(
        200,
        schema=_SVG,
        content_type="image/svg+xml",
        description="The chart as an SVG document (no scripts, nothing fetched from elsewhere)",
        success=True,
    )(func)


def _answer(chart: Chart, name: str, query: dict[str, Any], survey_id: int) -> Response:
    survey: Survey = find_or_404(survey_id)
    lang = query.get("lang") or survey.default_language
    session: Session = db.session
    # The charts show the 95 % interval, as their labels say.
    rules = Rules.from_config(current_app.config, confidence_level=0.95)
    svg = chart(session, survey, rules, lang=lang)
    return Response(
        svg,
        content_type="image/svg+xml; charset=utf-8",
        headers={
            "Content-Disposition": f'inline; filename="survey-{survey.id}-{name}-{lang}.svg"',
            "Content-Language": lang,
        },
    )


@blp.route("/<int:survey_id>/charts/staircase.svg")
class StaircaseChart(MethodView):
    @blp.requires(*READERS)
    @blp.conditional(read_versions.survey_and_instrument_results)
    @blp.arguments(ChartQuerySchema, location="query")
    @_svg_response
    @blp.error(404, "No such survey, or not this key's municipality")
    @blp.error(409, "The survey's instrument has no staircase")
    def get(self, query: dict[str, Any], survey_id: int) -> Any:
        """Get the staircase chart of a survey (SVG)

        The steps of the instrument's staircase (the reputation staircase, or anchoring's),
        ground floor first, each with its score, 95 % interval and benchmark, the reached
        steps filled and marked with a check and the word, withheld steps hatched and
        labelled. `<title>` and `<desc>` say every figure in words; labels in `lang`.
        """
        return _answer(staircase_chart, "staircase", query, survey_id)


@blp.route("/<int:survey_id>/charts/dimensions.svg")
class DimensionsChart(MethodView):
    @blp.requires(*READERS)
    @blp.conditional(read_versions.survey_and_instrument_results)
    @blp.arguments(ChartQuerySchema, location="query")
    @_svg_response
    @blp.error(404, "No such survey, or not this key's municipality")
    def get(self, query: dict[str, Any], survey_id: int) -> Any:
        """Get the dimension chart of a survey (SVG)

        Every dimension and index as a dot with its 95 % interval on the score's scale, the
        benchmark as a diamond, the figures written beside each row; withheld figures are
        hatched and labelled, never drawn as zero. `<title>` and `<desc>` say every figure in
        words; labels in `lang`.
        """
        return _answer(dimensions_chart, "dimensions", query, survey_id)
