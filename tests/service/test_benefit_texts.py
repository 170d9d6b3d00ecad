"""Numbers in the verdicts: as each language writes them, and never on the wrong side of the
target they are judged against."""

from __future__ import annotations

import pytest

from survey_service.services.benefit_texts import inline, number
from survey_service.services.target_verdicts import verdict


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [
        (74.25, "nb", "74,2"),  # round half to even, as Python formats
        (74.26, "nn", "74,3"),
        (74.26, "en", "74.3"),
        (-3.5, "nb", "−3,5"),
        (-3.5, "en", "−3.5"),
        (0.0, "nb", "0,0"),
    ],
)
def test_decimal_comma_and_minus_sign(value, lang, expected):
    assert number(value, lang) == expected


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (69.96, 70, "69,96"),  # one decimal would say 70,0: the target it falls short of
        (69.9996, 70, "69,999"),  # still 70 at three decimals: rounded down, below it
        (70.0, 70, "70,0"),  # on the target: reached, and shown so
        (70.04, 70, "70,0"),  # above it, and 70,0 is not below it
        (72.449, 72.45, "72,4"),  # one decimal is enough where it keeps the side
        (72.44, 72.44, "72,44"),  # 72,4 would fall short of the target it reaches
    ],
)
def test_a_number_stays_on_its_side_of_the_target(value, target, expected):
    assert number(value, "nb", side_of=target) == expected
    shown = float(expected.replace(",", "."))
    assert (shown >= target) == (value >= target)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(70, "70"), (70.0, "70"), (72.5, "72,5"), (71.234567891, "71,234567891")],
)
def test_a_target_is_written_as_it_was_set(value, expected):
    assert number(value, "nb", digits=None) == expected


def test_a_title_inside_a_sentence():
    assert inline("Tillit") == "tillit"
    assert inline("Dice score") == "dice score"
    assert inline("KS-samarbeid") == "KS-samarbeid"


def _figure(low, high, suppressed=False):
    return {"suppressed": suppressed, "confidence_interval": {"low": low, "high": high}}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (70.0, "reached"),  # the low end on the target
        (69.0, "reached"),
        (70.000001, "not_yet_distinguishable"),
        (78.0, "not_yet_distinguishable"),  # the high end on the target
        (78.000001, "not_reached"),
    ],
)
def test_the_verdict_at_the_interval_ends(target, expected):
    assert verdict(target, _figure(70.0, 78.0)) == expected


def test_a_withheld_figure_has_no_verdict_but_withheld():
    assert verdict(70.0, {"suppressed": True, "confidence_interval": None}) == "withheld"
