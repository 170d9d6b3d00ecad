"""Attacks on the municipalities' parts of a survey an organiser runs (the network's
gathering): participants from several municipalities answer one survey, and each
municipality reads the part of those who said they come from it.

The attacker is the worst case: a municipality that knows who of its people answered and
when, with keys of every role, so it reads the survey's total after every answer (as a
dashboard would), every part any municipality may read, and the breakdown by municipality.
Each test first shows the attack working on what a naive service would publish (every part
of five or more), then that no combination of everything this service publishes is a sum
over fewer than five people (``Attacker.isolated``, by brute force over people).
"""

from __future__ import annotations

import pytest
from breakdown_helpers import Attacker, Watcher

from helpers import assert_error, bearer, dice, network_gathering, submit

K = 5
PLACES = ["4601", "0301", "1101", "5001"]  # Bergen, Oslo, Eigersund, Trondheim


@pytest.fixture
def admin(make_key):
    return make_key("admin")


@pytest.fixture
def keys(make_key):
    return {number: make_key("municipality", number) for number in PLACES}


def gathering(client, admin):
    return network_gathering(client, admin, PLACES, title="Samlinga")


def read_part(client, key, survey, number):
    response = client.get(f"/api/v1/surveys/{survey['id']}/parts/{number}", headers=bearer(key))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


class Gathering(Watcher):
    """Reads the total after every answer, and each municipality's part with its own key."""

    def __init__(self, client, admin, survey, keys):
        super().__init__(client, admin, survey, "terningkast", K)
        self.keys = keys
        self.parts: dict[str, list[dict]] = {number: [] for number in keys}

    def answer(self, value: int, municipality: str) -> None:
        response = submit(
            self.client,
            self.survey,
            {"terningkast": value},
            respondent={"municipality": municipality},
        )
        assert response.status_code == 201, response.get_json()
        self.arrive(dice(value), municipality=municipality)
        self.read()
        self.read_parts()

    def read_parts(self) -> None:
        for number, key in self.keys.items():
            body = read_part(self.client, key, self.survey, number)
            self.parts[number].append(body)
            if not body["suppressed"]:
                people = self.at_snapshot[body["snapshot"]["seq"]]
                self.attacker.saw(p for p in people if self.people[p]["municipality"] == number)

    def close(self) -> None:
        url = f"/api/v1/surveys/{self.survey['id']}"
        response = self.client.patch(url, json={"status": "closed"}, headers=bearer(self.key))
        assert response.status_code == 200
        self.read("municipality")
        self.read_parts()

    def naive(self) -> Attacker:
        """The totals read, and every part of five or more at the end."""
        attacker = Attacker(K)
        attacker.rows = [row for row in self.attacker.rows]
        final = self.at_snapshot[max(self.at_snapshot)]
        for number in self.keys:
            people = [p for p in final if self.people[p]["municipality"] == number]
            if len(people) >= K:
                attacker.saw(people)
        return attacker


def withheld_entirely(part: dict) -> bool:
    figures = part["dimensions"] + part["indices"]
    return (
        part["suppressed"]
        and part["n"] is None
        and all(f["estimate"] is None and f["confidence_interval"] is None for f in figures)
    )


def test_a_municipality_with_fewer_than_k_respondents_sees_nothing_of_its_part(client, admin, keys):
    watcher = Gathering(client, admin, gathering(client, admin), keys)
    arrivals = ["4601", "0301"] * 7 + ["4601"] * 3 + ["1101"] * 3  # 10, 7, 3: twenty
    for i, place in enumerate(arrivals):
        watcher.answer(2 + i % 5, place)
    watcher.close()

    assert watcher.naive().isolated() is not None  # the total minus Bergen and Oslo: 3
    eigersund = watcher.parts["1101"][-1]
    assert withheld_entirely(eigersund)
    assert eigersund["suppression_reason"] == "fewer_than_min_n"
    trondheim = watcher.parts["5001"][-1]  # nobody: withheld, and never shown as zero
    assert withheld_entirely(trondheim)
    assert watcher.attacker.isolated() is None


def test_subtracting_the_parts_shown_from_the_total_recovers_no_withheld_part(client, admin, keys):
    watcher = Gathering(client, admin, gathering(client, admin), keys)
    # Bergen 10, Trondheim 7, Oslo 6, Eigersund 2: twenty-five. Eigersund is withheld, so
    # something more must be: the total minus the parts shown is never Eigersund's two (and
    # a part minus the totals read during fieldwork never a few of its people).
    arrivals = ["4601"] * 10 + ["5001"] * 5 + ["0301"] * 5 + ["5001", "5001", "0301"]
    arrivals += ["1101", "1101"]
    for i, place in enumerate(arrivals):
        watcher.answer(1 + i % 6, place)
    watcher.close()

    assert watcher.naive().isolated() is not None
    finals = {number: parts[-1] for number, parts in watcher.parts.items()}
    assert finals["1101"]["suppression_reason"] == "fewer_than_min_n"
    withheld = [n for n, part in finals.items() if part["suppressed"]]
    assert len(withheld) >= 2  # Eigersund, and at least one more to protect it
    assert any(finals[n]["suppression_reason"] == "complementary" for n in withheld)
    shown = sum(part["n"] for part in finals.values() if not part["suppressed"])
    total = watcher.breakdowns[-1]["snapshot"]["n"]
    assert total - shown >= K  # what the parts shown leave over is no small part
    assert watcher.attacker.isolated() is None


def test_reading_again_after_one_more_response_recovers_nothing(client, admin, keys):
    survey = gathering(client, admin)
    watcher = Gathering(client, admin, survey, keys)
    for i in range(10):
        watcher.answer(3 + i % 3, "4601")
    scores = f"/api/v1/surveys/{survey['id']}/scores"
    before_total = client.get(scores, headers=bearer(admin)).get_json()
    before_part = read_part(client, keys["1101"], survey, "1101")

    watcher.answer(6, "1101")  # one more, from Eigersund

    after_total = client.get(scores, headers=bearer(admin)).get_json()
    after_part = read_part(client, keys["1101"], survey, "1101")
    assert after_total == before_total  # the total moves only with five changes
    assert after_part == before_part and after_part["withheld"] == "still_collecting"

    for i in range(9):
        watcher.answer(2 + i % 4, ["0301", "4601", "1101"][i % 3])
    watcher.close()
    assert watcher.attacker.isolated() is None


def test_a_municipality_cannot_read_another_participants_part(client, admin, keys):
    survey = gathering(client, admin)
    url = f"/api/v1/surveys/{survey['id']}/parts/0301"
    assert_error(client.get(url, headers=bearer(keys["4601"])), 404)
