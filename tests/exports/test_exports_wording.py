"""Items worded differently for employees than for citizens carry each audience's wording in
the codebook, and the right one as the SPSS variable label of a single-audience export."""

from __future__ import annotations

import json

import pyreadstat

from survey_service.instruments import bundled

from helpers import bearer, close_survey, open_survey, submit

ITEM = "sso_3"  # "It is easy to find out whom to contact" / "I have the systems and tools..."
CITIZENS_EN = "It is easy to find out whom to contact in the municipality."
EMPLOYEES_EN = "I have the systems and tools I need to do a good job."


def answers(audience: str) -> dict[str, int]:
    shown = bundled("omdommetrappen").items_for(audience)
    return {i.link_id: 4 for i in shown if i.scale is not None and not i.enable_when}


def closed_survey(client, admin, audience: str, municipality: str) -> None:
    survey = open_survey(client, admin, audience=audience, municipality=municipality)
    for _ in range(5):
        assert submit(client, survey, answers(audience)).status_code == 201
    close_survey(client, admin, survey)


def sav_labels(client, key, tmp_path, **filters) -> dict[str, str]:
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "omdommetrappen", "format": "sav", "lang": "en", **filters},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    path = tmp_path / "labels.sav"
    path.write_bytes(response.data)
    response.close()
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    return dict(zip(meta.column_names, meta.column_labels, strict=True))


def test_the_codebook_gives_each_audience_its_wording(client, admin):
    url = "/api/v1/exports/codebook"
    query = {"instrument": "omdommetrappen"}
    document = client.get(url, query_string=query, headers=bearer(admin)).get_json()
    column = next(c for c in document["columns"] if c["name"] == ITEM)
    assert column["label_by_audience"]["citizens"]["en"] == CITIZENS_EN
    assert column["label_by_audience"]["employees"]["en"] == EMPLOYEES_EN
    markdown = client.get(url, query_string={**query, "format": "markdown"}, headers=bearer(admin))
    row = next(line for line in markdown.get_data(as_text=True).splitlines() if f"`{ITEM}`" in line)
    assert "employees: " in row and EMPLOYEES_EN in row and CITIZENS_EN in row
    package = client.get(
        url, query_string={**query, "format": "datapackage"}, headers=bearer(admin)
    )
    codebook = json.loads(package.data)["x-codebook"]
    assert any(c.get("label_by_audience") for c in codebook["columns"])


def test_a_single_audience_export_is_labelled_in_its_own_wording(client, admin, tmp_path):
    closed_survey(client, admin, "employees", "4601")
    closed_survey(client, admin, "citizens", "3201")
    assert sav_labels(client, admin, tmp_path, municipality="4601")[ITEM] == EMPLOYEES_EN
    assert sav_labels(client, admin, tmp_path, municipality="3201")[ITEM] == CITIZENS_EN
    # Both audiences in one file: the common wording, and the codebook says the rest.
    assert sav_labels(client, admin, tmp_path)[ITEM] == CITIZENS_EN
