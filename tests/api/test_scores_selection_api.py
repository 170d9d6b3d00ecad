"""GET /scores: which surveys it lists, and the method of its benchmarks."""

import json
import subprocess
import sys

import pytest
from scipy import stats

from survey_service.services.benchmark import METHOD

from helpers import bearer, close_survey, create_survey, open_survey, submit

# (municipality, county, audience, period, dice rolls)
PLAN = [
    ("4601", "46", "mixed", "2026", [6, 5, 5, 4, 6, 1]),
    ("4602", "46", "mixed", "2026", [3, 4, 3, 2, 4]),
    ("4640", "46", "employees", "2025", [5, 5, 6, 4, 5, 2, 3]),
    ("5001", "50", "mixed", "2025", [2, 3, 4]),
    ("5006", "50", "employees", "2026", [4, 4, 4]),
    ("1151", "11", "mixed", "2026", [5, 5, 6, 4, 5]),
    ("0301", "03", "mixed", "2026", [2, 3]),
    ("4611", "46", "mixed", "2026", [2, 4, 5]),
    ("1101", "11", "mixed", "2026", [3, 5, 6]),
]


def _all_scores(client, key, **query):
    response = client.get(
        "/api/v1/scores",
        query_string={"instrument": "samlingsevaluering", **query},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _make_surveys(client, admin):
    """The surveys of PLAN (the third one closed), a draft and another instrument's survey;
    returns the ids of PLAN's surveys."""
    ids = []
    for index, (municipality, _county, audience, period, rolls) in enumerate(PLAN):
        survey = open_survey(
            client,
            admin,
            municipality=municipality,
            instrument="samlingsevaluering",
            audience=audience,
            period=period,
        )
        for roll in rolls:
            assert submit(client, survey, {"terningkast": roll}).status_code == 201
        if index == 2:
            close_survey(client, admin, survey)
        ids.append(survey["id"])
    create_survey(
        client,
        admin,
        municipality="4601",
        instrument="samlingsevaluering",
        audience="mixed",
        period="2026",
    )
    open_survey(client, admin, municipality="4601", instrument="omdommetrappen")
    return ids


@pytest.mark.parametrize("app_config", [{"SURVEY_MIN_N": 3}])
def test_filters_select_surveys_in_order_without_drafts(client, admin, make_key):
    ids = _make_surveys(client, admin)
    key = make_key("dashboard")
    cases = [
        ({}, lambda m, c, a, p: True),
        ({"municipality": "4601"}, lambda m, c, a, p: m == "4601"),
        ({"county": "46"}, lambda m, c, a, p: c == "46"),
        ({"period": "2025"}, lambda m, c, a, p: p == "2025"),
        ({"audience": "employees"}, lambda m, c, a, p: a == "employees"),
        (
            {"county": "46", "period": "2026", "audience": "mixed"},
            lambda m, c, a, p: c == "46" and p == "2026" and a == "mixed",
        ),
        ({"county": "50", "municipality": "4601"}, lambda m, c, a, p: False),
        ({"period": "1999"}, lambda m, c, a, p: False),
    ]
    for query, keep in cases:
        body = _all_scores(client, key, **query)
        expected = [i for i, (m, c, a, p, _) in zip(ids, PLAN, strict=True) if keep(m, c, a, p)]
        assert [s["survey"] for s in body["surveys"]] == expected, query
        assert all(s["instrument"] == "samlingsevaluering" for s in body["surveys"])
    assert _all_scores(client, key, instrument="forankring")["surveys"] == []


@pytest.mark.parametrize("app_config", [{"SURVEY_MIN_N": 3}])
@pytest.mark.parametrize("level", [0.95, 0.9])
def test_differences_use_the_confidence_level(client, admin, make_key, level):
    _make_surveys(client, admin)
    body = _all_scores(client, make_key("analyst"), confidence_level=level, period="2026")
    assert body["method"] == METHOD and body["confidence_level"] == level
    compared = [
        next(f for f in survey["dimensions"] if f["key"] == "terningkast")["benchmarks"]
        for survey in body["surveys"]
    ]
    differences = [c["national"]["difference"] for c in compared if not c["national"]["suppressed"]]
    assert differences  # the mixed audience of 2026 has enough published municipalities
    for difference in differences:
        low, high = difference["confidence_interval"].values()
        q = stats.t.ppf(0.5 + level / 2, difference["degrees_of_freedom"])
        assert (high - low) / 2 == pytest.approx(q * difference["standard_error"], rel=1e-9)


def test_benchmark_method_is_served_under_optimised_python():
    # `python -OO` strips docstrings; the method text must not depend on them.
    code = (
        "import json\n"
        "from survey_service.services.benchmark import METHOD\n"
        "print(json.dumps(METHOD), end='')\n"
    )
    result = subprocess.run(
        [sys.executable, "-OO", "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == METHOD
