"""Attack: export a survey while it collects, export again later, and compare.

The rows that appear in between belong to whoever answered in between; knowing who that was
(a colleague seen filling in the form) gives their whole row. A survey is exported only once
it no longer accepts responses, so no two exports of it differ by arrivals.
"""

from __future__ import annotations

import json

from helpers import close_survey


def test_a_collecting_survey_is_left_out_and_said_so(admin, analyst, fill, download, client):
    survey = fill(admin, 5, municipality="4601", period="2026", close=False)
    first = download(analyst, instrument="omdommepavirkere", format="jsonl")
    assert first.data == b""
    assert first.headers["X-Export-Rows"] == "0"
    assert first.headers["X-Export-Excluded-Surveys"] == "1"
    disclosure = json.loads(first.headers["X-Export-Disclosure"])
    assert disclosure["surveys_excluded_collecting"] == [
        {
            "survey": "4601-2026-citizens",
            "reason": "still collecting responses: exported once it has closed",
        }
    ]
    assert disclosure["surveys_excluded_below_k"] == []

    close_survey(client, admin, survey)
    second = download(analyst, instrument="omdommepavirkere", format="jsonl")
    assert second.headers["X-Export-Rows"] == "5"
    assert len(second.data.splitlines()) == 5
