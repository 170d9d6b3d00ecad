"""Charts of a survey's published scores as SVG, for a municipality's own web pages.

Why SVG written by hand rather than a plotting library: the two charts are a few dozen
rectangles, lines and texts whose layout is fixed by the data's shape (five steps; one row
per figure), and what matters most is what a library makes hard: the exact published numbers
as text, ``<title>``/``<desc>`` and ``role="img"`` for screen readers, the ``lang`` of the
labels, ids that cannot collide when two charts share a page, no scripts, no fonts or images
fetched, and escaping of every text that comes from data. matplotlib's SVG backend draws text
as paths or with its own fonts, adds ids and styles of its own, and would be a large
dependency for this; a JavaScript library needs a browser. ``xml.etree`` builds the tree and
escapes every text and attribute (``svg.py``), so the output is well-formed by construction.

- :mod:`.data`: the published figures and the benchmark, as the charts read them;
- :mod:`.benchmark_source`: where the benchmark comes from (one function to swap);
- :mod:`.svg`: the builder (escaping, wrapping), :mod:`.texts`: words and numbers in nb, nn
  and en, :mod:`.frame`: the root, heading, marks and legend both charts share;
- :mod:`.staircase`, :mod:`.dimensions`: the two charts.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from survey_service.models import Survey
from survey_service.services.charts.data import chart_data
from survey_service.services.charts.dimensions import dimensions_svg
from survey_service.services.charts.staircase import staircase_svg
from survey_service.services.errors import Conflict
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.score_report import Rules

__all__ = ["dimensions_chart", "staircase_chart"]


def staircase_chart(session: Session, survey: Survey, rules: Rules, *, lang: str) -> str:
    """The staircase chart of ``survey``; :class:`Conflict` when its instrument has none."""
    instrument = as_instrument(survey.instrument_version)
    if instrument.staircase is None:
        raise Conflict(
            f"Survey {survey.id} uses the instrument {instrument.key!r}, which has no "
            "staircase: there is no staircase chart for it. Its dimensions are charted at "
            f"/api/v1/surveys/{survey.id}/charts/dimensions.svg."
        )
    return staircase_svg(chart_data(session, survey, rules, lang=lang))


def dimensions_chart(session: Session, survey: Survey, rules: Rules, *, lang: str) -> str:
    """The dimension chart of ``survey``: every dimension and index with its interval."""
    return dimensions_svg(chart_data(session, survey, rules, lang=lang))
