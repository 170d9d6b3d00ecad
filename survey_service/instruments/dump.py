"""Write an instrument in its canonical file-format form (the inverse of :mod:`.schema`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .parts import Condition, Item
from .vocabulary import LANGUAGES, Text

if TYPE_CHECKING:  # the instrument's to_dict calls dump: only the type is needed here
    from .model import Instrument

__all__ = ["condition_dict", "dump"]


def _text(t: Text) -> dict[str, str]:
    return {lang: t[lang] for lang in LANGUAGES}


def condition_dict(c: Condition) -> dict[str, Any]:
    out: dict[str, Any] = {"operator": c.operator}
    if c.question is not None:
        out["question"] = c.question
    else:
        out["respondent"] = c.respondent
    out["answer"] = list(c.answer) if isinstance(c.answer, tuple) else c.answer
    return out


def _item(item: Item) -> dict[str, Any]:
    out: dict[str, Any] = {"linkId": item.link_id, "type": item.type, "text": _text(item.text)}
    if item.text_variants:
        out["textVariants"] = {a: _text(t) for a, t in item.text_variants.items()}
    out["required"] = item.required
    if item.audiences:
        out["audiences"] = list(item.audiences)
    if item.enable_when:
        out["enableWhen"] = [condition_dict(c) for c in item.enable_when]
        out["enableBehavior"] = item.enable_behavior
    if item.type in ("likert", "choice"):
        out["answerOption"] = [
            {"value": o.value, "label": _text(o.label)} for o in item.answer_options
        ]
    if item.type == "rating":
        out["minValue"] = item.min_value
        out["maxValue"] = item.max_value
    if item.min_label is not None:
        out["minLabel"] = _text(item.min_label)
    if item.max_label is not None:
        out["maxLabel"] = _text(item.max_label)
    if item.scored:
        out["reverse"] = item.reverse
    if item.type != "text":
        out["dontKnow"] = item.dont_know
    else:
        out["maxLength"] = item.max_length
    return out


def dump(inst: Instrument) -> dict[str, Any]:
    """The canonical file-format mapping: defaults explicit, value sets expanded."""
    rules: dict[str, Any] = {}
    for r in inst.scoring.dimensions:
        rule: dict[str, Any] = {"method": r.method, "minAnswered": r.min_answered}
        if r.method == "gap":
            rule["pairs"] = [
                {"expectation": p.expectation, "experience": p.experience} for p in r.pairs
            ]
        else:
            rule["items"] = list(r.items)
        rules[r.dimension] = rule
    scoring: dict[str, Any] = {"dimensions": rules}
    if inst.indices:
        scoring["indices"] = {
            i.key: {
                "title": _text(i.title),
                "method": i.method,
                "dimensions": list(i.dimensions),
                "minDimensions": i.min_dimensions,
            }
            for i in inst.indices
        }
    if inst.staircase is not None:
        scoring["staircase"] = {
            "threshold": inst.staircase.threshold,
            "steps": list(inst.staircase.steps),
        }
    out: dict[str, Any] = {
        "key": inst.key,
        "version": inst.version,
        "title": _text(inst.title),
        "introduction": _text(inst.introduction),
        "audiences": list(inst.audiences),
    }
    if inst.respondent_attributes:
        out["respondentAttributes"] = [
            {"attribute": a.attribute, "required": a.required, "options": list(a.options)}
            for a in inst.respondent_attributes
        ]
    out["dimensions"] = [
        {
            "key": d.key,
            "title": _text(d.title),
            **({"description": _text(d.description)} if d.description is not None else {}),
        }
        for d in inst.dimensions
    ]
    out["item"] = [_item(item) for item in inst.items]
    out["scoring"] = scoring
    return out
