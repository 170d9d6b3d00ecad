"""In a real browser: a municipality's own front end on a survey's embed origin reads the
questionnaire and submits with ``fetch``; the same script against a survey that does not list
its origin is blocked by the browser. And the API docs page runs under its strict
Content-Security-Policy. Needs Chromium (skipped with the reason when it is not installed)."""

from __future__ import annotations

import json
import re
import subprocess
import uuid

import pytest

from browser import CHROMIUM_FLAGS, chromium, serve_app, serve_host_page
from helpers import answers_for, count_responses, dice_survey

FRONT_END = """<!doctype html><html><body><pre id="log">waiting</pre><script>
  // A custom front end: read the questionnaire, then submit; report what the browser let
  // the script see.
  async function run(publicId, submissionId) {
    try {
      var survey = await (await fetch(BASE + "/api/v1/public/surveys/" + publicId)).json();
      var sent = await fetch(BASE + "/api/v1/public/surveys/" + publicId + "/responses", {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify({submission_id: submissionId, answers: ANSWERS}),
      });
      var body = await sent.json();
      return {title: survey.title, status: sent.status, receipt: !!body.receipt};
    } catch (error) {
      return {blocked: String(error)};
    }
  }
  (async function () {
    var result = {allowed: await run(ALLOWED, IDS[0]), refused: await run(REFUSED, IDS[1])};
    document.getElementById("log").textContent = "RESULT" + JSON.stringify(result) + "END";
  })();
</script></body></html>"""


def dump_dom(browser: str, url: str, profile) -> str:
    result = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout + result.stderr


def only_on_sqlite(app) -> None:
    if app.config["SURVEY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the browser check runs once, on SQLite (the headers are the same)")


def test_a_front_end_on_the_embed_origin_may_submit_and_others_are_blocked(
    app, client, admin, tmp_path
):
    only_on_sqlite(app)
    browser = chromium()
    with serve_app(app) as base, serve_host_page() as host:
        origin = f"http://localhost:{host.port}"
        allowed = dice_survey(client, admin, embed_origins=[origin], title="Vår samling")
        refused = dice_survey(client, admin, embed_origins=["https://www.bergen.kommune.no"])
        constants = {
            "BASE": base,
            "ALLOWED": allowed["public_id"],
            "REFUSED": refused["public_id"],
            "IDS": [str(uuid.uuid4()), str(uuid.uuid4())],
            "ANSWERS": answers_for("samlingsevaluering"),
        }
        script = "".join(f"var {name} = {json.dumps(v)};" for name, v in constants.items())
        host.html = FRONT_END.replace("<script>", f"<script>{script}", 1)
        output = dump_dom(browser, f"{origin}/", tmp_path / "profile")
    match = re.search(r"RESULT(.*)END", output)
    assert match, output[-3000:]
    outcome = json.loads(match.group(1))
    assert outcome["allowed"] == {"title": "Vår samling", "status": 201, "receipt": True}
    assert "Failed to fetch" in outcome["refused"]["blocked"]
    # The preflight was refused, so the refused survey's POST was never sent.
    assert count_responses(app) == 1


def test_the_api_docs_page_runs_under_its_content_security_policy(app, tmp_path):
    only_on_sqlite(app)
    browser = chromium()
    with serve_app(app) as base:
        output = dump_dom(browser, f"{base}/api/v1/docs", tmp_path / "profile")
    # Swagger UI drew the operations from the OpenAPI document: the page's inline script
    # (allowed by its hash) and the bundled assets ran, and the document was fetched.
    assert "opblock" in output and "/public/surveys/" in output, output[-3000:]
