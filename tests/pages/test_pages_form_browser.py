"""The respondent's form in a real browser (Playwright driving Debian's Chromium): completed
with the keyboard alone in Nynorsk, on a 360 px phone in Bokmål, and checked by axe-core for
WCAG 2.1 A/AA violations in each language, in the error state and on the thank-you page.
Screenshots go to the test's folder, and to ``SURVEY_SCREENSHOTS_DIR`` when it is set (the
README's pictures). Runs once, on SQLite: the pages are the same on PostgreSQL."""

from __future__ import annotations

import pytest

from survey_service.pages.texts import TEXTS

from browser import axe_violations, playwright_chromium, save_screenshot, serve_app
from helpers import count_responses, open_survey

#: The button that sends the answers.
SEND = ".actions button[type=submit]"
#: The largest number of key presses a keyboard user needs for the longest form here.
MAX_KEYS = 400


@pytest.fixture
def browser_app(app):
    if app.config["SURVEY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the browser checks run once, on SQLite (the pages are the same)")
    return app


def _no_sideways_scroll(page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1] + 1, f"the page scrolls sideways: {widths}"


def _in_view(page, selector: str) -> None:
    box = page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return [r.top, r.bottom, innerHeight]; }""",
        selector,
    )
    assert 0 <= box[0] < box[2], f"{selector} is not in view: {box}"


def test_completed_with_the_keyboard_alone_in_nynorsk(browser_app, client, admin):
    survey = open_survey(client, admin)
    with serve_app(browser_app) as base, playwright_chromium() as browser:
        page = browser.new_page()
        page.goto(f"{base}/s/{survey['public_id']}?lang=nn")
        assert page.evaluate("document.documentElement.lang") == "nn"
        chosen: set[str] = set()
        for _ in range(MAX_KEYS):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                """() => { const e = document.activeElement;
                           return {tag: e.tagName, type: e.type || "", name: e.name || "",
                                   sends: !!e.closest(".actions"),
                                   visible: e.getBoundingClientRect().bottom > 0
                                            && e.getBoundingClientRect().top < innerHeight}; }"""
            )
            # Whatever has the focus is scrolled into view, so a sighted keyboard user sees it.
            assert focused["visible"], focused
            if focused["type"] == "radio" and focused["name"] not in chosen:
                # Arrow keys move within a group of radios and check the one they land on.
                page.keyboard.press("ArrowRight")
                chosen.add(focused["name"])
            elif focused["tag"] == "BUTTON" and focused["sends"]:
                # (The language switch's buttons send the form too, to another language.)
                page.keyboard.press("Enter")
                break
        else:
            pytest.fail(f"no submit button within {MAX_KEYS} presses of Tab")
        page.wait_for_selector(".receipt-code")
        assert page.evaluate("document.documentElement.lang") == "nn"
        assert page.inner_text("h1") == TEXTS["thanks_title"]["nn"]
        assert len(chosen) > 10
    assert count_responses(browser_app) == 1


def test_a_phone_in_bokmal(browser_app, client, admin, tmp_path):
    survey = open_survey(client, admin, title="Omdømmet til Bergen kommune 2026")
    with serve_app(browser_app) as base, playwright_chromium() as browser:
        phone = browser.new_context(
            viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
        )
        page = phone.new_page()
        page.goto(f"{base}/s/{survey['public_id']}?lang=nb")
        _no_sideways_scroll(page)
        shown = page.evaluate(
            "[...document.querySelectorAll('[hidden]')].filter(e => e.getClientRects().length)"
            ".map(e => e.outerHTML)"
        )
        assert shown == [], "elements marked hidden are shown"
        save_screenshot(page, "form-phone-nb", tmp_path, readme=True)

        page.tap(SEND)
        page.wait_for_selector(".error-summary")
        _no_sideways_scroll(page)
        _in_view(page, ".error-summary")
        # autofocus, which the browser applies a moment after the page has loaded
        page.wait_for_function("() => document.activeElement.className === 'error-summary'")
        assert page.inner_text(".error-summary h2") == TEXTS["error_summary_title"]["nb"]
        save_screenshot(page, "form-error-phone-nb", tmp_path, readme=True)

        # A thumb taps the label of each question's middle option.
        for group in page.query_selector_all("fieldset.question .options"):
            labels = group.query_selector_all("label")
            labels[len(labels) // 2].tap()
        page.tap(SEND)
        page.wait_for_selector(".receipt-code")
        _no_sideways_scroll(page)
        assert page.inner_text("h1") == TEXTS["thanks_title"]["nb"]
        save_screenshot(page, "thanks-phone-nb", tmp_path, readme=True)
    assert count_responses(browser_app) == 1


@pytest.mark.parametrize("language", ["nb", "nn", "en"])
def test_axe_finds_no_violation_on_the_form(browser_app, client, admin, tmp_path, language):
    survey = open_survey(client, admin)
    with serve_app(browser_app) as base, playwright_chromium() as browser:
        page = browser.new_page(viewport={"width": 1000, "height": 900})
        page.goto(f"{base}/s/{survey['public_id']}?lang={language}")
        assert axe_violations(page) == [], "the form"
        save_screenshot(page, f"form-{language}", tmp_path)

        page.click(SEND)
        page.wait_for_selector(".error-summary")
        assert axe_violations(page) == [], "the form with its error summary"

        for group in page.query_selector_all("fieldset.question .options"):
            group.query_selector_all("label")[0].click()
        page.click(SEND)
        page.wait_for_selector(".receipt-code")
        assert axe_violations(page) == [], "the thank-you page"
        save_screenshot(page, f"thanks-{language}", tmp_path)

        page.click("a[href*='withdraw']")
        page.wait_for_load_state()
        assert axe_violations(page) == [], "the withdrawal page"


def test_axe_finds_what_it_looks_for(tmp_path):
    """The check itself can fail: a page with an unlabelled field, an image without a text
    alternative and faint text has violations."""
    with playwright_chromium() as browser:
        page = browser.new_page()
        page.set_content(
            "<!doctype html><html lang='en'><title>Flawed</title><main><h1>Flawed</h1>"
            "<img src='data:,'><input id='nameless'>"
            "<p style='color:#bbb'>Grey on white, too faint for text.</p></main></html>"
        )
        found = {violation["id"] for violation in axe_violations(page)}
    assert {"image-alt", "label", "color-contrast"} <= found, found
