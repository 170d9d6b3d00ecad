"""Conditional items are a quasi-identifier: whether a row answered an item that only some
roles are shown (``tv_involvering`` in ``partssamarbeid``: union and safety representatives)
must never single anyone out, in any export format."""

from __future__ import annotations

import copy
import io
import json
import math
import zipfile
from typing import Any

import pandas as pd
import pytest
from exports.export_shapes import FORMATS, QI_COLUMNS, cooperation_survey
from exports.export_shapes import read_export as read

from survey_service.instruments import Instrument, bundled
from survey_service.services.exports.conditional_items import ConditionalItems
from survey_service.services.exports.disclosure import SUPPRESSED, QuasiIdentifiers, generalise
from survey_service.services.exports.layout import layout

from helpers import answers_for, bearer, close_survey, open_survey, submit

ITEM = "tv_involvering"
#: Released role values that tell, on their own, whether tv_involvering was shown.
ROLES_SHOWN_THE_ITEM = {"union_representative", "safety_representative", "representative"}


def missing(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def role_codes(fmt: str, frame: pd.DataFrame) -> list[str]:
    """The released role of every row as its code ("" when blank), whatever the format (SPSS
    numbers translated as the codebook's ``spss_value`` says)."""
    if fmt != "sav":
        return ["" if missing(v) else str(v) for v in frame["role"]]
    column = layout(bundled("partssamarbeid"), attributes=["role"]).column("role")
    by_number = {float(c.sav_value): str(c.value) for c in column.categories}
    return ["" if missing(v) else by_number[float(v)] for v in frame["role"]]


def assert_no_one_singled_out(fmt: str, data: bytes, tmp_path: Any, k: int) -> pd.DataFrame:
    """Every row with the conditional item filled in has a released role that tells, by
    itself, that the item was shown, and shares all its released quasi-identifiers with at
    least k rows; so the item's presence narrows no class down."""
    frame = read(fmt, data, tmp_path)
    roles = role_codes(fmt, frame)
    qi = [c for c in QI_COLUMNS if c in frame.columns and c != "role"]
    keys = [
        (*("" if missing(row[c]) else str(row[c]) for c in qi), role)
        for (_, row), role in zip(frame.iterrows(), roles, strict=True)
    ]
    sizes: dict[tuple[str, ...], int] = {}
    for key in keys:
        sizes[key] = sizes.get(key, 0) + 1
    for (_, row), role, key in zip(frame.iterrows(), roles, keys, strict=True):
        if missing(row[ITEM]):
            continue
        assert role in ROLES_SHOWN_THE_ITEM, (fmt, role, row[ITEM])
        assert sizes[key] >= k, (fmt, key, sizes[key])
    return frame


def _submit(client: Any, survey: dict[str, Any], role: str, value: int, **answers: Any) -> None:
    response = submit(
        client,
        survey,
        answers_for("partssamarbeid", value, **answers),
        respondent={"role": role},
        language="nb",
    )
    assert response.status_code == 201, response.get_json()


@pytest.fixture
def lone_union_representative(admin: str, client: Any) -> dict[str, Any]:
    """Twenty employees, a few politicians and leaders (too few to keep their roles), and one
    union representative, the only respondent shown tv_involvering, who answers it."""
    survey = cooperation_survey(client, admin)
    for i in range(20):
        _submit(client, survey, "employee", 1 + i % 5)
    for i, role in enumerate(["politician", "politician", "top_leader", "top_leader"]):
        _submit(client, survey, role, 2 + i % 3)
    # 25 in all, a multiple of k: the last snapshot holds them all, so all are exported.
    _submit(client, survey, "union_representative", 3, **{ITEM: 5})
    return close_survey(client, admin, survey)


def test_lone_representative_not_singled_out_by_a_conditional_item(
    lone_union_representative, analyst, download, tmp_path, app
):
    k = app.config["SURVEY_MIN_N"]
    for fmt in FORMATS:
        response = download(analyst, instrument="partssamarbeid", format=fmt)
        frame = assert_no_one_singled_out(fmt, response.data, tmp_path, k)
        # The representative's row is released (role blanked with the politicians' and the
        # leaders'), so the attack had a row to find; the item is blanked in all of them.
        assert len(frame) == 25, fmt
        assert all(missing(v) for v in frame[ITEM]), (fmt, list(frame[ITEM]))
        # Only the conditional item is lost: the other answers and the scores stay.
        blank_role = frame[[missing(v) for v in frame["role"]]]
        assert len(blank_role) == 5, fmt
        for column in ("fm_1", "score_felles_mal", "index_partssamarbeidsindeks"):
            assert not any(missing(v) for v in blank_role[column]), (fmt, column)
        disclosure = json.loads(response.headers["X-Export-Disclosure"])
        assert disclosure["rows_with_conditional_items_blanked"] == {ITEM: 5}


def test_lone_representative_not_singled_out_in_a_bundle(
    lone_union_representative, analyst, client, tmp_path
):
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "partssamarbeid", "bundle": "zip"},
        headers=bearer(analyst),
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    data = next(n for n in archive.namelist() if n.endswith(".csv"))
    frame = assert_no_one_singled_out("csv", archive.read(data), tmp_path, 5)
    assert all(missing(v) for v in frame[ITEM])
    codebook = archive.read("codebook.md").decode()
    assert "Conditional items" in codebook and "rows_with_conditional_items_blanked" in codebook


def test_conditional_item_exported_where_k_representatives_share_their_role(
    admin, analyst, client, download, tmp_path, app
):
    """Five union representatives keep their role (a class of k), and three union plus two
    safety representatives share the collapsed role "representative": both groups were all
    shown the item, so their answers to it are exported."""
    k = app.config["SURVEY_MIN_N"]
    bodo = open_survey(
        client, admin, instrument="partssamarbeid", audience="employees", municipality="1804"
    )
    for i in range(20):
        _submit(client, bodo, "employee", 1 + i % 5)
    for i in range(k):
        _submit(client, bodo, "union_representative", 1 + i, **{ITEM: 1 + i})
    molde = open_survey(
        client, admin, instrument="partssamarbeid", audience="employees", municipality="1506"
    )
    for i in range(20):
        _submit(client, molde, "employee", 1 + i % 5)
    for i, role in enumerate(["union_representative"] * 3 + ["safety_representative"] * 2):
        _submit(client, molde, role, 1 + i, **{ITEM: 1 + i})
    for survey in (bodo, molde):
        close_survey(client, admin, survey)
    for fmt in FORMATS:
        response = download(analyst, instrument="partssamarbeid", format=fmt)
        frame = assert_no_one_singled_out(fmt, response.data, tmp_path, k)
        roles = role_codes(fmt, frame)
        answered = [
            (role, str(row["municipality"]), int(float(row[ITEM])))
            for (_, row), role in zip(frame.iterrows(), roles, strict=True)
            if not missing(row[ITEM])
        ]
        assert sorted(answered) == sorted(
            [("union_representative", "1804", v) for v in range(1, k + 1)]
            + [("representative", "1506", v) for v in range(1, 6)]
        ), fmt
        disclosure = json.loads(response.headers["X-Export-Disclosure"])
        assert disclosure["rows_with_conditional_items_blanked"] == {}


# -- the rule itself, on instruments with other kinds of conditions ----------------------


def _instrument(change: Any) -> Instrument:
    definition = copy.deepcopy(bundled("partssamarbeid").to_dict())
    change(definition)
    return Instrument.from_dict(definition)


def _qi(role: str) -> QuasiIdentifiers:
    return QuasiIdentifiers("4601", "46", "2026", "employees", "nb", "2026-W14", role, "", "", "")


def test_released_role_tells_or_the_item_is_blanked():
    rule = ConditionalItems(bundled("partssamarbeid"))
    for role in ("union_representative", "safety_representative", "employee", "politician"):
        for level in range(SUPPRESSED):
            released = generalise(_qi(role), level)
            blanked = ITEM in rule.blanked(released).items
            assert blanked == (released.role == ""), (role, level, released.role)


def test_coarsened_role_that_mixes_shown_and_not_shown_blanks_the_item():
    """``role = union_representative``: "representative" also stands for safety
    representatives, who were not shown the item, so it no longer tells."""

    def only_union(definition: dict[str, Any]) -> None:
        item = next(i for i in definition["item"] if i["linkId"] == ITEM)
        item["enableWhen"] = [
            {"respondent": "role", "operator": "=", "answer": "union_representative"}
        ]

    rule = ConditionalItems(_instrument(only_union))
    assert ITEM not in rule.blanked(_qi("union_representative")).items
    assert ITEM not in rule.blanked(_qi("employee")).items
    assert ITEM in rule.blanked(generalise(_qi("union_representative"), 3)).items
    assert ITEM in rule.blanked(generalise(_qi("safety_representative"), 3)).items


def test_dependent_items_and_scores_go_with_a_blanked_item():
    """An item conditional on tv_involvering's answer, and a dimension (and the index) that
    read tv_involvering, are blanked wherever tv_involvering is."""

    def chain(definition: dict[str, Any]) -> None:
        items = definition["item"]
        at = next(i for i, x in enumerate(items) if x["linkId"] == ITEM)
        follow_up = copy.deepcopy(items[at])
        follow_up["linkId"] = "tv_oppfolging"
        follow_up["enableWhen"] = [{"question": ITEM, "operator": "<=", "answer": 2}]
        items.insert(at + 1, follow_up)
        definition["scoring"]["dimensions"]["respekt_roller"]["items"].append(ITEM)

    rule = ConditionalItems(_instrument(chain))
    blanked = rule.blanked(generalise(_qi("union_representative"), 4))
    assert {ITEM, "tv_oppfolging"} <= blanked.items
    assert blanked.dimensions == {"respekt_roller"}
    assert blanked.indices == {"partssamarbeidsindeks"}
    assert not rule.blanked(_qi("union_representative"))


def test_items_conditional_on_another_answer_are_kept():
    rule = ConditionalItems(bundled("omdommepavirkere"))
    assert rule.attributes == ()
    assert not rule.blanked(QuasiIdentifiers(*[""] * 10))
