/* Inside an embedding iframe: tell the host page how tall this page is, and when the survey
   is done. Loaded by the form and thank-you pages; does nothing on a page of its own.

   Messages go to window.parent with targetOrigin "*": the embedding origin is not known here
   (a survey may allow several), and the messages carry only the survey's public id and a
   height, never an answer or the receipt. */
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

  function postHeight() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height > 0 && height !== lastHeight) {
      lastHeight = height;
      window.parent.postMessage({ type: "survey:resize", survey: survey, height: height }, "*");
    }
  }

  postHeight();
  window.addEventListener("load", postHeight);
  if ("ResizeObserver" in window) {
    new ResizeObserver(postHeight).observe(root);
  } else {
    window.addEventListener("resize", postHeight);
  }
  if (root.getAttribute("data-completed") === "true") {
    window.parent.postMessage({ type: "survey:completed", survey: survey }, "*");
  }
})();
