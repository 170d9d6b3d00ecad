"""The front page and the dashboard in a real browser (Debian's Chromium, driven over the
DevTools pipe: tests/cdp.py), on the demo's data, at a phone's 360 px: signed in through the
form as a person would; no page scrolls sideways (wide tables and charts scroll inside their
own regions); one h1 and headings in order; every text's contrast against its background at
least 4.5:1 (3:1 for large text); every field labelled; the first Tab reaches the skip link,
which then shows; the charts are named images. Screenshots of each page are written to the
test's folder, and to ``SURVEY_SCREENSHOTS_DIR`` when it is set (the README's pictures:
``SURVEY_SCREENSHOTS_DIR=docs/screenshots``). Needs Chromium (skipped with the reason
without it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cdp import Page, browser
from sqlalchemy import select

from survey_service.db import db
from survey_service.models import Survey
from survey_service.services.demo import load_demo

from browser import chromium, serve_app

#: Run in the page: what a person with a phone, a keyboard or a screen reader would meet.
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


def audit(page: Page, path: str) -> None:
    found = page.evaluate(AUDIT)
    assert found["texts"] > 5, path
    assert found["problems"] == [], (path, found["problems"])


def skip_link_shows(page: Page) -> None:
    page.evaluate("document.activeElement && document.activeElement.blur(), true")
    for kind in ("keyDown", "keyUp"):
        page.send(
            "Input.dispatchKeyEvent",
            type=kind,
            key="Tab",
            code="Tab",
            windowsVirtualKeyCode=9,
        )
    focused = page.evaluate(
        "({cls: document.activeElement.className,"
        " top: document.activeElement.getBoundingClientRect().top})"
    )
    assert focused["cls"] == "skip-link" and focused["top"] >= 0, focused


def test_the_pages_on_a_phone_with_the_demo_data(app, make_key, tmp_path):
    if app.config["SURVEY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the browser check runs once, on SQLite (the pages are the same)")
    chromium()
    # The address the demo serves on, as its links would show it.
    app.config["SURVEY_PUBLIC_URL"] = "http://127.0.0.1:8000"
    with app.app_context():
        for _ in load_demo(db.session, progress=lambda _: None, min_n=app.config["SURVEY_MIN_N"]):
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
    out = [tmp_path]
    if os.environ.get("SURVEY_SCREENSHOTS_DIR"):
        out.append(Path(os.environ["SURVEY_SCREENSHOTS_DIR"]))
        out[-1].mkdir(parents=True, exist_ok=True)

    def shoot(page: Page, name: str) -> None:
        for folder in out:
            page.screenshot(folder / f"{name}.png")

    with serve_app(app) as base, browser(tmp_path / "profile") as chrome:
        page = chrome.new_page()
        page.viewport(360, 740)
        page.goto(f"{base}/?lang=nb")
        audit(page, "/")
        shoot(page, "front-page")
        skip_link_shows(page)
        page.goto(f"{base}/dashboard/sign-in?lang=nb")
        audit(page, "sign-in")
        page.submit("form.sign-in", {"key": bergen})
        assert page.evaluate("location.pathname") == "/dashboard/municipalities/4601"
        audit(page, "municipality")
        shoot(page, "dashboard-municipality")
        page.goto(f"{base}/dashboard/surveys/{survey_id}?lang=nb")
        audit(page, "survey")
        assert page.evaluate("document.querySelectorAll('svg[role=img]').length") >= 1
        shoot(page, "dashboard-survey")
        page.goto(f"{base}/dashboard/municipalities/4601/new-survey?lang=nn")
        audit(page, "new survey")

        wide = chrome.new_page()
        wide.viewport(1200, 900, mobile=False)
        wide.goto(f"{base}/dashboard/sign-in?lang=en")
        wide.submit("form.sign-in", {"key": admin})
        assert wide.evaluate("location.pathname") == "/dashboard/national"
        audit(wide, "national")
        shoot(wide, "dashboard-national")
        wide.goto(f"{base}/dashboard/surveys/{survey_id}?lang=en")
        audit(wide, "survey, wide")
        shoot(wide, "dashboard-survey-wide")


#: A page with one of each problem the audit looks for.
FLAWED = (
    "<!doctype html><html><body><h1>One</h1><h3>Skips a level</h3>"
    "<p style='color:#999'>Grey on white, 2.8:1, too faint for text.</p>"
    "<p>Enough text</p><p>to count</p><p>as a page</p><p>of text</p><p>here.</p>"
    "<input id='nameless'><a href='#'></a>"
    "<div style='width:2000px'>wider than the screen</div></body></html>"
)


def test_the_audit_finds_what_it_looks_for(tmp_path):
    chromium()
    with browser(tmp_path / "profile") as chrome:
        page = chrome.new_page()
        page.viewport(360, 740)
        page.goto("data:text/html;charset=utf-8," + FLAWED.replace("#", "%23"))
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
