"""GET /surveys/{id}/benefit-realisation: baseline, follow-up, change, and each target's
verdict judged on the interval, at its edges, in nb, nn and en."""

from __future__ import annotations

import math

import pytest
from api.waves import benefit, dice_wave, staircase_answers

from helpers import assert_error, bearer, figure, open_survey, read_scores, submit

# Three: each wave below is published whole (six respondents), or withheld (two).
MIN_N = 3
BASELINE = [3, 4, 4, 5, 3, 2]  # 0-100: mean 50
FOLLOW_UP = [5, 6, 5, 6, 4, 5]  # 0-100: mean 83.3, interval (52.8, 98.4)


@pytest.fixture
def app_config():
    return {"SURVEY_MIN_N": MIN_N}


def report(client, key, survey, **query):
    response = benefit(client, key, survey, **query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def set_target(client, key, survey, value):
    response = client.patch(
        f"/api/v1/surveys/{survey['id']}",
        json={"targets": {"terningkast": value}},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_json()


def two_waves(client, key, follow_up=FOLLOW_UP, **fields):
    baseline = dice_wave(client, key, BASELINE, period="2024")
    return baseline, dice_wave(
        client, key, follow_up, period="2026", baseline_survey=baseline["id"], **fields
    )


def test_baseline_follow_up_and_change_agree_with_the_scores(client, make_key):
    owner = make_key("municipality", "4601")
    baseline, follow_up = two_waves(client, owner, targets={"terningkast": 70})
    body = report(client, owner, follow_up, lang="en")
    assert body["survey"] == follow_up["id"] and body["municipality"] == "4601"
    assert body["instrument"] == "samlingsevaluering" and body["lang"] == "en"
    assert body["baseline"] == {
        "survey": baseline["id"],
        "period": "2024",
        "audience": "mixed",
        "instrument_version": "1.0.0",
        "n": 6,
        "suppressed": False,
    }
    assert body["follow_up"]["survey"] == follow_up["id"] and body["follow_up"]["n"] == 6
    assert body["note"] is None
    (entry,) = body["figures"]
    assert (entry["kind"], entry["key"], entry["title"]) == (
        "dimension",
        "terningkast",
        "Dice score",
    )
    scores = figure(read_scores(client, owner, follow_up), "terningkast")
    before = figure(read_scores(client, owner, baseline), "terningkast")
    for name in ("estimate", "standard_error", "confidence_interval", "n", "suppressed"):
        assert entry["follow_up"][name] == scores[name], name
        assert entry["baseline"][name] == before[name], name
    assert entry["baseline"]["estimate"] == pytest.approx(50.0)
    change = entry["change"]
    assert change["estimate"] == scores["change"]["estimate"] == pytest.approx(100 / 3)
    assert change["confidence_interval"] == scores["change"]["confidence_interval"]
    assert change["pvalue"] == scores["change"]["pvalue"]
    assert change["distinguishable"] is scores["change"]["significant"] is True
    # The report of another municipality's survey is as missing as a missing one.
    other = make_key("municipality", "0301")
    assert_error(benefit(client, other, follow_up), 404, message_contains="No survey")


# Each verdict, and the sentence that says it, in the three languages.
SENTENCES = {
    50: (
        "reached",
        "Målet om 50 for terningkast er nådd: 83,3 (52,8–98,4).",
        "Målet om 50 for terningkast er nått: 83,3 (52,8–98,4).",
        "The target of 50 for dice score is reached: 83.3 (52.8–98.4).",
    ),
    99.5: (
        "not_reached",
        "Målet om 99,5 for terningkast er ikke nådd: 83,3 (52,8–98,4).",
        "Målet om 99,5 for terningkast er ikkje nått: 83,3 (52,8–98,4).",
        "The target of 99.5 for dice score is not reached: 83.3 (52.8–98.4).",
    ),
    70: (
        "not_yet_distinguishable",
        "Det kan ennå ikke sies om målet om 70 for terningkast er nådd: 83,3 (52,8–98,4), "
        "og usikkerheten spenner over målet.",
        "Det kan enno ikkje seiast om målet om 70 for terningkast er nått: 83,3 (52,8–98,4), "
        "og uvissa spenner over målet.",
        "It cannot yet be said whether the target of 70 for dice score is reached: "
        "83.3 (52.8–98.4), and the uncertainty spans the target.",
    ),
}


@pytest.mark.parametrize("target", list(SENTENCES))
def test_each_verdict_in_nb_nn_and_en(client, admin, target):
    _, follow_up = two_waves(client, admin, targets={"terningkast": target})
    verdict, *texts = SENTENCES[target]
    for lang, text in zip(("nb", "nn", "en"), texts, strict=True):
        (entry,) = report(client, admin, follow_up, lang=lang)["targets"]
        assert entry["verdict"] == verdict
        assert entry["text"] == text
    assert entry["target"] == target
    assert entry["distance"]["estimate"] == pytest.approx(250 / 3 - target)
    assert entry["distance"]["confidence_interval"]["low"] == pytest.approx(
        entry["confidence_interval"]["low"] - target
    )


def test_the_edges_of_the_interval_and_the_estimate(client, admin):
    """A target exactly on the low end is reached (as `met_with_confidence` says); just above
    it, or on the estimate, or on the high end, it cannot be told yet; just above the high end
    it is not reached."""
    _, follow_up = two_waves(client, admin, targets={"terningkast": 70})
    shown = figure(read_scores(client, admin, follow_up), "terningkast")
    low, high = shown["confidence_interval"]["low"], shown["confidence_interval"]["high"]
    estimate = shown["estimate"]
    cases = [
        (low, "reached", True, True),
        (math.nextafter(low, math.inf), "not_yet_distinguishable", True, False),
        (estimate, "not_yet_distinguishable", True, False),
        (math.nextafter(estimate, math.inf), "not_yet_distinguishable", False, False),
        (high, "not_yet_distinguishable", False, False),
        (math.nextafter(high, math.inf), "not_reached", False, False),
    ]
    for target, verdict, met, met_with_confidence in cases:
        set_target(client, admin, follow_up, target)
        (entry,) = report(client, admin, follow_up, lang="nb")["targets"]
        assert entry["target"] == target
        assert (entry["verdict"], entry["met"], entry["met_with_confidence"]) == (
            verdict,
            met,
            met_with_confidence,
        ), target
        # The survey's scores judge the target alike.
        judged = figure(read_scores(client, admin, follow_up), "terningkast")["target"]
        assert (judged["met"], judged["met_with_confidence"]) == (met, met_with_confidence)
        assert (entry["verdict"] == "reached") == judged["met_with_confidence"]
    # On the low end: the distance's interval starts at 0.
    set_target(client, admin, follow_up, low)
    (entry,) = report(client, admin, follow_up)["targets"]
    assert entry["distance"]["confidence_interval"]["low"] == 0.0


def test_a_withheld_figure_is_withheld_in_the_report_too(client, admin):
    baseline, follow_up = two_waves(client, admin, follow_up=[5, 6], targets={"terningkast": 70})
    body = report(client, admin, follow_up, lang="nb")
    assert body["follow_up"]["n"] is None and body["follow_up"]["suppressed"] is True
    (entry,) = body["figures"]
    assert entry["follow_up"]["estimate"] is None and entry["follow_up"]["suppressed"] is True
    assert entry["baseline"]["estimate"] == pytest.approx(50.0)
    assert entry["change"]["suppressed"] is True
    assert entry["change"]["suppression_reason"] == "figure_withheld"
    assert entry["change"]["estimate"] is None and entry["change"]["confidence_interval"] is None
    (target,) = body["targets"]
    assert target["verdict"] == "withheld"
    assert target["estimate"] is None and target["distance"] is None
    assert target["met"] is None and target["met_with_confidence"] is None
    assert target["text"] == (
        "Målet om 70 for terningkast kan ikke vurderes: for få svar (færre enn 3) til at "
        "tallet kan vises."
    )
    nn = report(client, admin, follow_up, lang="nn")["targets"][0]["text"]
    assert nn == (
        "Målet om 70 for terningkast kan ikkje vurderast: for få svar (færre enn 3) til at "
        "talet kan visast."
    )
    en = report(client, admin, follow_up, lang="en")["targets"][0]["text"]
    assert en == (
        "The target of 70 for dice score cannot be judged: too few responses (fewer than 3) "
        "for the figure to be shown."
    )


def test_a_figure_withheld_because_all_answered_alike_says_so(client, admin):
    # Three who all rolled a six: fewer than 2 x min_n alike, so withheld.
    _, follow_up = two_waves(client, admin, follow_up=[6, 6, 6], targets={"terningkast": 70})
    texts = [
        report(client, admin, follow_up, lang=lang)["targets"][0] for lang in ("nb", "nn", "en")
    ]
    assert {t["verdict"] for t in texts} == {"withheld"}
    assert texts[0]["suppression_reason"] == "all_gave_the_same_answer"
    assert [t["text"] for t in texts] == [
        "Målet om 70 for terningkast kan ikke vurderes: tallet holdes tilbake for å verne dem "
        "som svarte.",
        "Målet om 70 for terningkast kan ikkje vurderast: talet blir halde tilbake for å verne "
        "dei som svarte.",
        "The target of 70 for dice score cannot be judged: the figure is withheld to protect "
        "the respondents.",
    ]


def test_without_baseline_or_targets_the_report_is_empty_with_a_note(client, admin):
    alone = dice_wave(client, admin, BASELINE, default_language="nn")
    body = report(client, admin, alone)
    assert body["lang"] == "nn"  # the survey's own language when none is asked for
    assert body["baseline"] is None and body["figures"] == [] and body["targets"] == []
    assert body["note"] == (
        "Undersøkinga har verken referansemåling eller mål: det er ingen vinst å vurdere."
    )
    assert report(client, admin, alone, lang="nb")["note"] == (
        "Undersøkelsen har verken referansemåling eller mål: det er ingen gevinst å vurdere."
    )
    assert report(client, admin, alone, lang="en")["note"] == (
        "The survey has neither a baseline nor targets: there is no benefit to judge."
    )
    # A baseline without targets: the change, no targets, no note.
    _, follow_up = two_waves(client, admin)
    body = report(client, admin, follow_up)
    assert len(body["figures"]) == 1 and body["targets"] == [] and body["note"] is None
    body = assert_error(benefit(client, admin, follow_up, lang="se"), 422)
    assert "lang" in body["errors"]


def test_targets_without_a_baseline_on_dimensions_and_the_index(client, admin):
    targets = {"tillit": 50, "omdommeindeks": 90}
    survey = open_survey(client, admin, targets=targets)
    levels = {
        "strukturer_systemer_okonomi": 4,
        "kvalitet": 4,
        "intern_profilering": 4,
        "ekstern_profilering": 4,
        "tillit": 5,
    }
    for i in range(6):
        answers = staircase_answers({k: v - i % 2 for k, v in levels.items()})
        assert submit(client, survey, answers).status_code == 201
    body = report(client, admin, survey, lang="nn")
    assert body["baseline"] is None and body["figures"] == [] and body["note"] is None
    tillit, index = body["targets"]
    assert (tillit["kind"], tillit["key"], tillit["title"]) == ("dimension", "tillit", "Tillit")
    assert (index["kind"], index["key"], index["title"]) == (
        "index",
        "omdommeindeks",
        "Omdømeindeks",
    )
    # tillit: 100 and 75, mean 87.5, above 50; the index: (4 x 62.5 + 87.5) / 5 = 67.5.
    assert tillit["verdict"] == "reached", tillit
    assert tillit["estimate"] == pytest.approx(87.5)
    assert tillit["text"].startswith("Målet om 50 for tillit er nått: 87,5 (")
    assert index["verdict"] == "not_reached", index
    assert index["estimate"] == pytest.approx(67.5)
    assert index["text"].startswith("Målet om 90 for omdømeindeks er ikkje nått: 67,5 (")
