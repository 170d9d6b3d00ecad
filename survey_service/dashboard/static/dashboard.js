/* The one script of the dashboard: a "Copy the code" button beside the embed snippet. The
   page works without it (the snippet is in a text field to select and copy by hand), so the
   button is hidden until this script shows it. */
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!field || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) status.textContent = button.getAttribute("data-copied");
      }, function () {
        field.focus();
        field.select();
      });
    });
  });
})();
