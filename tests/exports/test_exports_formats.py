"""The same export in all four formats reads back, each with its own reader, to the same
values, labels and missing codes."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from helpers import bearer

RESPONDENT = {"age_band": "30_44", "gender": "female", "area": "Sør-Øst", "role": "citizen"}


@pytest.fixture
def exported(admin, analyst, fill, download, tmp_path):
    fill(admin, 12, respondent=RESPONDENT, municipality="3201", period="2026", seed=3)
    base = {"instrument": "omdommepavirkere", "period": "2026"}
    files = {}
    for fmt in ("csv", "jsonl", "parquet", "sav"):
        response = download(analyst, format=fmt, **base)
        files[fmt] = response
    return files


def _frames(files, tmp_path):
    csv = pd.read_csv(
        io.BytesIO(files["csv"].data), dtype={"municipality": str, "county_number": str}
    )
    jsonl = pd.read_json(
        io.BytesIO(files["jsonl"].data),
        lines=True,
        dtype={"municipality": str, "county_number": str},
    )
    parquet = pq.read_table(io.BytesIO(files["parquet"].data))
    sav_path = tmp_path / "export.sav"
    sav_path.write_bytes(files["sav"].data)
    sav, meta = pyreadstat.read_sav(str(sav_path), user_missing=True)
    return csv, jsonl, parquet, sav, meta


def test_all_formats_read_back_to_the_same_values(exported, tmp_path):
    csv, jsonl, parquet, sav, meta = _frames(exported, tmp_path)
    table = parquet.to_pandas()
    # 12 answered; the last snapshot (every 5 changes) holds 10, and the 2 that came after
    # it are never published (services/snapshots.py).
    assert len(csv) == len(jsonl) == len(table) == len(sav) == 10
    assert exported["csv"].headers["X-Export-Rows"] == "10"
    name = exported["csv"].headers["Content-Disposition"]
    assert 'filename="omdommepavirkere-1.0.0_responses_2026_all.csv"' in name

    by_row = {
        "csv": csv.set_index("row_id").sort_index(),
        "jsonl": jsonl.set_index("row_id").sort_index(),
        "parquet": table.set_index("row_id").sort_index(),
        "sav": sav.set_index("row_id").sort_index(),
    }
    # Rows come out in a random order per export, so compare the sets of item answers.
    items = ["kontakt", "so_1", "so_2", "fo_skole", "op_skole", "samlet_inntrykk"]
    items = [c for c in items if c in csv.columns]
    assert "kontakt" in items and "so_1" in items

    indicators = [f"{c}_dont_know" for c in items if f"{c}_dont_know" in csv.columns]
    assert "so_1_dont_know" in indicators

    def answer_rows(frame):
        return sorted(
            tuple(-99 if pd.isna(v) or v == -1 else int(v) for v in row)
            for row in frame[items + indicators].itertuples(index=False)
        )

    expected = answer_rows(by_row["csv"])
    for fmt in ("jsonl", "parquet", "sav"):
        assert answer_rows(by_row[fmt]) == expected, fmt
    # Don't know: empty with its indicator 1 in CSV, JSON Lines and Parquet, so a column's
    # plain mean is the mean of the answers; the declared missing code -1 in SPSS.
    assert not (csv[items] == -1).any().any()
    said = [c.removesuffix("_dont_know") for c in indicators if (csv[c] == 1).any()]
    assert said, "the seed gives some don't knows"
    for item in said:
        dont_know = csv[f"{item}_dont_know"] == 1
        assert csv.loc[dont_know, item].isna().all()
        assert (sav.loc[sav[f"{item}_dont_know"] == 1, item] == -1).all()
        assert (sav[f"{item}_dont_know"] == 1).sum() == dont_know.sum()
    # Norwegian letters intact; categorical values as codes.
    for frame in (csv, jsonl, table):
        assert set(frame["municipality_name"].astype(str)) == {"Bærum"}
        assert set(frame["municipality"].astype(str)) == {"3201"}
        assert set(frame["area"].dropna().astype(str)) <= {"Sør-Øst"}
    assert set(sav["municipality_name"]) == {"Bærum"}
    # Scores agree to the last digit.
    scores = sorted(c for c in csv.columns if c.startswith("score_"))
    assert scores
    for fmt in ("jsonl", "parquet", "sav"):
        for column in scores:
            left = sorted(by_row["csv"][column].dropna().round(9))
            right = sorted(by_row[fmt][column].dropna().astype(float).round(9))
            assert left == right, (fmt, column)


def test_parquet_is_typed_and_dictionary_encoded(exported):
    table = pq.read_table(io.BytesIO(exported["parquet"].data))
    schema = table.schema
    assert str(schema.field("so_1").type) == "int16"
    assert str(schema.field("row_id").type) == "int64"
    assert str(schema.field("score_media").type) == "double"
    assert str(schema.field("municipality").type).startswith("dictionary")
    assert str(schema.field("age_band").type).startswith("dictionary")
    columns = json.loads(schema.metadata[b"survey_service.columns"])
    so_1 = next(c for c in columns if c["name"] == "so_1")
    assert "missing_values" not in so_1  # don't know is empty, told by its indicator
    assert str(schema.field("so_1_dont_know").type) == "int16"


def test_sav_has_labels_and_missing_codes(exported, tmp_path):
    path = tmp_path / "labels.sav"
    path.write_bytes(exported["sav"].data)
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["so_1"].startswith("Jeg ble møtt")
    value_labels = meta.variable_value_labels
    assert value_labels["so_1"][1.0] == "Helt uenig"
    assert value_labels["so_1"][-1.0] == "Vet ikke"
    assert value_labels["kontakt"] == {1.0: "Ja", 2.0: "Nei"}
    assert meta.missing_ranges["so_1"] == [{"lo": -1.0, "hi": -1.0}]
    assert value_labels["age_band"][2.0] == "30–44 år"
    assert set(frame["age_band"].dropna()) <= {2.0}
    # pandas reads it as well, with the labels applied
    labelled, _ = pyreadstat.read_sav(str(path), apply_value_formats=True)
    assert set(labelled["municipality_name"]) == {"Bærum"}
    assert set(labelled["age_band"].dropna()) <= {"30–44 år"}


def test_sav_labels_in_english(admin, analyst, fill, download, tmp_path):
    fill(admin, 5, respondent=RESPONDENT, municipality="3201", seed=5)
    response = download(analyst, instrument="omdommepavirkere", format="sav", lang="en")
    path = tmp_path / "en.sav"
    path.write_bytes(response.data)
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["kontakt"].startswith("Have you")
    assert meta.variable_value_labels["kontakt"] == {1.0: "Yes", 2.0: "No"}


def test_zip_bundle_holds_data_and_codebook(admin, analyst, fill, client):
    fill(admin, 6, respondent=RESPONDENT, municipality="3201", period="2026")
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "omdommepavirkere", "bundle": "zip", "municipality": "3201"},
        headers=bearer(analyst),
    )
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert (
        "omdommepavirkere-1.0.0_responses_all_3201.zip" in response.headers["Content-Disposition"]
    )
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    names = set(archive.namelist())
    assert names == {
        "omdommepavirkere-1.0.0_responses_all_3201.csv",
        "datapackage.json",
        "codebook.md",
        "export.json",
    }
    package = json.loads(archive.read("datapackage.json"))
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert package["resources"][0]["path"] == "omdommepavirkere-1.0.0_responses_all_3201.csv"
    assert fields["so_1"]["type"] == "integer"
    assert "missingValues" not in fields["so_1"]  # don't know: empty, and its indicator 1
    assert fields["so_1_dont_know"]["constraints"]["enum"] == [0, 1]
    assert fields["age_band"]["constraints"]["enum"][0] == "under_30"
    metadata = json.loads(archive.read("export.json"))
    assert metadata["rows_written"] == 5  # the 6th came after the last snapshot
    assert metadata["disclosure"]["rows_released"] == 5
    csv = pd.read_csv(io.BytesIO(archive.read("omdommepavirkere-1.0.0_responses_all_3201.csv")))
    assert len(csv) == 5
    assert "Disclosure control" in archive.read("codebook.md").decode()
