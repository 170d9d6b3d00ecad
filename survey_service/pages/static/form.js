/* The form's own page.

   1. Sent once, stored once. The form carries its submission id; the service stores one
      response per id. After sending, the browser's Back button loads the form again (it is
      never cached) with a new id, but fills in the answers given before, so a second click
      on Send would store them twice. The id is therefore kept in this page's entry of the
      tab's history (history.state, which the browser keeps beside the answers it restores
      and forgets with the tab), and a form reached by Back or Forward sends it again: the
      service answers "already received" with the same receipt. A reload or a new visit
      gets a new id. Nothing is written to cookies or storage.

   2. A link of the error summary shows the whole question (legend, hint and error, from the
      fieldset's top) and puts focus on its answer (the checked one, else the first). Without
      this script the link goes to the fieldset itself, which shows the same and takes focus,
      so Tab reaches the answers; in an embedding frame static/frame.js also asks the host
      page to scroll there. */
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  var field = form ? form.elements.namedItem("submission_id") : null;
  if (!field || !window.history || !history.replaceState || !window.performance) {
    return;
  }
  var survey = document.documentElement.getAttribute("data-survey");
  var state = history.state && typeof history.state === "object" ? history.state : {};
  var entries = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
  var returned = entries.length > 0 && entries[0].type === "back_forward";
  if (returned && state.survey === survey && typeof state.submission === "string") {
    field.value = state.submission;
  } else {
    history.replaceState({ survey: survey, submission: field.value }, "");
  }
})();

(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary || !summary.addEventListener) {
    return;
  }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-first-input]") : null;
    if (!link) {
      return;
    }
    var question = document.getElementById((link.getAttribute("href") || "").slice(1));
    var answer = document.getElementById(link.getAttribute("data-first-input"));
    if (!question || !answer) {
      return;
    }
    event.preventDefault();
    answer = question.querySelector("input:checked") || answer;
    question.scrollIntoView({ block: "start" });
    question.dispatchEvent(new CustomEvent("survey:show", { bubbles: true }));
    answer.focus({ preventScroll: true });
  });
})();
