"""The front page and the dashboard in a real browser (Playwright driving Debian's Chromium),
signed in through the form as a person would: for a known data set the numbers a person reads
are the API's, and a withheld figure is shown as withheld; on the demo's data, at a phone's
360 px and on a wide screen, axe-core finds no WCAG 2.1 A/AA violation, no page scrolls
sideways (wide tables and charts scroll inside their own regions), headings are in order,
every field is labelled, the first Tab reaches the skip link, which then shows, and the charts
are named images. Screenshots of each page are written to the test's folder, and to
``SURVEY_SCREENSHOTS_DIR`` when it is set (the README's pictures:
``SURVEY_SCREENSHOTS_DIR=docs/screenshots``). Needs Chromium (skipped with the reason
without it)."""

from __future__ import annotations

import pytest
from dashboard.world import api, staircase_world
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import Survey
from survey_service.services.demo import load_demo

from browser import axe_violations, playwright_chromium, save_screenshot, serve_app

#: Run in the page: what axe-core leaves to a person with a phone, a keyboard or a screen
#: reader to meet (sideways scrolling, heading order), and a second look at the rest.
AUDIT = r"""
(() => {
  const problems = [];
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth > width + 1)
    problems.push("the page scrolls sideways: " + document.documentElement.scrollWidth);
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  const levels = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h => +h.tagName[1]);
  if (levels.filter(l => l === 1).length !== 1) problems.push("not one h1: " + levels);
  levels.forEach((l, i) => {
    if (i && l - levels[i - 1] > 1) problems.push("heading skips: " + levels);
  });
  const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
  const linear = c => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  const lum = ([r, g, b]) => 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  let texts = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    const hidden = "svg, .visually-hidden, [hidden], details:not([open]) > :not(summary)";
    if (!node.textContent.trim() || el.closest(hidden)) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.bottom < 0) continue;
    texts += 1;
    const size = parseFloat(style.fontSize), bold = +style.fontWeight >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const r = ratio(rgb(style.color).slice(0, 3), background(el));
    const text = node.textContent.trim().slice(0, 30);
    if (r < needed) problems.push(`contrast ${r.toFixed(2)} of "${text}"`);
  }
  document.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(f => {
    if (!f.labels || !f.labels.length) problems.push("unlabelled field " + (f.id || f.name));
  });
  document.querySelectorAll("svg[role=img]").forEach(svg => {
    const names = (svg.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
    const named = names.length && names.every(id => document.getElementById(id));
    if (!named) problems.push("unnamed chart");
  });
  document.querySelectorAll("a, button").forEach(el => {
    const named = el.textContent.trim() || el.getAttribute("aria-label");
    if (!named) problems.push("a control without a name");
  });
  return {problems, texts};
})()
"""


def audit(page, path: str) -> None:
    found = page.evaluate(AUDIT)
    assert found["texts"] > 5, path
    assert found["problems"] == [], (path, found["problems"])
    assert axe_violations(page) == [], path


def skip_link_shows(page) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur(), true")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "({cls: document.activeElement.className,"
        " top: document.activeElement.getBoundingClientRect().top})"
    )
    assert focused["cls"] == "skip-link" and focused["top"] >= 0, focused


def sign_in(page, base: str, key: str, *, language: str) -> None:
    page.goto(f"{base}/dashboard/sign-in?lang={language}")
    audit(page, "sign-in")
    page.fill("form.sign-in input[name=key]", key)
    page.click("form.sign-in button[type=submit]")
    page.wait_for_load_state()


@pytest.fixture
def browser_app(app):
    if app.config["SURVEY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the browser check runs once, on SQLite (the pages are the same)")
    return app


#: What a person reads of each figure: the shown value, or the head of a withheld one.
READ_FIGURES = """() => {
  const out = {};
  for (const item of document.querySelectorAll("[data-figure]")) {
    const key = item.getAttribute("data-figure");
    if (key in out) continue;
    const value = item.querySelector("[data-estimate]");
    out[key] = {value: value ? value.innerText : null, text: item.innerText};
  }
  return out;
}"""


def test_a_person_reads_the_api_figures_in_the_dashboard(browser_app, client, admin, make_key):
    world = staircase_world(client, admin)
    survey = world.follow_up
    scores = api(client, admin, f"/surveys/{survey['id']}/scores")
    bergen = make_key("municipality", "4601")
    with serve_app(browser_app) as base, playwright_chromium() as chrome:
        page = chrome.new_page(viewport={"width": 1200, "height": 900})
        sign_in(page, base, bergen, language="nb")
        page.goto(f"{base}/dashboard/surveys/{survey['id']}?lang=nb")
        audit(page, "survey")
        shown = page.evaluate(READ_FIGURES)
        text = page.inner_text("main")
    published = scores["dimensions"] + scores["indices"]
    assert {f["key"] for f in published} <= set(shown)
    assert [f["key"] for f in published if f["suppressed"]] == ["tillit", "omdommeindeks"]
    for entry in published:
        seen = shown[entry["key"]]
        if entry["suppressed"]:
            assert seen["value"] is None, entry["key"]
            assert "Holdt tilbake" in seen["text"], seen
        else:
            # One decimal, with a decimal comma, as a reader of Bokmål expects.
            assert seen["value"] == f"{entry['estimate']:.1f}".replace(".", ","), seen
    # The staircase: the level the API says.
    assert f"Trinn nådd: {scores['staircase']['level']} av 5" in text


def test_the_pages_on_a_phone_with_the_demo_data(browser_app, make_key, tmp_path):
    # The address the demo serves on, as its links would show it.
    browser_app.config["SURVEY_PUBLIC_URL"] = "http://127.0.0.1:8000"
    with browser_app.app_context():
        for _ in load_demo(
            db.session, progress=lambda _: None, min_n=browser_app.config["SURVEY_MIN_N"]
        ):
            pass
        db.session.commit()
        # A survey of Bergen's with a baseline: the demo's follow-up.
        follow_up = db.session.scalars(
            select(Survey).where(
                Survey.municipality_number == "4601", Survey.baseline_survey_id.is_not(None)
            )
        ).first()
        assert follow_up is not None
        survey_id = follow_up.id
    bergen = make_key("municipality", "4601")
    admin = make_key("admin")

    with serve_app(browser_app) as base, playwright_chromium() as chrome:
        phone = chrome.new_context(
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
        )
        page = phone.new_page()
        page.goto(f"{base}/?lang=nb")
        audit(page, "/")
        save_screenshot(page, "front-page", tmp_path, readme=True)
        skip_link_shows(page)
        sign_in(page, base, bergen, language="nb")
        assert page.evaluate("location.pathname") == "/dashboard/municipalities/4601"
        audit(page, "municipality")
        save_screenshot(page, "dashboard-municipality", tmp_path, readme=True)
        page.goto(f"{base}/dashboard/surveys/{survey_id}?lang=nb")
        audit(page, "survey")
        assert page.evaluate("document.querySelectorAll('svg[role=img]').length") >= 1
        save_screenshot(page, "dashboard-survey", tmp_path, readme=True)
        page.goto(f"{base}/dashboard/municipalities/4601/new-survey?lang=nn")
        audit(page, "new survey")

        wide = chrome.new_page(viewport={"width": 1200, "height": 900})
        sign_in(wide, base, admin, language="en")
        assert wide.evaluate("location.pathname") == "/dashboard/national"
        audit(wide, "national")
        save_screenshot(wide, "dashboard-national", tmp_path, readme=True)
        wide.goto(f"{base}/dashboard/surveys/{survey_id}?lang=en")
        audit(wide, "survey, wide")
        save_screenshot(wide, "dashboard-survey-wide", tmp_path, readme=True)


#: A page with one of each problem the audit looks for.
FLAWED = (
    "<!doctype html><html><body><h1>One</h1><h3>Skips a level</h3>"
    "<p style='color:#999'>Grey on white, 2.8:1, too faint for text.</p>"
    "<p>Enough text</p><p>to count</p><p>as a page</p><p>of text</p><p>here.</p>"
    "<input id='nameless'><a href='#'></a>"
    "<div style='width:2000px'>wider than the screen</div></body></html>"
)


def test_the_audit_finds_what_it_looks_for():
    with playwright_chromium() as chrome:
        page = chrome.new_page(viewport={"width": 360, "height": 740})
        page.set_content(FLAWED)
        problems = " | ".join(page.evaluate(AUDIT)["problems"])
    for expected in (
        "the page scrolls sideways",
        "no lang",
        "heading skips",
        "contrast 2.85",
        "unlabelled field nameless",
        "a control without a name",
    ):
        assert expected in problems, (expected, problems)
