"""Survey scores through the API, checked against hand-derived values and the references."""

import math

import numpy as np
import pytest
from scipy import stats

from survey_service.scoring import cronbach_alpha, mean_ci

from helpers import (
    answers_for,
    assert_error,
    bearer,
    dice_survey,
    figure,
    open_survey,
    read_scores,
    submit,
    weighted_dice_survey,
)

# Student t quantiles (published tables; scipy.stats.t.ppf agrees to 1e-12).
T_975_DF5 = 2.5705818366147395
T_95_DF5 = 2.015048372669157


def bounded_by_hand(points, low, high, *, t, population_size=None):
    """The bounded-scale score interval, solved by hand: on the 0-1 scale the interval is
    where (p - mu)^2 = t^2 [(n - 1) n v + c f mu (1 - mu)] / [(n - 1 + c) n], a quadratic
    in mu (unweighted: m = n)."""
    n = len(points)
    units = [(x - low) / (high - low) for x in points]
    p = sum(units) / n
    f = 1.0 if population_size is None else 1 - n / population_size
    v = sum((u - p) ** 2 for u in units) / (n - 1) / n * f
    c = 200 / (100 + n)
    k = (n - 1 + c) * n / t**2
    a, b, const = k + c * f, 2 * k * p + c * f, k * p * p - (n - 1) * n * v
    root = math.sqrt(b * b - 4 * a * const)
    return [low + (high - low) * (b + sign * root) / (2 * a) for sign in (-1, 1)]


def scores(client, key, survey, **query):
    url = f"/api/v1/surveys/{survey['id']}/scores"
    response = client.get(url, query_string=query, headers=bearer(key))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by_key(figures):
    return {f["key"]: f for f in figures}


@pytest.mark.parametrize("app_config", [{"SURVEY_MIN_N": 3}])
def test_small_survey_by_hand(client, admin):
    # Six dice rolls (two snapshots of three with min_n = 3); the dice 1-6 maps to 0-100 as
    # (x - 1) / 5 * 100.
    survey = open_survey(
        client, admin, instrument="samlingsevaluering", audience="mixed", population_size=40
    )
    rolls = [6, 5, 5, 4, 3, 6]
    for roll in rolls:
        response = submit(client, survey, {"terningkast": roll, "viktigste_laerdom": "Mykje"})
        assert response.status_code == 201
    result = scores(client, admin, survey)

    points = [100.0, 80.0, 80.0, 60.0, 40.0, 100.0]
    mean = sum(points) / 6  # 76.666...
    variance = sum((p - mean) ** 2 for p in points) / 5  # sample variance, 546.666...
    se = math.sqrt(variance / 6) * math.sqrt(1 - 6 / 40)  # with the finite-population correction
    dice = by_key(result["dimensions"])["terningkast"]
    assert result["n"] == 6
    assert result["response_rate"] == pytest.approx(6 / 40)
    assert dice["n"] == 6 and dice["suppressed"] is False
    assert dice["estimate"] == pytest.approx(76.66666666666667, rel=1e-12)
    assert dice["standard_error"] == pytest.approx(se, rel=1e-12)
    assert dice["degrees_of_freedom"] == 5
    # The interval knows the 0-100 bounds; it reaches further down than the t interval
    # (54.04 to 99.29) does, away from the bound.
    low, high = bounded_by_hand(points, 0, 100, t=T_975_DF5, population_size=40)
    assert dice["confidence_interval"]["low"] == pytest.approx(low, rel=1e-9)
    assert dice["confidence_interval"]["high"] == pytest.approx(high, rel=1e-9)
    assert low < mean - T_975_DF5 * se and high < 100
    assert dice["imprecise"] is True  # half-width ~ 9.8 * 2.57 > 10 points
    assert result["method"]["weighting"] == "none"
    assert result["method"]["finite_population_correction"] is True
    assert result["method"]["interval_method"] == "bounded-score"

    at_90 = by_key(scores(client, admin, survey, confidence_level=0.9)["dimensions"])
    low_90, _ = bounded_by_hand(points, 0, 100, t=T_95_DF5, population_size=40)
    assert at_90["terningkast"]["confidence_interval"]["low"] == pytest.approx(low_90, rel=1e-9)


def test_staircase_reliability_and_items(client, admin):
    survey = open_survey(client, admin)
    rng = np.random.default_rng(7)
    rows = []
    for _ in range(40):
        # Lower steps score higher: a respondent's level, plus item noise.
        base = rng.integers(2, 6)
        answers = {}
        for step, offset in (("sso", 1), ("kv", 1), ("ip", 0), ("ep", -1), ("ti", -2)):
            for i in range(1, 5):
                answers[f"{step}_{i}"] = int(np.clip(base + offset + rng.integers(-1, 2), 1, 5))
        rows.append(answers)
        assert submit(client, survey, answers).status_code == 201
    result = scores(client, admin, survey)

    from survey_service.instruments import bundled

    instrument = bundled("omdommetrappen")
    item_scores = {
        link: [
            (r[link] - 1) / 4 * 100
            if not instrument.item(link).reverse
            else (5 - r[link]) / 4 * 100
            for r in rows
        ]
        for link in rows[0]
    }
    dims = by_key(result["dimensions"])
    for prefix, key in (("sso", "strukturer_systemer_okonomi"), ("ti", "tillit")):
        per_person = [
            np.mean([item_scores[f"{prefix}_{i}"][p] for i in range(1, 5)]) for p in range(40)
        ]
        expected = mean_ci(per_person)
        assert dims[key]["estimate"] == pytest.approx(expected.estimate, rel=1e-12)
        assert dims[key]["standard_error"] == pytest.approx(expected.standard_error, rel=1e-9)
        matrix = np.array([item_scores[f"{prefix}_{i}"] for i in range(1, 5)]).T
        alpha = cronbach_alpha(matrix)
        assert dims[key]["reliability"]["estimate"] == pytest.approx(alpha.estimate, rel=1e-9)
        assert dims[key]["reliability"]["confidence_interval"]["low"] == pytest.approx(
            alpha.confidence_interval.low, rel=1e-9
        )
    staircase = result["staircase"]
    reached = [step["reached"] for step in staircase["steps"]]
    expected_level = 0
    for key in [s["key"] for s in staircase["steps"]]:
        if dims[key]["estimate"] >= staircase["threshold"]:
            expected_level += 1
        else:
            break
    assert staircase["level"] == expected_level
    assert staircase["level_with_confidence"] <= staircase["level"]
    assert reached[: staircase["level"]] == [True] * staircase["level"]
    index = by_key(result["indices"])["omdommeindeks"]
    assert index["n"] == 40 and index["suppressed"] is False
    assert by_key(result["items"])["sso_1"]["n"] == 40


def test_everything_suppressed_below_min_n(client, admin):
    survey = open_survey(client, admin, population_size=30, targets={"tillit": 50})
    for value in (1, 2, 3, 4):
        submit(client, survey, answers_for("omdommetrappen", value))
    result = scores(client, admin, survey)
    assert result["n"] is None and result["suppressed"] is True
    assert result["response_rate"] is None
    for shown in result["dimensions"] + result["indices"] + result["items"]:
        assert shown["suppressed"] is True
        for field in ("estimate", "standard_error", "confidence_interval", "n", "n_effective"):
            assert shown[field] is None, (shown["key"], field)
    for shown in result["dimensions"]:
        reliability = shown["reliability"]
        assert reliability["estimate"] is None and reliability["n"] is None
    assert by_key(result["dimensions"])["tillit"]["target"] == {
        "value": 50.0,
        "met": None,
        "met_with_confidence": None,
    }
    assert result["staircase"]["level"] == 0
    assert all(step["reached"] is None for step in result["staircase"]["steps"])
    # One more respondent reaches the minimum: the figures appear.
    submit(client, survey, answers_for("omdommetrappen", 5))
    assert scores(client, admin, survey)["n"] == 5


@pytest.mark.parametrize("app_config", [{"SURVEY_MIN_N": 8}])
def test_min_n_is_configurable(client, admin):
    survey = open_survey(client, admin)
    for value in (1, 2, 3, 4, 5, 4, 3):
        submit(client, survey, answers_for("omdommetrappen", value))
    assert scores(client, admin, survey)["suppressed"] is True


@pytest.mark.parametrize("app_config", [{"SURVEY_MIN_N": 4}])
def test_poststratified_weights_match_the_reference(client, admin):
    survey = weighted_dice_survey(client, admin)
    data = [
        ("female", 6),
        ("female", 5),
        ("female", 6),
        ("male", 2),
        ("male", 3),
        ("male", 4),
        ("male", 3),
        ("female", 5),
    ]
    for gender, roll in data:
        response = submit(client, survey, {"terningkast": roll}, respondent={"gender": gender})
        assert response.status_code == 201, response.get_json()
    result = scores(client, admin, survey)
    figure = by_key(result["dimensions"])["terningkast"]
    values = np.array([(roll - 1) * 20.0 for _, roll in data])
    genders = np.array([g for g, _ in data])
    weights = np.where(genders == "female", 600 / 4, 400 / 4)
    # By hand: the weighted mean is 0.6 x mean(female) + 0.4 x mean(male).
    assert figure["estimate"] == pytest.approx(0.6 * 90 + 0.4 * 40, rel=1e-12)
    # The variance equals R's svymean on postStratify(...) (mean_ci is tested against it).
    reference = mean_ci(values, weights=weights, poststrata=genders)
    assert figure["standard_error"] == pytest.approx(reference.standard_error, rel=1e-9)
    assert result["method"]["weighting"] == "poststratified"
    assert figure["design_effect"] == pytest.approx(reference.design_effect, rel=1e-9)


@pytest.mark.parametrize("app_config", [{"SURVEY_MIN_N": 3}])
def test_change_since_baseline_is_welch(client, admin):
    baseline = open_survey(client, admin, instrument="samlingsevaluering", audience="mixed")
    first = [3, 4, 4, 5, 3, 2]
    for roll in first:
        submit(client, baseline, {"terningkast": roll})
    follow_up = open_survey(
        client,
        admin,
        instrument="samlingsevaluering",
        audience="mixed",
        baseline_survey=baseline["id"],
        targets={"terningkast": 70},
    )
    second = [5, 6, 5, 6, 4, 5]
    for roll in second:
        submit(client, follow_up, {"terningkast": roll})
    figure = by_key(scores(client, admin, follow_up)["dimensions"])["terningkast"]
    a = [(r - 1) * 20.0 for r in first]
    b = [(r - 1) * 20.0 for r in second]
    welch = stats.ttest_ind(b, a, equal_var=False)
    change = figure["change"]
    assert change["estimate"] == pytest.approx(np.mean(b) - np.mean(a), rel=1e-12)
    assert change["pvalue"] == pytest.approx(welch.pvalue, rel=1e-9)
    assert change["degrees_of_freedom"] == pytest.approx(welch.df, rel=1e-9)
    assert change["significant"] is True
    assert figure["target"]["met"] is True


def test_withdrawal_reaches_the_scores_with_the_next_snapshot(client, admin):
    survey = open_survey(client, admin, instrument="samlingsevaluering", audience="mixed")
    receipts = [
        submit(client, survey, {"terningkast": roll}).get_json()["receipt"]
        for roll in (1, 6, 6, 6, 6)
    ]
    before = scores(client, admin, survey)
    assert by_key(before["dimensions"])["terningkast"]["estimate"] == pytest.approx(80.0)
    response = client.post("/api/v1/public/withdrawals", json={"receipt": receipts[0]})
    assert response.status_code == 204
    # One change is fewer than min_n: the published figures stay as they were.
    assert scores(client, admin, survey) == before
    for roll in (5, 6, 6, 6):
        submit(client, survey, {"terningkast": roll})
    after = scores(client, admin, survey)
    figure = by_key(after["dimensions"])["terningkast"]
    assert figure["estimate"] == pytest.approx((7 * 100 + 80) / 8) and figure["n"] == 8
    assert after["snapshot"]["seq"] == before["snapshot"]["seq"] + 1


def test_who_may_read_scores(client, admin, make_key):
    survey = open_survey(client, admin, municipality="4601")
    for role in ("dashboard", "analyst"):
        assert scores(client, make_key(role), survey)["survey"] == survey["id"]
    assert scores(client, make_key("municipality", "4601"), survey)["survey"] == survey["id"]
    other = make_key("municipality", "0301")
    url = f"/api/v1/surveys/{survey['id']}/scores"
    assert_error(client.get(url, headers=bearer(other)), 404)
    assert_error(client.get(url), 401)
    assert_error(client.get(url + "?confidence_level=0.3", headers=bearer(admin)), 422)


def test_raked_weights_over_two_margins(client, admin):
    from survey_service.scoring import rake

    margins = {
        "gender": {"female": 520, "male": 480},
        "age_band": {"under_30": 200, "30_44": 300, "45_59": 300, "60_plus": 200},
    }
    survey = open_survey(
        client,
        admin,
        instrument="samlingsevaluering",
        audience="mixed",
        respondent_attributes={"gender": None, "age_band": None},
        population_margins=margins,
    )
    rng = np.random.default_rng(11)
    # Every joint cell has at least min_n (5) respondents, so none is pooled.
    counts = {"female": (5, 8, 12, 17), "male": (5, 5, 6, 7)}  # 65 respondents
    data = []
    for gender, per_age in counts.items():
        for age, count in zip(margins["age_band"], per_age, strict=True):
            data += [(gender, age, int(rng.integers(1, 7))) for _ in range(count)]
    order = rng.permutation(len(data))
    data = [data[i] for i in order]
    for gender, age, roll in data:
        response = submit(
            client, survey, {"terningkast": roll}, respondent={"gender": gender, "age_band": age}
        )
        assert response.status_code == 201
    result = scores(client, admin, survey)
    figure = by_key(result["dimensions"])["terningkast"]
    genders = np.array([g for g, _, _ in data], dtype=object)
    ages = np.array([a for _, a, _ in data], dtype=object)
    values = np.array([(r - 1) * 20.0 for _, _, r in data])
    weights = rake({"gender": genders, "age_band": ages}, margins)
    # The calibration variance on the margins (mean_ci is tested against R's svymean on a
    # rake()d design), not the post-stratification variance on the joint cells.
    reference = mean_ci(
        values,
        weights=weights,
        raking_margins={"gender": genders, "age_band": ages},
        scale=(0.0, 100.0),
    )
    assert result["method"]["weighting"] == "raked"
    assert "raking margins" in result["method"]["variance"]
    assert figure["estimate"] == pytest.approx(reference.estimate, rel=1e-6)
    assert figure["standard_error"] == pytest.approx(reference.standard_error, rel=1e-6)
    assert figure["confidence_interval"]["low"] == pytest.approx(
        reference.confidence_interval.low, rel=1e-6
    )
    assert figure["design_effect"] > 1.0  # unequal weights cost precision
    assert figure["n_effective"] < 65


@pytest.mark.parametrize("app_config", [{"SURVEY_MIN_N": 3}])
def test_joint_margin_age_by_gender(client, admin):
    margins = {
        "age_band+gender": {
            "under_30+female": 100,
            "under_30+male": 100,
            "60_plus+female": 300,
            "60_plus+male": 500,
        }
    }
    survey = open_survey(
        client,
        admin,
        instrument="samlingsevaluering",
        audience="mixed",
        respondent_attributes={"gender": None, "age_band": None},
        population_margins=margins,
    )
    rolls = {
        ("under_30", "female"): (6, 5, 4),  # scores 100, 80, 60: mean 80
        ("under_30", "male"): (3, 4, 5),  # mean 60
        ("60_plus", "female"): (1, 2, 3),  # mean 20
        ("60_plus", "male"): (3, 2, 1),  # mean 20
        ("30_44", "male"): (6, 5, 4),  # mean 80; 30_44 is not in the margins: "unknown"
    }  # three in each cell: min_n = 3 lets every cell keep a weight of its own
    data = [(age, gender, roll) for (age, gender), rs in rolls.items() for roll in rs]
    for age, gender, roll in data:
        submit(
            client, survey, {"terningkast": roll}, respondent={"age_band": age, "gender": gender}
        )
    figure = by_key(scores(client, admin, survey)["dimensions"])["terningkast"]
    # By hand: the unknown category keeps its sample share (3/15) of the population of 1000;
    # the known cells share the other 12/15 in proportion to their counts.
    known = 1000 * 12 / 15
    cell_means = {
        "under_30+female": 80,
        "under_30+male": 60,
        "60_plus+female": 20,
        "60_plus+male": 20,
    }
    expected = (
        sum(
            known * count / 1000 * cell_means[cell]
            for cell, count in margins["age_band+gender"].items()
        )
        / 1000
    )
    expected += (1000 * 3 / 15) * 80 / 1000
    assert figure["estimate"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "margins,message",
    [
        ({"shoe_size": {"42": 10}}, "not a respondent attribute"),
        ({"area": {"Sentrum": 10}}, "does not ask for area"),
        ({"gender": {"unicorn": 10}}, "not a gender code"),
        ({"age_band+gender": {"under_30": 10}}, "joined with '+'"),
        ({"gender": {"female": -3}}, "whole number"),
    ],
)
def test_invalid_margins_are_422(client, admin, margins, message):
    body = {
        "municipality": "4601",
        "instrument": "samlingsevaluering",
        "audience": "mixed",
        "title": "T",
        "respondent_attributes": {"gender": None, "age_band": None},
        "population_margins": margins,
    }
    result = assert_error(client.post("/api/v1/surveys", json=body, headers=bearer(admin)), 422)
    assert message in " ".join(result["errors"]["population_margins"])


def test_all_scores_with_benchmarks_of_the_other_municipalities(client, admin, make_key):
    rolls = {
        "4601": [6, 5, 5, 4, 6],
        "5001": [3, 4, 3, 2, 4],
        "1151": [5, 5, 6, 4, 5],
        "1101": [2, 4, 3, 5, 4],
        "4602": [4, 4, 5, 3, 6],
        "0301": [2, 3],
    }  # Oslo has too few respondents: left out of every benchmark
    for municipality, values in rolls.items():
        survey = open_survey(
            client,
            admin,
            municipality=municipality,
            instrument="samlingsevaluering",
            audience="mixed",
        )
        for roll in values:
            submit(client, survey, {"terningkast": roll})
    key = make_key("dashboard")
    body = client.get(
        "/api/v1/scores?instrument=samlingsevaluering", headers=bearer(key)
    ).get_json()
    assert [s["municipality"] for s in body["surveys"]] == list(rolls)
    assert body["surveys"][5]["suppressed"] is True
    bergen = by_key(body["surveys"][0]["dimensions"])["terningkast"]
    others = [
        mean_ci([(r - 1) * 20.0 for r in values])
        for m, values in rolls.items()
        if m not in ("4601", "0301")
    ]
    national = bergen["benchmarks"]["national"]
    assert national["municipalities"] == 4
    assert national["estimate"] == pytest.approx(np.mean([p.estimate for p in others]))
    se = math.sqrt(sum(p.standard_error**2 for p in others)) / 4
    assert national["standard_error"] == pytest.approx(se, rel=1e-12)
    oslo = by_key(body["surveys"][5]["dimensions"])["terningkast"]
    assert oslo["benchmarks"]["national"]["suppression_reason"] == "figure_withheld"
    county = client.get(
        "/api/v1/scores?instrument=samlingsevaluering&county=46", headers=bearer(key)
    ).get_json()
    assert [s["municipality"] for s in county["surveys"]] == ["4601", "4602"]
    # The filter chooses the rows, not what they are compared with.
    assert (
        by_key(county["surveys"][0]["dimensions"])["terningkast"]["benchmarks"]
        == (bergen["benchmarks"])
    )
    assert_error(client.get("/api/v1/scores", headers=bearer(key)), 422)
    own = client.get(
        "/api/v1/scores?instrument=samlingsevaluering",
        headers=bearer(make_key("municipality", "4601")),
    )
    assert own.status_code == 200
    assert [s["municipality"] for s in own.get_json()["surveys"]] == ["4601"]


def test_a_census_is_never_a_point(client, admin):
    # Ten of ten answered: the correction for the finite population would make every
    # interval a point. It is left out, so the interval is that of the answers' spread.
    rolls = [6, 5, 5, 4, 6, 3, 5, 6, 4, 5]
    figures = []
    for population in (10, None):
        survey = dice_survey(client, admin, population_size=population)
        for roll in rolls:
            assert submit(client, survey, {"terningkast": roll}).status_code == 201
        figures.append(figure(read_scores(client, admin, survey), "terningkast"))
    census, sample = figures
    interval = census["confidence_interval"]
    assert interval["high"] - interval["low"] > 1
    assert interval == sample["confidence_interval"]
