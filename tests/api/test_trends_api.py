"""GET /municipalities/{number}/trends: every wave in time order, the change from the
audience's previous wave, withheld figures and changes, the staircase per wave, access."""

from __future__ import annotations

import pytest
from api.waves import dice_wave, staircase_answers, trends
from scipy import stats

from helpers import assert_error, bearer, dice, figure, open_survey, read_scores, submit

# Three: each wave below is published whole (its size a multiple of three), or withheld.
MIN_N = 3


@pytest.fixture
def app_config():
    return {"SURVEY_MIN_N": MIN_N}


def points_of(body, key):
    return [p for p in body["points"] if p["key"] == key]


def test_waves_in_time_order_with_the_change_from_the_audience_previous_wave(client, admin):
    # Made out of order: the trend orders by period, then audience, not by creation.
    later = [5, 6, 5, 6, 4, 5]
    first = [3, 4, 4, 5, 3, 2]
    c = dice_wave(client, admin, later, period="2025")
    a = dice_wave(client, admin, first, period="2024")
    b = dice_wave(client, admin, [2, 3, 4], period="2024", audience="leaders")
    withheld = dice_wave(client, admin, [6, 1], period="2026")  # 2 < SURVEY_MIN_N
    e = dice_wave(client, admin, [4, 4, 5], period="2027")
    open_survey(client, admin, instrument="samlingsevaluering", audience="mixed", period="2028")
    dice_wave(client, admin, [1, 2, 3], municipality="0301", period="2025")
    draft = {"instrument": "samlingsevaluering", "audience": "mixed", "period": "2029"}
    assert (
        client.post(
            "/api/v1/surveys",
            json={**draft, "municipality": "4601", "title": "Utkast"},
            headers=bearer(admin),
        ).status_code
        == 201
    )

    response = trends(client, admin, "4601", instrument="samlingsevaluering")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["municipality"] == "4601" and body["municipality_name"]
    assert body["instrument"] == "samlingsevaluering" and body["audience"] is None
    waves = body["waves"]
    # The 2028 wave is open without responses: a wave, all withheld. The draft is not.
    assert [(w["period"], w["audience"]) for w in waves] == [
        ("2024", "leaders"),
        ("2024", "mixed"),
        ("2025", "mixed"),
        ("2026", "mixed"),
        ("2027", "mixed"),
        ("2028", "mixed"),
    ]
    assert [w["survey"] for w in waves[:5]] == [b["id"], a["id"], c["id"], withheld["id"], e["id"]]
    assert [w["wave"] for w in waves] == [1, 1, 2, 3, 4, 5]
    assert [w["previous_survey"] for w in waves[:5]] == [
        None,
        None,
        a["id"],
        c["id"],
        withheld["id"],
    ]
    assert waves[3]["n"] is None and waves[3]["suppressed"] is True
    assert all(w["staircase_level"] is None for w in waves)  # no staircase in this instrument
    assert body["figures"] == [
        {
            "kind": "dimension",
            "key": "terningkast",
            "title": {"nb": "Terningkast", "nn": "Terningkast", "en": "Dice score"},
            "scale": [0.0, 100.0],
        }
    ]

    points = points_of(body, "terningkast")
    assert [p["survey"] for p in points] == [w["survey"] for w in waves]
    first_point, change_point = points[1], points[2]
    assert first_point["change"] is None and first_point["change_suppressed"] is None
    assert first_point["change_from_survey"] is None
    assert first_point["estimate"] == pytest.approx(sum(map(dice, first)) / len(first))
    # The change is Welch's, as scipy computes it from the answers.
    welch = stats.ttest_ind([dice(r) for r in later], [dice(r) for r in first], equal_var=False)
    interval = welch.confidence_interval(0.95)
    assert change_point["change_from_survey"] == a["id"]
    assert change_point["change"] == pytest.approx(
        (sum(map(dice, later)) - sum(map(dice, first))) / 6, rel=1e-12
    )
    assert change_point["change_low"] == pytest.approx(interval.low, rel=1e-9)
    assert change_point["change_high"] == pytest.approx(interval.high, rel=1e-9)
    assert change_point["change_degrees_of_freedom"] == pytest.approx(welch.df, rel=1e-9)
    assert change_point["change_pvalue"] == pytest.approx(welch.pvalue, rel=1e-9)
    assert change_point["change_distinguishable"] is True
    assert change_point["change_suppressed"] is False

    # A withheld wave stays withheld, never 0, and so does every change it takes part in.
    gone, after = points[3], points[4]
    for field in ("estimate", "low", "high", "standard_error", "n"):
        assert gone[field] is None, field
    assert gone["suppressed"] is True and gone["suppression_reason"] == "fewer_than_min_n"
    for point in (gone, after):
        assert point["change_suppressed"] is True
        assert point["change_suppression_reason"] == "figure_withheld"
        for field in (
            "change",
            "change_low",
            "change_high",
            "change_standard_error",
            "change_pvalue",
            "change_distinguishable",
        ):
            assert point[field] is None, field
    assert after["estimate"] is not None and after["change_from_survey"] == withheld["id"]


def test_the_change_is_the_change_since_the_baseline_of_the_survey_scores(client, admin):
    baseline = dice_wave(client, admin, [3, 4, 2, 5, 3, 3], period="2024")
    follow_up = dice_wave(
        client, admin, [4, 5, 3, 6, 4, 5], period="2026", baseline_survey=baseline["id"]
    )
    for level in (0.95, 0.8):
        body = trends(
            client, admin, "4601", instrument="samlingsevaluering", confidence_level=level
        ).get_json()
        point = points_of(body, "terningkast")[1]
        change = figure(
            read_scores(client, admin, follow_up, confidence_level=level), "terningkast"
        )["change"]
        assert body["confidence_level"] == level
        assert point["change"] == change["estimate"]
        assert point["change_low"] == change["confidence_interval"]["low"]
        assert point["change_high"] == change["confidence_interval"]["high"]
        assert point["change_standard_error"] == change["standard_error"]
        assert point["change_degrees_of_freedom"] == change["degrees_of_freedom"]
        assert point["change_pvalue"] == change["pvalue"]
        assert point["change_distinguishable"] == change["significant"]


def test_audience_filter_keeps_one_audience(client, admin):
    dice_wave(client, admin, [3, 4, 2], period="2024")
    leaders = dice_wave(client, admin, [3, 4, 2], period="2024", audience="leaders")
    body = trends(
        client, admin, "4601", instrument="samlingsevaluering", audience="leaders"
    ).get_json()
    assert body["audience"] == "leaders"
    assert [w["survey"] for w in body["waves"]] == [leaders["id"]]
    assert {p["survey"] for p in body["points"]} == {leaders["id"]}


def _staircase_wave(client, key, period, levels, count=12):
    """Twelve respondents; half answer one level lower on every dimension (so no figure is
    all-alike)."""
    survey = open_survey(client, key, period=period)
    for i in range(count):
        shift = i % 2
        answers = staircase_answers({d: max(1, v - shift) for d, v in levels.items()})
        assert submit(client, survey, answers).status_code == 201
    return survey


def test_the_staircase_level_of_every_wave_and_none_for_a_withheld_one(client, admin):
    low = {
        "strukturer_systemer_okonomi": 5,
        "kvalitet": 5,
        "intern_profilering": 2,
        "ekstern_profilering": 5,
        "tillit": 5,
    }
    high = {key: 5 for key in low}
    first = _staircase_wave(client, admin, "2024", low)
    second = _staircase_wave(client, admin, "2025", high)
    third = _staircase_wave(client, admin, "2026", high, count=2)
    body = trends(client, admin, "4601", instrument="omdommetrappen").get_json()
    waves = {w["survey"]: w for w in body["waves"]}
    # Scores 100 and 75 (mean 87.5) on the steps reached; 25 and 0 on intern profilering.
    assert waves[first["id"]]["staircase_level"] == 2
    assert waves[first["id"]]["staircase_step"] == "kvalitet"
    assert waves[first["id"]]["staircase_level_with_confidence"] == 2
    assert waves[second["id"]]["staircase_level"] == 5
    assert waves[second["id"]]["staircase_step"] == "tillit"
    # Withheld: the level cannot be told, and is not shown as 0 (the survey's scores say 0).
    assert waves[third["id"]]["staircase_level"] is None
    assert waves[third["id"]]["staircase_level_with_confidence"] is None
    assert read_scores(client, admin, third)["staircase"]["level"] == 0
    kinds = {(f["kind"], f["key"]) for f in body["figures"]}
    assert ("index", "omdommeindeks") in kinds and len(kinds) == 6
    assert len(body["points"]) == 3 * 6
    index = [p for p in body["points"] if p["key"] == "omdommeindeks"]
    assert index[1]["change"] == pytest.approx(100.0 * 0.875 - (4 * 87.5 + 12.5) / 5)
    assert index[1]["change_distinguishable"] is True


def test_no_waves_yet_is_an_empty_trend(client, admin):
    body = trends(client, admin, "4601", instrument="forankring").get_json()
    assert body["waves"] == [] and body["points"] == [] and body["figures"] == []


def test_who_may_read_which_trend(client, admin, make_key):
    dice_wave(client, admin, [3, 4, 2], period="2024")
    own = make_key("municipality", "4601")
    other = make_key("municipality", "0301")
    for key in (admin, own, make_key("dashboard"), make_key("analyst")):
        response = trends(client, key, "4601", instrument="samlingsevaluering")
        assert response.status_code == 200, response.get_json()
        assert len(response.get_json()["waves"]) == 1
    assert_error(
        trends(client, other, "4601", instrument="samlingsevaluering"),
        403,
        message_contains="its own municipality only (0301), not of 4601",
    )
    assert_error(trends(client, "nope", "4601", instrument="samlingsevaluering"), 401)
    assert_error(
        trends(client, admin, "9999", instrument="samlingsevaluering"),
        404,
        message_contains="No municipality with number '9999'",
    )
    # An unknown municipality is 404 for a municipality key too (the list is public).
    assert_error(trends(client, own, "9999", instrument="samlingsevaluering"), 404)
    body = assert_error(
        trends(client, admin, "4601", instrument="omdomme"),
        404,
        message_contains="No instrument with key 'omdomme'; the instruments are: forankring,",
    )
    assert "omdommetrappen" in body["message"]
    body = assert_error(trends(client, admin, "4601"), 422)
    assert "instrument" in body["errors"]
    body = assert_error(
        trends(client, admin, "4601", instrument="samlingsevaluering", audience="everyone"), 422
    )
    assert "audience" in body["errors"]
    body = assert_error(
        trends(client, admin, "4601", instrument="samlingsevaluering", confidence_level=1), 422
    )
    assert "confidence_level" in body["errors"]
