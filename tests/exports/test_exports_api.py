"""Who may export, bad filters, unknown instruments, the codebook and the audit log."""

from __future__ import annotations

import json

import pytest

from survey_service.db import db
from survey_service.services import errors, exports

from helpers import assert_error, bearer

ENDPOINTS = [
    ("/api/v1/exports/responses", {"instrument": "omdommetrappen"}),
    ("/api/v1/exports/codebook", {"instrument": "omdommetrappen"}),
]


@pytest.mark.parametrize("path,params", ENDPOINTS)
@pytest.mark.parametrize("role", ["admin", "analyst"])
def test_admin_and_analyst_may_export(client, make_key, role, path, params):
    response = client.get(path, query_string=params, headers=bearer(make_key(role)))
    assert response.status_code == 200
    response.close()


@pytest.mark.parametrize("path,params", ENDPOINTS)
@pytest.mark.parametrize("role,municipality", [("municipality", "4601"), ("dashboard", None)])
def test_other_roles_get_403(client, make_key, role, municipality, path, params):
    key = make_key(role, municipality)
    assert_error(
        client.get(path, query_string=params, headers=bearer(key)),
        403,
        message_contains="may not do this",
    )


@pytest.mark.parametrize("path,params", ENDPOINTS)
def test_no_key_401(client, path, params):
    assert_error(client.get(path, query_string=params), 401)


@pytest.mark.parametrize(
    "params,field",
    [
        ({}, "instrument"),
        ({"instrument": "omdommetrappen", "format": "xlsx"}, "format"),
        ({"instrument": "omdommetrappen", "municipality": "46"}, "municipality"),
        ({"instrument": "omdommetrappen", "county": "4601"}, "county"),
        ({"instrument": "omdommetrappen", "survey": "abc"}, "survey"),
        ({"instrument": "omdommetrappen", "lang": "sv"}, "lang"),
        ({"instrument": "omdommetrappen", "bundle": "tar"}, "bundle"),
    ],
)
def test_bad_filters_422(client, make_key, params, field):
    body = assert_error(
        client.get(
            "/api/v1/exports/responses", query_string=params, headers=bearer(make_key("analyst"))
        ),
        422,
    )
    assert field in body["errors"], body


@pytest.mark.parametrize("path", ["/api/v1/exports/responses", "/api/v1/exports/codebook"])
def test_unknown_instrument_404(client, make_key, path):
    key = make_key("analyst")
    assert_error(
        client.get(path, query_string={"instrument": "nope"}, headers=bearer(key)),
        404,
        message_contains="'nope'",
    )
    assert_error(
        client.get(
            path,
            query_string={"instrument": "omdommetrappen", "instrument_version": "9.9.9"},
            headers=bearer(key),
        ),
        404,
        message_contains="9.9.9",
    )


def test_unknown_instrument_is_the_core_not_found(app):
    with app.app_context(), pytest.raises(errors.NotFound, match="'nope'") as raised:
        exports.find_layout_version(db.session, "nope", None)
    assert isinstance(raised.value, exports.ExportNotFound)
    assert raised.value.message == "No instrument 'nope' is published."


def test_codebook_in_three_forms(client, make_key):
    key = make_key("analyst")
    params = {"instrument": "forankring"}
    book = client.get("/api/v1/exports/codebook", query_string=params, headers=bearer(key))
    assert book.status_code == 200
    document = book.get_json()
    assert document["instrument_version"] == "1.0.0"
    columns = {c["name"]: c for c in document["columns"]}
    item = next(c for c in document["columns"] if c["group"] == "item" and c.get("missing_values"))
    assert set(item["label"]) == {"nb", "nn", "en"}
    assert item["missing_values"][0]["value"] == -1
    assert item["values"][0]["label"]["nn"]
    assert "score_bevissthet" in columns
    assert document["disclosure_control"]["k"] == 5
    assert document["scoring"]["dimensions"]
    package = client.get(
        "/api/v1/exports/codebook",
        query_string={**params, "format": "datapackage"},
        headers=bearer(key),
    )
    data = json.loads(package.data)
    assert data["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    schema = data["resources"][0]["schema"]
    assert schema["missingValues"] == [""]
    assert any(f.get("categories") for f in schema["fields"])
    text = client.get(
        "/api/v1/exports/codebook",
        query_string={**params, "format": "markdown"},
        headers=bearer(key),
    )
    assert text.mimetype == "text/markdown"
    assert "## Scoring rules" in text.get_data(as_text=True)
    assert "Disclosure control" in text.get_data(as_text=True)


def test_audit_log_lists_exports_newest_first(client, make_key, download, admin, analyst, fill):
    fill(admin, 5, municipality="4601")
    download(analyst, instrument="omdommepavirkere", period="2026", format="parquet")
    response = client.get(
        "/api/v1/audit", query_string={"action": "export.*"}, headers=bearer(admin)
    )
    assert response.status_code == 200
    entries = response.get_json()
    assert [e["action"] for e in entries] == ["export.responses.completed", "export.responses"]
    started = entries[1]
    assert started["details"]["filters"]["period"] == ["2026"]
    assert started["details"]["planned_rows"] == 5
    assert entries[0]["details"]["rows_written"] == 5
    assert started["actor"].startswith("key:")
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == 2
    page = client.get(
        "/api/v1/audit", query_string={"page_size": 1, "page": 2}, headers=bearer(admin)
    )
    assert len(page.get_json()) == 1
    assert_error(client.get("/api/v1/audit", headers=bearer(analyst)), 403)
    assert_error(
        client.get("/api/v1/audit", query_string={"since": "yesterday"}, headers=bearer(admin)), 422
    )
    later = client.get(
        "/api/v1/audit", query_string={"since": "2999-01-01T00:00:00Z"}, headers=bearer(admin)
    )
    assert later.get_json() == []
