"""The keys API: admins list, create and revoke keys; a secret is shown only once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import ApiKey

from helpers import assert_error, bearer

OTHER_ROLES = ["municipality", "dashboard", "analyst"]
OPERATIONS = [
    ("get", "/api/v1/keys"),
    ("post", "/api/v1/keys"),
    ("delete", "/api/v1/keys/0123456789ab"),
]


def prefix(key):
    return key.split("_")[1]


def create(client, admin, **body):
    response = client.post(
        "/api/v1/keys", json={"role": "dashboard", **body}, headers=bearer(admin)
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def future(days=30):
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


@pytest.mark.parametrize("method,path", OPERATIONS)
def test_every_role_but_admin_is_403(client, make_key, method, path):
    for role in OTHER_ROLES:
        key = make_key(role, "0301" if role == "municipality" else None)
        response = getattr(client, method)(path, json={"role": "admin"}, headers=bearer(key))
        assert_error(response, 403, message_contains=role)


@pytest.mark.parametrize("method,path", OPERATIONS)
def test_no_key_is_401(client, method, path):
    assert_error(getattr(client, method)(path, json={}), 401)


def test_create_shows_the_key_once_and_list_never_shows_a_secret(app, client, admin):
    created = create(client, admin, role="municipality", municipality="4601", name="Bergen HR")
    plain = created["key"]
    assert plain.startswith("svk_") and prefix(plain) == created["prefix"]
    assert created["role"] == "municipality" and created["municipality"] == "4601"
    assert created["state"] == "active" and created["revoked_at"] is None

    listed = client.get("/api/v1/keys", headers=bearer(admin))
    assert listed.status_code == 200
    with app.app_context():
        hashes = [k.secret_hash for k in db.session.scalars(select(ApiKey))]
    text = listed.get_data(as_text=True)
    assert plain.split("_", 2)[2] not in text
    assert not any(secret_hash in text for secret_hash in hashes)
    rows = {row["prefix"]: row for row in listed.get_json()}
    assert set(rows) == {prefix(admin), created["prefix"]}
    row = rows[created["prefix"]]
    assert "key" not in row and "secret_hash" not in row
    assert row["name"] == "Bergen HR" and row["expires_at"] is None

    # The new key works, within its role.
    assert client.get("/api/v1/surveys", headers=bearer(plain)).status_code == 200


def test_revoked_key_is_401_and_revoking_again_changes_nothing(app, client, admin):
    plain = create(client, admin)["key"]
    assert (
        client.get("/api/v1/scores?instrument=forankring", headers=bearer(plain)).status_code == 200
    )

    assert client.delete(f"/api/v1/keys/{prefix(plain)}", headers=bearer(admin)).status_code == 204
    unknown = client.get("/api/v1/scores?instrument=forankring", headers=bearer("svk_abc_def"))
    revoked = client.get("/api/v1/scores?instrument=forankring", headers=bearer(plain))
    assert_error(revoked, 401)
    assert revoked.get_json() == unknown.get_json()

    first = _row(client, admin, prefix(plain))["revoked_at"]
    assert first is not None and _row(client, admin, prefix(plain))["state"] == "revoked"
    assert client.delete(f"/api/v1/keys/{prefix(plain)}", headers=bearer(admin)).status_code == 204
    assert _row(client, admin, prefix(plain))["revoked_at"] == first


def _row(client, admin, key_prefix):
    rows = client.get("/api/v1/keys", headers=bearer(admin)).get_json()
    return next(row for row in rows if row["prefix"] == key_prefix)


def test_expired_key_is_401_like_an_unknown_one(app, client, admin):
    created = create(client, admin, expires_at=future())
    plain = created["key"]
    assert created["expires_at"] is not None
    assert (
        client.get("/api/v1/scores?instrument=forankring", headers=bearer(plain)).status_code == 200
    )
    with app.app_context():
        key = db.session.scalars(select(ApiKey).where(ApiKey.prefix == prefix(plain))).one()
        key.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    expired = client.get("/api/v1/scores?instrument=forankring", headers=bearer(plain))
    unknown = client.get("/api/v1/scores?instrument=forankring", headers=bearer("svk_abc_def"))
    assert_error(expired, 401)
    assert expired.get_json() == unknown.get_json()
    assert expired.headers["WWW-Authenticate"] == unknown.headers["WWW-Authenticate"]
    assert _row(client, admin, prefix(plain))["state"] == "expired"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"expires_at": "2020-01-01T00:00:00+00:00"}, "expires_at"),
        ({"expires_at": "2999-01-01T00:00:00"}, "expires_at"),  # no time zone
        ({"role": "owner"}, "role"),
        ({"role": "municipality"}, "municipality"),
        ({"role": "municipality", "municipality": "9999"}, "municipality"),
        ({"role": "analyst", "municipality": "0301"}, "municipality"),
        ({"secret": "x"}, "secret"),
    ],
)
def test_invalid_key_requests_are_422(app, client, admin, body, field):
    response = client.post("/api/v1/keys", json={"role": "admin", **body}, headers=bearer(admin))
    assert field in assert_error(response, 422)["errors"]
    with app.app_context():
        assert len(db.session.scalars(select(ApiKey)).all()) == 1  # only the admin's


def test_unknown_prefix_is_404(client, admin):
    assert_error(
        client.delete("/api/v1/keys/000000000000", headers=bearer(admin)),
        404,
        message_contains="000000000000",
    )


def test_creating_and_revoking_are_audited(client, admin):
    created = create(client, admin, name="wall screen", expires_at=future())
    client.delete(f"/api/v1/keys/{created['prefix']}", headers=bearer(admin))
    client.delete(f"/api/v1/keys/{created['prefix']}", headers=bearer(admin))
    entries = client.get("/api/v1/audit?action=key.*", headers=bearer(admin)).get_json()
    target = f"key:{created['prefix']}"
    mine = [(e["action"], e["actor"]) for e in entries if e["target"] == target]
    by_admin = f"key:{prefix(admin)} (test)"
    assert mine == [("key.revoke", by_admin), ("key.create", by_admin)]
    create_entry = next(e for e in entries if e["target"] == target and e["action"] == "key.create")
    assert create_entry["details"]["role"] == "dashboard"
    assert create_entry["details"]["expires_at"] == created["expires_at"]
    assert all(created["key"] not in str(e) for e in entries)
