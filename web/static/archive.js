"use strict";
// Upload report: "Xác nhận tiếp nhận…" opens the confirmation in the page instead of going to the confirmation page
// (which is where the link leads without JavaScript).
(function () {
  var open = document.getElementById("accept");
  var box = document.getElementById("confirm-accept");
  if (!open || !box) return;
  open.addEventListener("click", function (event) {
    event.preventDefault();
    box.hidden = false;
    open.setAttribute("aria-expanded", "true");
    box.focus();
  });
  var cancel = document.getElementById("accept-cancel");
  if (cancel) cancel.addEventListener("click", function (event) {
    event.preventDefault();
    box.hidden = true;
    open.setAttribute("aria-expanded", "false");
    open.focus();
  });
})();
