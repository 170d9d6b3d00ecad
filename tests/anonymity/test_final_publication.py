"""Attack: set what is published once a survey has closed (its final figures and its export)
against what was published while it collected.

The last snapshot while collecting holds n responses; some people answer after it. If the
final figures, or the exported rows, held those late answers, ``sum(export) - n × snapshot``
would give their sum (one late person: their answers). And a withdrawal after the last
snapshot would show, in the rows against the figures, the withdrawn answers. So a closed
survey publishes exactly the responses of its last snapshot, withdrawals end when it closes,
and a survey with withdrawals since its last snapshot is never exported
(``services/snapshots.py``).
"""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from helpers import bearer, close_survey, dice_survey, figure, read_scores, submit

MIN_N = 5


def export(client, key, **query):
    response = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "samlingsevaluering", "format": "csv", **query},
        headers=bearer(key),
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_data()
    response.close()
    return response, pd.read_csv(io.BytesIO(data)) if data else pd.DataFrame()


def test_late_answers_are_in_no_figure_and_no_row(client, admin, make_key):
    analyst = make_key("analyst")
    survey = dice_survey(client, admin)
    early = [3, 4, 2, 5, 3, 6, 1, 4, 4, 2]
    late = [6, 6]  # the two who answer after the last snapshot
    receipts = [submit(client, survey, {"terningkast": r}).get_json()["receipt"] for r in early]
    interim = figure(read_scores(client, admin, survey), "terningkast")
    assert interim["n"] == 10
    for roll in late:
        submit(client, survey, {"terningkast": roll})
    close_survey(client, admin, survey)

    final = read_scores(client, admin, survey)
    assert final["snapshot"]["final"] is True
    shown = figure(final, "terningkast")
    assert (shown["n"], shown["estimate"]) == (interim["n"], interim["estimate"])
    _response, rows = export(client, analyst)
    assert sorted(rows["terningkast"]) == sorted(early)
    # The attack: export total minus the interim figure's total is zero, not the late sum.
    exported = ((rows["terningkast"] - 1) / 5 * 100).sum()
    assert exported - interim["n"] * interim["estimate"] == pytest.approx(0, abs=1e-9)
    # And no one can take their answers back now that they are published.
    refused = client.post("/api/v1/public/withdrawals", json={"receipt": receipts[0]})
    assert refused.status_code == 409
    assert "can no longer be withdrawn" in refused.get_json()["message"]


def test_withdrawal_page_says_why_in_each_language(client, admin):
    survey = dice_survey(client, admin)
    receipt = submit(client, survey, {"terningkast": 4}).get_json()["receipt"]
    close_survey(client, admin, survey)
    expected = {
        "nb": "kan derfor ikke lenger trekkes tilbake",
        "nn": "kan difor ikkje lenger trekkjast tilbake",
        "en": "can no longer be withdrawn",
    }
    for lang, text in expected.items():
        page = client.post(f"/s/withdraw?lang={lang}", data={"receipt": receipt})
        assert page.status_code == 409
        assert text in page.get_data(as_text=True)


def test_a_withdrawal_since_the_last_snapshot_keeps_the_survey_out_of_exports(
    client, admin, make_key
):
    analyst = make_key("analyst")
    survey = dice_survey(client, admin)
    rolls = [3, 4, 2, 5, 3, 6, 1, 4, 4, 2]
    receipts = [submit(client, survey, {"terningkast": r}).get_json()["receipt"] for r in rolls]
    before = figure(read_scores(client, admin, survey), "terningkast")
    withdrawn = client.post("/api/v1/public/withdrawals", json={"receipt": receipts[5]})
    assert withdrawn.status_code == 204
    close_survey(client, admin, survey)

    after = read_scores(client, admin, survey)
    assert after["snapshot"]["final"] is False
    shown = figure(after, "terningkast")
    assert (shown["n"], shown["estimate"]) == (before["n"], before["estimate"])
    response, rows = export(client, analyst)
    assert rows.empty
    disclosure = json.loads(response.headers["X-Export-Disclosure"])
    assert [e["survey"] for e in disclosure["surveys_excluded_withdrawals"]] == [
        f"{survey['municipality']}-{survey['period']}-mixed"
    ]


def test_a_closed_survey_cannot_collect_again(client, admin):
    survey = dice_survey(client, admin)
    for roll in (3, 4, 2, 5, 3):
        submit(client, survey, {"terningkast": roll})
    close_survey(client, admin, survey)
    response = client.patch(
        f"/api/v1/surveys/{survey['id']}",
        json={"closes_at": "2099-01-01T00:00:00Z"},
        headers=bearer(admin),
    )
    assert response.status_code == 409
    assert "cannot collect again" in response.get_json()["message"]


def test_closing_by_time_publishes_the_final_figures_too(client, admin):
    survey = dice_survey(client, admin)
    for roll in (3, 4, 2, 5, 3, 6):
        submit(client, survey, {"terningkast": roll})
    response = client.patch(
        f"/api/v1/surveys/{survey['id']}",
        json={"closes_at": "2020-01-01T00:00:00Z", "opens_at": "2019-01-01T00:00:00Z"},
        headers=bearer(admin),
    )
    assert response.status_code == 200, response.get_json()
    scores = read_scores(client, admin, survey)
    assert scores["snapshot"]["final"] is True
    assert figure(scores, "terningkast")["n"] == MIN_N
