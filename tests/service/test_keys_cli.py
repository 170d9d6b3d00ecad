"""The command line's keys group: create with an expiry, list without secrets, revoke."""

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from survey_service.cli import main
from survey_service.db import db
from survey_service.models import ApiKey, AuditEntry

from helpers import assert_error, bearer


@pytest.fixture
def cli(app, monkeypatch):
    monkeypatch.setenv("SURVEY_DATABASE_URL", app.config["SURVEY_DATABASE_URL"])
    monkeypatch.setenv("SURVEY_SECRET_KEY", "test-secret")

    def run(*args):
        return CliRunner().invoke(main, ["keys", *args])

    return run


def created_key(result):
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_create_with_an_expiry_date(app, client, cli):
    day = (datetime.now(UTC) + timedelta(days=10)).date()
    key = created_key(cli("create", "--role", "analyst", "--expires", day.isoformat()))
    assert (
        client.get("/api/v1/scores?instrument=forankring", headers=bearer(key)).status_code == 200
    )
    with app.app_context():
        stored = db.session.scalars(select(ApiKey)).one()
        assert stored.expires_at == datetime(day.year, day.month, day.day, tzinfo=UTC)


def test_create_with_an_iso_datetime_in_another_zone(app, cli):
    created_key(cli("create", "--role", "dashboard", "--expires", "2999-06-01T12:00:00+02:00"))
    with app.app_context():
        stored = db.session.scalars(select(ApiKey)).one()
        assert stored.expires_at == datetime(2999, 6, 1, 10, tzinfo=UTC)


def test_create_refuses_a_past_or_unreadable_expiry(app, cli):
    past = cli("create", "--role", "admin", "--expires", "2020-01-01")
    assert past.exit_code != 0 and "future" in past.output
    unreadable = cli("create", "--role", "admin", "--expires", "next week")
    assert unreadable.exit_code != 0 and "YYYY-MM-DD" in unreadable.output
    with app.app_context():
        assert db.session.scalars(select(ApiKey)).all() == []


def test_list_shows_every_key_without_a_secret(app, cli):
    ops = created_key(cli("create", "--role", "admin", "--name", "ops"))
    bergen = created_key(
        cli("create", "--role", "municipality", "--municipality", "4601", "--name", "Bergen")
    )
    result = cli("list")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].split() == [
        "prefix",
        "role",
        "municipality",
        "name",
        "created",
        "expires",
        "state",
    ]
    assert len(lines) == 3
    assert ops.split("_")[1] in lines[1] and "ops" in lines[1] and "active" in lines[1]
    assert bergen.split("_")[1] in lines[2] and "4601" in lines[2]
    with app.app_context():
        hashes = [k.secret_hash for k in db.session.scalars(select(ApiKey))]
    for secret in (ops.split("_", 2)[2], bergen.split("_", 2)[2], *hashes):
        assert secret not in result.output


def test_list_with_no_keys_says_how_to_make_one(cli):
    result = cli("list")
    assert result.exit_code == 0 and "keys create" in result.output


@pytest.mark.parametrize("by", ["prefix", "whole key"])
def test_revoke_by_prefix_or_whole_key(app, client, cli, by):
    key = created_key(cli("create", "--role", "admin"))
    prefix = key.split("_")[1]
    result = cli("revoke", prefix if by == "prefix" else key)
    assert result.exit_code == 0, result.output
    assert prefix in result.output and "revoked" in result.output
    assert_error(client.get("/api/v1/surveys", headers=bearer(key)), 401)
    assert "revoked" in cli("list").output

    again = cli("revoke", prefix)
    assert again.exit_code == 0, again.output
    with app.app_context():
        actions = [(e.action, e.actor, e.target) for e in db.session.scalars(select(AuditEntry))]
    assert actions.count(("key.revoke", "cli", f"key:{prefix}")) == 1


def test_revoke_an_unknown_prefix_says_what_to_do(cli):
    result = cli("revoke", "svk_000000000000_whatever")
    assert result.exit_code != 0
    assert "000000000000" in result.output and "keys list" in result.output
