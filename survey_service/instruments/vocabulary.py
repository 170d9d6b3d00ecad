"""Fixed vocabularies shared by every instrument: languages, audiences, respondent attributes.

These codes are part of the public contract (stored with responses, used in breakdowns and
exports); labels exist in every language of :data:`LANGUAGES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "AUDIENCES",
    "AUDIENCE_LABELS",
    "DONT_KNOW",
    "ITEM_TYPES",
    "LANGUAGES",
    "PREFER_NOT_TO_SAY",
    "RESPONDENT_ATTRIBUTES",
    "RespondentAttribute",
    "Text",
    "UI_LABELS",
    "VocabularyOption",
]

Text = Mapping[str, str]
"""A text in every language: ``{"nb": ..., "nn": ..., "en": ...}`` (read-only)."""

LANGUAGES: tuple[str, ...] = ("nb", "nn", "en")

AUDIENCES: tuple[str, ...] = (
    "citizens",
    "employees",
    "elected_members",
    "union_representatives",
    "leaders",
    "mixed",
)

ITEM_TYPES: tuple[str, ...] = ("likert", "rating", "dice", "choice", "text")
"""``likert``: labelled agree scale; ``rating``: integer scale such as 0–10 or 1–10;
``dice``: the 1–6 dice roll (*terningkast*); ``choice``: one of several coded options, not
scored; ``text``: free text, not scored."""

DONT_KNOW = "dont_know"
"""The answer value for "don't know": allowed only where the item says so, never scored."""

PREFER_NOT_TO_SAY = "prefer_not_to_say"
"""The respondent-attribute value for "prefer not to say"; allowed for every attribute."""


def _t(nb: str, nn: str, en: str) -> Text:
    return MappingProxyType({"nb": nb, "nn": nn, "en": en})


@dataclass(frozen=True)
class VocabularyOption:
    """One coded option of a respondent attribute."""

    code: str
    label: Text


@dataclass(frozen=True)
class RespondentAttribute:
    """A question about the respondent (not about the construct), asked by some instruments.

    ``open`` attributes (``area``) have survey-defined values: their ``options`` are empty.
    """

    key: str
    question: Text
    options: tuple[VocabularyOption, ...]
    open: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)


_PREFER_NOT = VocabularyOption(
    PREFER_NOT_TO_SAY, _t("Vil ikke svare", "Vil ikkje svare", "Prefer not to say")
)


def _attr(
    key: str, question: Text, *options: tuple[str, Text], open: bool = False
) -> RespondentAttribute:
    opts = tuple(VocabularyOption(code, label) for code, label in options)
    return RespondentAttribute(key, question, (*opts, _PREFER_NOT), open)


RESPONDENT_ATTRIBUTES: Mapping[str, RespondentAttribute] = MappingProxyType(
    {
        "role": _attr(
            "role",
            _t(
                "Hvilken rolle har du i kommunen?",
                "Kva rolle har du i kommunen?",
                "What is your role in the municipality?",
            ),
            ("politician", _t("Politiker", "Politikar", "Politician")),
            ("union_representative", _t("Tillitsvalgt", "Tillitsvald", "Union representative")),
            (
                "top_leader",
                _t(
                    "Toppleder (for eksempel kommunedirektør eller kommunalsjef)",
                    "Toppleiar (til dømes kommunedirektør eller kommunalsjef)",
                    "Senior manager (e.g. chief executive or head of a department)",
                ),
            ),
            ("middle_leader", _t("Mellomleder", "Mellomleiar", "Middle manager")),
            ("project_leader", _t("Prosjektleder", "Prosjektleiar", "Project manager")),
            ("employee", _t("Ansatt", "Tilsett", "Employee")),
            ("safety_representative", _t("Verneombud", "Verneombod", "Safety representative")),
            ("citizen", _t("Innbygger", "Innbyggjar", "Resident")),
        ),
        "age_band": _attr(
            "age_band",
            _t("Hvor gammel er du?", "Kor gammal er du?", "How old are you?"),
            ("under_30", _t("Under 30 år", "Under 30 år", "Under 30")),
            ("30_44", _t("30–44 år", "30–44 år", "30–44")),
            ("45_59", _t("45–59 år", "45–59 år", "45–59")),
            ("60_plus", _t("60 år eller eldre", "60 år eller eldre", "60 or older")),
        ),
        "gender": _attr(
            "gender",
            _t("Hvilket kjønn har du?", "Kva kjønn har du?", "What is your gender?"),
            ("female", _t("Kvinne", "Kvinne", "Woman")),
            ("male", _t("Mann", "Mann", "Man")),
            ("other", _t("Annet", "Anna", "Other")),
        ),
        "area": _attr(
            "area",
            _t(
                "Hvilket område i kommunen hører du til?",
                "Kva område i kommunen høyrer du til?",
                "Which part of the municipality do you belong to?",
            ),
            open=True,
        ),
    }
)

AREA_MAX_LENGTH = 64
"""Longest allowed ``area`` code (an open, survey-defined attribute)."""

AUDIENCE_LABELS: Mapping[str, Text] = MappingProxyType(
    {
        "citizens": _t("Innbyggere", "Innbyggjarar", "Residents"),
        "employees": _t("Ansatte", "Tilsette", "Employees"),
        "elected_members": _t("Folkevalgte", "Folkevalde", "Elected members"),
        "union_representatives": _t("Tillitsvalgte", "Tillitsvalde", "Union representatives"),
        "leaders": _t("Ledere", "Leiarar", "Leaders"),
        "mixed": _t("Blandet", "Blanda", "Mixed"),
    }
)

UI_LABELS: Mapping[str, Text] = MappingProxyType(
    {
        "dont_know": _t("Vet ikke", "Veit ikkje", "Don't know"),
        "prefer_not_to_say": _PREFER_NOT.label,
        "required": _t("Må besvares", "Må svarast på", "Required"),
        "optional": _t("Valgfritt", "Valfritt", "Optional"),
        "about_you": _t("Om deg", "Om deg", "About you"),
        "other_questions": _t("Andre spørsmål", "Andre spørsmål", "Other questions"),
        "submit": _t("Send inn svarene", "Send inn svara", "Submit your answers"),
        "max_length": _t(
            "Høyst {max_length} tegn", "Høgst {max_length} teikn", "At most {max_length} characters"
        ),
    }
)
