"""A small valid instrument definition for the instruments tests (shared by their modules)."""

from __future__ import annotations

from typing import Any


def T(s: str) -> dict[str, str]:
    return {"nb": f"{s} (bokmål)", "nn": f"{s} (nynorsk)", "en": f"{s} (English)"}


AGREE = [{"value": v, "label": T(f"Punkt {v}")} for v in range(1, 6)]


def minimal() -> dict[str, Any]:
    """A small valid definition using every feature; tests break one thing at a time."""
    return {
        "key": "demo",
        "version": "1.0.0",
        "title": T("Tittel"),
        "introduction": T("Innledning"),
        "audiences": ["citizens", "employees"],
        "respondentAttributes": [{"attribute": "role"}],
        "answerValueSets": {"agree5": AGREE},
        "dimensions": [
            {"key": "a", "title": T("A")},
            {"key": "b", "title": T("B")},
            {"key": "g", "title": T("G")},
        ],
        "item": [
            {
                "linkId": "a1",
                "type": "likert",
                "text": T("a1"),
                "answerValueSet": "agree5",
                "dontKnow": True,
                "textVariants": {"employees": T("a1 ansatte")},
            },
            {
                "linkId": "a2",
                "type": "likert",
                "text": T("a2"),
                "answerOption": AGREE,
                "reverse": True,
            },
            {"linkId": "b1", "type": "rating", "minValue": 0, "maxValue": 10, "text": T("b1")},
            {"linkId": "b2", "type": "dice", "text": T("b2")},
            {
                "linkId": "e1",
                "type": "rating",
                "minValue": 1,
                "maxValue": 10,
                "text": T("e1"),
                "dontKnow": True,
            },
            {"linkId": "x1", "type": "rating", "minValue": 1, "maxValue": 10, "text": T("x1")},
            {
                "linkId": "c",
                "type": "choice",
                "text": T("c"),
                "required": True,
                "answerOption": [
                    {"value": "yes", "label": T("ja")},
                    {"value": "no", "label": T("nei")},
                ],
            },
            {
                "linkId": "c_follow",
                "type": "text",
                "text": T("hvorfor"),
                "required": True,
                "maxLength": 20,
                "enableWhen": [{"question": "c", "operator": "=", "answer": "yes"}],
            },
            {
                "linkId": "r1",
                "type": "likert",
                "text": T("r1"),
                "answerValueSet": "agree5",
                "enableWhen": [
                    {"respondent": "role", "operator": "in", "answer": ["politician", "top_leader"]}
                ],
            },
            {
                "linkId": "emp",
                "type": "likert",
                "text": T("emp"),
                "answerValueSet": "agree5",
                "audiences": ["employees"],
            },
        ],
        "scoring": {
            "dimensions": {
                "a": {"items": ["a1", "a2"]},
                "b": {"items": ["b1", "b2"]},
                "g": {"method": "gap", "pairs": [{"expectation": "e1", "experience": "x1"}]},
            },
            "indices": {"idx": {"title": T("Indeks"), "dimensions": ["a", "b"]}},
            "staircase": {"threshold": 50, "steps": ["a", "b"]},
        },
    }
