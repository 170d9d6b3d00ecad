"""The bundled instruments: stable keys, complete and distinct texts in nb, nn and en."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from survey_service.instruments import (
    LANGUAGES,
    RESPONDENT_ATTRIBUTES,
    UI_LABELS,
    Instrument,
    bundled,
    load_bundled,
)

# The public contract (api.md): instrument keys and dimension keys, in order.
EXPECTED = {
    "omdommetrappen": (
        "strukturer_systemer_okonomi",
        "kvalitet",
        "intern_profilering",
        "ekstern_profilering",
        "tillit",
    ),
    "partssamarbeid": (
        "felles_mal",
        "samme_retning",
        "tillit_apenhet",
        "respekt_roller",
        "engasjement",
        "motekultur_ledelse",
        "losningsorientering",
        "samlet_vurdering",
    ),
    "forankring": ("bevissthet", "aksept", "forpliktelse", "eierskap", "realisering"),
    "omdommepavirkere": (
        "sannhetens_oyeblikk",
        "kvalitet_forventning_opplevelse",
        "omdommepavirkere",
        "media",
    ),
    "samlingsevaluering": ("terningkast",),
}

# Strings that are genuinely the same in two languages (nb and nn share many terms).
SAME_IN_TWO_LANGUAGES = {
    "Kvalitet",
    "Tillit",
    "Intern profilering",
    "Ekstern profilering",
    "Aksept",
    "Realisering",
    "Partssamarbeidsindeks",
    "Forankringsindeks",
    "Terningkast",
    "Ja",
    "Nei",
    # respondent vocabulary
    "Under 30 år",
    "30–44 år",
    "45–59 år",
    "60 år eller eldre",
    "Kvinne",
    "Mann",
    "Om deg",
    "Andre spørsmål",
}

INSTRUMENTS = load_bundled()
IDS = [f"{i.key}-{i.version}" for i in INSTRUMENTS]


def texts(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, str]]]:
    """Every {nb, nn, en} text in a to_dict() tree, with its path."""
    if isinstance(node, dict):
        if set(node) == set(LANGUAGES):
            yield path, node
            return
        for k, v in node.items():
            yield from texts(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from texts(v, f"{path}[{i}]")


def test_bundled_keys_and_dimensions_are_the_contract() -> None:
    assert {i.key: i.dimension_keys for i in INSTRUMENTS} == EXPECTED
    assert all(i.version == "1.0.0" for i in INSTRUMENTS)


def test_named_items_exist() -> None:
    assert bundled("partssamarbeid").item("samlet_vurdering").scale == (1, 10)
    assert bundled("samlingsevaluering").item("terningkast").scale == (1, 6)
    assert bundled("samlingsevaluering").item("viktigste_laerdom").type == "text"
    with pytest.raises(KeyError):
        bundled("nonexistent")


@pytest.mark.parametrize("inst", INSTRUMENTS, ids=IDS)
def test_every_text_is_complete_and_distinct(inst: Instrument) -> None:
    found = list(texts(inst.to_dict()))
    assert len(found) >= 5
    bad = []
    for path, text in found:
        for lang in LANGUAGES:
            if not text.get(lang, "").strip():
                bad.append(f"{path}.{lang}: missing")
        for a, b in (("nb", "nn"), ("nb", "en"), ("nn", "en")):
            if text[a] == text[b] and text[a] not in SAME_IN_TWO_LANGUAGES:
                bad.append(f"{path}: {a} and {b} are both {text[a]!r}")
    assert bad == []


def test_vocabulary_texts_are_complete_and_distinct() -> None:
    found: list[tuple[str, Any]] = []
    for attr in RESPONDENT_ATTRIBUTES.values():
        found.append((f"{attr.key}.question", attr.question))
        found.extend((f"{attr.key}.{o.code}", o.label) for o in attr.options)
    found.extend(UI_LABELS.items())
    for path, text in found:
        assert all(text[lang].strip() for lang in LANGUAGES), path
        for a, b in (("nb", "nn"), ("nb", "en"), ("nn", "en")):
            assert text[a] != text[b] or text[a] in SAME_IN_TWO_LANGUAGES | {"Send inn"}, path


# Words that give away the other written standard (a Nynorsk text "with a few words changed").
BOKMAL_ONLY = (
    r"\b(ikke|jeg|hva|hvordan|hvorfor|hvem|hvilke|ansatte|tjenest\w*|innbyggere\w*|"
    r"ledere|lederne|noen|mye|fra|være|vært|gjør|hjem|bruker|også når saken)\b"
)
NYNORSK_ONLY = (
    r"\b(ikkje|eg|kva|korleis|kvifor|kven|tilsette|tenest\w*|innbyggjar\w*|"
    r"leiar\w*|nokon|nokre|mykje|frå|vere|vore|gjer|heim|brukar)\b"
)


@pytest.mark.parametrize("inst", INSTRUMENTS, ids=IDS)
def test_nynorsk_is_nynorsk_and_bokmal_is_bokmal(inst: Instrument) -> None:
    bad = []
    for path, text in texts(inst.to_dict()):
        if m := re.search(BOKMAL_ONLY, text["nn"], re.IGNORECASE):
            bad.append(f"{path}.nn has Bokmål {m[0]!r}")
        if m := re.search(NYNORSK_ONLY, text["nb"], re.IGNORECASE):
            bad.append(f"{path}.nb has Nynorsk {m[0]!r}")
    assert bad == []


@pytest.mark.parametrize("inst", INSTRUMENTS, ids=IDS)
def test_round_trip_and_hash(inst: Instrument) -> None:
    data = inst.to_dict()
    json.dumps(data)  # JSON-able
    again = Instrument.from_dict(json.loads(json.dumps(data)))
    assert again == inst
    assert again.to_dict() == data
    assert again.content_hash == inst.content_hash
    assert re.fullmatch(r"[0-9a-f]{64}", inst.content_hash)


@pytest.mark.parametrize("inst", INSTRUMENTS, ids=IDS)
def test_dimensions_have_several_items_and_balance(inst: Instrument) -> None:
    for rule in inst.scoring.dimensions:
        ids = rule.item_ids
        if len(ids) == 1:  # a single overall question reported as its own dimension
            assert rule.dimension in ("samlet_vurdering", "terningkast")
            continue
        assert 3 <= len(ids) <= 8, rule.dimension
    likert = [i for i in inst.items if i.type == "likert"]
    if len(likert) >= 10:  # balanced: some reverse-scored items, most not
        reversed_ = sum(i.reverse for i in likert)
        assert 0.1 <= reversed_ / len(likert) <= 0.4


@pytest.mark.parametrize("inst", INSTRUMENTS, ids=IDS)
def test_likert_items_use_the_labelled_five_point_agree_scale(inst: Instrument) -> None:
    for item in inst.items:
        if item.type == "likert":
            assert [o.value for o in item.answer_options] == [1, 2, 3, 4, 5]
            assert item.answer_options[0].label["nb"] == "Helt uenig"
            assert item.answer_options[0].label["nn"] == "Heilt usamd"
            assert item.answer_options[4].label["en"] == "Strongly agree"


def test_staircases() -> None:
    for key in ("omdommetrappen", "forankring"):
        stair = bundled(key).staircase
        assert stair is not None
        assert stair.threshold == 60.0
        assert stair.steps == EXPECTED[key]
    assert bundled("partssamarbeid").staircase is None


def test_indices() -> None:
    idx = {i.key: i for inst in INSTRUMENTS for i in inst.indices}
    assert idx["omdommeindeks"].dimensions == EXPECTED["omdommetrappen"]
    assert idx["partssamarbeidsindeks"].dimensions == EXPECTED["partssamarbeid"][:7]


def test_gap_dimension_and_role_attribute() -> None:
    rule = bundled("omdommepavirkere").scoring.rule("kvalitet_forventning_opplevelse")
    assert rule.method == "gap" and len(rule.pairs) == 4
    parts = bundled("partssamarbeid")
    (role,) = parts.respondent_attributes
    assert role.attribute == "role" and role.required
    assert set(role.options) == {
        "politician",
        "union_representative",
        "top_leader",
        "middle_leader",
        "project_leader",
        "employee",
        "safety_representative",
    }


def test_employee_variants_in_the_staircase() -> None:
    item = bundled("omdommetrappen").item("ip_2")
    assert item.text_for("nb", "employees") == "Jeg er stolt av å jobbe i denne kommunen."
    assert item.text_for("nb", "citizens") == item.text["nb"]


def test_package_is_pure() -> None:
    """No web framework or database in the instruments package (it must run on its own)."""
    import ast
    from pathlib import Path

    import survey_service.instruments as pkg

    for path in Path(pkg.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] not in {"flask", "sqlalchemy", "flask_smorest"}, path
