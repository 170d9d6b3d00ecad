"""A real browser for end-to-end checks: Debian's Chromium, headless, with a page server for
"another site" (a municipality's page on an origin of its own) and the app on a real port.

:func:`playwright_chromium` drives that Chromium with Playwright for Python (its
``executable_path``: Playwright never downloads a browser here), and :func:`axe_violations`
runs axe-core, the WCAG rules engine, in a page (``axe.min.js`` ships inside the
``axe-playwright-python`` wheel, so nothing is fetched at test time).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--window-size=1200,4000",  # every iframe in view, so "lazy" frames load
]


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        reason = "Chromium is not installed (sh tests/install-chromium.sh)"
        # CI sets it: there the browser tests must run, not skip.
        if os.environ.get("SURVEY_REQUIRE_BROWSER"):
            pytest.fail(reason)
        pytest.skip(f"{reason} - browser check skipped")
    return found


@contextmanager
def serve_app(app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


class _LateHost:
    def __init__(self) -> None:
        self.html = ""
        self.port = 0


@contextmanager
def serve_host_page() -> Iterator[_LateHost]:
    """The host page server starts first (its origin goes into the survey), the page after."""
    host = _LateHost()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            body = host.html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    host.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield host
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@contextmanager
def playwright_chromium() -> Iterator[Browser]:
    """Debian's Chromium under Playwright, headless (skipped with the reason without it)."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    flags = [flag for flag in CHROMIUM_FLAGS if flag != "--headless"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=flags)
        try:
            yield browser
        finally:
            browser.close()


#: The WCAG 2.1 A and AA rules (axe-core's tags), which the pages promise to meet.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page: Page, *, tags: list[str] = WCAG_21_AA) -> list[dict[str, Any]]:
    """axe-core's violations in the page as ``{"id", "help", "targets"}``; empty when clean.

    ``page.evaluate`` runs outside the page's Content-Security-Policy, so the pages' own CSP
    (no inline scripts) stays in force for everything else.
    """
    source = files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    page.evaluate(source)
    found: list[dict[str, Any]] = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(result =>
            result.violations.map(v => ({
                id: v.id, help: v.help, targets: v.nodes.map(n => n.target.join(" ")),
            })))""",
        tags,
    )
    return found


def save_screenshot(
    page: Page, name: str, folder: Any, *, readme: bool = False, full_page: bool = False
) -> None:
    """``name``.png into the test's ``folder``; a picture the README shows (``readme``) also
    into ``SURVEY_SCREENSHOTS_DIR`` when it is set (``SURVEY_SCREENSHOTS_DIR=docs/screenshots``
    renews them)."""
    folders = [Path(folder)]
    if readme and os.environ.get("SURVEY_SCREENSHOTS_DIR"):
        folders.append(Path(os.environ["SURVEY_SCREENSHOTS_DIR"]))
    for target in folders:
        target.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target / f"{name}.png"), full_page=full_page)
