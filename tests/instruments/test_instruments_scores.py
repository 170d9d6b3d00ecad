"""score_response, checked by hand on small examples."""

from __future__ import annotations

import pytest
from instruments.instruments_defs import minimal

from survey_service.instruments import (
    Instrument,
    bundled,
    score_response,
    staircase_attainment,
)

INST = Instrument.from_dict(minimal())
approx = pytest.approx


def test_linear_mapping_and_reversal() -> None:
    s = score_response(INST, {"a1": 5, "a2": 5, "b1": 7, "b2": 6})
    # a1: (5-1)/(5-1)*100 = 100; a2 reversed: 100 - 100 = 0; b1 on 0-10: 70; dice 6: 100.
    assert s.item_scores == {"a1": 100.0, "a2": 0.0, "b1": 70.0, "b2": 100.0}
    assert s.dimension_scores["a"] == 50.0
    assert s.dimension_scores["b"] == 85.0
    assert s.index_scores["idx"] == 67.5  # (50 + 85) / 2
    s = score_response(INST, {"a1": 2, "a2": 2, "b2": 1})
    assert s.item_scores == {"a1": 25.0, "a2": 75.0, "b2": 0.0}


def test_dont_know_and_unanswered_are_excluded() -> None:
    s = score_response(INST, {"a1": "dont_know", "a2": 2, "b1": None, "c": "yes", "zz": 3})
    assert s.item_scores == {"a2": 75.0}
    assert s.dimension_scores["a"] == 75.0  # 1 of 2 answered; minimum ceil(2/2) = 1
    assert s.dimension_scores["b"] is None
    assert s.index_scores["idx"] is None  # needs both dimensions by default


def test_minimum_answered_items() -> None:
    inst = bundled("omdommetrappen")  # four items per step: at least two answered
    one = score_response(inst, {"sso_1": 4, "sso_2": "dont_know"})
    assert one.dimension_scores["strukturer_systemer_okonomi"] is None
    two = score_response(inst, {"sso_1": 4, "sso_4": 2})  # 75, and 2 reversed: 75
    assert two.dimension_scores["strukturer_systemer_okonomi"] == 75.0


def test_gap_dimension() -> None:
    # e1 = 8 on 1-10: 700/9 = 77.78; x1 = 5: 400/9 = 44.44; gap = -300/9 = -33.33.
    s = score_response(INST, {"e1": 8, "x1": 5})
    assert s.dimension_scores["g"] == approx(-100 / 3)
    assert score_response(INST, {"e1": 1, "x1": 10}).dimension_scores["g"] == 100.0
    assert score_response(INST, {"e1": 8}).dimension_scores["g"] is None  # incomplete pair
    rule = INST.scoring.rule("g")
    assert rule.score_range == (-100.0, 100.0)


def test_bundled_gap_over_service_areas() -> None:
    inst = bundled("omdommepavirkere")
    s = score_response(
        inst,
        {
            "fo_skole": 10,
            "op_skole": 7,  # 100 -> 66.67: -33.33
            "fo_barnehage": 4,
            "op_barnehage": 7,  # 33.33 -> 66.67: +33.33
            "fo_omsorg": "dont_know",
            "op_omsorg": 5,  # incomplete: left out
            "op_teknisk": 2,
        },
    )
    assert s.dimension_scores["kvalitet_forventning_opplevelse"] == approx(0.0, abs=1e-9)
    assert s.index_scores == {}
    assert s.staircase is None


def test_overall_rating_as_a_dimension() -> None:
    inst = bundled("partssamarbeid")
    assert (
        score_response(inst, {"samlet_vurdering": 10}).dimension_scores["samlet_vurdering"] == 100.0
    )
    s = score_response(inst, {"samlet_vurdering": 1, "fm_1": 5, "fm_3": 1})
    assert s.dimension_scores["samlet_vurdering"] == 0.0
    assert s.dimension_scores["felles_mal"] == 100.0  # fm_3 reversed
    assert s.index_scores["partssamarbeidsindeks"] is None


def test_index_over_all_seven() -> None:
    inst = bundled("partssamarbeid")
    answers: dict[str, object] = {}
    for rule in inst.scoring.dimensions[:7]:  # two of three items each: 4 -> 75
        answers.update({rule.items[0]: 4, rule.items[1]: 4})
    answers["rr_1"] = 5  # respekt_roller: (100 + 75) / 2 = 87.5
    s = score_response(inst, answers)
    assert s.dimension_scores["respekt_roller"] == 87.5
    assert s.index_scores["partssamarbeidsindeks"] == approx((6 * 75.0 + 87.5) / 7)
    del answers["fm_2"]  # felles_mal falls below its minimum: no index (all seven needed)
    assert score_response(inst, answers).index_scores["partssamarbeidsindeks"] is None


def test_staircase_attainment() -> None:
    inst = bundled("forankring")
    stair = inst.staircase
    assert stair is not None
    scores = {
        "bevissthet": 80.0,
        "aksept": 60.0,
        "forpliktelse": 59.9,
        "eierskap": 90.0,
        "realisering": None,
    }
    result = staircase_attainment(stair, scores)
    assert result.level == 2
    assert result.step == "aksept"  # eierskap reached, but not the step below it
    assert result.reached == {
        "bevissthet": True,
        "aksept": True,
        "forpliktelse": False,
        "eierskap": True,
        "realisering": None,
    }
    assert staircase_attainment(stair, {"bevissthet": 10.0}).to_dict() == {
        "level": 0,
        "step": None,
        "reached": {
            "bevissthet": False,
            "aksept": None,
            "forpliktelse": None,
            "eierskap": None,
            "realisering": None,
        },
    }


def test_response_staircase() -> None:
    s = score_response(INST, {"a1": 4, "a2": 3, "b1": 2, "b2": 3})
    # a = (75 + 50) / 2 = 62.5 >= 50; b = (20 + 40) / 2 = 30 < 50.
    assert s.staircase is not None
    assert (s.staircase.level, s.staircase.step) == (1, "a")
    assert s.to_dict()["staircase"]["level"] == 1


def test_off_scale_value_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="not on the scale 1–5"):
        score_response(INST, {"a1": 9})
