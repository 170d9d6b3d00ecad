"""The respondent's form as data for the templates, and the form's answers as a submission.

Kept apart from the routes so the rules are testable without HTTP: which fields the form
has (every item and asked respondent attribute as one uniform *field*), what a hint says,
how the posted form becomes the payload that ``services/submission.py`` validates (the same
payload the JSON API takes), and how its refusals read in the page's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import object_session

from survey_service.instruments import (
    DONT_KNOW,
    PREFER_NOT_TO_SAY,
    RESPONDENT_ATTRIBUTES,
    Instrument,
    is_enabled,
    render,
)
from survey_service.models import Survey
from survey_service.services import organisers
from survey_service.services.instrument_catalog import as_instrument
from survey_service.services.submission import area_options, attributes_asked

#: Field names in the posted form: ``a.<link id>`` for answers, ``r.<attribute>`` for the
#: respondent attributes (and ``r.<attribute>.decline`` for "prefer not to say" beside an
#: open text attribute).
ANSWER = "a."
RESPONDENT = "r."


@dataclass
class Option:
    id: str
    value: str
    label: str
    checked: bool
    # Read by screen readers after the label: a scale's end label on its first and last value.
    suffix: str = ""
    separate: bool = False  # "don't know" / "prefer not to say": set apart from the scale


@dataclass
class Field:
    """One question of the form: an item of the instrument or a respondent attribute."""

    key: str  # the submission's error key: link id or ``respondent.<attribute>``
    id: str  # the element id of the field (fieldset)
    name: str  # the form field name
    legend: str
    required: bool
    kind: str  # "radios", "select", "textarea" or "text"
    hints: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    scale: bool = False  # numbered scale: laid out in a row
    value: str = ""  # textarea / text input
    max_length: int | None = None
    decline: Option | None = None  # "prefer not to say" beside an open text attribute
    placeholder: str = ""  # a list's empty first choice, and its label

    @property
    def first_input_id(self) -> str:
        """Where the error summary's link for this field points: its first control."""
        if self.kind == "select" or not self.options:
            return f"{self.id}-input"
        return self.options[0].id


@dataclass
class Section:
    id: str
    title: str
    description: str | None
    fields: list[Field]


@dataclass
class Form:
    title: str
    introduction: str
    submit_label: str
    sections: list[Section]

    @property
    def fields(self) -> list[Field]:
        return [f for section in self.sections for f in section.fields]


def build_form(
    survey: Survey,
    lang: str,
    texts: Mapping[str, str],
    *,
    answers: Mapping[str, str] | None = None,
    respondent: Mapping[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
) -> Form:
    """The questionnaire of ``survey`` in ``lang`` with the respondent's answers so far."""
    instrument = as_instrument(survey.instrument_version)
    q = render(
        instrument,
        lang,
        audience=survey.audience,
        asked=attributes_asked(survey, instrument),
        areas=area_options(survey),
    )
    if survey.is_organised:  # which participating municipality: asked first of all
        session = object_session(survey)
        assert session is not None
        names = organisers.participant_names(session, survey)
        q["respondent"].insert(0, organisers.question(lang, names))
    answers, respondent, errors = answers or {}, respondent or {}, errors or {}
    items = {item["linkId"]: item for group in q["groups"] for item in group["item"]}
    attributes = {entry["attribute"]: entry for entry in q["respondent"]}

    sections: list[Section] = []
    for group in q["groups"]:
        fields = [
            _item_field(item, answers.get(item["linkId"], ""), texts, items, attributes, lang)
            for item in group["item"]
        ]
        sections.append(
            Section(f"part-{group['key']}", group["title"], group["description"], fields)
        )
    if q["respondent"]:
        about = Section(
            "part-about-you",
            q["labels"]["about_you"],
            None,
            [_attribute_field(a, respondent, texts, q["labels"]) for a in q["respondent"]],
        )
        # Asked first when a question depends on who the respondent is (its enableWhen names
        # an attribute), so the hint points back, not forward, and in an organiser's survey,
        # where the municipality comes first; otherwise last, as usual.
        depends = any(
            "respondent" in c for item in items.values() for c in item.get("enableWhen") or ()
        )
        if depends or survey.is_organised:
            sections.insert(0, about)
        else:
            sections.append(about)

    for f in (f for s in sections for f in s.fields):
        f.errors = [localise_error(m, f, texts) for m in errors.get(f.key, [])]
    return Form(q["title"], q["introduction"], q["labels"]["submit"], sections)


def _item_field(
    item: Mapping[str, Any],
    value: str,
    texts: Mapping[str, str],
    items: Mapping[str, Mapping[str, Any]],
    attributes: Mapping[str, Mapping[str, Any]],
    lang: str,
) -> Field:
    link_id = item["linkId"]
    fid = f"q-{link_id}"
    f = Field(
        key=link_id,
        id=fid,
        name=ANSWER + link_id,
        legend=item["text"],
        required=item["required"],
        kind="textarea" if item["type"] == "text" else "radios",
    )
    hint = condition_hint(item, items, attributes, texts, lang)
    if hint:
        f.hints.append(hint)
    if f.kind == "textarea":
        f.value = value
        f.max_length = item.get("maxLength")
        if f.max_length:
            f.hints.append(texts["max_length"].format(max_length=f.max_length))
        return f
    options = item.get("answerOption") or []
    f.scale = item["type"] in ("rating", "dice")
    low, high = item.get("minLabel"), item.get("maxLabel")
    if f.scale and low and high and options:
        f.hints.append(
            texts["scale_ends"].format(
                low=options[0]["label"], low_label=low, high=options[-1]["label"], high_label=high
            )
        )
    for i, option in enumerate(options):
        suffix = ""
        if f.scale and i == 0 and low:
            suffix = f" – {low}"
        elif f.scale and i == len(options) - 1 and high:
            suffix = f" – {high}"
        code = str(option["value"])
        f.options.append(Option(f"{fid}-{i}", code, option["label"], value == code, suffix))
    if item.get("dontKnow"):
        dk = item["dontKnow"]
        f.options.append(
            Option(f"{fid}-dk", dk["value"], dk["label"], value == dk["value"], separate=True)
        )
    return f


def _attribute_field(
    entry: Mapping[str, Any],
    respondent: Mapping[str, str],
    texts: Mapping[str, str],
    labels: Mapping[str, str],
) -> Field:
    name = entry["attribute"]
    fid = f"r-{name}"
    value = respondent.get(name, "")
    f = Field(
        key=f"respondent.{name}",
        id=fid,
        name=RESPONDENT + name,
        legend=entry["question"],
        required=entry["required"],
        kind="radios" if entry["type"] == "choice" else "text",
    )
    if entry.get("control") == "select":  # a long list: one control, no JavaScript needed
        f.kind = "select"
        f.placeholder = entry.get("placeholder", "")
    if f.kind == "text":
        f.max_length = entry.get("maxLength")
        declined = value == PREFER_NOT_TO_SAY
        f.value = "" if declined else value
        f.decline = Option(
            f"{fid}-decline", PREFER_NOT_TO_SAY, labels["prefer_not_to_say"], declined
        )
        if not f.required:
            f.hints.append(texts["area_hint"])
        return f
    for i, option in enumerate(entry["answerOption"]):
        code = option["value"]
        f.options.append(
            Option(
                f"{fid}-{i}",
                code,
                option["label"],
                value == code,
                separate=code == PREFER_NOT_TO_SAY,
            )
        )
    return f


def condition_hint(
    item: Mapping[str, Any],
    items: Mapping[str, Mapping[str, Any]],
    attributes: Mapping[str, Mapping[str, Any]],
    texts: Mapping[str, str],
    lang: str,
) -> str:
    """Which earlier answer an item depends on, in words (the form shows every item: without
    JavaScript it cannot hide the ones that do not apply)."""
    sentences = []
    for condition in item.get("enableWhen") or ():
        if "question" in condition:
            source = items.get(condition["question"], {})
            question = source.get("text", condition["question"])
            options = [*(source.get("answerOption") or []), source.get("dontKnow") or {}]
            labels = {str(o.get("value")): o.get("label") for o in options if o}
        else:
            attribute = condition["respondent"]
            vocab = RESPONDENT_ATTRIBUTES[attribute]
            entry = attributes.get(attribute, {})
            question = entry.get("question") or vocab.question[lang]
            labels = {o.code: o.label[lang] for o in vocab.options}
            labels.update({str(o["value"]): o["label"] for o in entry.get("answerOption") or []})
        answer = condition["answer"]
        wanted = answer if isinstance(answer, list) else [answer]
        if condition["operator"] in ("=", "in") and all(str(a) in labels for a in wanted):
            quoted = [_quote(labels[str(a)], lang) for a in wanted]
            joined = quoted[0]
            if len(quoted) > 1:
                joined = f"{', '.join(quoted[:-1])} {texts['or']} {quoted[-1]}"
            sentences.append(texts["depends_on"].format(answers=joined, question=question))
        else:
            sentences.append(texts["depends_on_any"].format(question=question))
    return " ".join(dict.fromkeys(sentences))


def _quote(text: str, lang: str) -> str:
    return f"“{text}”" if lang == "en" else f"«{text}»"


# -- from the posted form to a submission --------------------------------------------------


#: The form's refusal of NUL: no database stores it in text (PostgreSQL refuses it).
NUL = "Text may not hold the NUL character (\\u0000)."


def fields_holding_nul(form: Mapping[str, str]) -> dict[str, list[str]]:
    """The submission's error keys of the posted fields whose name or value holds NUL."""
    errors: dict[str, list[str]] = {}
    for name, value in form.items():
        if "\x00" in name or "\x00" in value:
            errors[_error_key(name.replace("\x00", ""))] = [NUL]
    return errors


def without_nul(form: Mapping[str, str]) -> dict[str, str]:
    """The posted fields with NUL taken out, to show the answers again for correction."""
    return {name.replace("\x00", ""): value.replace("\x00", "") for name, value in form.items()}


def _error_key(name: str) -> str:
    if name.startswith(ANSWER):
        return name.removeprefix(ANSWER)
    if name.startswith(RESPONDENT):
        return "respondent." + name.removeprefix(RESPONDENT).removesuffix(".decline")
    return name


def read_answers(form: Mapping[str, str], instrument: Instrument, audience: str) -> dict[str, str]:
    """The answered items, link id -> the posted value (an empty field is not answered)."""
    out: dict[str, str] = {}
    for item in instrument.items_for(audience):
        raw = form.get(ANSWER + item.link_id, "")
        if raw.strip():
            out[item.link_id] = raw
    return out


def asked_on_form(survey: Survey, instrument: Instrument) -> dict[str, Any]:
    """The respondent attributes the form asks for: the survey's, and in an organiser's
    survey which participating municipality."""
    asked = attributes_asked(survey, instrument)
    if survey.is_organised:
        asked[organisers.ATTRIBUTE] = None
    return asked


def read_respondent(form: Mapping[str, str], asked: Mapping[str, Any]) -> dict[str, str]:
    """The respondent attributes given, attribute -> code."""
    out: dict[str, str] = {}
    for name in (*RESPONDENT_ATTRIBUTES, organisers.ATTRIBUTE):
        if name not in asked:
            continue
        if form.get(f"{RESPONDENT}{name}.decline"):
            out[name] = PREFER_NOT_TO_SAY
            continue
        raw = form.get(RESPONDENT + name, "").strip()
        if raw:
            out[name] = raw
    return out


def enabled_answers(
    instrument: Instrument,
    audience: str,
    answers: Mapping[str, str],
    respondent: Mapping[str, str],
) -> dict[str, str]:
    """``answers`` without those to items that the earlier answers disable.

    The JSON API refuses such an answer (422); a form without JavaScript shows every item, so
    a respondent may well have answered one that turned out not to apply: drop it quietly.
    Conditions are evaluated in item order, as ``validate_answers`` does.
    """
    kept: dict[str, str] = {}
    seen: dict[str, object] = {}  # the kept answers as the conditions compare them
    for item in instrument.items_for(audience):
        raw = answers.get(item.link_id)
        if raw is None or not is_enabled(item, seen, respondent):
            continue
        kept[item.link_id] = raw
        value: object = raw.strip()
        if item.scale is not None and value != DONT_KNOW and str(value).lstrip("-").isdigit():
            value = int(str(value))
        seen[item.link_id] = value
    return kept


# -- refusals in words ---------------------------------------------------------------------


def localise_error(message: str, f: Field, texts: Mapping[str, str]) -> str:
    """The service's message (English, for developers) as the respondent should read it."""
    lowered = message.lower()
    if "must be answered" in lowered:
        return texts["error_required"]
    if "characters" in lowered and f.max_length:
        return texts["error_too_long"].format(max_length=f.max_length)
    if lowered.startswith("unknown item") or "unknown respondent attribute" in lowered:
        return texts["error_unknown_field"]
    if any(
        marker in lowered
        for marker in ("answer scale", "answer option", "whole number", "don't know", "code")
    ):
        return texts["error_option"]
    return texts["error_other"]
