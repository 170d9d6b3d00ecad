"""API keys and roles: 401 without a key, 403 for the wrong role, 404 across municipalities."""

import pytest
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import ApiKey, AuditEntry

from helpers import assert_error, bearer

# (method, path, roles allowed) for every protected endpoint so far.
PROTECTED = [
    ("get", "/api/v1/surveys", {"admin", "municipality"}),
    ("post", "/api/v1/surveys", {"admin", "municipality"}),
    ("get", "/api/v1/surveys/1", {"admin", "municipality"}),
    ("patch", "/api/v1/surveys/1", {"admin", "municipality"}),
    ("post", "/api/v1/instruments", {"admin"}),
]
ROLES = ["admin", "municipality", "dashboard", "analyst"]


def new_survey(client, key, municipality="5001", **extra):
    body = {
        "municipality": municipality,
        "instrument": "omdommetrappen",
        "audience": "citizens",
        "title": "Innbyggerundersøkelse 2026",
        **extra,
    }
    response = client.post("/api/v1/surveys", json=body, headers=bearer(key))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("method,path,roles", PROTECTED)
def test_no_key_is_401(client, method, path, roles):
    body = assert_error(getattr(client, method)(path, json={}), 401, message_contains="API key")
    assert "errors" not in body


@pytest.mark.parametrize("method,path,roles", PROTECTED)
def test_unknown_or_malformed_key_is_401(client, make_key, method, path, roles):
    real = make_key("admin")
    forged = real[:-4] + ("AAAA" if not real.endswith("AAAA") else "BBBB")
    for header in (f"Bearer {forged}", "Bearer svk_nope", "Basic abc", f"Bearer {real}x"):
        response = getattr(client, method)(path, json={}, headers={"Authorization": header})
        assert_error(response, 401)


@pytest.mark.parametrize("method,path,roles", PROTECTED)
def test_role_without_the_right_is_403(client, make_key, method, path, roles):
    for role in ROLES:
        if role in roles:
            continue
        key = make_key(role, "0301" if role == "municipality" else None)
        response = getattr(client, method)(path, json={}, headers=bearer(key))
        assert_error(response, 403, message_contains=role)


def test_keys_are_stored_hashed(app, make_key):
    plain = make_key("analyst")
    with app.app_context():
        stored = db.session.scalars(select(ApiKey)).all()
        assert len(stored) == 1
        assert plain not in repr(vars(stored[0]))
        assert stored[0].secret_hash not in plain
        # svk_<prefix>_<secret>; the secret itself may hold "_".
        secret = plain.split("_", 2)[2]
        assert secret not in stored[0].secret_hash and secret not in repr(vars(stored[0]))


def test_municipality_key_sees_only_its_own_surveys(client, make_key):
    admin = make_key("admin")
    oslo = make_key("municipality", "0301")
    trondheim_survey = new_survey(client, admin, "5001")
    oslo_survey = new_survey(client, oslo, "0301")

    # Another municipality's survey is 404, exactly as if it did not exist.
    other = client.get(f"/api/v1/surveys/{trondheim_survey['id']}", headers=bearer(oslo))
    missing = client.get("/api/v1/surveys/999999", headers=bearer(oslo))
    assert_error(other, 404)
    assert other.get_json() == {
        **missing.get_json(),
        "message": missing.get_json()["message"].replace("999999", str(trondheim_survey["id"])),
    }
    patched = client.patch(
        f"/api/v1/surveys/{trondheim_survey['id']}", json={"status": "open"}, headers=bearer(oslo)
    )
    assert_error(patched, 404)

    own = client.get(f"/api/v1/surveys/{oslo_survey['id']}", headers=bearer(oslo))
    assert own.status_code == 200
    listed = client.get("/api/v1/surveys", headers=bearer(oslo)).get_json()
    assert [s["id"] for s in listed] == [oslo_survey["id"]]
    assert len(client.get("/api/v1/surveys", headers=bearer(admin)).get_json()) == 2


def test_municipality_key_cannot_create_for_another_municipality(client, make_key):
    oslo = make_key("municipality", "0301")
    body = {
        "municipality": "5001",
        "instrument": "forankring",
        "audience": "employees",
        "title": "Forankring",
    }
    assert_error(client.post("/api/v1/surveys", json=body, headers=bearer(oslo)), 403)


def test_admin_actions_are_audited(app, client, make_key):
    admin = make_key("admin", name="ops")
    survey = new_survey(client, admin)
    client.patch(f"/api/v1/surveys/{survey['id']}", json={"status": "open"}, headers=bearer(admin))
    with app.app_context():
        actions = [(e.action, e.actor) for e in db.session.scalars(select(AuditEntry))]
    assert ("key.create", "tests") in actions
    assert any(a == "survey.create" and "ops" in who for a, who in actions)
    assert any(a == "survey.update" and "ops" in who for a, who in actions)


def test_revoked_key_is_401(app, client, make_key):
    from datetime import UTC, datetime

    key = make_key("admin")
    with app.app_context():
        db.session.scalars(select(ApiKey)).one().revoked_at = datetime.now(UTC)
        db.session.commit()
    assert_error(client.get("/api/v1/surveys", headers=bearer(key)), 401)
