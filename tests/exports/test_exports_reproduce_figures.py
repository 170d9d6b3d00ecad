"""An analyst recomputes every published figure from the downloaded file alone.

For a closed survey the export covers whole, each published item, dimension and index
estimate (and its n) follows from the exported columns by the formula the codebook gives for
it: the plain mean for an unweighted survey, the weighted mean with the row's weight column
for a weighted one. Checked in every format, to 1e-8, for a survey weighted by raking on two
margins and for an unweighted one; the formulas are read from the codebook inside the
export's own bundle, so the test checks the codebook too.
"""

from __future__ import annotations

import io
import json
import random
import re
import zipfile
from typing import Any

import pandas as pd
import pytest
from exports.conftest import ATTRIBUTES, varied_answers
from exports.export_shapes import FORMATS, read_export

from helpers import bearer, close_survey, open_survey, read_scores, submit

TOLERANCE = 1e-8
CELLS = {
    ("female", "under_30"): 10,
    ("female", "60_plus"): 10,
    ("male", "under_30"): 10,
    ("male", "60_plus"): 15,
}
MARGINS = {
    "gender": {"female": 5200, "male": 4800},
    "age_band": {"under_30": 3500, "60_plus": 6500},
}


def _survey(client: Any, admin: str, *, margins: dict[str, Any] | None, late: int) -> Any:
    """45 respondents in four cells of gender and age band, then ``late`` more after the last
    snapshot (which are never published); closed."""
    rng = random.Random(11)
    fields = {"population_margins": margins} if margins else {}
    survey = open_survey(
        client,
        admin,
        instrument="omdommepavirkere",
        municipality="3201",
        period="2026",
        respondent_attributes=ATTRIBUTES,
        **fields,
    )
    people = [cell for cell, n in CELLS.items() for _ in range(n)]
    rng.shuffle(people)
    people += [("female", "under_30")] * late
    for gender, age_band in people:
        respondent = {"gender": gender, "age_band": age_band}
        response = submit(client, survey, varied_answers(rng), respondent=respondent)
        assert response.status_code == 201, response.get_json()
    return close_survey(client, admin, survey)


def _download(client: Any, key: str, fmt: str, **extra: Any) -> bytes:
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "omdommepavirkere", "format": fmt, **extra},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_data()
    response.close()
    return data


def _formulas(client: Any, key: str) -> list[dict[str, Any]]:
    """The codebook's formulas, from the export's own bundle."""
    archive = zipfile.ZipFile(io.BytesIO(_download(client, key, "csv", bundle="zip")))
    package = json.loads(archive.read("datapackage.json"))
    return list(package["x-codebook"]["figures"]["formulas"])


FORMULA = re.compile(r"^(mean|wmean)\((.+?)(?:, (weight\w*))?\)( \* 100)?(,.*)?$")


def _evaluate(formula: str, frame: pd.DataFrame) -> tuple[float, int]:
    """A codebook formula (``mean(y)`` or ``wmean(y, w)``) over ``frame``, and its n."""
    match = FORMULA.match(formula)
    assert match, formula
    kind, expression, weight, times_100, _note = match.groups()
    y = frame.eval(expression).astype(float)
    present = y.notna()
    if kind == "mean":
        value = float(y[present].mean())
    else:
        w = frame[weight].astype(float)
        assert w[present].notna().all(), (formula, "a row with a value has no weight")
        value = float((w[present] * y[present]).sum() / w[present].sum())
    return value * (100.0 if times_100 else 1.0), int(present.sum())


def _published(scores: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {}
    for section, prefix in (("items", "item"), ("dimensions", "dim"), ("indices", "idx")):
        for figure in scores[section]:
            out[f"{prefix}:{figure['key']}"] = figure
    return out


@pytest.mark.parametrize("method", ["none", "poststratified", "raked"])
def test_every_published_figure_follows_from_the_export(method, admin, analyst, client, tmp_path):
    margins = {"none": None, "poststratified": {"gender": MARGINS["gender"]}, "raked": MARGINS}
    weighted = method != "none"
    survey = _survey(client, admin, margins=margins[method], late=3)
    scores = read_scores(client, admin, survey)
    assert scores["method"]["weighting"] == method
    published = _published(scores)
    formulas = _formulas(client, analyst)
    recomputed = 0
    for fmt in FORMATS:
        # SPSS readers leave declared user-missing values (-1, don't know) out of means.
        data = _download(client, analyst, fmt)
        frame = read_export(fmt, data, tmp_path, as_text=False, user_missing=False)
        # The 3 who answered after the last snapshot are in no figure and in no row.
        assert len(frame) == sum(CELLS.values()) == scores["n"], fmt
        if weighted:
            assert frame["weight"].nunique() > 1
            assert any(c.startswith("weight_") for c in frame.columns), "own weights"
        else:
            assert set(frame["weight"]) == {1.0}
        for entry in formulas:
            figure = published.get(entry["figure"])
            if figure is None or figure.get("estimate") is None:
                continue  # withheld (or not a 0-100 figure of the scores)
            formula = entry["weighted" if weighted else "unweighted"]
            value, n = _evaluate(formula, frame)
            assert value == pytest.approx(figure["estimate"], abs=TOLERANCE), (fmt, formula)
            assert n == figure["n"], (fmt, entry["figure"])
            recomputed += 1
    shown = {key for key, figure in published.items() if figure.get("estimate") is not None}
    assert len(shown) >= 10 and recomputed == len(FORMATS) * len(shown), sorted(shown)


def test_the_unweighted_formula_is_the_plain_column_mean(admin, analyst, client, tmp_path):
    """The issue's own words: the plain mean of each item column, rescaled to 0-100, is the
    published unweighted item estimate (don't know is no number in CSV)."""
    survey = _survey(client, admin, margins=None, late=0)
    scores = read_scores(client, admin, survey)
    frame = read_export("csv", _download(client, analyst, "csv"), tmp_path, as_text=False)
    item = next(i for i in scores["items"] if i["key"] == "so_1")
    assert item["estimate"] is not None
    assert (frame["so_1"].dropna() >= 1).all(), "no negative code in the column"
    assert (frame["so_1"].mean() - 1) / 4 * 100 == pytest.approx(item["estimate"], abs=TOLERANCE)
