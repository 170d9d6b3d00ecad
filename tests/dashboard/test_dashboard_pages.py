"""The front page and the dashboard's pages as pages: languages, texts in nb, nn and en,
headers, nothing loaded from elsewhere, labelled fields, headings in order, and the colours'
contrast (WCAG 2.1 AA)."""

from __future__ import annotations

import re
from importlib import resources

import pytest
from dashboard.conftest import page_of, text_of

from survey_service.dashboard.texts import SAME_IN_NB_AND_NN, TEXTS
from survey_service.dashboard.web import CONTENT_SECURITY_POLICY

from helpers import open_survey


@pytest.mark.parametrize(
    ("query", "accept", "lang", "heading"),
    [
        ({}, None, "nb", "Målinger av omdømme og partssamarbeid"),
        ({}, "nn-NO,nn;q=0.9,en;q=0.5", "nn", "Målingar av omdøme og partssamarbeid"),
        ({}, "en-GB,en;q=0.9", "en", "Measuring reputation and tripartite cooperation"),
        ({}, "no,en;q=0.5", "nb", "Målinger av omdømme og partssamarbeid"),
        ({}, "de-DE,fr;q=0.8", "nb", "Målinger av omdømme og partssamarbeid"),
        ({"lang": "en"}, "nn-NO", "en", "Measuring reputation and tripartite cooperation"),
        ({"lang": "nn"}, "en", "nn", "Målingar av omdøme og partssamarbeid"),
    ],
)
def test_the_front_page_speaks_the_visitors_language(client, query, accept, lang, heading):
    headers = {"Accept-Language": accept} if accept else {}
    response = client.get("/", query_string=query, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = page_of(response)
    assert page.find("html").get("lang") == lang
    assert page.find("h1").text == heading
    links = {a.get("href") for a in page.find_all("a")}
    assert f"/dashboard/sign-in?lang={lang}" in links
    assert "/api/v1/docs" in links and f"/s/withdraw?lang={lang}" in links
    switch = page.find("nav", class_="language-switch")
    assert [a.get("lang") for a in switch.find_all("a")] == ["nb", "nn", "en"]
    assert switch.find("a", aria_current="true").get("lang") == lang
    assert "Accept-Language" in response.headers["Vary"]


def test_every_page_sends_the_strict_headers(client):
    for path in ("/", "/dashboard/sign-in"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
    css = client.get("/dashboard/assets/dashboard.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    css.close()


def test_the_dashboard_pages_in_each_language(client, admin, make_key, signed_in):
    survey = open_survey(client, admin, municipality="4601")
    browser = signed_in(make_key("municipality", "4601"))
    expected = {"nb": "Resultater", "nn": "Resultat", "en": "Results"}
    for lang, heading in expected.items():
        response = browser.get(f"/dashboard/surveys/{survey['id']}", query_string={"lang": lang})
        page = page_of(response)
        assert page.find("html").get("lang") == lang
        assert page.by_id("results").text == heading
        # Links keep the language.
        back = page.find("p", class_="breadcrumb").find("a")
        assert back.get("href") == f"/dashboard/municipalities/4601?lang={lang}"


def test_pages_load_nothing_from_elsewhere_and_label_every_field(
    client, admin, make_key, signed_in
):
    survey = open_survey(client, admin, municipality="4601")
    browser = signed_in(make_key("municipality", "4601"))
    pages = [
        client.get("/"),
        client.get("/dashboard/sign-in"),
        browser.get("/dashboard/municipalities/4601"),
        browser.get(f"/dashboard/surveys/{survey['id']}"),
        browser.get("/dashboard/municipalities/4601/new-survey"),
        signed_in(admin).get("/dashboard/national"),
    ]
    for response in pages:
        assert response.status_code == 200
        page = page_of(response)
        for node in page.find_all():
            for attribute in ("src", "href"):
                value = node.get(attribute) or ""
                if node.tag in ("script", "link", "img", "iframe") and value:
                    assert value.startswith("/"), value
            assert "style" not in node.attrs, node
        assert not page.find_all("script", src=False)  # no inline script
        assert not page.find_all("style")
        # Every form field has a label (hidden fields aside), every heading level in order.
        for field in page.find_all("input") + page.find_all("select") + page.find_all("textarea"):
            if field.get("type") == "hidden":
                continue
            assert page.find("label", for_=field.get("id")) is not None, field
        levels = [int(node.tag[1]) for node in page.iter() if re.fullmatch(r"h[1-6]", node.tag)]
        assert levels.count(1) == 1 and levels[0] == 1
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
        assert page.find("a", class_="skip-link").get("href") == "#main"
        assert page.by_id("main").tag == "main"


def test_every_text_exists_in_each_language_and_nynorsk_is_not_bokmal():
    for key, (nb, nn, en) in TEXTS.items():
        assert nb and nn and en, key
        assert re.findall(r"{\w+}", nb) == re.findall(r"{\w+}", nn), key
        assert sorted(re.findall(r"{\w+}", nb)) == sorted(re.findall(r"{\w+}", en)), key
        if key not in SAME_IN_NB_AND_NN:
            assert nb != nn, f"{key}: the Nynorsk is the Bokmål"
    assert SAME_IN_NB_AND_NN <= set(TEXTS)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """The WCAG 2.1 contrast ratio of two colours."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def test_the_stylesheets_colours_meet_their_stated_contrast():
    """Each pair in the stylesheet's header comment, recomputed: at least what it states,
    and at least 4.5:1 for text (3:1 for the bar, a graphic, and the focus ring)."""
    css = resources.files("survey_service.dashboard").joinpath("static/dashboard.css").read_text()
    header = css.split("*/", 1)[0]
    pairs = []
    for line in header.splitlines():
        foreground = re.search(r"(#[0-9a-f]{6}) on ", line)
        if foreground:
            for background, stated in re.findall(r"on (#[0-9a-f]{6})\s+([\d.]+):1", line):
                pairs.append((foreground.group(1), background, stated))
    assert len(pairs) >= 12
    for foreground, background, stated in pairs:
        ratio = contrast(foreground, background)
        assert ratio >= float(stated) - 0.05, (foreground, background, ratio)
        assert ratio >= 4.5 or foreground == "#4a6fa5", (foreground, background, ratio)
        assert ratio >= 3.0
    # Every colour the stylesheet uses is one of those checked (or a border, or decoration).
    used = set(re.findall(r"#[0-9a-f]{6}", css.split("*/", 1)[1]))
    checked = {c for pair in pairs for c in pair[:2]}
    decorative = {"#d0d5da", "#143a6b", "#8a1c15"}  # rules, a hover shade, the close button
    assert used - checked - decorative == set()
    assert contrast("#ffffff", "#143a6b") >= 4.5 and contrast("#ffffff", "#8a1c15") >= 4.5


def test_the_sign_in_page_explains_itself(client):
    text = text_of(client.get("/dashboard/sign-in", query_string={"lang": "nn"}))
    assert "Nøkkelen byrjar med svk_" in text
    assert "Du er logga inn i 60 minutt" in text
