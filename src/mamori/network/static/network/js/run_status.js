// Reload a verification page while the run is queued or running, so its progress shows without a click.
(function () {
  "use strict";
  var box = document.querySelector(".run-status[data-refresh]");
  if (!box) { return; }
  var seconds = parseInt(box.getAttribute("data-refresh"), 10);
  if (seconds > 0) {
    window.setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
