"""The dashboard shows the API's figures: for a known data set, every number on the pages is
the API's (rounded to one decimal as shown), and a withheld figure is shown as withheld, with
no number at all."""

from __future__ import annotations

import re

from dashboard.conftest import figures_on, page_of, shown_estimate, text_of
from dashboard.world import (
    ROLLS,
    WITHHELD_MUNICIPALITY,
    api,
    dice_world,
    staircase_world,
)


def one(value):
    return round(float(value), 1)


def test_a_survey_page_shows_the_api_scores_and_withholds_what_the_api_withholds(
    client, admin, make_key, signed_in
):
    world = staircase_world(client, admin)
    survey = world.follow_up
    scores = api(client, admin, f"/surveys/{survey['id']}/scores")
    browser = signed_in(make_key("municipality", "4601"))
    response = browser.get(f"/dashboard/surveys/{survey['id']}")
    assert response.status_code == 200
    shown = figures_on(response)
    published = scores["dimensions"] + scores["indices"]
    assert {f["key"] for f in published} <= set(shown)
    withheld = [f for f in published if f["suppressed"]]
    # The data set's withheld step, and the index over every step.
    assert [f["key"] for f in withheld] == ["tillit", "omdommeindeks"]
    for entry in published:
        node = shown[entry["key"]]
        if entry["suppressed"]:
            assert shown_estimate(node) is None
            head = node.find("p", class_="figure-head").text
            assert "Holdt tilbake" in head and "ikke null" in head
            assert not re.search(r"\d", head.replace("færre enn 5 svar", "")), head
            assert node.find("svg") is None  # no interval bar
        else:
            assert shown_estimate(node) == one(entry["estimate"]), entry["key"]
            interval = entry["confidence_interval"]
            low, high = (
                f"{one(v):.1f}".replace(".", ",") for v in (interval["low"], interval["high"])
            )
            assert f"{low}–{high}" in node.text, entry["key"]
    # The staircase: the level the API says, and the chart inline (no image fetched).
    level = scores["staircase"]["level"]
    assert f"Trinn nådd: {level} av 5" in text_of(response)
    svg = page_of(response).find("svg", role="img")
    assert svg is not None and svg.find("title") is not None
    assert page_of(response).find("img") is None


def test_the_change_the_trend_and_the_targets_are_the_apis(client, admin, make_key, signed_in):
    world = staircase_world(client, admin)
    survey = world.follow_up
    browser = signed_in(make_key("municipality", "4601"))
    response = browser.get(f"/dashboard/surveys/{survey['id']}")
    page = page_of(response)
    # Benefit realisation: each target's verdict and sentence, as the API says them (nb).
    benefit = api(client, admin, f"/surveys/{survey['id']}/benefit-realisation", lang="nb")
    verdicts = {
        node.get("data-target"): (node.get("data-verdict"), node.text)
        for node in page.find_all("li", data_target=True)
    }
    assert set(verdicts) == {t["key"] for t in benefit["targets"]}
    for target in benefit["targets"]:
        verdict, text = verdicts[target["key"]]
        assert verdict == target["verdict"]
        assert target["text"] in text
    assert {t["verdict"] for t in benefit["targets"]} == {"reached", "not_reached", "withheld"}
    # The trend: both waves, every published figure of each, withheld where the API is.
    trend = api(client, admin, "/municipalities/4601/trends", instrument="omdommetrappen")
    table = page.find("table", class_="trend")
    assert table is not None
    rows = {r.get("data-figure"): r for r in table.find_all("tr", data_figure=True)}
    waves = [w["survey"] for w in trend["waves"]]
    assert waves == [world.baseline["id"], survey["id"]]
    for point in trend["points"]:
        cells = rows[point["key"]].find_all("td")
        cell = cells[waves.index(point["survey"])]
        if point["suppressed"]:
            assert shown_estimate(cell) is None and "Holdt tilbake" in cell.text
        else:
            assert shown_estimate(cell) == one(point["estimate"])
            if point["change"] is not None:
                change = f"{point['change']:+.1f}".replace(".", ",").replace("-", "−")
                assert change in cell.text, point["key"]
    # The change since the baseline on the figures themselves.
    scores = api(client, admin, f"/surveys/{survey['id']}/scores")
    base = next(f for f in scores["dimensions"] if f["key"] == "strukturer_systemer_okonomi")
    node = figures_on(response)["strukturer_systemer_okonomi"]
    change = f"{base['change']['estimate']:+.1f}".replace(".", ",")
    assert f"Endring siden 2025: {change}" in node.text
    assert base["change"]["significant"] and "klar økning" in node.text
    withheld = figures_on(response)["omdommeindeks"]
    assert "Endring siden 2025: Holdt tilbake" in withheld.text


def test_the_fieldwork_monitor_is_the_apis(client, admin, make_key, signed_in):
    world = staircase_world(client, admin)
    survey = world.follow_up
    fieldwork = api(client, admin, f"/surveys/{survey['id']}/fieldwork")
    response = signed_in(make_key("municipality", "4601")).get(f"/dashboard/surveys/{survey['id']}")
    section = page_of(response).by_id("fieldwork").parent
    facts = {
        dt.text: dd.text
        for dt, dd in zip(section.find_all("dt"), section.find_all("dd"), strict=True)
    }
    assert facts["Svar så langt"] == str(fieldwork["responses"])
    assert facts["Åpnet skjemaet"] == str(fieldwork["started"])
    assert f"Tallene bygger på {fieldwork['published']['n']} svar" in section.text
    # A closed survey has no fieldwork monitor.
    closed = signed_in(make_key("municipality", "4601")).get(
        f"/dashboard/surveys/{world.baseline['id']}"
    )
    assert page_of(closed).by_id("fieldwork") is None


def test_benchmarks_and_the_model_based_estimate_are_the_apis(client, admin, make_key, signed_in):
    surveys = dice_world(client, admin)
    bulk = api(client, admin, "/scores", instrument="samlingsevaluering", page_size=500)
    rows = {row["municipality"]: row for row in bulk["surveys"]}
    browser = signed_in(make_key("municipality", "4611"))
    response = browser.get(f"/dashboard/surveys/{surveys['4611']['id']}")
    table = page_of(response).find("table", class_="benchmarks")
    assert table is not None
    row = table.find("tr", data_figure="terningkast")
    entry = rows["4611"]["dimensions"][0]
    assert shown_estimate(row) == one(entry["estimate"])
    for group in ("national", "county", "size_class"):
        cell = row.find("td", data_group=group)
        bench = entry["benchmarks"][group]
        if bench["suppressed"]:
            assert "Holdt tilbake" in cell.text
        else:
            value = cell.find(data_benchmark=True)
            assert float(value.get("data-benchmark")) == one(bench["estimate"]), group
            verdict = {"clearly_above": "klart over", "clearly_below": "klart under"}
            assert verdict.get(bench["difference"]["verdict"], "kan ikke skilles fra") in cell.text
    assert not entry["benchmarks"]["national"]["suppressed"]
    model = row.find("td", data_group="model").find(data_model=True)
    assert float(model.get("data-model")) == one(entry["model_based"]["estimate"])


def test_the_national_view_ranks_on_the_model_based_estimate(client, admin, make_key, signed_in):
    dice_world(client, admin)
    bulk = api(client, admin, "/scores", instrument="samlingsevaluering", page_size=500)
    figures = {row["municipality"]: row["dimensions"][0] for row in bulk["surveys"]}
    browser = signed_in(make_key("dashboard"))
    response = browser.get("/dashboard/national", query_string={"instrument": "samlingsevaluering"})
    assert response.status_code == 200
    table = page_of(response).find("table", class_="ranking")
    rows = table.find("tbody").find_all("tr")
    order = [r.get("data-municipality") for r in rows]
    ranked = sorted(
        (m for m, f in figures.items() if not f["model_based"]["suppressed"]),
        key=lambda m: -figures[m]["model_based"]["estimate"],
    )
    assert order == ranked + [WITHHELD_MUNICIPALITY]
    assert set(order) == set(ROLLS)
    for row in rows:
        number = row.get("data-municipality")
        entry = figures[number]
        model = row.find("td", data_column="model")
        direct = row.find("td", data_column="direct")
        if number == WITHHELD_MUNICIPALITY:
            assert entry["suppressed"] and entry["model_based"]["suppressed"]
            assert shown_estimate(direct) is None and model.find(data_model=True) is None
            assert "Holdt tilbake" in direct.text and "Ikke rangert" in model.text
            assert row.find("td").text.startswith("–")
            continue
        assert float(model.find(data_model=True).get("data-model")) == one(
            entry["model_based"]["estimate"]
        )
        assert shown_estimate(direct) == one(entry["estimate"])
    # Ulvik's five scattered rolls make it second by its direct estimate; the model draws
    # its uncertain figure towards its size class, below Bømlo's, measured by 15.
    by_estimate = sorted(ranked, key=lambda m: -figures[m]["estimate"])
    assert by_estimate[1:3] == ["4620", "4613"] and order[1:3] == ["4613", "4620"]
    # Sorted by the measured score, the other way, and by name.
    by_direct = browser.get(
        "/dashboard/national",
        query_string={"instrument": "samlingsevaluering", "sort": "direct", "order": "desc"},
    )
    order = [r.get("data-municipality") for r in page_of(by_direct).find("tbody").find_all("tr")]
    assert order[:3] == ["4616", "4620", "4613"] and order[-1] == WITHHELD_MUNICIPALITY
    header = page_of(by_direct).find("th", aria_sort="descending")
    assert header is not None and "Målt skår" in header.text


def test_a_withheld_survey_says_so_and_shows_no_number(client, admin, make_key, signed_in):
    surveys = dice_world(client, admin)
    browser = signed_in(make_key("municipality", WITHHELD_MUNICIPALITY))
    overview = browser.get(f"/dashboard/municipalities/{WITHHELD_MUNICIPALITY}")
    card = page_of(overview).find("li", data_survey=str(surveys[WITHHELD_MUNICIPALITY]["id"]))
    assert "Ingen tall ennå: de vises når minst 5 har svart." in card.text
    assert card.find(data_estimate=True) is None
    response = browser.get(f"/dashboard/surveys/{surveys[WITHHELD_MUNICIPALITY]['id']}")
    node = figures_on(response)["terningkast"]
    assert shown_estimate(node) is None
    assert "Holdt tilbake (færre enn 5 svar) – ikke null" in node.text
    assert "0,0" not in text_of(response)
