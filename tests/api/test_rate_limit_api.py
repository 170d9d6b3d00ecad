"""The limits through the JSON API: per client on every public request, per survey on accepted
submissions only, the client read from a trusted proxy alone, and nothing of it kept.

Each client is a distinct REMOTE_ADDR of the test client, as a user agent would be.
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from survey_service.database import Base
from survey_service.db import db
from survey_service.settings import DEFAULTS
from survey_service.throttle import shared_counters

from helpers import answers_for, assert_error, count_responses, open_survey

FLOODER = "203.0.113.77"
CLIENT_LIMIT = 10


def post_response(client, survey, answers, *, address, **headers):
    body = {"submission_id": str(uuid.uuid4()), "answers": answers}
    return client.post(
        f"/api/v1/public/surveys/{survey['public_id']}/responses",
        json=body,
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )


def read_survey(client, public_id, *, address, **headers):
    return client.get(
        f"/api/v1/public/surveys/{public_id}",
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )


def assert_client_limited(response):
    assert_error(response, 429, message_contains="Too many requests from your network")
    assert int(response.headers["Retry-After"]) >= 1


@pytest.mark.parametrize(
    "app_config",
    [{"SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": CLIENT_LIMIT, "SURVEY_RATE_LIMIT_PER_MINUTE": 5}],
)
def test_a_flood_of_invalid_submissions_does_not_lock_out_respondents(app, client, admin):
    """One client sends invalid submissions by the dozen; every real respondent still gets in,
    where a per-survey limit spent by anyone's request would turn them away with 429."""
    survey = open_survey(client, admin)
    flood = [post_response(client, survey, {}, address=FLOODER) for _ in range(4 * CLIENT_LIMIT)]
    assert [r.status_code for r in flood[:CLIENT_LIMIT]] == [422] * CLIENT_LIMIT
    assert {r.status_code for r in flood[CLIENT_LIMIT:]} == {429}
    assert_client_limited(flood[-1])

    respondents = [f"198.51.100.{n}" for n in range(1, 6)]
    for address in respondents:
        assert read_survey(client, survey["public_id"], address=address).status_code == 200
        response = post_response(client, survey, answers_for("omdommetrappen"), address=address)
        assert response.status_code == 201, response.get_json()
    assert count_responses(app) == 5
    # The flooder is still held back, on every public endpoint.
    assert_client_limited(read_survey(client, survey["public_id"], address=FLOODER))
    withdrawal = client.post(
        "/api/v1/public/withdrawals",
        json={"receipt": "AAAA-AAAA-AAAA-AAAA"},
        environ_base={"REMOTE_ADDR": FLOODER},
    )
    assert_client_limited(withdrawal)


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_MINUTE": 3}])
def test_the_survey_ceiling_counts_accepted_submissions_only(app, client, admin):
    survey = open_survey(client, admin)
    for n in range(10):
        assert post_response(client, survey, {}, address=f"192.0.2.{n}").status_code == 422
    for n in range(3):
        answers = answers_for("omdommetrappen")
        assert post_response(client, survey, answers, address=f"198.51.100.{n}").status_code == 201
    limited = post_response(client, survey, answers_for("omdommetrappen"), address="198.51.100.9")
    assert_error(limited, 429, message_contains="This survey is receiving too many responses")
    assert int(limited.headers["Retry-After"]) >= 1
    assert count_responses(app) == 3
    # Another survey has a ceiling of its own.
    other = open_survey(client, admin)
    assert post_response(client, other, answers_for("omdommetrappen"), address="198.51.100.9")


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 3}])
def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies(client):
    statuses = [
        read_survey(
            client, "nosuchsurvey0000", address=FLOODER, **{"X-Forwarded-For": f"10.9.9.{n}"}
        ).status_code
        for n in range(6)
    ]
    assert statuses == [404, 404, 404, 429, 429, 429]


@pytest.mark.parametrize(
    "app_config",
    [{"SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 3, "SURVEY_TRUSTED_PROXIES": 1}],
)
def test_behind_one_proxy_the_right_most_forwarded_address_is_the_client(client):
    proxy = "10.0.0.1"

    def via_proxy(forwarded: str) -> int:
        headers = {"X-Forwarded-For": forwarded}
        return read_survey(client, "nosuchsurvey0000", address=proxy, **headers).status_code

    # What the client itself wrote (left of the proxy's entry) changes nothing.
    assert [via_proxy(f"10.9.9.{n}, {FLOODER}") for n in range(4)] == [404, 404, 404, 429]
    # Other clients behind the same proxy are not held back with it.
    assert [via_proxy(f"198.51.100.{n}") for n in range(4)] == [404] * 4
    # Headers given twice are read as one list.
    response = client.get(
        "/api/v1/public/surveys/nosuchsurvey0000",
        headers=[("X-Forwarded-For", "10.9.9.9"), ("X-Forwarded-For", FLOODER)],
        environ_base={"REMOTE_ADDR": proxy},
    )
    assert_client_limited(response)


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 2}])
def test_an_ipv6_client_is_limited_by_its_network(client):
    def status(address: str) -> int:
        return read_survey(client, "nosuchsurvey0000", address=address).status_code

    assert [status(f"2001:db8:1:2::{n}") for n in range(1, 4)] == [404, 404, 429]
    assert status("2001:db8:1:3::1") == 404


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 0}])
def test_zero_turns_the_client_limit_off(client):
    statuses = {read_survey(client, "nosuchsurvey0000", address=FLOODER).status_code}
    for _ in range(100):
        statuses.add(read_survey(client, "nosuchsurvey0000", address=FLOODER).status_code)
    assert statuses == {404}


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 5}])
def test_nothing_about_the_client_is_stored_or_logged(app, client, admin, caplog):
    caplog.set_level(logging.DEBUG)
    survey = open_survey(client, admin)
    for _ in range(8):
        post_response(client, survey, answers_for("omdommetrappen"), address=FLOODER)
    client.get(f"/s/{survey['public_id']}", environ_base={"REMOTE_ADDR": FLOODER})
    assert count_responses(app) == 5

    written = FLOODER.encode()
    packed = bytes(int(part) for part in FLOODER.split("."))
    segment = shared_counters(app).path.read_bytes()
    assert written not in segment and packed not in segment
    with app.app_context():
        for table in Base.metadata.sorted_tables:
            for row in db.session.execute(select(table)):
                assert FLOODER not in repr(tuple(row)), table.name
        url = db.engine.url
    if url.get_backend_name() == "sqlite":
        for path in (Path(url.database), Path(f"{url.database}-wal")):
            stored = path.read_bytes() if path.exists() else b""
            assert written not in stored and packed not in stored
    assert FLOODER not in caplog.text


@pytest.mark.parametrize("app_config", [{"SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": 2}])
def test_a_cors_preflight_is_not_counted(client):
    for _ in range(5):
        preflight = client.options(
            "/api/v1/public/surveys/nosuchsurvey0000/responses",
            environ_base={"REMOTE_ADDR": FLOODER},
        )
        assert preflight.status_code != 429
    statuses = [read_survey(client, "nosuchsurvey0000", address=FLOODER).status_code for _ in "abc"]
    assert statuses == [404, 404, 429]


#: A newspaper link's first minute: twice the survey ceiling the service once had by default.
RUSH = 1_200


@pytest.mark.parametrize(
    "app_config",
    # The defaults as served (the tests otherwise turn the client limit off).
    [
        {
            "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE": DEFAULTS[
                "SURVEY_RATE_LIMIT_PER_CLIENT_PER_MINUTE"
            ]
        }
    ],
)
def test_a_rush_of_real_respondents_is_never_refused_at_the_default_limits(app, client, admin):
    """A link in a newspaper brings respondents by the thousand within minutes, each from an
    address of their own: each opens the form and sends it once, and every one is stored."""
    survey = open_survey(client, admin)
    refused = []
    for n in range(RUSH):
        address = f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"
        opened = read_survey(client, survey["public_id"], address=address)
        sent = post_response(client, survey, answers_for("omdommetrappen"), address=address)
        refused += [r.status_code for r in (opened, sent) if r.status_code not in (200, 201)]
    assert refused == []
    assert count_responses(app) == RUSH
