"""The embedded form on a municipality's page, in a real browser (Chromium via Playwright).

The host page is on another site (``localhost`` frames ``127.0.0.1``), long (10,000 px of the
municipality's own content above the form, more below), and in most tests under a strict
Content-Security-Policy of its own, as a municipality's page may well be. What a respondent
must see: after a refused submit the error summary, in view and focused; after a successful
one the thank-you page with the receipt, in view; a link of the error summary shows the
whole question; the frame as wide as the page; no WCAG 2.1 A/AA violation that axe-core
finds. Needs Chromium (skipped with the reason when it is not installed); runs on SQLite only
(the pages are the same on every database).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from survey_service.services.surveys import links

from browser import axe_violations, playwright_chromium, serve_app, serve_host_page
from helpers import count_responses, open_survey

VIEWPORT = {"width": 1000, "height": 800}
PHONE = {"width": 360, "height": 640}
ABOVE, BELOW = 10_000, 3_000  # px of the host's own content around the frame


@pytest.fixture(autouse=True)
def _sqlite_only(app):
    if app.config["SURVEY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the browser checks run once, on SQLite (the pages are the same)")


@dataclass
class Embedded:
    """A host page with one survey's frame, open in the browser."""

    page: Any  # playwright Page
    base: str  # the service's origin
    host: str  # the host page's origin
    survey: dict[str, Any]

    @property
    def frame(self) -> Any:
        for _ in range(50):
            frame = self.page.frame(url=lambda url: url.startswith(self.base + "/s/"))
            if frame is not None:
                return frame
            self.page.wait_for_timeout(100)
        raise AssertionError([f.url for f in self.page.frames])

    def settle(self) -> None:
        """Wait until the frame's page has loaded and its messages have been handled."""
        self.frame.wait_for_load_state("load")
        self.page.wait_for_timeout(400)

    def in_viewport(self, selector: str) -> dict[str, float]:
        """Where ``selector`` of the frame's page is, relative to the host's viewport."""
        frame_top = self.page.evaluate(
            "() => document.querySelector('iframe[data-survey-frame]').getBoundingClientRect().top"
        )
        box = self.frame.evaluate(
            """s => { const r = document.querySelector(s).getBoundingClientRect();
                      return {top: r.top, bottom: r.bottom}; }""",
            selector,
        )
        return {
            "top": frame_top + box["top"],
            "bottom": frame_top + box["bottom"],
            "viewport": self.page.evaluate("() => innerHeight"),
        }

    def assert_in_view(self, selector: str) -> dict[str, float]:
        where = self.in_viewport(selector)
        assert 0 <= where["top"] and where["bottom"] <= where["viewport"], (selector, where)
        return where

    def focused_in_frame(self) -> str:
        host_focus = self.page.evaluate("() => document.activeElement.tagName")
        if host_focus != "IFRAME":
            return f"host:{host_focus}"
        return str(self.frame.evaluate("() => document.activeElement.id || 'no id'"))

    def submit(self) -> None:
        self.frame.locator("#survey-form .actions button[type=submit]").click()
        self.settle()


def strict_csp(base: str) -> str:
    return f"default-src 'self'; style-src 'self'; script-src 'self' {base}; frame-src {base}"


def host_html(snippet: str, *, csp: str | None) -> str:
    """A municipality's page: its own content, without a single inline style or script (a
    canvas's height attribute makes the long page), and the snippet as given."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{csp}">' if csp else ""
    return (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
        f"<title>Bergen kommune</title>{meta}</head><body>"
        "<header><h1>Bergen kommune</h1></header><main>"
        f'<canvas width="10" height="{ABOVE}"></canvas>'
        f"{snippet}"
        f'<canvas width="10" height="{BELOW}"></canvas>'
        "</main></body></html>"
    )


class _Survey:
    """What ``links()`` reads of a survey, from the API's JSON."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.public_id = data["public_id"]
        self.title = data["title"]


@contextmanager
def embedded(
    app,
    client,
    admin,
    *,
    csp: bool = True,
    allowed: bool = True,
    viewport: dict[str, int] = VIEWPORT,
    **survey: Any,
) -> Iterator[Embedded]:
    with serve_app(app) as base, serve_host_page() as host:
        host_origin = f"http://localhost:{host.port}"
        origins = [host_origin] if allowed else ["https://www.bergen.kommune.no"]
        fields = {"instrument": "partssamarbeid", "audience": "employees", **survey}
        created = open_survey(client, admin, embed_origins=origins, **fields)
        snippet = links(_Survey(created), base)["embed_html"]
        host.html = host_html(snippet, csp=strict_csp(base) if csp else None)
        with playwright_chromium() as browser:
            page = browser.new_page(viewport=viewport)
            page.goto(f"{host_origin}/")
            # The respondent scrolls down to the form ("lazy" frames load when near the view).
            page.locator("iframe[data-survey-frame]").scroll_into_view_if_needed()
            result = Embedded(page, base, host_origin, created)
            if allowed:
                result.frame.locator("h1").wait_for()
                result.settle()
            yield result


def answer_everything_but_the_role(frame: Any) -> None:
    frame.evaluate(
        """() => { for (const q of document.querySelectorAll('fieldset.question')) {
            if (q.id === 'r-role') continue;
            const r = q.querySelector('input[type=radio][value="4"]')
                   || q.querySelector('input[type=radio]');
            if (r) r.checked = true; } }"""
    )


def test_a_refused_submit_shows_the_error_summary_focused(app, client, admin):
    with embedded(app, client, admin) as e:
        assert axe_violations(e.frame) == []
        answer_everything_but_the_role(e.frame)
        e.submit()  # the submit button is at the bottom of an 11,000 px frame

        # The refusal is a new page: wait for it, however long the server took to answer.
        e.frame.locator("#error-summary").wait_for(state="visible", timeout=10_000)
        e.settle()
        where = e.assert_in_view("#error-summary")
        assert e.focused_in_frame() == "error-summary"
        assert axe_violations(e.frame) == []
        print(f"error summary: top {where['top']:.0f} px of a {where['viewport']} px viewport")

        # The summary's link shows the whole question (its legend, from the fieldset's top)
        # and puts focus on its first answer.
        e.frame.locator("#error-summary a[href='#r-role']").click()
        e.page.wait_for_timeout(400)
        question = e.assert_in_view("#r-role")
        legend = e.in_viewport("#r-role legend")
        assert legend["top"] >= 0
        assert e.focused_in_frame() == "r-role-0"
        print(f"question after the link: top {question['top']:.0f} px")
        assert count_responses(app) == 0


@pytest.mark.parametrize("viewport", [VIEWPORT, PHONE], ids=["desktop", "phone"])
def test_a_successful_submit_shows_the_thank_you_page_with_the_receipt(
    app, client, admin, viewport
):
    with embedded(app, client, admin, viewport=viewport) as e:
        e.page.evaluate(
            """() => { window.completed = []; window.messages = [];
                const frame = document.querySelector('iframe[data-survey-frame]');
                document.addEventListener('survey:completed',
                    ev => window.completed.push(['document', ev.detail.survey]));
                frame.addEventListener('survey:completed',
                    ev => window.completed.push(['iframe', ev.detail.survey]));
                window.addEventListener('message', ev => window.messages.push(ev.data)); }"""
        )
        answer_everything_but_the_role(e.frame)
        e.frame.check("#r-role-5")
        before = e.in_viewport("#survey-form .actions button")
        e.submit()

        receipt = e.frame.locator(".receipt-code").text_content()
        thanks = e.assert_in_view("#thanks-title")
        e.assert_in_view(".receipt-code")
        assert e.focused_in_frame() == "thanks-title"
        public_id = e.survey["public_id"]
        assert e.page.evaluate("() => window.completed") == [
            ["iframe", public_id],
            ["document", public_id],
        ]
        # The frame tells the host what it shows and where, never an answer or the receipt.
        messages = e.page.evaluate("() => window.messages")
        assert {m["type"] for m in messages} >= {"survey:resize", "survey:show"}
        assert all(m["survey"] == public_id for m in messages)
        assert all(set(m) <= {"type", "survey", "height", "top", "focus"} for m in messages)
        assert receipt not in str(messages)
        assert axe_violations(e.frame) == []
        print(f"submit button: {before['top']:.0f} px; thank-you page: {thanks['top']:.0f} px")
        assert count_responses(app) == 1

        # Back, and send the same form again: "already received", the same receipt, once.
        e.page.evaluate("() => history.back()")
        e.frame.locator("#survey-form").wait_for()
        e.settle()
        assert e.frame.is_checked("#r-role-5")  # the browser has kept the answers
        e.submit()
        assert e.frame.locator(".receipt-code").text_content() == receipt
        assert "already" in e.frame.locator("main").text_content() or "allerede" in (
            e.frame.locator("main").text_content()
        )
        assert count_responses(app) == 1


def test_under_a_strict_host_csp_the_frame_is_as_wide_as_the_page(app, client, admin):
    with embedded(app, client, admin, csp=True) as e:
        box = e.page.evaluate(
            """() => { const r = document.querySelector('iframe').getBoundingClientRect();
                       return {width: r.width, height: r.height}; }"""
        )
        content = e.page.evaluate("() => document.querySelector('main').clientWidth")
        assert box["width"] == content > 900, (box, content)
        assert box["height"] > 5000  # sized to the form by embed.js: no box that scrolls


def test_a_frame_without_embed_js_still_has_the_full_width(app, client, admin):
    """The snippet's own attributes size the frame where the host page blocks the script."""
    with serve_app(app) as base, serve_host_page() as host:
        host_origin = f"http://localhost:{host.port}"
        created = open_survey(client, admin, embed_origins=[host_origin])
        snippet = links(_Survey(created), base)["embed_html"]
        iframe_only = snippet[: snippet.index("<script")]
        host.html = host_html(iframe_only, csp=f"default-src 'self'; frame-src {base}")
        with playwright_chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(f"{host_origin}/")
            box = page.evaluate(
                """() => { const r = document.querySelector('iframe').getBoundingClientRect();
                           return {width: r.width, height: r.height}; }"""
            )
    assert box["width"] > 900 and box["height"] >= 900, box


def test_an_origin_the_survey_does_not_allow_gets_no_form(app, client, admin):
    with embedded(app, client, admin, allowed=False) as e:
        e.page.wait_for_timeout(800)
        frame = e.page.frames[1]
        # The browser refuses the framing (frame-ancestors): nothing of the form runs in it.
        assert frame.evaluate("() => document.querySelector('#survey-form') === null")
        height = e.page.evaluate(
            "() => document.querySelector('iframe[data-survey-frame]').style.height"
        )
        assert height == ""  # no message came from a form


def test_the_language_switch_keeps_the_answers_and_enter_still_sends(app, client, admin):
    with embedded(app, client, admin, instrument="omdommetrappen", audience="citizens") as e:
        frame = e.frame
        frame.locator("fieldset.question input[type=radio]").first.check()
        frame.fill("#r-area-input", "Årstad")
        frame.get_by_role("button", name="Nynorsk").click()
        e.settle()
        frame = e.frame
        assert frame.evaluate("() => document.documentElement.lang") == "nn"
        assert frame.locator("fieldset.question input[type=radio]").first.is_checked()
        assert frame.input_value("#r-area-input") == "Årstad"
        assert axe_violations(frame) == []

        # Enter in a field sends the form (the hidden first submit button), in Nynorsk.
        frame.press("#r-area-input", "Enter")
        e.settle()
        assert e.frame.locator("#thanks-title").text_content() == "Takk for svaret ditt!"
        assert e.frame.evaluate("() => document.documentElement.lang") == "nn"
        e.assert_in_view("#thanks-title")
        assert count_responses(app) == 1


def test_without_javascript_an_error_link_shows_the_whole_question(app, client, admin):
    """On the form's own page, scripts off: the link goes to the question's fieldset, which
    is shown from its legend and takes focus (Tab then reaches its answers)."""
    survey = open_survey(client, admin, instrument="partssamarbeid", audience="employees")
    with serve_app(app) as base, playwright_chromium() as browser:
        context = browser.new_context(java_script_enabled=False, viewport=VIEWPORT)
        page = context.new_page()
        page.goto(f"{base}/s/{survey['public_id']}?lang=en")
        answer_everything_but_the_role(page)  # evaluate runs even with the page's scripts off
        page.locator("#survey-form .actions button").click()
        # autofocus, which the browser applies a moment after the page has loaded
        page.wait_for_function("() => document.activeElement.id === 'error-summary'")
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        page.locator("#error-summary a[href='#r-role']").click()
        legend = page.evaluate(
            "() => document.querySelector('#r-role legend').getBoundingClientRect().top"
        )
        assert 0 <= legend < VIEWPORT["height"] / 2, legend
        assert page.evaluate("() => document.activeElement.id") == "r-role"
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.id") == "r-role-0"
        context.close()
