"""The committed OpenAPI document is what the code generates."""

from pathlib import Path

from survey_service import create_app
from survey_service.cli import openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_openapi_is_current():
    generated = openapi_document(
        create_app({"SURVEY_DATABASE_URL": "sqlite://", "SURVEY_SECRET_KEY": "x"})
    )
    assert COMMITTED.read_text(encoding="utf-8") == generated, (
        "openapi/openapi.json is stale: regenerate it with "
        "'.venv/bin/survey-service openapi openapi/openapi.json' and commit it"
    )


def test_openapi_served_and_docs_need_no_cdn(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["info"]["title"]
    assert "/api/v1/municipalities/{number}" in spec["paths"]
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "http://" not in docs.replace("http://survey.test", "") and "https://" not in docs
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        response = client.get(f"/api/v1/docs/assets/{asset}")
        assert response.status_code == 200 and len(response.data) > 1000
        response.close()
