"use strict";
// The document form: the task score total as the member types, and "add a row" in table fields.
(function () {
  var inputs = document.querySelectorAll("[data-score]"), out = document.getElementById("score-total");
  if (!out) return;
  function sum() {
    var total = 0, ok = true;
    inputs.forEach(function (i) { var v = parseFloat(i.value.replace(",", ".")); if (isNaN(v)) ok = false; else total += v; });
    out.textContent = ok ? String(Math.round(total * 100) / 100).replace(".", ",") : "…";
  }
  inputs.forEach(function (i) { i.addEventListener("input", sum); });
  sum();
})();
document.querySelectorAll(".rows .add-row").forEach(function (button) {
  button.addEventListener("click", function () {
    var body = button.parentNode.querySelector("tbody"), last = body.lastElementChild;
    if (!last) return;
    var row = last.cloneNode(true), index = body.children.length;
    row.querySelectorAll("[name]").forEach(function (el) {
      el.name = el.name.replace(/-(\d+)-/, "-" + index + "-"); el.id = el.name;
      if (el.type === "checkbox") el.checked = false; else el.value = "";
    });
    row.querySelectorAll(".error").forEach(function (e) { e.remove(); });
    row.firstElementChild.textContent = index + 1;
    body.appendChild(row);
  });
});
