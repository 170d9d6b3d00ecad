"""Attack: read a live survey's scores before and after one more person answers (or leaves).

At n = 5 and n = 6 the difference ``6 m6 - 5 m5`` is the 6th person's answer. Published figures
come from snapshots that advance only once SURVEY_MIN_N (5) responses have arrived or left,
so any two published states differ by at least five people, and the fieldwork monitor's
rounded counts do not say when the sixth person answered.
"""

from __future__ import annotations

import pytest

from helpers import bearer, dice_survey, figure, read_scores, submit

MIN_N = 5


def fieldwork(client, key, survey):
    return client.get(f"/api/v1/surveys/{survey['id']}/fieldwork", headers=bearer(key)).get_json()


def test_reading_after_every_answer_recovers_no_one(client, make_key):
    owner = make_key("municipality", "4601")
    survey = dice_survey(client, owner, population_size=100)
    rolls = [3, 4, 2, 5, 3, 6, 1, 4, 4, 2, 5, 3, 6, 2, 4, 3, 5, 1, 6, 2, 3, 4, 5]
    published = []  # (n, estimate) of every distinct state a reader was ever shown
    monitor = []
    for roll in rolls:
        assert submit(client, survey, {"terningkast": roll}).status_code == 201
        shown = figure(read_scores(client, owner, survey), "terningkast")
        state = (shown["n"], shown["estimate"])
        if state != (None, None) and (not published or published[-1] != state):
            published.append(state)
        monitor.append(fieldwork(client, owner, survey))

    assert [n for n, _ in published] == [5, 10, 15, 20]
    for (n1, m1), (n2, m2) in zip(published, published[1:], strict=False):
        assert n2 - n1 >= MIN_N
        # The attack on consecutive states yields the mean of at least five people.
        difference = (n2 * m2 - n1 * m1) / (n2 - n1)
        newcomers = [(r - 1) * 20.0 for r in rolls[n1:n2]]
        assert difference == pytest.approx(sum(newcomers) / len(newcomers))
    # The monitor's live count moves only in steps of min_n: it cannot time a reading.
    counts = [m["responses"] for m in monitor]
    assert set(counts) <= {0, 5, 10, 15, 20}
    # A day is listed only once its count shows: its first response does not list it.
    assert all(d["responses"] % MIN_N == 0 for m in monitor for d in m["responses_per_day"])
    assert all(d["responses"] > 0 for m in monitor for d in m["responses_per_day"])
    assert [len(m["responses_per_day"]) for m in monitor[:5]] == [0, 0, 0, 0, 1]
    assert all(m["precision_now"]["n"] in (None, 5, 10, 15, 20) for m in monitor)


def test_a_withdrawal_is_not_visible_on_its_own(client, make_key):
    owner = make_key("municipality", "4601")
    survey = dice_survey(client, owner)
    receipts = [
        submit(client, survey, {"terningkast": roll}).get_json()["receipt"]
        for roll in (3, 4, 2, 5, 3)
    ]
    before = read_scores(client, owner, survey)
    assert figure(before, "terningkast")["n"] == 5
    for receipt in receipts[:4]:  # up to four leave: still fewer than min_n changes
        response = client.post("/api/v1/public/withdrawals", json={"receipt": receipt})
        assert response.status_code == 204
        assert read_scores(client, owner, survey) == before
    # The fifth change publishes a new snapshot: it differs from the last by five people.
    client.post("/api/v1/public/withdrawals", json={"receipt": receipts[4]})
    after = read_scores(client, owner, survey)
    assert after["snapshot"]["seq"] == before["snapshot"]["seq"] + 1
    assert after["suppressed"] is True  # nobody is left: nothing is shown


def test_scores_say_which_snapshot_they_come_from(client, make_key):
    owner = make_key("municipality", "4601")
    survey = dice_survey(client, owner)
    assert read_scores(client, owner, survey)["snapshot"] is None
    for roll in (3, 4, 2, 5, 3, 6, 2):
        submit(client, survey, {"terningkast": roll})
    scores = read_scores(client, owner, survey)
    assert scores["snapshot"]["seq"] == 1 and scores["snapshot"]["n"] == 5
    assert scores["n"] == 5
    assert "snapshot" in scores["method"]["snapshots"]
