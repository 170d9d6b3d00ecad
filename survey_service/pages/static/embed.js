/* The municipality's page loads this with the embed snippet. For every
   iframe[data-survey-frame] of this service it
     - sizes the frame through the CSSOM (full width, no border), which a host page's
       Content-Security-Policy allows where it forbids style attributes (style-src 'self');
   and it listens to the frame's messages (static/frame.js):
     - "survey:resize": sets the iframe's height, so the form never scrolls inside a box;
     - "survey:show": scrolls the page so that a part of the frame (the error summary, the
       thank-you page with the receipt, a question) is in view, and with focus: true moves
       focus into the frame (which then focuses its message);
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
    styleFrames();
    return;
  }
  registry[origin] = true;

  function ours(frame) {
    try {
      return new URL(frame.src, document.baseURI).origin === origin;
    } catch (e) {
      return false;
    }
  }

  function styleFrame(frame) {
    var style = frame.style;
    if (style.width === "") {
      style.width = "100%";
    }
    style.maxWidth = "100%";
    style.border = "0";
    style.display = "block";
  }

  function styleFrames() {
    var frames = document.querySelectorAll("iframe[data-survey-frame]");
    for (var i = 0; i < frames.length; i++) {
      if (ours(frames[i])) {
        styleFrame(frames[i]);
      }
    }
  }

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

  function number(value) {
    var n = Number(value);
    return isFinite(n) && n >= 0 && n < 100000 ? n : 0;
  }

  // Room kept above what is shown: the page's scroll-padding-top (a sticky header) or 16 px.
  function margin() {
    var padding = parseFloat(getComputedStyle(document.documentElement).scrollPaddingTop);
    return isFinite(padding) && padding > 0 ? padding : 16;
  }

  function show(frame, data) {
    var view = window.innerHeight || document.documentElement.clientHeight;
    var top = frame.getBoundingClientRect().top + number(data.top);
    var bottom = top + number(data.height);
    var room = margin();
    // Scroll only when the part is not wholly in view; its top first if it is taller.
    if (top < room || bottom > view) {
      window.scrollBy(0, top - room);
    }
    if (data.focus === true) {
      frame.focus({ preventScroll: true });
      frame.contentWindow.postMessage({ type: "survey:focus", survey: data.survey }, origin);
    }
  }

  styleFrames();

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
    styleFrame(frame);
    if (data.type === "survey:resize") {
      var height = Number(data.height);
      if (isFinite(height) && height > 0 && height < 100000) {
        frame.style.height = Math.ceil(height) + "px";
      }
    } else if (data.type === "survey:show") {
      show(frame, data);
    } else if (data.type === "survey:completed") {
      var detail = { survey: data.survey };
      frame.dispatchEvent(new CustomEvent("survey:completed", { detail: detail }));
      document.dispatchEvent(new CustomEvent("survey:completed", { detail: detail }));
    }
  });
})();
