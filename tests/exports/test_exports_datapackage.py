"""The Frictionless Data Packages the service writes are valid, offline, with the
``frictionless`` library: the one inside a zip bundle, and the stand-alone codebook's, which
names the very CSV file that an export with the same filters downloads."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from frictionless import Package, system

from helpers import bearer

RESPONDENT = {"age_band": "30_44", "gender": "female", "area": "Sør-Øst", "role": "citizen"}
INSTRUMENTS = ("omdommepavirkere", "omdommetrappen", "partssamarbeid", "samlingsevaluering")


def attachment_name(response) -> str:
    match = re.search(r'filename="([^"]+)"', response.headers["Content-Disposition"])
    assert match, response.headers
    return match.group(1)


def validate(folder) -> None:
    """``frictionless validate datapackage.json`` in ``folder``, without the network: a
    profile that had to be fetched would fail here."""
    with system.use_context(trusted=True):
        report = Package(str(folder / "datapackage.json")).validate()
    errors = [
        f"{task.name}: {error.type}: {error.message}"
        for task in report.tasks
        for error in task.errors
    ] + [f"{error.type}: {error.note}" for error in report.errors]
    assert report.valid, "\n".join(errors)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_bundles_data_package_is_valid(admin, analyst, fill, client, tmp_path, lang):
    fill(admin, 8, respondent=RESPONDENT, municipality="3201", period="2026")
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "omdommepavirkere", "bundle": "zip", "lang": lang},
        headers=bearer(analyst),
    )
    assert response.status_code == 200
    zipfile.ZipFile(io.BytesIO(response.data)).extractall(tmp_path)
    response.close()
    validate(tmp_path)


@pytest.mark.parametrize("instrument", INSTRUMENTS)
def test_the_stand_alone_package_describes_the_downloaded_csv(
    admin, analyst, fill, client, tmp_path, instrument
):
    if instrument == "omdommepavirkere":
        fill(admin, 8, respondent=RESPONDENT, municipality="3201", period="2026")
    filters = {"instrument": instrument, "period": "2026", "municipality": "3201"}
    data = client.get("/api/v1/exports/responses", query_string=filters, headers=bearer(analyst))
    assert data.status_code == 200
    (tmp_path / attachment_name(data)).write_bytes(data.data)
    data.close()
    package = client.get(
        "/api/v1/exports/codebook",
        query_string={**filters, "format": "datapackage"},
        headers=bearer(analyst),
    )
    assert package.status_code == 200
    (tmp_path / "datapackage.json").write_bytes(package.data)
    assert json.loads(package.data)["resources"][0]["path"] == attachment_name(data)
    validate(tmp_path)
