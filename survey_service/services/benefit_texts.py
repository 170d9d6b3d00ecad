"""The benefit-realisation report's sentences in nb, nn and en, with numbers written as
each language writes them (decimal comma in Norwegian, the minus sign −).

A number in a verdict is shown with one decimal, or more where one decimal would put it on
the other side of the target ("69.96" is not written "70.0" beside "not reached").
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from survey_service.services.target_verdicts import (
    NOT_REACHED,
    NOT_YET_DISTINGUISHABLE,
    REACHED,
    WITHHELD,
)

_VERDICTS: dict[str, dict[str, str]] = {
    REACHED: {
        "nb": "Målet om {target} for {title} er nådd: {figure}.",
        "nn": "Målet om {target} for {title} er nått: {figure}.",
        "en": "The target of {target} for {title} is reached: {figure}.",
    },
    NOT_REACHED: {
        "nb": "Målet om {target} for {title} er ikke nådd: {figure}.",
        "nn": "Målet om {target} for {title} er ikkje nått: {figure}.",
        "en": "The target of {target} for {title} is not reached: {figure}.",
    },
    NOT_YET_DISTINGUISHABLE: {
        "nb": "Det kan ennå ikke sies om målet om {target} for {title} er nådd: {figure}, "
        "og usikkerheten spenner over målet.",
        "nn": "Det kan enno ikkje seiast om målet om {target} for {title} er nått: {figure}, "
        "og uvissa spenner over målet.",
        "en": "It cannot yet be said whether the target of {target} for {title} is reached: "
        "{figure}, and the uncertainty spans the target.",
    },
}

_WITHHELD: dict[str, dict[str, str]] = {
    "fewer_than_min_n": {
        "nb": "Målet om {target} for {title} kan ikke vurderes: for få svar (færre enn {min_n}) "
        "til at tallet kan vises.",
        "nn": "Målet om {target} for {title} kan ikkje vurderast: for få svar (færre enn "
        "{min_n}) til at talet kan visast.",
        "en": "The target of {target} for {title} cannot be judged: too few responses (fewer "
        "than {min_n}) for the figure to be shown.",
    },
    "other": {
        "nb": "Målet om {target} for {title} kan ikke vurderes: tallet holdes tilbake for å "
        "verne dem som svarte.",
        "nn": "Målet om {target} for {title} kan ikkje vurderast: talet blir halde tilbake for "
        "å verne dei som svarte.",
        "en": "The target of {target} for {title} cannot be judged: the figure is withheld to "
        "protect the respondents.",
    },
}

_NOTHING = {
    "nb": "Undersøkelsen har verken referansemåling eller mål: det er ingen gevinst å vurdere.",
    "nn": "Undersøkinga har verken referansemåling eller mål: det er ingen vinst å vurdere.",
    "en": "The survey has neither a baseline nor targets: there is no benefit to judge.",
}

_RANGE_WORD = {"nb": " til ", "nn": " til ", "en": " to "}
MINUS = "\N{MINUS SIGN}"
DASH = "\N{EN DASH}"


def verdict_text(
    verdict: str,
    lang: str,
    *,
    target: float,
    title: str,
    figure: Mapping[str, Any],
    min_n: int,
) -> str:
    """The sentence for a target's verdict, e.g. "Målet om 70 for tillit er nådd: 74,3
    (70,1–78,4)."."""
    values = {"target": number(target, lang, digits=None), "title": inline(title)}
    if verdict == WITHHELD:
        reason = figure["suppression_reason"]
        texts = _WITHHELD["fewer_than_min_n" if reason in (None, "fewer_than_min_n") else "other"]
        return texts[lang].format(**values, min_n=min_n)
    interval = figure["confidence_interval"]
    estimate = number(figure["estimate"], lang, side_of=target)
    low = number(interval["low"], lang, side_of=target)
    high = number(interval["high"], lang, side_of=target)
    between = _RANGE_WORD[lang] if interval["low"] < 0 else DASH
    shown = f"{estimate} ({low}{between}{high})"
    return _VERDICTS[verdict][lang].format(**values, figure=shown)


def nothing_to_judge(lang: str) -> str:
    return _NOTHING[lang]


def number(value: float, lang: str, *, side_of: float | None = None, digits: int | None = 1) -> str:
    """``value`` as ``lang`` writes it: ``digits`` decimals (None: as few as it needs), and
    with ``side_of`` as many more (up to three) as keep it on its own side of that number
    (a value below a target is never written as the target)."""
    if digits is None:
        # A target as it was set: 70, 72.5 (never rounded: the verdict is judged on it).
        text = str(int(value)) if float(value).is_integer() else repr(float(value))
    else:
        text = _rounded(value, digits, side_of)
    text = text.replace("-", MINUS)
    return text.replace(".", ",") if lang in ("nb", "nn") else text


def _rounded(value: float, digits: int, side_of: float | None) -> str:
    if side_of is None:
        return f"{value:.{digits}f}"
    above = value >= side_of
    for places in range(digits, 4):
        text = f"{value:.{places}f}"
        if (float(text) >= side_of) == above:
            return text
    # Still on the target at three decimals: round towards the value's own side.
    step = 1000.0
    kept = math.floor(value * step) / step if not above else math.ceil(value * step) / step
    return f"{kept:.3f}"


def inline(title: str) -> str:
    """A title inside a sentence: "Tillit" -> "tillit" (an acronym such as "KS" is kept)."""
    if len(title) >= 2 and title[1].isupper():
        return title
    return title[:1].lower() + title[1:]
