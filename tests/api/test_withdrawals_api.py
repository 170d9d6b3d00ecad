"""Withdrawing a response with the receipt code in the body, so the code is in no URL."""

from __future__ import annotations

from helpers import (
    answers_for,
    assert_error,
    count_responses,
    open_survey,
    submit,
)

WITHDRAWALS = "/api/v1/public/withdrawals"


def test_withdraw_with_the_receipt_in_the_body(app, client, admin):
    survey = open_survey(client, admin)
    first = submit(client, survey, answers_for("omdommetrappen")).get_json()
    submit(client, survey, answers_for("omdommetrappen", 2))
    assert first["withdraw_url"] == WITHDRAWALS
    assert first["receipt"] not in first["withdraw_url"]

    written_as = f" {first['receipt'].lower().replace('-', ' ')} "
    response = client.post(first["withdraw_url"], json={"receipt": written_as})
    assert response.status_code == 204 and response.get_data() == b""
    assert count_responses(app) == 1

    again = assert_error(client.post(WITHDRAWALS, json={"receipt": first["receipt"]}), 404)
    assert first["receipt"] not in again["message"]
    assert count_responses(app) == 1


def test_the_delete_path_still_withdraws(app, client, admin):
    survey = open_survey(client, admin)
    receipt = submit(client, survey, answers_for("omdommetrappen")).get_json()["receipt"]
    assert client.delete(f"/api/v1/public/responses/{receipt}").status_code == 204
    assert count_responses(app) == 0
    assert_error(client.post(WITHDRAWALS, json={"receipt": receipt}), 404)


def test_a_malformed_withdrawal_is_422_without_echoing_it(client):
    for body in ({}, {"receipt": ""}, {"receipt": "X" * 65}, {"receipt": 1234}):
        result = assert_error(client.post(WITHDRAWALS, json=body), 422)
        assert "receipt" in result["errors"]
        assert "XXXX" not in str(result)
    assert_error(client.post(WITHDRAWALS, data="K7QF-2M4D", content_type="text/plain"), 422)
