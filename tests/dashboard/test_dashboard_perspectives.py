"""The parties' perspectives on a cooperation survey's page: what the breakdowns API
publishes by role group, and nothing it withholds."""

from __future__ import annotations

import pytest
from breakdown_helpers import cooperation_survey, read_breakdown
from dashboard.conftest import page_of, text_of

from helpers import close_survey

#: Two politicians only: withheld, and one more group with them (complementary).
FEW_POLITICIANS = {
    "politician": [5, 4],
    "union_representative": [2, 3, 2, 2, 3],
    "top_leader": [4, 4, 5, 3, 4],
    "employee": [3, 3, 2, 4, 3, 2, 3, 4, 3, 2, 3, 4, 3],
}


@pytest.mark.parametrize("parties", [None, FEW_POLITICIANS], ids=["every party", "few politicians"])
def test_the_survey_page_shows_the_parties_as_the_api_does(
    client, admin, make_key, signed_in, parties
):
    survey = cooperation_survey(client, admin, parties)
    browser = signed_in(make_key("municipality", survey["municipality"]))
    waiting = browser.get(f"/dashboard/surveys/{survey['id']}")
    assert "Partenes perspektiver vises når undersøkelsen er avsluttet." in text_of(waiting)

    close_survey(client, admin, survey)
    page = page_of(browser.get(f"/dashboard/surveys/{survey['id']}"))
    body = read_breakdown(client, admin, survey, "role_group")
    section = page.find("section", aria_labelledby="perspectives")
    assert section is not None
    shown = {node.get("data-group"): node for node in section.find_all("li", data_group=True)}
    headline = body["headline"]["groups"]
    assert set(shown) == {row["group"] for row in headline}
    assert any(not row["suppressed"] for row in headline)
    if parties is FEW_POLITICIANS:
        assert sum(row["suppressed"] for row in headline) >= 2
    for row in headline:
        node = shown[row["group"]]
        value = node.find(data_estimate=True)
        if row["suppressed"]:
            assert value is None and "Holdt tilbake" in node.text
            assert node.find("svg") is None  # no bar: never drawn as a number
        else:
            assert float(str(value.get("data-estimate"))) == row["estimate"]
            assert f"{row['n']} svar" in node.text.replace("\N{NO-BREAK SPACE}", " ")
