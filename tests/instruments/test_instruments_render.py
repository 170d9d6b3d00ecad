"""render(): the questionnaire in one language, JSON-able, for a form or a front end."""

from __future__ import annotations

import json
from typing import Any

import pytest
from instruments.instruments_defs import minimal

from survey_service.instruments import LANGUAGES, Instrument, bundled, load_bundled, render

INST = Instrument.from_dict(minimal())


def all_items(form: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for group in form["groups"] for item in group["item"]]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("inst", load_bundled(), ids=lambda i: i.key)
def test_every_bundled_instrument_renders(inst: Instrument, lang: str) -> None:
    form = render(inst, lang)
    assert json.loads(json.dumps(form)) == form
    assert form["language"] == lang and form["title"] == inst.title[lang]
    items = all_items(form)
    assert [i["linkId"] for i in items] == [i.link_id for i in inst.items]
    for item in items:
        assert item["text"].strip()
        for option in item.get("answerOption", []):
            assert str(option["label"]).strip()


def test_likert_item() -> None:
    form = render(bundled("omdommetrappen"), "nn")
    first = form["groups"][0]
    assert first["key"] == "strukturer_systemer_okonomi"
    assert first["title"] == "Strukturar, system og økonomi"
    item = first["item"][0]
    assert item["linkId"] == "sso_1" and item["type"] == "likert"
    assert item["text"] == "Kommunen styrer økonomien sin på ein ansvarleg måte."
    assert item["answerOption"][0] == {"value": 1, "label": "Heilt usamd"}
    assert item["answerOption"][4] == {"value": 5, "label": "Heilt samd"}
    assert item["dontKnow"] == {"value": "dont_know", "label": "Veit ikkje"}
    assert item["required"] is False and item["enableWhen"] == []
    assert [g["key"] for g in form["groups"]] == list(bundled("omdommetrappen").dimension_keys)


def test_audience_variants() -> None:
    inst = bundled("omdommetrappen")
    employees = {
        i["linkId"]: i["text"] for i in all_items(render(inst, "en", audience="employees"))
    }
    citizens = {i["linkId"]: i["text"] for i in all_items(render(inst, "en", audience="citizens"))}
    assert employees["ip_2"] == "I am proud to work for this municipality."
    assert citizens["ip_2"] == "The employees seem proud of the work they do for the municipality."
    assert employees["kv_2"] == citizens["kv_2"]


def test_audience_filter_and_conditions() -> None:
    ids = [i["linkId"] for i in all_items(render(INST, "nb", audience="citizens"))]
    assert "emp" not in ids
    assert "emp" in [i["linkId"] for i in all_items(render(INST, "nb", audience="employees"))]
    follow = next(i for i in all_items(render(INST, "nb")) if i["linkId"] == "c_follow")
    assert follow["enableWhen"] == [{"question": "c", "operator": "=", "answer": "yes"}]
    assert follow["required"] is True and follow["maxLength"] == 20


def test_rating_dice_and_text() -> None:
    form = render(bundled("samlingsevaluering"), "nb")
    dice, text = all_items(form)
    assert dice["minValue"] == 1 and dice["maxValue"] == 6
    assert [o["value"] for o in dice["answerOption"]] == [1, 2, 3, 4, 5, 6]
    assert dice["maxLabel"] == "Svært nyttig" and dice["dontKnow"] is None
    assert dice["required"] is True
    assert text["type"] == "text" and text["maxLength"] == 2000
    assert text["text"] == "Hva er det viktigste du tar med deg hjem fra samlingen?"
    overall = next(
        i
        for i in all_items(render(bundled("partssamarbeid"), "nn"))
        if i["linkId"] == "samlet_vurdering"
    )
    assert overall["text"] == "Kor godt fungerer partssamarbeidet i kommunen din?"
    assert (overall["minValue"], overall["maxValue"]) == (1, 10)


def test_respondent_questions() -> None:
    form = render(bundled("partssamarbeid"), "nb")
    (role,) = form["respondent"]
    assert role["attribute"] == "role" and role["required"] is True
    assert role["question"] == "Hvilken rolle har du i kommunen?"
    assert [o["value"] for o in role["answerOption"]] == [
        "politician",
        "union_representative",
        "top_leader",
        "middle_leader",
        "project_leader",
        "employee",
        "safety_representative",
        "prefer_not_to_say",
    ]
    assert role["answerOption"][-1]["label"] == "Vil ikke svare"
    area = render(bundled("omdommepavirkere"), "en")["respondent"][-1]
    assert area["attribute"] == "area" and area["type"] == "text"
    assert form["labels"]["dont_know"] == "Vet ikke"


def test_unassigned_items_join_a_neighbouring_group() -> None:
    groups = render(bundled("omdommepavirkere"), "en")["groups"]
    assert groups[0]["key"] == "sannhetens_oyeblikk"
    assert groups[0]["item"][0]["linkId"] == "kontakt"


def test_bad_language_or_audience() -> None:
    with pytest.raises(ValueError, match="unknown language 'se'"):
        render(INST, "se")
    with pytest.raises(ValueError, match="unknown audience 'tourists'"):
        render(INST, "nb", audience="tourists")


def test_survey_attributes_and_areas() -> None:
    form = render(INST, "nn", asked=["gender", "area", "role"], areas=["Nord", "Sør"])
    assert [r["attribute"] for r in form["respondent"]] == ["role", "gender", "area"]
    area = form["respondent"][-1]
    assert area["type"] == "choice"
    assert area["answerOption"] == [
        {"value": "Nord", "label": "Nord"},
        {"value": "Sør", "label": "Sør"},
        {"value": "prefer_not_to_say", "label": "Vil ikkje svare"},
    ]
