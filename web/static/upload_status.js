"use strict";
// An upload's page while its pages are read: polls the status, shows pages read / total, and reloads the page
// (which then shows the report, or why the upload was refused) once the reading has ended.
(function () {
var box = document.getElementById("upload-progress");
if (!box) return;
function show(status) {
  var bar = document.getElementById("pages-bar");
  bar.max = status.progress.total || 1; bar.value = status.progress.done;
  document.getElementById("pages-done").textContent = status.progress.done;
  document.getElementById("pages-total").textContent = status.progress.total;
  if (status.status !== "processing") {
    document.getElementById("pages-text").textContent = status.status === "done" ?
      "Đã đọc xong; đang mở kết quả đối chiếu…" : "Không nhận lần tải lên này; đang mở lý do…";
    window.location.reload();
    return false;
  }
  return true;
}
function poll() {
  fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
    .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
    .then(function (status) { if (show(status)) setTimeout(poll, 700); })
    .catch(function () { setTimeout(poll, 2500); });
}
setTimeout(poll, 300);
})();
