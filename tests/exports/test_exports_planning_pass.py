"""The planning pass reads the rows once, grouped by their stored identifying columns, and
works out from that one GROUP BY the surveys' sizes (which are kept), the classes the
disclosure plan is made for, and the stored classes the SQL path releases rows by. It must
give what counting each survey and folding every row into its class give."""

from __future__ import annotations

from typing import Any

from exports.test_exports_disclosure import risky  # noqa: F401

from survey_service.db import db
from survey_service.services.exports import query
from survey_service.services.exports.disclosure import ClassStats, QuasiIdentifiers, plan
from survey_service.services.exports.export import (
    ExportRequest,
    _kept_surveys,
    find_surveys,
    planning_pass,
)


def classes_row_by_row(
    connection: Any, kept: dict[int, query.SurveyInfo], dimensions: list[str]
) -> dict[QuasiIdentifiers, ClassStats]:
    """Every published row read and added to its class in Python."""
    classes: dict[QuasiIdentifiers, ClassStats] = {}
    for row in query.stream_rows(connection, list(kept)):
        scores = (row.scores or {}).get("dimensions") or {}
        own = {
            key: [scores.get(key), scores.get(key), 0 if scores.get(key) is None else 1]
            for key in dimensions
        }
        qi = query.quasi_identifiers(kept[row.survey_id], row)
        classes.setdefault(qi, ClassStats()).add(ClassStats(1, own))
    return classes


def test_one_aggregate_pass_gives_what_counting_and_every_row_give(
    risky,  # noqa: F811
    app,
):
    with app.app_context():
        request = ExportRequest(instrument="omdommepavirkere")
        instrument, found = find_surveys(db.session, request, k=5)
        db.session.commit()  # the snapshot connection of the export's own reads next
        connection = query.open_snapshot(db.engine)
        try:
            kept, excluded, export_plan, stored = planning_pass(connection, instrument, found, 5)
            counted_kept, counted_excluded = _kept_surveys(connection, found, 5)
            dimensions = list(instrument.dimension_keys)
            expected = plan(classes_row_by_row(connection, counted_kept, dimensions), k=5)
        finally:
            connection.close()
    assert list(kept) == list(counted_kept)
    assert [(s.id, why) for s, why in excluded] == [(s.id, why) for s, why in counted_excluded]
    assert any(why == "fewer than 5 responses" for _, why in excluded)
    assert export_plan.levels == expected.levels
    assert export_plan.sizes == expected.sizes
    assert export_plan.reasons == expected.reasons
    assert export_plan.suppressed_rows > 0 and export_plan.generalised_rows > 0
    # The stored classes are those of the kept surveys' rows, each once.
    assert {entry.survey_id for entry in stored} == set(kept)
    assert len({entry.key for entry in stored}) == len(stored)
    assert sum(entry.n for entry in stored) == export_plan.total_rows
