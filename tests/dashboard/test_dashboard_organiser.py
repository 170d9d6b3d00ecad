"""A participating municipality's dashboard shows the organisers' surveys its people answered,
each with its own part only, and says so when there are too few respondents from it."""

from __future__ import annotations

import pytest

from .conftest import page_of, text_of
from helpers import bearer, network_gathering, submit

#: Bergen 10 (the survey's first two snapshots), then Oslo 7 and Utsira 3: Utsira's three
#: are withheld, and so is Oslo (whose last two and Utsira's three made the last snapshot).
ARRIVALS = ["4601"] * 10 + ["0301"] * 7 + ["1151"] * 3
PLACES = ["4601", "0301", "1151"]


@pytest.fixture
def gathering(client, admin):
    survey = network_gathering(client, admin, PLACES)
    for i, place in enumerate(ARRIVALS):
        response = submit(
            client, survey, {"terningkast": 3 + i % 4}, respondent={"municipality": place}
        )
        assert response.status_code == 201
    return survey


def part_card(response, survey):
    return page_of(response).find(data_survey=str(survey["id"]))


def test_the_gathering_is_listed_while_it_collects_with_no_figures(
    client, admin, make_key, signed_in, gathering
):
    browser = signed_in(make_key("municipality", "4601"))
    page = browser.get("/dashboard/municipalities/4601?lang=en")
    card = part_card(page, gathering)
    assert card is not None and card.get("data-part") == "4601"
    assert "Run by Saman om ein betre kommune" in card.text
    assert "shown once the survey has closed" in card.text
    assert card.find(data_estimate=True) is None


@pytest.mark.parametrize(
    ("lang", "too_few"),
    [
        ("nb", "For få svar fra Utsira"),
        ("nn", "For få svar frå Utsira"),
        ("en", "Too few respondents from Utsira"),
    ],
)
def test_each_municipality_sees_its_own_part_or_why_not(
    client, admin, make_key, signed_in, gathering, lang, too_few
):
    url = f"/api/v1/surveys/{gathering['id']}"
    client.patch(url, json={"status": "closed"}, headers=bearer(admin))
    parts = {
        number: client.get(f"{url}/parts/{number}", headers=bearer(admin)).get_json()
        for number in PLACES
    }

    utsira = signed_in(make_key("municipality", "1151"))
    card = part_card(utsira.get(f"/dashboard/municipalities/1151?lang={lang}"), gathering)
    assert too_few in card.text
    assert card.find(data_estimate=True) is None  # withheld, never a zero

    for number in ("4601", "0301"):
        browser = signed_in(make_key("municipality", number))
        page = browser.get(f"/dashboard/municipalities/{number}?lang={lang}")
        card = part_card(page, gathering)
        part = parts[number]
        if part["suppressed"]:
            assert card.find(data_estimate=True) is None
            assert card.find(class_="withheld") is not None
        else:
            shown = float(str(card.find(data_estimate=True).get("data-estimate")))
            assert shown == pytest.approx(part["dimensions"][0]["estimate"], abs=0.05)
        # Its own surveys' page is not where the gathering is: that answers as missing.
        assert browser.get(f"/dashboard/surveys/{gathering['id']}").status_code == 404
    assert not parts["4601"]["suppressed"] and parts["0301"]["suppressed"]
    # The network's own view of it: the whole survey, with no municipality's comparisons.
    whole = signed_in(admin).get(f"/dashboard/surveys/{gathering['id']}?lang={lang}")
    assert whole.status_code == 200
    assert "Saman om ein betre kommune" in text_of(whole)


def test_a_municipality_that_did_not_take_part_does_not_see_it(make_key, signed_in, gathering):
    browser = signed_in(make_key("municipality", "5001"))
    page = browser.get("/dashboard/municipalities/5001")
    assert part_card(page, gathering) is None
    assert "Samlinga i Loen" not in text_of(page)
