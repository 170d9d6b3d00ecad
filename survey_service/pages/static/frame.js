/* Inside an embedding iframe: tell the host page (static embed.js there) how tall this page
   is, what it must bring into view, and when the survey is done. Loaded by every page of a
   survey; does nothing on a page of its own.

   A page that answers a submission (html[data-after-submit]: the form again with an error
   summary, the thank-you page, a message) asks the host to bring its message (the element
   marked data-message, down to the one named by data-message-until) into view and to move
   focus into the frame; the message is focused here. A browser ignores autofocus in a frame
   of another site and keeps the host page scrolled where the submit button was, so without
   this the respondent would see neither.

   Messages go to window.parent with targetOrigin "*": the embedding origin is not known here
   (a survey may allow several), and the messages carry only the survey's public id, heights
   and positions, never an answer or the receipt. */
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var root = document.documentElement;
  var survey = root.getAttribute("data-survey");
  if (!survey) {
    return;
  }
  var lastHeight = 0;
  var focusTarget = null;

  function post(message) {
    message.survey = survey;
    window.parent.postMessage(message, "*");
  }

  function postHeight() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height > 0 && height !== lastHeight) {
      lastHeight = height;
      post({ type: "survey:resize", height: height });
    }
  }

  // Ask the host to show [top, bottom) of this page (page coordinates), and to focus the
  // frame when the respondent's focus is not in it already.
  function show(top, bottom, focus) {
    postHeight();
    var offset = window.pageYOffset || 0;
    post({
      type: "survey:show",
      top: Math.max(0, Math.floor(top + offset)),
      height: Math.max(0, Math.ceil(bottom - top)),
      focus: focus
    });
  }

  postHeight();
  window.addEventListener("load", postHeight);
  if ("ResizeObserver" in window) {
    new ResizeObserver(postHeight).observe(root);
  } else {
    window.addEventListener("resize", postHeight);
  }

  if (root.getAttribute("data-after-submit") === "true") {
    var message = document.querySelector("[data-message]");
    if (message) {
      var until = document.getElementById(message.getAttribute("data-message-until") || "");
      var top = message.getBoundingClientRect().top;
      var bottom = (until || message).getBoundingClientRect().bottom;
      focusTarget = message;
      show(top, bottom, true);
      message.focus({ preventScroll: true });
    }
  }

  // static/form.js: a link of the error summary shows a question (the host scrolls to it).
  document.addEventListener("survey:show", function (event) {
    var rect = event.target.getBoundingClientRect();
    show(rect.top, rect.bottom, false);
  });

  // The host page has focused this frame: now focus can move to the message.
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.source !== window.parent || !data || data.type !== "survey:focus") {
      return;
    }
    if (focusTarget && document.activeElement !== focusTarget) {
      focusTarget.focus({ preventScroll: true });
    }
  });

  if (root.getAttribute("data-completed") === "true") {
    post({ type: "survey:completed" });
  }
})();
