"""The charts through the HTTP API: well-formed SVG whose numbers are the published scores,
withheld figures shown as withheld, the benchmark, the languages, escaping, access, and the
headers an SVG served on its own needs."""

from __future__ import annotations

import copy
import re

import pytest

from survey_service.instruments import bundled

from helpers import assert_error, bearer, dice_survey, open_survey, read_scores, submit

CHARTS = ("staircase", "dimensions")
SVG = "{http://www.w3.org/2000/svg}"
RESPONDENTS = 10  # of the staircase survey (conftest.py)


def texts(root) -> list[str]:
    return [node.text or "" for node in root.iter(f"{SVG}text")]


def group(root, key: str):
    return next(g for g in root.iter(f"{SVG}g") if g.get("data-key") == key)


def role(node, name: str) -> list[str]:
    """The texts in ``node`` with ``data-role`` ``name`` (estimate, interval, benchmark...)."""
    return [t.text or "" for t in node.iter(f"{SVG}text") if t.get("data-role") == name]


def shown(value: float, lang: str = "nb") -> str:
    """A figure as the chart writes it: one decimal, a comma in Norwegian, a true minus."""
    text = f"{abs(value):.1f}"
    text = text if lang == "en" else text.replace(".", ",")
    return f"−{text}" if round(value, 1) < 0 else text


def by_key(scores):
    return {f["key"]: f for f in scores["dimensions"] + scores["indices"]}


def description(root) -> str:
    return root.find(f"{SVG}desc").text


def test_the_staircase_shows_the_published_scores_step_by_step(charts, admin, staircase):
    published = by_key(staircase["scores"])
    root = charts.svg(admin, staircase["survey"], "staircase", lang="nb")
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    for key, state in staircase["states"].items():
        step = group(root, key)
        assert step.get("data-state") == state, key
        figure = published[key]
        if state == "withheld":
            assert figure["suppressed"] is True
            assert role(step, "withheld") == ["Holdt tilbake"]
            assert role(step, "estimate") == [] and role(step, "interval") == []
            assert "færre enn 5 svar" in texts(step)
            # Hatched, never a bar or a dot at zero.
            assert any("url(#" in (r.get("fill") or "") for r in step.iter(f"{SVG}rect"))
            assert not list(step.iter(f"{SVG}circle"))
            continue
        low, high = figure["confidence_interval"]["low"], figure["confidence_interval"]["high"]
        assert role(step, "estimate") == [shown(figure["estimate"])]
        assert role(step, "interval") == [f"95\u00a0% KI {shown(low)}–{shown(high)}"]
        status = {"reached": "Nådd", "not_reached": "Ikke nådd"}.get(state)
        assert status is None or role(step, "status") == [status]
        # Reached is marked with a drawn check mark, not by colour alone.
        assert bool(list(step.iter(f"{SVG}polyline"))) == (state == "reached")
    above = " ".join(role(group(root, "ekstern_profilering"), "status"))
    assert above == "Over terskelen, men et trinn under mangler"
    assert "Nådd: 2 av 5 trinn, opp til «Kvalitet»" in texts(root)


def test_the_description_says_every_figure_in_words(charts, admin, staircase):
    published = by_key(staircase["scores"])
    said = description(charts.svg(admin, staircase["survey"], "staircase", lang="nb"))
    assert said.startswith("Omdømmet i Bergen 2026 – Omdømmetrappen.")
    assert "Nådd: 2 av 5 trinn, opp til «Kvalitet»." in said
    for number, key in enumerate(staircase["states"], 1):
        figure = published[key]
        if figure["suppressed"]:
            assert f"Trinn {number} av 5, Tillit: holdt tilbake (færre enn 5 svar)" in said
            continue
        interval = figure["confidence_interval"]
        assert (
            f"{shown(figure['estimate'])} på en skala fra 0 til 100, 95\u00a0% konfidensintervall "
            f"fra {shown(interval['low'])} til {shown(interval['high'])}, {RESPONDENTS} svar."
        ) in said
    dimensions = description(charts.svg(admin, staircase["survey"], "dimensions", lang="en"))
    for figure in published.values():
        title = figure["title"]["en"]
        if figure["suppressed"]:
            said_of = f"{title}: withheld (fewer than 5 responses), no figure is shown."
        else:
            interval = figure["confidence_interval"]
            said_of = (
                f"{title}: {shown(figure['estimate'], 'en')} on a scale from 0 to 100, 95% "
                f"confidence interval from {shown(interval['low'], 'en')} to "
                f"{shown(interval['high'], 'en')}, {RESPONDENTS} responses."
            )
        assert said_of in dimensions


def test_the_dimension_chart_shows_every_dimension_and_index(charts, admin, staircase):
    published = by_key(staircase["scores"])
    root = charts.svg(admin, staircase["survey"], "dimensions", lang="en")
    rows = {g.get("data-key"): g for g in root.iter(f"{SVG}g") if g.get("data-key")}
    assert set(rows) == set(published) == {*staircase["states"], "omdommeindeks"}
    assert rows["omdommeindeks"].get("data-kind") == "indices"
    for key, figure in published.items():
        row = rows[key]
        if figure["suppressed"]:
            assert role(row, "withheld") == ["Withheld"]
            assert "fewer than 5 responses" in texts(row)
            assert role(row, "estimate") == [] and not list(row.iter(f"{SVG}circle"))
            continue
        interval = figure["confidence_interval"]
        assert role(row, "estimate") == [shown(figure["estimate"], "en")]
        assert role(row, "interval") == [
            f"95% CI {shown(interval['low'], 'en')}–{shown(interval['high'], 'en')}"
        ]
        assert len(list(row.iter(f"{SVG}circle"))) == 1  # the estimate's dot
    assert {"Dimensions", "Indices"} <= set(texts(root))


@pytest.mark.parametrize(
    "lang, words, decimal",
    [
        ("nb", ("Nådd", "Ikke nådd", "Holdt tilbake", "Trinn 1"), ","),
        ("nn", ("Nådd", "Ikkje nådd", "Halde tilbake", "Steg 1"), ","),
        ("en", ("Reached", "Not reached", "Withheld", "Step 1"), "."),
    ],
)
def test_labels_and_numbers_in_the_chosen_language(charts, admin, staircase, lang, words, decimal):
    root = charts.svg(admin, staircase["survey"], "staircase", lang=lang)
    assert root.get("lang") == lang
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert set(words) <= set(texts(root))
    estimate = role(group(root, "kvalitet"), "estimate")[0]
    assert estimate == f"87{decimal}5"
    response = charts.get(admin, staircase["survey"], "dimensions", lang=lang)
    assert response.headers["Content-Language"] == lang


def test_the_survey_language_is_the_default_and_others_are_refused(client, charts, admin, answers):
    survey = open_survey(client, admin, default_language="nn")
    for person in range(5):
        submit(client, survey, answers(person))
    for name in CHARTS:
        assert charts.svg(admin, survey, name).get("lang") == "nn"
        assert_error(charts.get(admin, survey, name, lang="de"), 422)


def test_the_benchmark_is_the_national_benchmark_of_scores(
    client, charts, admin, make_key, staircase, add_peers
):
    """The other municipalities' benchmark that `GET /scores` gives the charted survey."""
    no_peers = charts.svg(admin, staircase["survey"], "staircase", lang="nb")
    assert role(no_peers, "benchmark") == []
    assert "Gjennomsnittskommunen: ikke tilgjengelig." in description(no_peers)
    assert not list(no_peers.iter(f"{SVG}polygon"))  # no diamond, not even in the legend

    add_peers()
    body = client.get(
        "/api/v1/scores?instrument=omdommetrappen&audience=citizens&period=2026",
        headers=bearer(make_key("dashboard")),
    ).get_json()
    row = next(r for r in body["surveys"] if r["survey"] == staircase["survey"]["id"])
    benchmark = {f["key"]: f["benchmarks"]["national"] for f in row["dimensions"] + row["indices"]}
    # A municipality key sees its own survey's benchmark on the chart.
    own = make_key("municipality", "4601")
    assert sum(not benchmark[key]["suppressed"] for key in staircase["states"]) >= 3
    for name in CHARTS:
        root = charts.svg(own, staircase["survey"], name, lang="nb")
        said = description(root)
        for key in staircase["states"]:
            reference = benchmark[key]
            if reference["suppressed"]:
                # The survey's own figure is withheld: /scores compares it with nothing.
                assert role(group(root, key), "benchmark") == []
                continue
            assert reference["municipalities"] >= 3
            assert role(group(root, key), "benchmark") == [f"Snitt {shown(reference['estimate'])}"]
            interval = reference["confidence_interval"]
            assert (
                f"Gjennomsnittskommunen: {shown(reference['estimate'])}, 95\u00a0% "
                f"konfidensintervall fra {shown(interval['low'])} til {shown(interval['high'])}."
            ) in said
        assert "Gjennomsnittskommunen" in texts(root)  # the legend names the diamond


def test_a_survey_below_the_minimum_is_withheld_whole(client, charts, admin, answers):
    survey = open_survey(client, admin)
    for person in range(4):
        submit(client, survey, answers(person))
    root = charts.svg(admin, survey, "staircase", lang="en")
    assert "Fewer than 5 responses: no figures are shown." in texts(root)
    for key in bundled("omdommetrappen").staircase.steps:
        assert group(root, key).get("data-state") == "withheld"
        assert role(group(root, key), "estimate") == []
    dimensions = charts.svg(admin, survey, "dimensions", lang="en")
    assert not [t for t in dimensions.iter(f"{SVG}text") if t.get("data-role") == "estimate"]
    assert description(dimensions).count("withheld (fewer than 5 responses)") == 6


HOSTILE = (
    '</title><script>alert("x")</script><title>&amp; ]]> <!-- \'single\' "double" '
    "<svg onload=alert(1)> \u202e\u0007 bell\nand a new line"
)


def test_text_from_data_is_escaped(client, charts, admin, answers):
    definition = copy.deepcopy(bundled("omdommetrappen").to_dict())
    definition["version"] = "1.1.0"
    definition["title"] = {lang: f"{HOSTILE} ({lang})" for lang in ("nb", "nn", "en")}
    for dimension in definition["dimensions"]:
        dimension["title"] = {lang: HOSTILE for lang in ("nb", "nn", "en")}
    published = client.post("/api/v1/instruments", json=definition, headers=bearer(admin))
    assert published.status_code == 201, published.get_json()
    survey = open_survey(client, admin, title=HOSTILE[:200])
    for person in range(RESPONDENTS):
        submit(client, survey, answers(person))
    for name in CHARTS:
        response = charts.get(admin, survey, name, lang="nb")
        body = response.get_data(as_text=True)
        root = charts.svg(admin, survey, name, lang="nb")  # well-formed
        assert not [n for n in root.iter() if n.tag.endswith("script")]
        assert not [a for n in root.iter() for a in n.attrib if a.lower().startswith("on")]
        assert "&lt;/title&gt;&lt;script&gt;" in body and "\u0007" not in body
        # The text arrives as text: the title, whole (control character and line break
        # aside), and in the description.
        expected = HOSTILE.replace("\u0007", "").replace("\n", " ")
        title = root.find(f"{SVG}title").text
        assert title.startswith(expected.replace("  ", " ")[:60])
        assert "</script><title>&amp; ]]> <!--" in description(root)


def test_nothing_is_fetched_and_nothing_runs(charts, admin, staircase):
    allowed = {"svg", "title", "desc", "defs", "pattern", "g", "rect", "line", "circle"}
    allowed |= {"polygon", "polyline", "text"}
    for name in CHARTS:
        response = charts.get(admin, staircase["survey"], name)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        # Per key, revalidated at every poll (ETag): never kept by a shared cache.
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert response.headers["ETag"].startswith("W/")
        root = charts.svg(admin, staircase["survey"], name)
        for node in root.iter():
            assert node.tag.removeprefix(SVG) in allowed, node.tag
            for attribute, value in node.attrib.items():
                assert "href" not in attribute and "style" != attribute, attribute
                assert "url(" not in value or re.fullmatch(r"url\(#[\w-]+\)", value), value
                assert "http" not in value or attribute == "xmlns", (attribute, value)
        assert root.get("font-family").endswith("sans-serif")
        ids = [node.get("id") for node in root.iter() if node.get("id")]
        assert len(ids) == len(set(ids))
        assert all(i.startswith(f"survey-{staircase['survey']['id']}-{name}-") for i in ids)
        labelled = root.get("aria-labelledby").split()
        assert [root.find(f"{SVG}title").get("id"), root.find(f"{SVG}desc").get("id")] == labelled


def test_only_a_staircase_instrument_has_a_staircase_chart(client, charts, admin):
    survey = dice_survey(client, admin, title="Samling")
    for roll in (3, 4, 5, 6, 5):
        submit(client, survey, {"terningkast": roll})
    assert_error(
        charts.get(admin, survey, "staircase"),
        409,
        message_contains="'samlingsevaluering', which has no staircase",
    )
    root = charts.svg(admin, survey, "dimensions", lang="nb")
    estimate = read_scores(client, admin, survey)["dimensions"][0]["estimate"]
    assert role(group(root, "terningkast"), "estimate") == [shown(estimate)]


def test_a_gap_dimension_is_drawn_on_its_own_scale(client, charts, admin):
    survey = open_survey(client, admin, instrument="omdommepavirkere")
    for person in range(5):
        answers = {f"fo_{s}": 9 for s in ("barnehage", "skole", "omsorg", "teknisk")}
        answers |= {f"op_{s}": 4 + person % 2 for s in ("barnehage", "skole", "omsorg", "teknisk")}
        submit(client, survey, answers)
    gap = by_key(read_scores(client, admin, survey))["kvalitet_forventning_opplevelse"]
    assert gap["estimate"] < 0
    root = charts.svg(admin, survey, "dimensions", lang="nb")
    row = group(root, "kvalitet_forventning_opplevelse")
    assert role(row, "estimate") == [shown(gap["estimate"])]
    assert role(row, "estimate")[0].startswith("−")
    assert "Skår fra −100 til 100" in texts(row)
    assert {"−100", "0", "100"} <= set(texts(root))


def test_the_charts_answer_whom_the_scores_answer(client, charts, admin, make_key, staircase):
    survey = staircase["survey"]
    for key in (make_key("dashboard"), make_key("analyst"), make_key("municipality", "4601")):
        for name in CHARTS:
            assert charts.get(key, survey, name).status_code == 200
    other = make_key("municipality", "0301")
    missing = {"id": survey["id"] + 1000}
    for name in CHARTS:
        hidden = assert_error(charts.get(other, survey, name), 404)
        absent = assert_error(charts.get(other, missing, name), 404)
        assert hidden["message"].replace(str(survey["id"]), "N") == absent["message"].replace(
            str(missing["id"]), "N"
        )
        assert_error(client.get(f"/api/v1/surveys/{survey['id']}/charts/{name}.svg"), 401)


def contrast(one: str, other: str) -> float:
    """The WCAG 2 contrast ratio of two sRGB colours (#rrggbb)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_colours_meet_wcag_aa(charts, admin, staircase):
    from survey_service.services.charts import frame as f

    # Text on every ground it is written on: 4.5:1 (WCAG 1.4.3).
    for text in (f.INK, f.MUTED):
        for ground in (f.WHITE, f.BAND, f.ACCENT_LIGHT, f.HATCH_GROUND):
            assert contrast(text, ground) >= 4.5, (text, ground)
    for text in (f.WHITE, f.ON_ACCENT_MUTED):
        assert contrast(text, f.ACCENT) >= 4.5, text
    # Marks that carry meaning against their ground: 3:1 (WCAG 1.4.11); on a reached step
    # the diamond and the check have a white outline or ground.
    for mark in (f.ACCENT, f.BENCHMARK, f.INK, f.MUTED):
        for ground in (f.WHITE, f.BAND, f.ACCENT_LIGHT):
            assert contrast(mark, ground) >= 3, (mark, ground)
    assert contrast(f.WHITE, f.ACCENT) >= 3 and contrast(f.HATCH_LINE, f.HATCH_GROUND) >= 3
    # ... and the charts use no colour but these.
    for name in CHARTS:
        root = charts.svg(admin, staircase["survey"], name)
        used = {
            value
            for node in root.iter()
            for attribute, value in node.attrib.items()
            if attribute in ("fill", "stroke") and value != "none" and not value.startswith("url(")
        }
        assert used <= set(f.PALETTE), used - set(f.PALETTE)
