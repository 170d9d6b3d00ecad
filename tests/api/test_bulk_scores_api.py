"""GET /scores computed in bulk holds the same figures as each survey's own read, its
benchmarks are those of the others' figures pooled one comparison at a time, and it reads
the database in a constant number of statements, however many surveys it shows.

The mix: unweighted and gender-weighted surveys, one with a baseline, one too small to
publish (fewer than SURVEY_MIN_N = 5) and one whose respondents all rolled the same (withheld
under 2 x min_n), over municipalities of two size classes and two counties.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from survey_service.db import db
from survey_service.scoring import benchmark_difference, pooled_benchmark

from helpers import GENDER_MARGINS, bearer, dice_survey, read_scores, submit

UNWEIGHTED = {
    "4611": [5, 6, 4, 5, 6, 5, 3, 6, 4, 5],
    "4615": [2, 3, 4, 3, 2, 5, 3, 4, 3, 2],
    "4612": [3, 4, 4, 5, 3, 4, 2, 4, 5, 4],
    "4617": [2, 3, 3, 4, 2, 3, 4, 1, 3, 3],
    "1151": [4, 5, 4, 3, 5],
    "4621": [4, 4, 4, 4, 4],  # all alike, under 2 x min_n: withheld
    "4616": [6, 6, 5],  # under min_n: nothing published
}
WEIGHTED = {
    "4613": [5, 4, 6, 5, 5, 4, 6, 5, 4, 5, 6, 5, 4, 6, 5],
    "4619": [4, 3, 5, 4, 2, 6, 4, 3, 4, 5, 3, 4, 5, 2, 4],
    "1106": [3, 3, 4, 2, 5, 4, 3, 3, 4, 2],
}
KINDS = ("dimensions", "indices")
GROUP_OF = {"national": None, "county": "county_number", "size_class": "size_class"}


def bulk(client, key):
    app = client.application
    app.extensions.get("conditional_get_bodies", {}).clear()  # computed, not kept
    response = client.get(
        "/api/v1/scores",
        query_string={"instrument": "samlingsevaluering", "page_size": 500},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def make(client, admin, unweighted, weighted):
    surveys = []
    for number, rolls in unweighted.items():
        survey = dice_survey(client, admin, municipality=number)
        for roll in rolls:
            assert submit(client, survey, {"terningkast": roll}).status_code == 201
        surveys.append(survey)
    for number, rolls in weighted.items():
        survey = dice_survey(
            client,
            admin,
            municipality=number,
            respondent_attributes={"gender": None},
            population_margins=GENDER_MARGINS,
        )
        for i, roll in enumerate(rolls):
            gender = "female" if i % 3 else "male"
            response = submit(client, survey, {"terningkast": roll}, respondent={"gender": gender})
            assert response.status_code == 201
        surveys.append(survey)
    return surveys


def test_every_row_holds_the_figures_of_its_surveys_own_read(client, admin):
    surveys = make(client, admin, UNWEIGHTED, WEIGHTED)
    baseline = surveys[0]
    follow_up = dice_survey(
        client, admin, municipality="4611", period="2027", baseline_survey=baseline["id"]
    )
    for roll in [3, 4, 2, 5, 3, 4, 3, 2, 4, 3]:
        assert submit(client, follow_up, {"terningkast": roll}).status_code == 201
    body = bulk(client, admin)
    rows = {row["survey"]: row for row in body["surveys"]}
    assert set(rows) == {s["id"] for s in [*surveys, follow_up]}
    withheld = 0
    for survey in [*surveys, follow_up]:
        row, own = rows[survey["id"]], read_scores(client, admin, survey)
        for field in ("n", "suppressed", "response_rate", "staircase", "instrument_version"):
            assert row[field] == own[field]
        for kind in KINDS:
            assert [e["key"] for e in row[kind]] == [e["key"] for e in own[kind]]
            for shown, expected in zip(row[kind], own[kind], strict=True):
                shown = {k: v for k, v in shown.items() if k not in ("benchmarks", "model_based")}
                expected = {k: v for k, v in expected.items() if k != "reliability"}
                assert shown == expected
                withheld += shown["suppressed"]
    assert withheld >= 2  # the small survey's and the all-alike survey's figures


def _published(entry):
    if entry["suppressed"] or entry["estimate"] is None or not entry["degrees_of_freedom"]:
        return None
    return entry["estimate"], entry["standard_error"], entry["degrees_of_freedom"]


def _label(row, group):
    field = GROUP_OF[group]
    if field is None:
        return "national"
    value = row[field]
    return value["key"] if isinstance(value, dict) else value


@pytest.mark.parametrize("pooling", ["municipalities", "population"])
def test_benchmarks_are_the_others_pooled_one_comparison_at_a_time(client, admin, pooling):
    make(client, admin, UNWEIGHTED, WEIGHTED)
    client.application.extensions.get("conditional_get_bodies", {}).clear()
    response = client.get(
        "/api/v1/scores",
        query_string={"instrument": "samlingsevaluering", "page_size": 500, "pooling": pooling},
        headers=bearer(admin),
    )
    rows = response.get_json()["surveys"]
    members = [row for row in rows if row["in_benchmark"]]
    compared = 0
    for row in rows:
        for kind in KINDS:
            for entry in row[kind]:
                own = _published(entry)
                for group, shown in entry["benchmarks"].items():
                    if own is None:
                        assert shown["suppressed"] and shown["estimate"] is None
                        continue
                    label = _label(row, group)
                    others = [
                        (m, figure)
                        for m in members
                        if m["municipality"] != row["municipality"] and _label(m, group) == label
                        for e in m[kind]
                        if e["key"] == entry["key"] and (figure := _published(e)) is not None
                    ]
                    if len(others) < 3:
                        assert shown["suppressed"]
                        continue
                    bench = pooled_benchmark(
                        [f[0] for _, f in others],
                        [f[1] for _, f in others],
                        degrees_of_freedom=[f[2] for _, f in others],
                        populations=[m["population"] for m, _ in others],
                        pooling=pooling,
                    )
                    difference = benchmark_difference(
                        own[0], own[1], degrees_of_freedom=own[2], benchmark=bench
                    )
                    assert shown["municipalities"] == len(others)
                    assert shown["estimate"] == pytest.approx(bench.estimate, rel=1e-12)
                    assert shown["standard_error"] == pytest.approx(bench.standard_error, rel=1e-12)
                    assert shown["degrees_of_freedom"] == pytest.approx(
                        bench.degrees_of_freedom, rel=1e-9
                    )
                    diff = shown["difference"]
                    assert diff["estimate"] == pytest.approx(difference.estimate, abs=1e-9)
                    low, high = difference.confidence_interval
                    assert diff["confidence_interval"]["low"] == pytest.approx(low, abs=1e-9)
                    assert diff["confidence_interval"]["high"] == pytest.approx(high, abs=1e-9)
                    assert diff["verdict"] == difference.verdict
                    compared += 1
    assert compared >= 15


def test_the_bulk_call_reads_in_a_constant_number_of_statements(client, admin):
    def statements():
        count = 0

        def counted(*_args):
            nonlocal count
            count += 1

        with client.application.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counted)
        try:
            body = bulk(client, admin)
        finally:
            event.remove(engine, "before_cursor_execute", counted)
        return count, len(body["surveys"])

    make(client, admin, dict(list(UNWEIGHTED.items())[:4]), dict(list(WEIGHTED.items())[:1]))
    few, shown_few = statements()
    make(client, admin, dict(list(UNWEIGHTED.items())[4:]), dict(list(WEIGHTED.items())[1:]))
    many, shown_many = statements()
    assert shown_many > shown_few
    assert many == few
