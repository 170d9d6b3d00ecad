"""The headline reports of many surveys computed together (``headline_reports``: the
unweighted surveys' figures over arrays) are those of one survey at a time
(``headline_report``), float for float, for surveys with and without a population size
(and one whose respondents number it), weighted and not, and one all alike."""

from __future__ import annotations

from sqlalchemy import select

from survey_service.db import db
from survey_service.models import Survey
from survey_service.services import survey_rows
from survey_service.services.headline_scores import (
    headline_report,
    headline_reports,
    published_snapshots,
)
from survey_service.services.score_report import Rules

from helpers import GENDER_MARGINS, dice_survey, submit

ROLLS = [5, 6, 4, 5, 6, 5, 3, 6, 4, 5, 2, 3]


def test_reports_together_are_the_reports_one_at_a_time(app, client, admin):
    made = [
        (dice_survey(client, admin, municipality="4611"), ROLLS, False),
        (dice_survey(client, admin, municipality="4612", population_size=400), ROLLS, False),
        # everyone answered: no finite population correction
        (dice_survey(client, admin, municipality="4613", population_size=10), ROLLS[:10], False),
        (dice_survey(client, admin, municipality="4615"), [4] * 8, False),  # all alike
        (
            dice_survey(
                client,
                admin,
                municipality="4617",
                respondent_attributes={"gender": None},
                population_margins=GENDER_MARGINS,
            ),
            ROLLS,
            True,
        ),
    ]
    for survey, rolls, weighted in made:
        for i, roll in enumerate(rolls):
            fields = {"respondent": {"gender": "female" if i % 3 else "male"}} if weighted else {}
            assert submit(client, survey, {"terningkast": roll}, **fields).status_code == 201
    with app.app_context():
        ids = [survey["id"] for survey, _rolls, _weighted in made]
        rows = {
            row.id: row
            for row in survey_rows.survey_rows(
                db.session, survey_rows.with_columns(select(Survey)).where(Survey.id.in_(ids))
            )
        }
        shown = published_snapshots(db.session, ids)
        for level in (0.95, 0.9):
            rules = Rules(min_n=5, confidence_level=level, max_half_width=10.0)
            together = headline_reports(rows, shown, rules)
            assert set(together) == set(ids)
            estimated = 0
            for survey_id, row in rows.items():
                one = headline_report(row, shown[survey_id], rules)
                assert together[survey_id] == one
                estimated += sum(result is not None for result in one.results.values())
            assert estimated >= len(ids)
