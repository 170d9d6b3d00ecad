"""The charts in a real browser: laid out by Chromium, nothing leaves the picture, no two texts
overlap, every text of a step stays inside its step, and no label runs into the plot. Checked
in the fonts the charts ask for and again in DejaVu Sans, the widest common fallback. Needs
Chromium (skipped with the reason when it is not installed)."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from browser import CHROMIUM_FLAGS, chromium
from helpers import answers_for, open_survey, submit

MEASURE = """<script>
  // Every drawn element's box against its chart's; texts against each other, against the step
  // they belong to, and row labels against the plot. Writes what is wrong into the page.
  var problems = [], counted = 0;
  function box(node) { return node.getBoundingClientRect(); }
  function name(node) { return node.tagName + " '" + (node.textContent || "").slice(0, 40) + "'"; }
  function overlap(a, b) {
    return Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
      Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  }
  function inside(inner, outer) {
    return inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5 &&
      inner.top >= outer.top - 0.5 && inner.bottom <= outer.bottom + 0.5;
  }
  document.querySelectorAll("svg[role=img]").forEach(function (svg) {
    var chart = svg.id, frame = box(svg);
    svg.querySelectorAll("text, rect, line, circle, polygon, polyline").forEach(function (node) {
      if (node.closest("defs")) return;
      counted += 1;
      if (!inside(box(node), frame)) problems.push(chart + ": outside the picture: " + name(node));
    });
    var texts = Array.prototype.slice.call(svg.querySelectorAll("text"));
    texts.forEach(function (a, i) {
      if (box(a).width === 0) problems.push(chart + ": empty text " + name(a));
      texts.slice(i + 1).forEach(function (b) {
        if (overlap(box(a), box(b))) problems.push(chart + ": " + name(a) + " overlaps " + name(b));
      });
    });
    svg.querySelectorAll("g[data-state]").forEach(function (step) {
      var block = box(step.querySelector("rect"));
      step.querySelectorAll("text").forEach(function (t) {
        if (!inside(box(t), block)) problems.push(chart + ": out of its step: " + name(t));
      });
    });
    var plot = svg.querySelector("[data-role=plot]");
    svg.querySelectorAll("text[data-role=label]").forEach(function (t) {
      if (box(t).right > box(plot).left) problems.push(chart + ": label into the plot: " + name(t));
    });
    var values = svg.querySelectorAll("text[data-role=estimate], text[data-role=withheld]");
    values.forEach(function (t) {
      if (plot && box(t).left < box(plot).right) problems.push(chart + ": in plot: " + name(t));
    });
  });
  document.getElementById("log").textContent =
    "RESULT" + JSON.stringify({problems: problems, counted: counted}) + "END";
</script>"""

#: A title as long as a survey's may be, in words of a length that wraps.
LONG_TITLE = ("Innbyggerundersøkelse om omdømmet til kommunen og tjenestene " * 4)[:200]


def page(svgs: list[str], font: str | None) -> str:
    """The charts inline in one page (as a municipality would put them), in ``font`` if given."""
    charts = []
    for index, svg in enumerate(svgs):
        svg = re.sub(r"^<\?xml[^>]*\?>\s*", "", svg)
        svg = svg.replace("<svg ", f'<svg id="chart{index}" ', 1)
        if font is not None:
            svg = re.sub(r'font-family="[^"]*"', f'font-family="{font}"', svg, count=1)
        charts.append(f"<div>{svg}</div>")
    return (
        "<!doctype html><html><body style='margin:0'>"
        + "".join(charts)
        + '<pre id="log">waiting</pre>'
        + MEASURE
        + "</body></html>"
    )


def measure(browser: str, html: str, tmp_path, name: str) -> dict:
    path = tmp_path / f"{name}.html"
    path.write_text(html, encoding="utf-8")
    result = subprocess.run(
        [
            browser,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
    )
    found = re.search(r"RESULT(.*)END", result.stdout)
    assert found, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads(found.group(1))


def test_the_charts_fit_their_picture_in_a_browser(
    app, client, admin, charts, staircase, add_peers, answers, tmp_path
):
    if app.config["SURVEY_DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the browser check runs once, on SQLite (the charts are the same)")
    browser = chromium()
    add_peers()  # every step with a benchmark
    long = open_survey(client, admin, title=LONG_TITLE, municipality="5001", period="2026")
    gap = open_survey(client, admin, instrument="omdommepavirkere", title="Hva skaper omdømmet?")
    parts = open_survey(client, admin, instrument="partssamarbeid", audience="mixed")
    for person in range(10):
        submit(client, long, answers(person, shift=-1))
        submit(client, gap, answers_for("omdommepavirkere", 2 + person % 3))
        submit(client, parts, answers_for("partssamarbeid", 3 + person % 5))
    svgs = []
    for lang in ("nb", "nn", "en"):
        for survey, name in (
            (staircase["survey"], "staircase"),
            (staircase["survey"], "dimensions"),
            (long, "staircase"),
            (long, "dimensions"),
            (gap, "dimensions"),
            (parts, "dimensions"),
        ):
            response = charts.get(admin, survey, name, lang=lang)
            assert response.status_code == 200, response.get_data(as_text=True)
            svgs.append(response.get_data(as_text=True))
    for font in (None, "DejaVu Sans"):
        outcome = measure(browser, page(svgs, font), tmp_path, f"charts-{font}")
        assert outcome["counted"] > 40 * len(svgs)  # the script saw the charts
        assert outcome["problems"] == [], (font, outcome["problems"][:20])
