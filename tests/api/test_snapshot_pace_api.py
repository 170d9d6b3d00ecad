"""The pace of a large survey's snapshots (``snapshots.due``): once a survey has published
more than a hundred times ``min_n`` respondents, its snapshot waits for one in a hundred of
them to change, so a rush of submissions does not rebuild it every ``min_n``-th time. Closing
the survey publishes whatever the snapshot was waiting for, if ``min_n`` or more, before the
final figures: a response that only the pace left out would otherwise never be published.

The pace is scaled down here (one in ten) so that a survey of a few dozen responses reaches it.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from survey_service.services import snapshots

from helpers import bearer, close_survey, dice_survey, figure, read_scores, submit

MIN_N = 5


@pytest.fixture
def one_in_ten(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshots, "REFRESH_ONE_IN", 10)


def _roll(client, survey, count: int, roll: int = 4) -> None:
    for _ in range(count):
        assert submit(client, survey, {"terningkast": roll}).status_code == 201


def _n(client, key, survey) -> int:
    """The respondents of the published snapshot."""
    return int(read_scores(client, key, survey)["snapshot"]["n"])


def test_a_large_survey_moves_on_once_one_in_a_hundred_have_changed(
    client, admin, make_key, one_in_ten
):
    survey = dice_survey(client, admin)
    _roll(client, survey, 60)
    assert _n(client, admin, survey) == 60  # min_n governs below ten times min_n here
    _roll(client, survey, 5)
    assert _n(client, admin, survey) == 60  # 5 changes: min_n, but not one in ten of 60
    _roll(client, survey, 1)
    assert _n(client, admin, survey) == 66
    _roll(client, survey, 5, roll=6)
    assert _n(client, admin, survey) == 66  # waiting for 6 (one in ten of 66)

    # Closing publishes the 5 the snapshot was waiting for (min_n of them), then the final.
    close_survey(client, admin, survey)
    final = read_scores(client, admin, survey)
    assert final["snapshot"]["final"] is True
    assert figure(final, "terningkast")["n"] == 71
    exported = client.get(
        "/api/v1/exports/responses",
        query_string={"instrument": "samlingsevaluering", "format": "csv"},
        headers=bearer(make_key("analyst")),
    )
    assert exported.status_code == 200, exported.get_data(as_text=True)
    rows = pd.read_csv(io.BytesIO(exported.get_data()))
    assert sorted(rows["terningkast"]) == [4] * 66 + [6] * 5


def test_closing_leaves_fewer_than_min_n_unpublished_as_before(client, admin, one_in_ten):
    survey = dice_survey(client, admin)
    _roll(client, survey, 66)
    _roll(client, survey, MIN_N - 1, roll=6)  # fewer than min_n after the last snapshot
    close_survey(client, admin, survey)
    final = figure(read_scores(client, admin, survey), "terningkast")
    assert (final["n"], final["estimate"]) == (66, pytest.approx(60.0))


def test_every_published_state_differs_from_the_last_by_at_least_min_n(client, admin, one_in_ten):
    survey = dice_survey(client, admin)
    _roll(client, survey, MIN_N)
    seen = [_n(client, admin, survey)]
    for _ in range(85):
        _roll(client, survey, 1)
        if (n := _n(client, admin, survey)) != seen[-1]:
            seen.append(n)
    steps = [after - before for before, after in zip(seen, seen[1:], strict=False)]
    assert seen[0] == MIN_N and all(step >= MIN_N for step in steps), seen
    # Every min_n up to 60; above ten times min_n the steps grow with the survey (one in
    # ten of those published, scaled down here).
    assert seen == [*range(5, 65, 5), 66, 72, 79, 86]
