"""What the fuzz test found, kept as plain regression tests (fast, on both databases)."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import AuditEntry

from helpers import assert_error, bearer, create_survey


@pytest.mark.parametrize("body", [None, {}])
def test_a_change_that_changes_nothing_is_422(app, client, admin, body):
    survey = create_survey(client, admin)
    kwargs = {} if body is None else {"json": body}
    response = client.patch(f"/api/v1/surveys/{survey['id']}", headers=bearer(admin), **kwargs)
    body = assert_error(response, 422)
    assert "Nothing to change" in str(body["errors"]), body
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "survey.update" not in actions


def test_the_openapi_document_says_a_change_needs_a_field(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["schemas"]["SurveyUpdate"]["minProperties"] == 1


def test_an_export_named_after_any_period_has_a_header_a_server_can_send(client, admin):
    period = '\U000a238a1\u00f8"x'
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "omdommetrappen", "period": period},
        headers=bearer(admin),
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    disposition = response.headers["Content-Disposition"]
    response.close()
    assert disposition.isascii() and disposition.count('"') == 2
    assert f"filename*=UTF-8''{quote('omdommetrappen-1.0.0_responses_', safe='')}" in disposition
    assert quote(period, safe="") in disposition


def test_every_operation_documents_503_and_no_catch_all(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "503" in operation["responses"], (method, path)
            assert "default" not in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert "413" in operation["responses"], (method, path)
