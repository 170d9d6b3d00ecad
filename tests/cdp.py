"""Debian's Chromium driven through the DevTools protocol over a pipe (stdlib only).

``--remote-debugging-pipe`` makes Chromium read commands from its file descriptor 3 and
write answers and events to 4, each a JSON message ended by a NUL byte: no port, no
WebSocket library, nothing downloaded. Enough for the dashboard's checks: open a page,
fill and submit a form, run a script in the page (``Runtime.evaluate`` is not subject to
the page's Content-Security-Policy), set the viewport, and take a screenshot.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import queue
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from browser import CHROMIUM_FLAGS, chromium

TIMEOUT = 30.0


class BrowserError(AssertionError):
    pass


class Page:
    """One tab, attached with its own session id."""

    def __init__(self, browser: Browser, session_id: str) -> None:
        self.browser, self.session_id = browser, session_id

    def send(self, method: str, **params: Any) -> dict[str, Any]:
        return self.browser.send(method, session_id=self.session_id, **params)

    def viewport(self, width: int, height: int, *, mobile: bool = True) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )

    def goto(self, url: str) -> None:
        self.browser.drain()
        self.send("Page.navigate", url=url)
        self.wait_loaded()

    def wait_loaded(self) -> None:
        self.browser.wait_event("Page.loadEventFired", self.session_id)
        # A page's deferred script and layout settle within the same task loop.
        self.evaluate("new Promise(r => requestAnimationFrame(() => r(true)))")

    def evaluate(self, expression: str) -> Any:
        answer = self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in answer:
            raise BrowserError(f"{expression[:80]}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def submit(self, form_selector: str, values: dict[str, str]) -> None:
        """Fill ``values`` (by field name) into the form and submit it as a user would."""
        self.browser.drain()
        script = (
            f"(() => {{ const form = document.querySelector({json.dumps(form_selector)});"
            f" const values = {json.dumps(values)};"
            " for (const [name, value] of Object.entries(values))"
            " form.elements[name].value = value;"
            " form.requestSubmit(); return true; })()"
        )
        self.evaluate(script)
        self.wait_loaded()

    def screenshot(self, path: Path, *, full_page: bool = True) -> None:
        params: dict[str, Any] = {"format": "png", "captureBeyondViewport": full_page}
        if full_page:
            size = self.evaluate(
                "({w: document.documentElement.scrollWidth,"
                " h: document.documentElement.scrollHeight})"
            )
            params["clip"] = {"x": 0, "y": 0, "width": size["w"], "height": size["h"], "scale": 1}
        data = self.send("Page.captureScreenshot", **params)["data"]
        path.write_bytes(base64.b64decode(data))


class Browser:
    def __init__(self, profile: Path) -> None:
        ours_read, theirs_write = _high_pipe()
        theirs_read, ours_write = _high_pipe()

        def child_fds() -> None:
            os.dup2(theirs_read, 3)
            os.dup2(theirs_write, 4)

        flags = [f for f in CHROMIUM_FLAGS if not f.startswith("--window-size")]
        self.process = subprocess.Popen(
            [chromium(), *flags, "--remote-debugging-pipe", f"--user-data-dir={profile}"],
            pass_fds=(3, 4),
            preexec_fn=child_fds,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(theirs_read)
        os.close(theirs_write)
        self._write = ours_write
        self._read = ours_read
        self._next = 0
        self._answers: dict[int, dict[str, Any]] = {}
        self._events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = os.read(self._read, 1 << 16)
            except OSError:
                chunk = b""
            if not chunk:
                with self._lock:
                    self._lock.notify_all()
                return
            buffer += chunk
            while b"\0" in buffer:
                raw, buffer = buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "id" in message:
                    with self._lock:
                        self._answers[message["id"]] = message
                        self._lock.notify_all()
                else:
                    self._events.put(message)

    def send(self, method: str, *, session_id: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        number = self._next
        message: dict[str, Any] = {"id": number, "method": method, "params": params}
        if session_id is not None:
            message["sessionId"] = session_id
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        with self._lock:
            while number not in self._answers:
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise BrowserError(f"no answer to {method}")
                self._lock.wait(left)
            answer = self._answers.pop(number)
        if "error" in answer:
            raise BrowserError(f"{method}: {answer['error']}")
        return dict(answer.get("result", {}))

    def drain(self) -> None:
        while not self._events.empty():
            self._events.get_nowait()

    def wait_event(self, method: str, session_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + TIMEOUT
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError(f"no {method}")
            try:
                event = self._events.get(timeout=left)
            except queue.Empty as exc:
                raise BrowserError(f"no {method}") from exc
            if event.get("method") == method and event.get("sessionId") == session_id:
                return event

    def new_page(self) -> Page:
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session_id = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        page = Page(self, session_id)
        page.send("Page.enable")
        page.send("Runtime.enable")
        return page

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except BrowserError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._write)
        self._reader.join(5)
        os.close(self._read)


@contextmanager
def browser(profile: Path) -> Iterator[Browser]:
    opened = Browser(profile)
    try:
        yield opened
    finally:
        opened.close()


def _high_pipe() -> tuple[int, int]:
    """A pipe whose ends are numbered 10 or above, so that moving the child's ends to 3 and
    4 cannot overwrite one of them."""
    low_read, low_write = os.pipe()
    read = fcntl.fcntl(low_read, fcntl.F_DUPFD_CLOEXEC, 10)
    write = fcntl.fcntl(low_write, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(low_read)
    os.close(low_write)
    return read, write
