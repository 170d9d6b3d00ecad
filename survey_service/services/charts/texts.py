"""The charts' words in Bokmål, Nynorsk and English, and numbers as each language writes them
(decimal comma and a space before the percent sign in Norwegian, a true minus sign)."""

from __future__ import annotations

from collections.abc import Mapping

from survey_service.instruments import AUDIENCE_LABELS

_TEXTS: Mapping[str, tuple[str, str, str]] = {
    # The staircase
    "step": ("Trinn {number}", "Steg {number}", "Step {number}"),
    "level": (
        "Nådd: {level} av {steps} trinn",
        "Nådd: {level} av {steps} steg",
        "Reached: {level} of {steps} steps",
    ),
    "level_top": (
        "Nådd: {level} av {steps} trinn, opp til «{title}»",
        "Nådd: {level} av {steps} steg, opp til «{title}»",
        "Reached: {level} of {steps} steps, up to “{title}”",
    ),
    "level_confidence": (
        "Med den nedre grensen av {confidence}-intervallet: {level} av {steps} trinn",
        "Med den nedre grensa av {confidence}-intervallet: {level} av {steps} steg",
        "On the lower end of the {confidence} interval: {level} of {steps} steps",
    ),
    "rule": (
        "Et trinn er nådd når skåren er minst {threshold} og alle trinn under er nådd.",
        "Eit steg er nådd når skåren er minst {threshold} og alle stega under er nådde.",
        "A step is reached when its score is at least {threshold} and every step below is reached.",
    ),
    "reached": ("Nådd", "Nådd", "Reached"),
    "not_reached": ("Ikke nådd", "Ikkje nådd", "Not reached"),
    "above_not_counted": (
        "Over terskelen, men et trinn under mangler",
        "Over terskelen, men eit steg under manglar",
        "Above the threshold, but a step below is missing",
    ),
    "threshold": ("Terskel ({threshold})", "Terskel ({threshold})", "Threshold ({threshold})"),
    # Figures
    "withheld": ("Holdt tilbake", "Halde tilbake", "Withheld"),
    "fewer_than_min_n": (
        "færre enn {min_n} svar",
        "færre enn {min_n} svar",
        "fewer than {min_n} responses",
    ),
    "all_gave_the_same_answer": (
        "alle svarte det samme",
        "alle svara det same",
        "everyone gave the same answer",
    ),
    "nearly_the_same_respondents_as_a_related_figure": (
        "kunne avsløre enkeltsvar",
        "kunne avsløre enkeltsvar",
        "could reveal single answers",
    ),
    "protect": (
        "for å verne anonymiteten",
        "for å verne anonymiteten",
        "to protect anonymity",
    ),
    "interval": ("{confidence} KI {span}", "{confidence} KI {span}", "{confidence} CI {span}"),
    "n": ("{n} svar", "{n} svar", "{n} responses"),
    "benchmark_short": ("Snitt {value}", "Snitt {value}", "Average {value}"),
    "dimensions": ("Dimensjoner", "Dimensjonar", "Dimensions"),
    "indices": ("Indekser", "Indeksar", "Indices"),
    "axis": (
        "Skår fra {low} til {high}",
        "Skår frå {low} til {high}",
        "Score from {low} to {high}",
    ),
    # The legend
    "legend_score": ("Skår", "Skår", "Score"),
    "legend_interval": (
        "{confidence} konfidensintervall",
        "{confidence} konfidensintervall",
        "{confidence} confidence interval",
    ),
    "legend_withheld": (
        "Holdt tilbake for å verne anonymiteten (ikke null)",
        "Halde tilbake for å verne anonymiteten (ikkje null)",
        "Withheld to protect anonymity (not zero)",
    ),
    "no_benchmark": (
        "Ingen sammenligning ennå",
        "Inga samanlikning enno",
        "No comparison yet",
    ),
    # Sentences of the description
    "desc_figure": (
        "{title}: {value} på en skala fra {low} til {high}, {confidence} konfidensintervall "
        "fra {ci_low} til {ci_high}, {n} svar.",
        "{title}: {value} på ein skala frå {low} til {high}, {confidence} konfidensintervall "
        "frå {ci_low} til {ci_high}, {n} svar.",
        "{title}: {value} on a scale from {low} to {high}, {confidence} confidence interval "
        "from {ci_low} to {ci_high}, {n} responses.",
    ),
    "desc_withheld": (
        "{title}: holdt tilbake ({reason}), ingen tall vises.",
        "{title}: halde tilbake ({reason}), ingen tal blir viste.",
        "{title}: withheld ({reason}), no figure is shown.",
    ),
    "desc_benchmark": (
        "{label}: {value}, {confidence} konfidensintervall fra {ci_low} til {ci_high}.",
        "{label}: {value}, {confidence} konfidensintervall frå {ci_low} til {ci_high}.",
        "{label}: {value}, {confidence} confidence interval from {ci_low} to {ci_high}.",
    ),
    "desc_no_benchmark": (
        "{label}: ikke tilgjengelig.",
        "{label}: ikkje tilgjengeleg.",
        "{label}: not available.",
    ),
    "desc_step": (
        "Trinn {number} av {steps}, {title}",
        "Steg {number} av {steps}, {title}",
        "Step {number} of {steps}, {title}",
    ),
    "desc_staircase": (
        "Trappa har {steps} trinn, fra grunnmuren og opp. {rule}",
        "Trappa har {steps} steg, frå grunnmuren og opp. {rule}",
        "The staircase has {steps} steps, from the foundation up. {rule}",
    ),
    "desc_dimensions": (
        "Hver dimensjon og indeks som et punkt med konfidensintervall.",
        "Kvar dimensjon og indeks som eit punkt med konfidensintervall.",
        "Each dimension and index as a point with its confidence interval.",
    ),
    "survey_withheld": (
        "Færre enn {min_n} svar: ingen tall vises.",
        "Færre enn {min_n} svar: ingen tal blir viste.",
        "Fewer than {min_n} responses: no figures are shown.",
    ),
}

_LANGUAGES = ("nb", "nn", "en")


def say(name: str, lang: str, **values: object) -> str:
    """The text ``name`` in ``lang``, with ``values`` filled in."""
    return _TEXTS[name][_LANGUAGES.index(lang)].format(**values)


def number(value: float, lang: str, *, decimals: int = 1) -> str:
    """``72,4`` in Norwegian, ``72.4`` in English; a negative number with a true minus sign."""
    text = f"{abs(value):.{decimals}f}"
    if lang != "en":
        text = text.replace(".", ",")
    return f"−{text}" if round(value, decimals) < 0 else text


def whole(value: float, lang: str) -> str:
    """A bound of a scale or a threshold: no decimals when it has none."""
    return number(value, lang, decimals=0 if float(value).is_integer() else 1)


def percent(share: float, lang: str) -> str:
    """``95 %`` in Norwegian (with a space, as the language council writes it), ``95%``."""
    text = whole(share * 100, lang)
    return f"{text}%" if lang == "en" else f"{text}\u00a0%"


def span(low: float, high: float, lang: str) -> str:
    """An interval's ends for a label: ``65,1–79,0``; spaced when an end is negative, so the
    dash is not read as a minus."""
    left, right = number(low, lang), number(high, lang)
    return f"{left} – {right}" if low < 0 or high < 0 else f"{left}–{right}"


def audience(key: str, lang: str) -> str:
    labels = AUDIENCE_LABELS.get(key)
    return key if labels is None else labels[lang]
