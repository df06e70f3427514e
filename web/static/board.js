"use strict";
// Secretary and office pages (board, meeting, archive).
// - An error summary (or any element marked data-focus-on-load) receives focus when the page opens.
// - Upload report: "Xác nhận tiếp nhận…" opens the confirmation in the page instead of going to the confirmation
//   page (which is where the link leads without JavaScript).
(function () {
  var first = document.querySelector("[data-focus-on-load]");
  if (first) first.focus();

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
