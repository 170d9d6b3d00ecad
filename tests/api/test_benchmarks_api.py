"""GET /scores: each figure against the other municipalities, and its model-based estimate.

Each survey's number of responses is a multiple of SURVEY_MIN_N (5), so its published
snapshot holds every response.

The Fay–Herriot reference (R 4.2.2, metafor 3.8-1), on the direct estimates the API
publishes for ROLLS (the mean of (roll - 1) x 20 and its SRS standard error):

    library(metafor)
    p <- function(label, x) cat(label, paste(sprintf("%.17g", x), collapse = ", "), "\\n")
    rolls <- list(
      "4611" = c(5, 6, 4, 5, 6, 5, 3, 6, 4, 5),
      "4615" = c(2, 3, 4, 3, 2, 5, 3, 4, 3, 2),
      "4616" = c(6, 6, 5, 4, 6),
      "4619" = c(4, 3, 5, 4, 2, 6, 4, 3, 4, 5),
      "4612" = c(3, 4, 4, 5, 3, 4, 2, 4, 5, 4),
      "4613" = c(5, 4, 6, 5, 5, 4, 6, 5, 4, 5, 6, 5, 4, 6, 5),
      "4617" = c(2, 3, 3, 4, 2, 3, 4, 1, 3, 3),
      "4621" = c(4, 5, 4, 3, 5)
    )
    score <- lapply(rolls, function(r) (r - 1) * 20)
    yi <- sapply(score, mean)
    vi <- sapply(score, function(s) var(s) / length(s))     # the published SE, squared
    cls <- factor(c(rep("under_5000", 4), rep("5000_19999", 4)),
                  levels = c("under_5000", "5000_19999"))
    fit <- rma(yi, vi, mods = ~ cls, method = "REML",
               control = list(threshold = 1e-12, maxiter = 1000))
    b <- blup(fit); V <- fit$tau2 + vi
    p("tau2", fit$tau2); p("beta", coef(fit)); p("beta_se", fit$se)
    p("eblup", b$pred); p("rmse", sqrt(b$se^2 + 2 * vi^2 / V^3 * 2 / sum(1 / V^2)))
    p("gamma", fit$tau2 / V)

(``rmse``: metafor's ``blup`` standard error is ``sqrt(g1 + g2)``; ``2 g3`` is Datta and
Lahiri's term for the estimated ``tau2``.) Tolerance: 1e-8 relative.
"""

from __future__ import annotations

import numpy as np
import pytest

from survey_service.resources.scores.comparison_schemas import AllScoresSchema

from helpers import assert_error, bearer, dice, dice_survey, figure, read_scores, submit

# Four municipalities under 5,000 inhabitants and four of 5,000-19,999, all in Vestland.
ROLLS = {
    "4611": [5, 6, 4, 5, 6, 5, 3, 6, 4, 5],
    "4615": [2, 3, 4, 3, 2, 5, 3, 4, 3, 2],
    "4616": [6, 6, 5, 4, 6],
    "4619": [4, 3, 5, 4, 2, 6, 4, 3, 4, 5],
    "4612": [3, 4, 4, 5, 3, 4, 2, 4, 5, 4],
    "4613": [5, 4, 6, 5, 5, 4, 6, 5, 4, 5, 6, 5, 4, 6, 5],
    "4617": [2, 3, 3, 4, 2, 3, 4, 1, 3, 3],
    "4621": [4, 5, 4, 3, 5],
}
R_TAU2 = 339.16687898356838
R_BETA = [66.736817506923373, -7.5322719611165621]
R_BETA_SE = [9.8489696497874277, 13.796010147197793]
R_EBLUP = [76.823620149729393, 44.583629777183596, 84.624614395439053, 60.915405705341342]
R_EBLUP += [56.290237238589249, 79.10587283322306, 38.101646903020658, 63.320425208394084]
R_RMSE = [6.2100411135413607, 6.2100411135413607, 7.7976447572200058, 7.1608655235069509]
R_RMSE += [5.7510110353439563, 3.8900560601389294, 5.7510110353439563, 7.322032738785575]
R_GAMMA = [0.89555528812627216, 0.89555528812627216, 0.84125680124976632]
R_GAMMA += [0.86411896946880529, 0.90942951677842976, 0.95700372075318407]
R_GAMMA += [0.90942951677842976, 0.85828771848480612]
RTOL = 1e-8


def bulk(client, key, **query):
    response = client.get(
        "/api/v1/scores",
        query_string={"instrument": "samlingsevaluering", "page_size": 500, **query},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def make(client, admin, rolls, **fields):
    """A dice survey per municipality with its rolls; municipality -> survey."""
    surveys = {}
    for municipality, values in rolls.items():
        survey = dice_survey(client, admin, municipality=municipality, **fields)
        for roll in values:
            assert submit(client, survey, {"terningkast": roll}).status_code == 201
        surveys[municipality] = survey
    return surveys


def dice_row(body, survey):
    row = next(r for r in body["surveys"] if r["survey"] == survey["id"])
    return row, next(f for f in row["dimensions"] if f["key"] == "terningkast")


def test_model_based_estimates_are_metafors_fit(client, admin):
    surveys = make(client, admin, ROLLS)
    body = bulk(client, admin)
    for i, (municipality, survey) in enumerate(surveys.items()):
        row, dim = dice_row(body, survey)
        scores = np.array([dice(r) for r in ROLLS[municipality]])
        assert dim["estimate"] == pytest.approx(scores.mean(), rel=1e-12)
        model = dim["model_based"]
        assert model["label"] == "model-based" and model["method"] == "fay-herriot-eblup"
        assert model["suppressed"] is False and model["borrows_from"] == "size_class"
        assert model["estimate"] == pytest.approx(R_EBLUP[i], rel=RTOL), municipality
        assert model["rmse"] == pytest.approx(R_RMSE[i], rel=RTOL), municipality
        assert model["share_own_data"] == pytest.approx(R_GAMMA[i], rel=RTOL), municipality
        half = 1.959963984540054 * R_RMSE[i]
        assert model["confidence_interval"]["low"] == pytest.approx(R_EBLUP[i] - half, rel=RTOL)
        assert model["confidence_interval"]["high"] == pytest.approx(
            min(100.0, R_EBLUP[i] + half), rel=RTOL
        )
    (pool,) = body["benchmarks"]
    (fit,) = pool["models"]["dimensions"]
    assert fit["between_variance"] == pytest.approx(R_TAU2, rel=RTOL)
    assert [c["term"] for c in fit["coefficients"]] == ["intercept", "size_class:5000_19999"]
    assert [c["estimate"] for c in fit["coefficients"]] == pytest.approx(R_BETA, rel=RTOL)
    assert [c["standard_error"] for c in fit["coefficients"]] == pytest.approx(R_BETA_SE, rel=RTOL)
    assert fit["municipalities"] == 8


def _published(client, admin, survey):
    f = figure(read_scores(client, admin, survey), "terningkast")
    return f["estimate"], f["standard_error"], f["degrees_of_freedom"]


@pytest.mark.parametrize("pooling", ["municipalities", "population"])
def test_the_benchmark_leaves_the_compared_municipality_out(client, admin, pooling):
    surveys = make(client, admin, ROLLS)
    body = bulk(client, admin, pooling=pooling)
    populations = {
        m: client.get(f"/api/v1/municipalities/{m}").get_json()["population"] for m in ROLLS
    }
    published = {m: _published(client, admin, s) for m, s in surveys.items()}
    small = {"4611", "4615", "4616", "4619"}
    for municipality, survey in surveys.items():
        row, dim = dice_row(body, survey)
        assert row["in_benchmark"] is True
        groups = {
            "national": set(ROLLS),
            "county": set(ROLLS),  # all in Vestland
            "size_class": small if municipality in small else set(ROLLS) - small,
        }
        for group, members in groups.items():
            others = sorted(members - {municipality})
            w = np.array([1.0 if pooling == "municipalities" else populations[m] for m in others])
            c = w / w.sum()
            theta = np.array([published[m][0] for m in others])
            se = np.array([published[m][1] for m in others])
            bench = dim["benchmarks"][group]
            assert bench["municipalities"] == len(others), group
            assert bench["estimate"] == pytest.approx(float(c @ theta), rel=1e-12), group
            assert bench["standard_error"] == pytest.approx(
                float(np.sqrt(np.sum(c * c * se * se))), rel=1e-12
            )
            difference = bench["difference"]
            own, own_se, _ = published[municipality]
            assert difference["estimate"] == pytest.approx(own - float(c @ theta), rel=1e-9)
            assert difference["standard_error"] == pytest.approx(
                float(np.sqrt(own_se**2 + np.sum(c * c * se * se))), rel=1e-12
            )
            low, high = difference["confidence_interval"].values()
            expected = (
                "clearly_above"
                if low > 0
                else "clearly_below"
                if high < 0
                else "not_distinguishable"
            )
            assert difference["verdict"] == expected
    assert body["pooling"] == pooling
    assert set(body["verdicts"]) == {"clearly_above", "clearly_below", "not_distinguishable"}


def test_filters_pages_and_callers_do_not_change_the_benchmark(client, admin, make_key):
    surveys = make(client, admin, ROLLS)
    make(client, admin, {"5001": [1, 2, 2, 3, 1, 2], "1101": [6, 5, 6, 6, 5, 4]})
    everything = bulk(client, admin)
    target = surveys["4612"]
    _, expected = dice_row(everything, target)
    assert expected["benchmarks"]["national"]["municipalities"] == 9
    for query in [
        {"municipality": "4612"},
        {"county": "46"},
        {"audience": "mixed", "period": target["period"]},
        {"page_size": 1, "page": 5},
    ]:
        _, dim = dice_row(bulk(client, admin, **query), target)
        assert dim["benchmarks"] == expected["benchmarks"], query
        assert dim["model_based"] == expected["model_based"], query
    own = bulk(client, make_key("municipality", "4612"))
    _, dim = dice_row(own, target)
    assert dim["benchmarks"] == expected["benchmarks"]
    assert dim["model_based"] == expected["model_based"]


def test_one_survey_per_municipality_and_period(client, admin):
    surveys = make(client, admin, ROLLS)
    # A second, larger survey in Etne the same period, and an equal third: the larger stands
    # for Etne; the others are compared with the same benchmark but are not in it.
    larger = make(client, admin, {"4611": [1, 2, 1, 2, 3, 1, 2, 1, 2, 3, 2, 2, 1, 3, 2]})["4611"]
    equal = make(client, admin, {"4611": [2, 2, 3, 1, 2, 1, 2, 1, 2, 3, 3, 1, 2, 2, 1]})["4611"]
    body = bulk(client, admin)
    first, _ = dice_row(body, surveys["4611"])
    chosen, chosen_dim = dice_row(body, larger)
    tie, tie_dim = dice_row(body, equal)
    assert [first["in_benchmark"], chosen["in_benchmark"], tie["in_benchmark"]] == [
        False,
        False,
        True,  # of two equally large, the newer
    ]
    assert tie_dim["model_based"]["suppressed"] is False
    assert chosen_dim["model_based"]["suppression_reason"] == "not_in_pool"
    _, other = dice_row(body, surveys["4612"])
    assert other["benchmarks"]["national"]["municipalities"] == 7  # 8 municipalities, not 10
    etne = _published(client, admin, equal)[0]
    rest = [
        _published(client, admin, s)[0] for m, s in surveys.items() if m not in ("4611", "4612")
    ]
    assert other["benchmarks"]["national"]["estimate"] == pytest.approx(
        np.mean([etne, *rest]), rel=1e-12
    )
    # Every Etne row is compared with the seven others, whichever survey it is.
    for dim in (chosen_dim, tie_dim):
        assert dim["benchmarks"]["national"]["municipalities"] == 7
    assert chosen_dim["benchmarks"]["national"]["estimate"] == pytest.approx(
        tie_dim["benchmarks"]["national"]["estimate"], rel=1e-12
    )
    (pool,) = body["benchmarks"]
    assert pool["municipalities"] == 8


@pytest.mark.parametrize("app_config", [{"SURVEY_MIN_N": 5}])
def test_a_withheld_figure_enters_nothing(client, admin):
    surveys = make(client, admin, ROLLS)
    before = bulk(client, admin)
    # Six people in Utsira who all rolled 4: the figure is withheld (all gave the same answer).
    withheld = make(client, admin, {"1151": [4] * 6})["1151"]
    after = bulk(client, admin)
    row, dim = dice_row(after, withheld)
    assert dim["suppressed"] is True and row["in_benchmark"] is True
    for group in ("national", "county", "size_class"):
        assert dim["benchmarks"][group]["suppressed"] is True
        assert dim["benchmarks"][group]["suppression_reason"] == "figure_withheld"
        assert dim["benchmarks"][group]["estimate"] is None
    assert dim["model_based"]["suppressed"] is True and dim["model_based"]["estimate"] is None
    # No other figure moved: not a benchmark, not a difference, not a model-based estimate.
    for survey in surveys.values():
        assert dice_row(after, survey)[1] == dice_row(before, survey)[1]
    assert after["benchmarks"][0]["models"] == before["benchmarks"][0]["models"]
    assert after["benchmarks"][0]["national"] == before["benchmarks"][0]["national"]


def test_municipality_keys_see_their_own_rows(client, admin, make_key):
    surveys = make(client, admin, ROLLS)
    key = make_key("municipality", "4613")
    own = bulk(client, key)
    assert [r["survey"] for r in own["surveys"]] == [surveys["4613"]["id"]]
    assert own["pagination"]["total"] == 1
    (pool,) = own["benchmarks"]
    assert [c["county_number"] for c in pool["counties"]] == ["46"]
    assert [c["key"] for c in pool["size_classes"]] == ["5000_19999"]
    assert bulk(client, key, municipality="4612")["surveys"] == []
    assert bulk(client, key, municipality="4612")["pagination"]["total"] == 0


def test_pages(client, admin):
    surveys = make(client, admin, ROLLS)
    ids = [s["id"] for s in surveys.values()]
    pages = [bulk(client, admin, page=p, page_size=3) for p in (1, 2, 3, 4)]
    assert [[r["survey"] for r in page["surveys"]] for page in pages] == [
        ids[0:3],
        ids[3:6],
        ids[6:8],
        [],
    ]
    assert pages[0]["pagination"] == {"page": 1, "page_size": 3, "total": 8, "total_pages": 3}
    assert pages[3]["benchmarks"] == []
    assert bulk(client, admin)["pagination"] == {
        "page": 1,
        "page_size": 500,
        "total": 8,
        "total_pages": 1,
    }
    for query, field in [({"page_size": 501}, "page_size"), ({"page": 0}, "page")]:
        response = client.get(
            "/api/v1/scores",
            query_string={"instrument": "samlingsevaluering", **query},
            headers=bearer(admin),
        )
        assert field in assert_error(response, 422)["errors"]
    response = client.get(
        "/api/v1/scores",
        query_string={"instrument": "samlingsevaluering", "pooling": "people"},
        headers=bearer(admin),
    )
    assert "pooling" in assert_error(response, 422)["errors"]


def test_rows_name_the_municipality_and_the_survey(client, admin):
    surveys = make(client, admin, {"4601": [5, 6, 4, 5, 6], "1151": [3, 4, 5, 3, 4]})
    body = bulk(client, admin)
    bergen, _ = dice_row(body, surveys["4601"])
    utsira, _ = dice_row(body, surveys["1151"])
    assert bergen["municipality_name"] == "Bergen" and bergen["county"] == "Vestland"
    assert bergen["county_number"] == "46" and bergen["size_class"]["key"] == "100000_and_over"
    assert utsira["size_class"]["key"] == "under_5000"
    assert set(utsira["size_class"]["title"]) == {"nb", "nn", "en"}
    assert bergen["title"] == {surveys["4601"]["default_language"]: surveys["4601"]["title"]}
    assert set(bergen["instrument_title"]) == {"nb", "nn", "en"}
    # Two municipalities: too few for any benchmark, or a model.
    _, dim = dice_row(body, surveys["4601"])
    assert dim["benchmarks"]["national"]["suppression_reason"] == "too_few_municipalities"
    assert dim["model_based"]["suppression_reason"] == "too_few_municipalities"


def test_the_body_is_what_the_schema_documents(client, admin):
    make(client, admin, ROLLS)
    make(client, admin, {"4611": [1, 2, 1, 2, 3, 1, 2, 1, 2, 3, 2, 2, 1, 3, 2], "1151": [4] * 6})
    body = bulk(client, admin)
    assert AllScoresSchema().dump(body) == body


def test_rows_hold_the_figures_of_the_surveys_own_scores(client, admin):
    # Weighted by gender, with a baseline and a target: the row's figures are the survey's
    # own (reliability, Cronbach's alpha, is left to the survey's own read).
    fields = {
        "respondent_attributes": {"gender": None},
        "population_margins": {"gender": {"female": 600, "male": 400}},
    }
    baseline = dice_survey(client, admin, municipality="4601", period="2025", **fields)
    follow_up = dice_survey(
        client,
        admin,
        municipality="4601",
        baseline_survey=baseline["id"],
        targets={"terningkast": 60},
        **fields,
    )
    first = [3, 4, 2, 5, 3, 4, 3, 2, 4, 3, 5, 1, 2, 4, 3]
    for survey, rolls in ((baseline, first), (follow_up, ROLLS["4613"])):
        for i, roll in enumerate(rolls):
            gender = "female" if i % 2 else "male"
            response = submit(client, survey, {"terningkast": roll}, respondent={"gender": gender})
            assert response.status_code == 201
    for survey in (baseline, follow_up):
        row, _ = dice_row(bulk(client, admin), survey)
        own = read_scores(client, admin, survey)
        for kind in ("dimensions", "indices"):
            for shown, expected in zip(row[kind], own[kind], strict=True):
                shown = {k: v for k, v in shown.items() if k not in ("benchmarks", "model_based")}
                expected = {k: v for k, v in expected.items() if k != "reliability"}
                assert shown == expected
        for field in ("n", "suppressed", "response_rate", "staircase", "instrument_version"):
            assert row[field] == own[field]
    _, dim = dice_row(bulk(client, admin), follow_up)
    assert dim["change"]["suppressed"] is False and dim["target"]["value"] == 60
    assert dim["design_effect"] > 1.0  # weighted
