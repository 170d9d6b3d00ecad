/* The municipality's page loads this with the embed snippet. For every
   iframe[data-survey-frame] it listens to the survey service's messages and
     - "survey:resize": sets the iframe's height, so the form never scrolls inside a box;
     - "survey:completed": dispatches CustomEvent("survey:completed", {detail: {survey}}) on the
       iframe and on the document, for the host page to thank or move on.
   Only messages from the service's own origin (taken from this script's src) and from the
   window of the matching iframe are believed. Nothing here uses cookies or storage. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) {
    return;
  }
  var origin = new URL(script.src, document.baseURI).origin;
  // Two snippets on one page load this twice: listen once per service origin.
  var registry = (window.__surveyEmbed = window.__surveyEmbed || {});
  if (registry[origin]) {
    return;
  }
  registry[origin] = true;

  function frameFor(event, survey) {
    var frames = document.querySelectorAll("iframe[data-survey-frame]");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow === event.source && frame.getAttribute("data-survey-frame") === survey) {
        return frame;
      }
    }
    return null;
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== origin) {
      return;
    }
    var data = event.data;
    if (!data || typeof data !== "object" || typeof data.survey !== "string") {
      return;
    }
    var frame = frameFor(event, data.survey);
    if (!frame) {
      return;
    }
    if (data.type === "survey:resize") {
      var height = Number(data.height);
      if (isFinite(height) && height > 0 && height < 100000) {
        frame.style.height = Math.ceil(height) + "px";
      }
    } else if (data.type === "survey:completed") {
      var detail = { survey: data.survey };
      frame.dispatchEvent(new CustomEvent("survey:completed", { detail: detail }));
      document.dispatchEvent(new CustomEvent("survey:completed", { detail: detail }));
    }
  });
})();
