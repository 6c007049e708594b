// Starts ReDoc on the portal's ReDoc page (templates/drf_spectacular/redoc.html) without an
// inline script, which the Content-Security-Policy forbids: the options come from the
// page's JSON (REDOC_UI_SETTINGS), the schema's address from the container.
(function () {
  "use strict";
  var container = document.getElementById("redoc-container");
  var options = JSON.parse(document.getElementById("redoc-options").textContent);
  window.Redoc.init(container.dataset.specUrl, options, container);
})();
