"""Render an instrument in one language: a plain, JSON-able questionnaire for a form."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from .answers import attribute_requests
from .dump import condition_dict
from .model import Instrument
from .parts import Item
from .vocabulary import (
    AREA_MAX_LENGTH,
    AUDIENCES,
    DONT_KNOW,
    LANGUAGES,
    PREFER_NOT_TO_SAY,
    RESPONDENT_ATTRIBUTES,
    UI_LABELS,
)

__all__ = ["render"]


def _check(lang: str, audience: str | None) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r} (allowed: {', '.join(LANGUAGES)})")
    if audience is not None and audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r} (allowed: {', '.join(AUDIENCES)})")


def _item(item: Item, lang: str, audience: str | None, group: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "linkId": item.link_id,
        "type": item.type,
        "text": item.text_for(lang, audience),
        "required": item.required,
        "group": group,
    }
    if item.type in ("likert", "choice"):
        out["answerOption"] = [
            {"value": o.value, "label": o.label[lang]} for o in item.answer_options
        ]
    elif item.scored:
        out["minValue"], out["maxValue"] = item.scale or (None, None)
        out["answerOption"] = [{"value": v, "label": str(v)} for v in item.values]
        out["minLabel"] = item.min_label[lang] if item.min_label else None
        out["maxLabel"] = item.max_label[lang] if item.max_label else None
    else:
        out["maxLength"] = item.max_length
    if item.type != "text":
        out["dontKnow"] = (
            {"value": DONT_KNOW, "label": UI_LABELS["dont_know"][lang]} if item.dont_know else None
        )
    out["enableWhen"] = [condition_dict(c) for c in item.enable_when]
    out["enableBehavior"] = item.enable_behavior
    return out


def _groups(inst: Instrument, items: tuple[Item, ...]) -> list[str | None]:
    """Each item's group: the first dimension scoring it; an item outside every dimension
    joins the group before it (or, at the start, the first group after it)."""
    first: dict[str, str] = {}
    for rule in inst.scoring.dimensions:
        for link_id in rule.item_ids:
            first.setdefault(link_id, rule.dimension)
    groups: list[str | None] = [first.get(item.link_id) for item in items]
    for i in range(1, len(groups)):
        if groups[i] is None:
            groups[i] = groups[i - 1]
    following = next((g for g in groups if g is not None), None)
    return [g if g is not None else following for g in groups]


def render(
    inst: Instrument,
    lang: str,
    *,
    audience: str | None = None,
    asked: Collection[str] | None = None,
    areas: Collection[str] | None = None,
) -> dict[str, Any]:
    """The questionnaire in ``lang`` (nb, nn or en), for ``audience`` if given.

    With an audience, items restricted to other audiences are left out and items with a
    wording for that audience use it. The result is JSON-able::

        {key, version, language, audience, title, introduction, labels,
         respondent: [{attribute, question, required, type, answerOption, maxLength}],
         groups: [{key, title, description, item: [{linkId, type, text, required, group,
                   answerOption: [{value, label}], dontKnow: {value, label} | None,
                   minValue, maxValue, minLabel, maxLabel (scales), maxLength (text),
                   enableWhen: [{question | respondent, operator, answer}],
                   enableBehavior}]}]}

    Groups follow the item order; a group is keyed by its dimension. ``enableWhen`` is for
    the front end to evaluate; ``validate_answers`` enforces it on submission.
    ``asked`` adds respondent attributes a survey asks for on top of the instrument's;
    ``areas`` turns the open ``area`` question into a choice among the survey's areas.
    """
    _check(lang, audience)
    respondent: list[dict[str, Any]] = []
    prefer_not = UI_LABELS["prefer_not_to_say"][lang]
    for req in attribute_requests(inst, asked):
        vocab = RESPONDENT_ATTRIBUTES[req.attribute]
        entry: dict[str, Any] = {
            "attribute": req.attribute,
            "question": vocab.question[lang],
            "required": req.required,
        }
        if vocab.open and areas:
            entry["type"] = "choice"
            entry["answerOption"] = [
                *({"value": a, "label": a} for a in areas),
                {"value": PREFER_NOT_TO_SAY, "label": prefer_not},
            ]
        elif vocab.open:
            entry["type"] = "text"
            entry["answerOption"] = []
            entry["maxLength"] = AREA_MAX_LENGTH
        else:
            codes = (*req.options, PREFER_NOT_TO_SAY) if req.options else vocab.codes
            labels = {o.code: o.label[lang] for o in vocab.options}
            entry["type"] = "choice"
            entry["answerOption"] = [{"value": c, "label": labels[c]} for c in codes]
        respondent.append(entry)

    items = inst.items_for(audience)
    groups: list[dict[str, Any]] = []
    for item, group in zip(items, _groups(inst, items), strict=True):
        if not groups or groups[-1]["key"] != group:
            dim = inst.dimension(group) if group is not None else None
            groups.append(
                {
                    "key": group,
                    "title": dim.title[lang] if dim else UI_LABELS["other_questions"][lang],
                    "description": dim.description[lang] if dim and dim.description else None,
                    "item": [],
                }
            )
        groups[-1]["item"].append(_item(item, lang, audience, group))

    return {
        "key": inst.key,
        "version": inst.version,
        "language": lang,
        "audience": audience,
        "title": inst.title[lang],
        "introduction": inst.introduction[lang],
        "labels": {name: text[lang] for name, text in UI_LABELS.items()},
        "respondent": respondent,
        "groups": groups,
    }
