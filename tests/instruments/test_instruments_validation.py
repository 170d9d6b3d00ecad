"""Each rule of the definition format refuses a malformed definition with a path and message."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from instruments.instruments_defs import AGREE, T, minimal

from survey_service.instruments import Instrument, InstrumentError, Problem


def problems(data: dict[str, Any]) -> tuple[Problem, ...]:
    with pytest.raises(InstrumentError) as info:
        Instrument.from_dict(data)
    return info.value.problems


def test_minimal_is_valid() -> None:
    inst = Instrument.from_dict(minimal())
    assert inst.item("a1").text_variants["employees"]["nb"] == "a1 ansatte (bokmål)"
    assert inst.scoring.rule("a").min_answered == 1  # ceil(2 / 2)
    assert inst.indices[0].min_dimensions == 2
    assert inst.version_tuple == (1, 0, 0)


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def apply(d: dict[str, Any]) -> None:
        *head, last = path.split("/")
        node: Any = d
        for part in head:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is _DELETE:
            del node[int(last) if isinstance(node, list) else last]
        elif isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


_DELETE = object()

CASES: list[tuple[str, Mutation, str, str]] = [
    ("duplicate link id", _set("item/1/linkId", "a1"), "item[1].linkId", "duplicate linkId 'a1'"),
    (
        "dimension without a rule",
        _set("scoring/dimensions/b", _DELETE),
        "scoring.dimensions.b",
        "dimension 'b' has no items",
    ),
    (
        "dimension with no items",
        _set("scoring/dimensions/b/items", []),
        "scoring.dimensions.b.items",
        "dimension 'b' has no items",
    ),
    (
        "missing translation",
        _set("item/3/text/nn", _DELETE),
        "item[3].text.nn",
        "missing Nynorsk (nn) text",
    ),
    (
        "empty translation",
        _set("title/en", "  "),
        "title.en",
        "English (en) text must be a non-empty string",
    ),
    ("unknown language", _set("title/se", "Sámegiella"), "title.se", "unknown language 'se'"),
    (
        "scoring names an unknown item",
        _set("scoring/dimensions/a/items", ["a1", "zz"]),
        "scoring.dimensions.a.items[1]",
        "unknown item 'zz'",
    ),
    (
        "scoring names a free-text item",
        _set("scoring/dimensions/a/items", ["a1", "c_follow"]),
        "scoring.dimensions.a.items[1]",
        "item 'c_follow' is a text item and cannot be scored",
    ),
    (
        "same item twice in a dimension",
        _set("scoring/dimensions/a/items", ["a1", "a1"]),
        "scoring.dimensions.a.items[1]",
        "item 'a1' is used twice",
    ),
    (
        "threshold above 100",
        _set("scoring/staircase/threshold", 150),
        "scoring.staircase.threshold",
        "threshold 150 is outside 0–100",
    ),
    (
        "threshold below 0",
        _set("scoring/staircase/threshold", -1),
        "scoring.staircase.threshold",
        "threshold -1 is outside 0–100",
    ),
    (
        "threshold not a number",
        _set("scoring/staircase/threshold", "60"),
        "scoring.staircase.threshold",
        "must be a number, got '60'",
    ),
    (
        "staircase with an unknown step",
        _set("scoring/staircase/steps", ["a", "zz"]),
        "scoring.staircase.steps[1]",
        "unknown dimension 'zz'",
    ),
    (
        "gap dimension as a step",
        _set("scoring/staircase/steps", ["a", "g"]),
        "scoring.staircase.steps[1]",
        "gap dimension 'g' cannot be a staircase step",
    ),
    (
        "scale with min = max",
        _set("item/2/maxValue", 0),
        "item[2].maxValue",
        "scale minimum 0 must be less than its maximum 0",
    ),
    (
        "scale with min > max",
        _set("item/2/minValue", 11),
        "item[2].maxValue",
        "scale minimum 11 must be less than its maximum 10",
    ),
    (
        "rating without a maximum",
        _set("item/2/maxValue", _DELETE),
        "item[2].maxValue",
        "a rating needs maxValue",
    ),
    (
        "unknown item type",
        _set("item/0/type", "slider"),
        "item[0].type",
        "unknown item type 'slider' (allowed: likert, rating, dice, choice, text)",
    ),
    (
        "bad semver",
        _set("version", "1.0"),
        "version",
        "'1.0' is not a semantic version such as '1.0.0'",
    ),
    (
        "semver with a leading zero",
        _set("version", "1.01.0"),
        "version",
        "'1.01.0' is not a semantic version",
    ),
    ("version as a YAML float", _set("version", 1.0), "version", "1.0 is not a semantic version"),
    ("bad key", _set("key", "Omdømme"), "key", "key 'Omdømme' must be lower-case ASCII"),
    (
        "enableWhen names an unknown item",
        _set("item/7/enableWhen/0/question", "nope"),
        "item[7].enableWhen[0].question",
        "unknown item 'nope'",
    ),
    (
        "enableWhen names a later item",
        _set("item/7/enableWhen/0/question", "r1"),
        "item[7].enableWhen[0].question",
        "item 'r1' must come before the item whose enableWhen names it",
    ),
    (
        "enableWhen answer not an option",
        _set("item/7/enableWhen/0/answer", "maybe"),
        "item[7].enableWhen[0].answer",
        "'maybe' is not a possible answer (allowed: yes, no)",
    ),
    (
        "enableWhen unknown operator",
        _set("item/7/enableWhen/0/operator", "~"),
        "item[7].enableWhen[0].operator",
        "unknown operator '~'",
    ),
    (
        "enableWhen on an unknown role",
        _set("item/8/enableWhen/0/answer", ["mayor"]),
        "item[8].enableWhen[0].answer",
        "'mayor' is not a possible answer",
    ),
    (
        "enableWhen on an attribute not asked for",
        _set("respondentAttributes", []),
        "item[8].enableWhen[0].respondent",
        "respondent attribute 'role' is not asked for in respondentAttributes",
    ),
    ("misspelt field", _set("item/1/revrese", True), "item[1].revrese", "unknown field 'revrese'"),
    (
        "field that does not fit the type",
        _set("item/6/reverse", True),
        "item[6].reverse",
        "unknown field 'reverse'",
    ),
    (
        "missing required field",
        _set("item/0/text", _DELETE),
        "item[0].text",
        "required field 'text' is missing",
    ),
    (
        "unknown audience",
        _set("audiences", ["citizens", "tourists"]),
        "audiences[1]",
        "unknown audience 'tourists'",
    ),
    (
        "item audience not the instrument's",
        _set("item/9/audiences", ["leaders"]),
        "item[9].audiences[0]",
        "audience 'leaders' is not one of the instrument's audiences",
    ),
    (
        "variant for an unknown audience",
        _set("item/0/textVariants", {"tourists": T("x")}),
        "item[0].textVariants.tourists",
        "unknown audience 'tourists'",
    ),
    (
        "duplicate option value",
        _set("item/1/answerOption/1/value", 1),
        "item[1].answerOption[1].value",
        "value 1 is used twice",
    ),
    (
        "unknown value set",
        _set("item/0/answerValueSet", "agree7"),
        "item[0].answerValueSet",
        "unknown answerValueSet 'agree7'",
    ),
    (
        "likert with one option",
        _set("item/1/answerOption", AGREE[:1]),
        "item[1].answerOption",
        "at least 2 answer options",
    ),
    (
        "likert with code values",
        _set(
            "item/1/answerOption",
            [{"value": "x", "label": T("x")}, {"value": "y", "label": T("y")}],
        ),
        "item[1].answerOption",
        "Likert answer options need integer values",
    ),
    (
        "minAnswered above the item count",
        _set("scoring/dimensions/a/minAnswered", 3),
        "scoring.dimensions.a.minAnswered",
        "must be between 1 and 2",
    ),
    (
        "unknown scoring method",
        _set("scoring/dimensions/a/method", "median"),
        "scoring.dimensions.a.method",
        "unknown method 'median'",
    ),
    (
        "gap pair naming an unknown item",
        _set("scoring/dimensions/g/pairs/0/experience", "zz"),
        "scoring.dimensions.g.pairs[0].experience",
        "unknown item 'zz'",
    ),
    (
        "rule for an undeclared dimension",
        _set("scoring/dimensions/zz", {"items": ["a1"]}),
        "scoring.dimensions.zz",
        "unknown dimension 'zz'",
    ),
    (
        "index of an unknown dimension",
        _set("scoring/indices/idx/dimensions", ["a", "zz"]),
        "scoring.indices.idx.dimensions[1]",
        "unknown dimension 'zz'",
    ),
    (
        "index including a gap dimension",
        _set("scoring/indices/idx/dimensions", ["a", "g"]),
        "scoring.indices.idx.dimensions[1]",
        "gap dimension 'g' (−100..100) cannot be averaged",
    ),
    (
        "unknown respondent attribute",
        _set("respondentAttributes", [{"attribute": "income"}]),
        "respondentAttributes[0].attribute",
        "unknown respondent attribute 'income'",
    ),
    (
        "text over the maximum length limit",
        _set("item/7/maxLength", 0),
        "item[7].maxLength",
        "must be between 1 and 10000, got 0",
    ),
    (
        "duplicate dimension key",
        _set("dimensions/1/key", "a"),
        "dimensions[1].key",
        "dimension key 'a' is used twice",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "path", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rule(mutate: Mutation, path: str, message: str) -> None:
    data = copy.deepcopy(minimal())
    mutate(data)
    found = problems(data)
    matching = [p for p in found if p.path == path]
    assert matching, f"no problem at {path}; got {[str(p) for p in found]}"
    assert any(message in p.message for p in matching), [p.message for p in matching]


def test_all_problems_are_collected() -> None:
    data = minimal()
    data["version"] = "one"
    del data["item"][3]["text"]["nn"]
    data["scoring"]["staircase"]["threshold"] = 101
    data["item"][1]["linkId"] = "a1"
    paths = {p.path for p in problems(data)}
    assert {"version", "item[3].text.nn", "scoring.staircase.threshold", "item[1].linkId"} <= paths


def test_error_message_and_by_path() -> None:
    data = minimal()
    data["version"] = "x"
    with pytest.raises(InstrumentError) as info:
        Instrument.from_dict(data)
    assert "version: 'x' is not a semantic version" in str(info.value)
    assert isinstance(info.value, ValueError)
    assert info.value.by_path() == {"version": ["'x' is not a semantic version such as '1.0.0'"]}
    assert info.value.problems[0].code == "bad_version"


def test_yaml_errors() -> None:
    with pytest.raises(InstrumentError, match="not valid YAML"):
        Instrument.from_yaml("key: [unclosed")
    with pytest.raises(InstrumentError, match="must be a mapping"):
        Instrument.from_yaml("- just a list")


def test_not_a_mapping() -> None:
    found = problems([])  # type: ignore[arg-type]
    assert found[0].message.startswith("must be a mapping")


def test_hash_stability() -> None:
    a = Instrument.from_dict(minimal())
    b = Instrument.from_dict(minimal())
    assert a.content_hash == b.content_hash
    # The same meaning written differently: a value set expanded, defaults spelt out.
    data = minimal()
    data["item"][0]["answerOption"] = AGREE
    del data["item"][0]["answerValueSet"]
    data["item"][0]["required"] = False
    data["scoring"]["dimensions"]["a"]["minAnswered"] = 1
    assert Instrument.from_dict(data).content_hash == a.content_hash
    # A changed item text, a changed reverse flag, a changed threshold: a new hash.
    for change in (
        _set("item/0/text/nn", "Anna ordlyd"),
        _set("item/1/reverse", False),
        _set("scoring/staircase/threshold", 60),
        _set("version", "1.0.1"),
    ):
        data = minimal()
        change(data)
        assert Instrument.from_dict(data).content_hash != a.content_hash


def test_round_trip_keeps_every_feature() -> None:
    inst = Instrument.from_dict(minimal())
    data = inst.to_dict()
    assert "answerValueSets" not in data
    assert data["item"][0]["answerOption"][0] == {"value": 1, "label": T("Punkt 1")}
    assert data["item"][8]["enableWhen"] == [
        {"respondent": "role", "operator": "in", "answer": ["politician", "top_leader"]}
    ]
    assert data["scoring"]["staircase"] == {"threshold": 50.0, "steps": ["a", "b"]}
    again = Instrument.from_dict(data)
    assert again == inst and again.content_hash == inst.content_hash


def test_objects_are_frozen() -> None:
    inst = Instrument.from_dict(minimal())
    with pytest.raises(AttributeError):
        inst.version = "2.0.0"  # type: ignore[misc]
    with pytest.raises(TypeError):
        inst.title["nb"] = "x"  # type: ignore[index]
    assert isinstance(inst.items, tuple)
