"""Embedding, end to end in a real browser: a municipality's page on another origin frames the
form, receives its height and its completion; a page on an origin the survey does not allow
gets nothing. Needs Chromium (skipped with the reason when it is not installed)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from survey_service.services.surveys import links

from browser import CHROMIUM_FLAGS, chromium, serve_app, serve_host_page
from helpers import answers_for, open_survey

HOST_SCRIPT = """
<pre id="log">waiting</pre>
<script>
  // The host page writes what it saw into its own DOM, which --dump-dom prints at the end
  // of the virtual time budget.
  var seen = [], completed = [];
  function report() {
    var heights = {};
    document.querySelectorAll("iframe[data-survey-frame]").forEach(function (frame) {
      heights[frame.id] = frame.style.height;
    });
    document.getElementById("log").textContent =
      "RESULT" + JSON.stringify({messages: seen, completed: completed, heights: heights}) + "END";
  }
  window.addEventListener("message", function (event) {
    var d = event.data || {};
    seen.push({origin: event.origin, type: d.type, survey: d.survey, height: d.height});
    setTimeout(report, 0);  // after embed.js has handled the same message
  });
  document.addEventListener("survey:completed", function (event) {
    completed.push({on: "document", survey: event.detail.survey});
    setTimeout(report, 0);
  });
  document.getElementById("done-frame").addEventListener("survey:completed", function (event) {
    completed.push({on: "iframe", survey: event.detail.survey});
  });
  // Post a filled form into the third frame at once (so the page's load event, after which
  // the DOM is dumped, waits for it): its thank-you page reports completion.
  document.getElementById("answers").submit();
  window.addEventListener("load", report);
</script>
"""


def test_embedding_in_a_browser(app, client, make_key, tmp_path):
    if app.config["SURVEY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the browser check runs once, on SQLite (the pages are the same)")
    browser = chromium()
    admin = make_key("admin")
    with serve_app(app) as base, serve_host_page() as host:
        host_origin = f"http://localhost:{host.port}"
        allowed = open_survey(client, admin, embed_origins=[host_origin])
        refused = open_survey(client, admin, embed_origins=["https://www.bergen.kommune.no"])

        def frame(survey: dict, frame_id: str) -> str:
            html = links(_Survey(survey), base)["embed_html"]
            return html.replace("<iframe ", f'<iframe id="{frame_id}" ', 1)

        fields = "".join(
            f'<input type="hidden" name="a.{k}" value="{v}">'
            for k, v in answers_for("omdommetrappen", 4).items()
        )
        host.html = (
            "<!doctype html><html><body><h1>Bergen kommune</h1>"
            + frame(allowed, "allowed")
            + frame(refused, "refused")
            + f'<iframe id="done-frame" name="done" data-survey-frame="{allowed["public_id"]}"'
            ' title="done"></iframe>'
            f'<form id="answers" method="post" target="done" '
            f'action="{base}/s/{allowed["public_id"]}?embed=1">'
            '<input type="hidden" name="submission_id" '
            'value="6f0b7c52-5d0e-4b8e-9a35-2f1f3e0c9a10">'
            f"{fields}</form>" + HOST_SCRIPT + "</body></html>"
        )
        result = subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp_path / 'profile'}",
                "--virtual-time-budget=5000",
                "--dump-dom",
                f"{host_origin}/",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    match = re.search(r"RESULT(.*)END", result.stdout)
    assert match, result.stdout[-2000:] + result.stderr[-2000:]
    outcome = json.loads(match.group(1))
    from_service = [m for m in outcome["messages"] if m["origin"] == base]

    # (a) the allowed origin frames the form; its height arrives and is applied
    resized = [m for m in from_service if m["type"] == "survey:resize"]
    assert {m["survey"] for m in resized} == {allowed["public_id"]}
    assert re.fullmatch(r"\d+px", outcome["heights"]["allowed"])
    assert int(outcome["heights"]["allowed"][:-2]) > 480
    # the thank-you page says "completed" (never the receipt) and embed.js relays it
    done = [m for m in from_service if m["type"] == "survey:completed"]
    assert [m["survey"] for m in done] == [allowed["public_id"]]
    assert all(set(m) <= {"origin", "type", "survey", "height"} for m in from_service)
    assert {(c["on"], c["survey"]) for c in outcome["completed"]} == {
        ("iframe", allowed["public_id"]),
        ("document", allowed["public_id"]),
    }
    # (b) the origin the survey does not allow gets no page: nothing runs in its frame
    assert outcome["heights"]["refused"] == ""
    response = client.get(f"/s/{refused['public_id']}?embed=1")
    assert (
        "frame-ancestors https://www.bergen.kommune.no"
        in response.headers["Content-Security-Policy"]
    )


class _Survey:
    """What ``links()`` reads of a survey, from the API's JSON."""

    def __init__(self, data: dict) -> None:
        self.public_id = data["public_id"]
        self.title = data["title"]
